"""Saying the interviewer's lines: the speaker interface and its implementations.

A speaker turns text into speech and either plays it (returning once it has finished
playing), writes it to a file, or both. :class:`TextOnlySpeaker` is the ``--tts off`` mode.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from audio.devices import Device
from audio.io import write_wav
from audio.playback import play
from audio.tts import Pyttsx3Synthesizer


@dataclass(frozen=True)
class Utterance:
    """What happened when a line was said."""

    mode: str  # "speak" (played), "file" (written only) or "off" (text only)
    duration: float | None = None
    device: str | None = None
    # time.monotonic() when the first sound went out (playback start, or the file written).
    started_at: float | None = None
    cut_short: bool = False  # `stop` was set while it played


class Speaker(Protocol):
    mode: str

    def say(self, text: str, save_to: Path | None = None,
            stop: threading.Event | None = None) -> Utterance: ...


class TtsSpeaker:
    """Synthesises with pyttsx3; plays on ``device`` when given, and/or writes ``save_to``."""

    def __init__(self, synthesizer: Pyttsx3Synthesizer, device: Device | None) -> None:
        self._synth = synthesizer
        self._device = device
        self.mode = "speak" if device is not None else "file"

    def say(self, text: str, save_to: Path | None = None,
            stop: threading.Event | None = None) -> Utterance:
        audio = self._synth.synthesize(text)
        if save_to is not None:
            write_wav(save_to, audio)
        started_at = time.monotonic()
        played = True
        if self._device is not None:
            played = play(audio, self._device, stop)
        return Utterance(
            mode=self.mode,
            duration=round(audio.duration, 3),
            device=self._device.name if self._device else None,
            started_at=started_at,
            cut_short=not played,
        )


class TextOnlySpeaker:
    """``--tts off``: nothing is synthesised; the caller prints the text."""

    mode = "off"

    def say(self, text: str, save_to: Path | None = None,
            stop: threading.Event | None = None) -> Utterance:
        return Utterance(mode="off", started_at=time.monotonic())
