"""Playing audio on an output device through PortAudio, returning when it has been heard."""

from __future__ import annotations

import numpy as np

from audio.clip import SAMPLE_RATE, Audio
from audio.devices import Device, find_device, sounddevice_module
from audio.errors import DeviceError
from audio.io import resample


def find_output_device(spec: str | int | None = None) -> Device | None:
    return find_device("output", spec)


def play(audio: Audio, device: Device) -> None:
    """Play ``audio`` on ``device`` and return when it has finished playing."""
    sd = sounddevice_module()
    rate = device.default_rate or SAMPLE_RATE
    samples = resample(audio.samples, SAMPLE_RATE, rate)
    # A short tail of silence so the device buffer drains the last syllable before we stop.
    samples = np.concatenate([samples, np.zeros(int(0.05 * rate), dtype=np.float32)])
    try:
        sd.play(samples, samplerate=rate, device=device.index, blocking=True)
    except Exception as exc:
        raise DeviceError(f"playback on {device.name!r} failed: {exc}") from exc
