"""The microphone: a PortAudio input stream whose callback only hands blocks to a queue.

Everything else (writing to disk, voice activity, transcription, the display) reads from that
queue on the consumer's side: one thread hand-off, nothing slow in the audio callback.
Blocks come out as 16 kHz mono float32 whatever the device does natively: 16 kHz is asked
for first (sound servers resample well); if the device refuses, it is opened at its native
rate and converted with FFmpeg's resampler (through PyAV).

A stream whose device disappears (unplugged, sound server gone) raises nothing in PortAudio:
callbacks simply stop. :meth:`Microphone.stalled_for` exposes that so callers can react.
"""

from __future__ import annotations

import queue
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from audio.clip import SAMPLE_RATE
from audio.devices import Device, find_device, sounddevice_module
from audio.errors import DeviceError

BLOCK_S = 0.032  # one Silero frame per block keeps latency and overhead low


@dataclass(frozen=True)
class Block:
    samples: np.ndarray  # 16 kHz mono float32
    captured_at: float  # time.monotonic() when the callback ran


def find_input_device(spec: str | int | None = None) -> Device:
    device = find_device("input", spec)
    if device is None:
        raise DeviceError(
            "no microphone (input device) found",
            "connect or enable a microphone and check the system's sound settings, or "
            "rehearse from recordings with --answers FILE ...",
        )
    return device


class _Converter:
    """Native-rate multichannel blocks -> 16 kHz mono, streaming (PyAV/libswresample)."""

    def __init__(self, rate: int) -> None:
        import av

        self._av = av
        self._rate = rate
        self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)

    def __call__(self, block: np.ndarray) -> np.ndarray:
        mono = block.mean(axis=1).astype(np.float32)[None, :]
        frame = self._av.AudioFrame.from_ndarray(mono, format="flt", layout="mono")
        frame.sample_rate = self._rate
        out = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
        return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


class Microphone:
    def __init__(self, device: Device) -> None:
        self.device = device
        self._queue: queue.Queue[Block] = queue.Queue()
        self._stream: Any = None  # a sounddevice.InputStream (sounddevice has no type information)
        self._convert: _Converter | None = None
        self._last_block_at: float | None = None
        self._started_at: float | None = None

    def _callback(self, indata, frames, time_info, status) -> None:
        # Runs on PortAudio's thread: copy and hand over, nothing else.
        self._queue.put(Block(indata.copy(), time.monotonic()))

    def start(self) -> None:
        sd = sounddevice_module()
        channels = 1
        rate = SAMPLE_RATE
        try:
            sd.check_input_settings(device=self.device.index, channels=1, samplerate=SAMPLE_RATE)
        except Exception:
            rate = self.device.default_rate
            channels = min(2, max(1, self.device.inputs))
            self._convert = _Converter(rate)
        try:
            self._stream = sd.InputStream(
                device=self.device.index, channels=channels, samplerate=rate, dtype="float32",
                blocksize=int(BLOCK_S * rate), callback=self._callback,
            )
            self._stream.start()
        except Exception as exc:
            raise DeviceError(
                f"cannot open the microphone {self.device.name!r}: {exc}",
                "check that no other program holds it, or pick another with --input-device",
            ) from exc
        self._started_at = time.monotonic()

    def read(self, timeout: float = 0.05) -> Block | None:
        """The next block, or None if none arrived within ``timeout`` seconds."""
        try:
            block = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        self._last_block_at = time.monotonic()
        samples = block.samples
        if self._convert is not None:
            samples = self._convert(samples)
        else:
            samples = samples[:, 0]
        return Block(samples, block.captured_at)

    def discard_pending(self, keep_s: float = 10.0) -> np.ndarray:
        """Drop everything captured so far (e.g. while the interviewer was speaking).

        Returns the last ``keep_s`` seconds of it (16 kHz mono): the quiet moments in there
        tell the room's noise floor before the answer begins."""
        kept: list[np.ndarray] = []
        total = 0
        limit = int(keep_s * SAMPLE_RATE)
        while True:
            try:
                block = self._queue.get_nowait()
            except queue.Empty:
                break
            samples = self._convert(block.samples) if self._convert else block.samples[:, 0]
            kept.append(samples)
            total += len(samples)
            while kept and total - len(kept[0]) >= limit:
                total -= len(kept.pop(0))
        if not kept:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(kept)[-limit:].astype(np.float32, copy=False)

    def stalled_for(self) -> float:
        """Seconds since the last block arrived (or since start): a dead device stops them."""
        reference = self._last_block_at or self._started_at or time.monotonic()
        return time.monotonic() - reference

    @property
    def active(self) -> bool:
        return bool(self._stream is not None and self._stream.active)

    def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None:
            return
        try:
            stream.abort()
            stream.close()
        except Exception:  # a vanished device can make teardown fail; nothing left to save
            pass
