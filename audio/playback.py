"""Output devices and playback through PortAudio (sounddevice).

Finding out whether anything can play is done here, explicitly, because the usual TTS paths
fail silently without a sound output (no exception, exit status 0). A device is usable only
if PortAudio lists it *and* accepts an output stream configuration on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from audio.clip import SAMPLE_RATE, Audio
from audio.errors import DeviceError
from audio.io import resample


@dataclass(frozen=True)
class OutputDevice:
    index: int
    name: str
    default_rate: int


def _sounddevice():
    try:
        import sounddevice
    except OSError as exc:  # "PortAudio library not found"
        raise DeviceError(
            "PortAudio is not installed, so no sound device can be used",
            "Debian/Ubuntu: apt-get install libportaudio2; macOS: brew install portaudio",
        ) from exc
    return sounddevice


def find_output_device(spec: str | int | None = None) -> OutputDevice | None:
    """The output device to use, or None when nothing can play sound.

    ``spec`` picks a device by index or by (part of) its name; an explicit spec that matches
    nothing is an error, while no usable default device just returns None.
    """
    try:
        sd = _sounddevice()
    except DeviceError:
        if spec is not None:
            raise
        return None
    devices = [(i, d) for i, d in enumerate(sd.query_devices()) if d["max_output_channels"] > 0]
    if spec is not None and str(spec).strip() != "":
        match = _match(devices, spec)
        if match is None:
            listing = "; ".join(f"{i}: {d['name']}" for i, d in devices) or "none"
            raise DeviceError(f"no output device matches {spec!r}", f"output devices: {listing}")
        index = match
    else:
        index = sd.default.device[1]
        if index is None or index < 0:
            return None
    try:
        info = sd.query_devices(index)
        sd.check_output_settings(device=index, channels=1, samplerate=info["default_samplerate"])
    except Exception:
        if spec is not None:
            raise DeviceError(f"output device {spec!r} cannot play audio")
        return None
    return OutputDevice(index=index, name=info["name"], default_rate=int(info["default_samplerate"]))


def _match(devices, spec) -> int | None:
    text = str(spec).strip()
    if text.isdigit():
        wanted = int(text)
        return wanted if any(i == wanted for i, _ in devices) else None
    for i, d in devices:
        if d["name"] == text:
            return i
    for i, d in devices:
        if text.lower() in d["name"].lower():
            return i
    return None


def play(audio: Audio, device: OutputDevice) -> None:
    """Play ``audio`` on ``device`` and return when it has finished playing."""
    sd = _sounddevice()
    rate = device.default_rate or SAMPLE_RATE
    samples = resample(audio.samples, SAMPLE_RATE, rate)
    # A short tail of silence so the device buffer drains the last syllable before we stop.
    samples = np.concatenate([samples, np.zeros(int(0.05 * rate), dtype=np.float32)])
    try:
        sd.play(samples, samplerate=rate, device=device.index, blocking=True)
    except Exception as exc:
        raise DeviceError(f"playback on {device.name!r} failed: {exc}") from exc
