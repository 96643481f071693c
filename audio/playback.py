"""Playing audio on an output device through PortAudio, returning when it has been heard
(or as soon as ``stop`` is set: Ctrl-C while the interviewer speaks cuts the line short)."""

from __future__ import annotations

import threading
import time

import numpy as np

from audio.clip import SAMPLE_RATE, Audio
from audio.devices import Device, find_device, sounddevice_module
from audio.errors import DeviceError
from audio.io import resample


def find_output_device(spec: str | int | None = None) -> Device | None:
    return find_device("output", spec)


def play(audio: Audio, device: Device, stop: threading.Event | None = None) -> bool:
    """Play ``audio`` on ``device``; return True when it played to the end, False when
    ``stop`` cut it short."""
    sd = sounddevice_module()
    rate = device.default_rate or SAMPLE_RATE
    samples = resample(audio.samples, SAMPLE_RATE, rate)
    # A short tail of silence so the device buffer drains the last syllable before we stop.
    samples = np.concatenate([samples, np.zeros(int(0.05 * rate), dtype=np.float32)])
    try:
        sd.play(samples, samplerate=rate, device=device.index, blocking=False)
        # Waiting in short steps, not sd.wait(): a signal handler that sets `stop` runs
        # between them, and a device that vanishes cannot hang the interview.
        deadline = time.monotonic() + len(samples) / rate + 2.0
        stream = sd.get_stream()
        while stream.active and time.monotonic() < deadline:
            if stop is not None and stop.is_set():
                _release(stream, abort=True)
                return False
            time.sleep(0.02)
        _release(stream, abort=stream.active)  # past the deadline: nothing left to hear
    except DeviceError:
        raise
    except Exception as exc:
        raise DeviceError(f"playback on {device.name!r} failed: {exc}") from exc
    return True


# How long the interview waits for PortAudio to let go of a stream it was told to stop.
RELEASE_LIMIT_S = 2.0


def _release(stream, abort: bool) -> None:
    """Stop and close ``stream`` without ever hanging the interview on it.

    A cut line is *aborted*: its queued audio is dropped. Stopping would first drain it, and
    a drain through ALSA's PulseAudio plugin waits on the sound server, which can take long
    or never end (a known ALSA failure). CI once saw a Ctrl-C during a question leave the
    interview without an answer started for 90 s, cause not known; this closes one way it
    could happen. The release runs on its own thread and is waited for at most
    RELEASE_LIMIT_S: a stream PortAudio will not give back is left to it rather than
    holding up the candidate's answer."""

    def release() -> None:
        if abort:
            stream.abort(ignore_errors=True)
        else:
            stream.stop(ignore_errors=True)
        stream.close(ignore_errors=True)

    worker = threading.Thread(target=release, name="playback-release", daemon=True)
    worker.start()
    worker.join(RELEASE_LIMIT_S)
