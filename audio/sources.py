"""What an answer source hands back: the recorded answer, its progress while live, and the
signal that ends it from outside.

An answer source writes the answer's audio to the path it is asked for and returns a
:class:`Recording`. The live microphone source (`audio.recorder`) implements
:class:`AnswerSource`; answers read from files are assembled by the caller from
`audio.io.read_audio`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from audio.activity import Activity
from audio.clip import Audio
from audio.transcriber import Transcript


class StopSignal:
    """Ends an answer from outside (a key press, Ctrl-C): thread-safe, first reason wins."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason: str | None = None

    def set(self, reason: str) -> None:
        if not self._event.is_set():
            self.reason = reason
            self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()


@dataclass(frozen=True)
class RecordingProgress:
    """A snapshot of a live answer, for the display (times are audio seconds)."""

    waited_s: float  # since the answer window opened
    speaking_s: float  # since the first speech (0 before): what the timer shows
    speech_started: bool
    level_db: float
    state: str  # "speech", "sound" (loud, but not recognised as speech) or "quiet"
    silence_s: float  # quiet since the last speech
    silence_end_s: float  # this much quiet ends the answer
    floor_db: float | None  # the room's noise floor
    partial_text: str


@dataclass
class AnswerRequest:
    audio_path: Path
    max_s: float | None = None
    stop: StopSignal = field(default_factory=StopSignal)
    on_progress: Callable[[RecordingProgress], None] | None = None


@dataclass(frozen=True)
class Recording:
    """One answer's audio and why it ended.

    Live recordings also carry the voice activity computed while recording and a function
    that returns the transcript (finishing the incremental transcription), so nothing is
    computed twice.
    """

    audio: Audio
    end_reason: str
    source: str | None = None
    activity: Activity | None = None
    finish_transcript: Callable[[], Transcript] | None = None
    # Things the candidate should know about this answer (e.g. a truncated file).
    notes: tuple[str, ...] = ()


class AnswerSource(Protocol):
    live: bool

    def next_answer(self, request: AnswerRequest) -> Recording:
        """Record the next answer, its audio written to ``request.audio_path`` as it comes."""
