"""``mock-interview doctor``: check the set-up and say plainly what is wrong and how to fix it.

Each check returns a :class:`Check` (ok / warning / problem, what was found, what to do).
The microphone check records a few seconds and reports the speech level and the background
noise; it cannot tell whether the candidate is speaking, so it asks them to.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

OK, WARN, PROBLEM = "ok", "warning", "problem"


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    found: str
    fix: str | None = None


def check_portaudio() -> Check:
    from audio.devices import list_devices
    from audio.errors import DeviceError

    try:
        devices = list_devices()
    except DeviceError as exc:
        return Check("PortAudio", PROBLEM, exc.message, exc.hint)
    if not devices:
        return Check("PortAudio", PROBLEM, "installed, but no sound devices are visible",
                     "is a sound server (PulseAudio/PipeWire) running and are devices enabled?")
    return Check("PortAudio", OK, f"{len(devices)} device(s) visible")


def _levels(samples: np.ndarray, block: int = 512) -> tuple[float, float]:
    """(loud, noise floor) in dBFS: the 95th and 10th percentile of 32 ms block levels."""
    n = len(samples) // block
    if n == 0:
        return -120.0, -120.0
    rms = np.sqrt(np.mean(samples[: n * block].reshape(n, block) ** 2, axis=1) + 1e-12)
    db = 20 * np.log10(rms)
    return float(np.percentile(db, 95)), float(np.percentile(db, 10))


def check_microphone(spec: str | None, seconds: float,
                     announce: Callable[[str], None]) -> Check:
    from audio.errors import DeviceError
    from audio.microphone import Microphone, find_input_device

    try:
        device = find_input_device(spec)
    except DeviceError as exc:
        return Check("Microphone", PROBLEM, exc.message, exc.hint)
    mic = Microphone(device)
    try:
        mic.start()
    except DeviceError as exc:
        return Check("Microphone", PROBLEM, exc.message, exc.hint)
    announce(f"Recording {seconds:.0f} s from {device.name!r}: say a sentence or two now…")
    blocks = []
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            block = mic.read(timeout=0.1)
            if block is not None:
                blocks.append(block.samples)
            elif mic.stalled_for() > 1.5:
                return Check("Microphone", PROBLEM, f"{device.name!r} delivered no audio",
                             "check the device is not muted or used by another program")
    finally:
        mic.close()
    audio = np.concatenate(blocks) if blocks else np.zeros(0, np.float32)
    loud, floor = _levels(audio)
    found = f"{device.name!r}: speech peaks about {loud:.0f} dBFS, background {floor:.0f} dBFS"
    if loud < -45:
        return Check("Microphone", PROBLEM, found + " (too quiet: nothing like speech heard)",
                     "unmute the microphone or raise its input volume, and speak during the test")
    if floor > -40:
        return Check("Microphone", WARN, found + " (noisy background)",
                     "move somewhere quieter or use a headset; pauses may not be detected")
    if loud - floor < 15:
        return Check("Microphone", WARN, found + " (speech barely above the background)",
                     "speak closer to the microphone or raise its input volume")
    if loud > -3:
        return Check("Microphone", WARN, found + " (close to clipping)",
                     "lower the input volume a little")
    return Check("Microphone", OK, found)


def check_output(spec: str | None) -> Check:
    from audio.errors import DeviceError
    from audio.playback import find_output_device

    try:
        device = find_output_device(spec)
    except DeviceError as exc:
        return Check("Speaker", PROBLEM, exc.message, exc.hint)
    if device is None:
        return Check("Speaker", WARN, "no sound output device",
                     "questions will be written to the session folder instead of played")
    return Check("Speaker", OK, f"{device.name!r}")


def check_tts() -> Check:
    from audio.errors import SpeechSynthesisError
    from audio.tts import Pyttsx3Synthesizer, Voice

    try:
        audio = Pyttsx3Synthesizer(Voice("en-us")).synthesize("Testing, one, two.")
    except SpeechSynthesisError as exc:
        return Check("Text to speech", PROBLEM, exc.message, exc.hint)
    return Check("Text to speech", OK, f"pyttsx3 speaks ({audio.duration:.1f} s test phrase)")


def check_model(model: str | None) -> Check:
    from audio.errors import ModelError
    from audio.transcriber import WhisperTranscriber

    started = time.perf_counter()
    try:
        transcriber = WhisperTranscriber.load(model)
        transcriber.warm_up()
    except ModelError as exc:
        return Check("Whisper model", PROBLEM, exc.message, exc.hint)
    return Check("Whisper model", OK,
                 f"{transcriber.name} loads in {time.perf_counter() - started:.1f} s "
                 f"({transcriber.spec.source})")


def run_checks(*, model: str | None, input_device: str | None, output_device: str | None,
               mic_seconds: float, announce: Callable[[str], None]) -> Iterator[Check]:
    portaudio = check_portaudio()
    yield portaudio
    if portaudio.status != PROBLEM or input_device:
        yield check_microphone(input_device, mic_seconds, announce)
    else:
        yield Check("Microphone", PROBLEM, "not checked: no sound devices",
                    "rehearse from recordings with --answers FILE ... meanwhile")
    yield check_output(output_device)
    yield check_tts()
    yield check_model(model)
    yield Check("LLM endpoint", OK, "not used yet: follow-up questions are not built yet")
