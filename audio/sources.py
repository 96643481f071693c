"""Where answers come from: the answer-source interface and the file-fed source.

An answer source hands the interview loop one :class:`Recording` per question, writing the
answer's audio to the path the loop asks for. Reading answers from recordings is a real
feature (rehearse from a phone recording, run without a microphone), not a test double; the
live microphone source (`audio.recorder`) implements the same interface.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from audio.clip import Audio
from audio.io import read_audio, write_wav
from audio.transcriber import Transcript


class StopSignal:
    """Ends an answer from outside (a key press, Ctrl-C): thread-safe, first reason wins."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason: str | None = None
        # Set by a second Ctrl-C: after this answer is saved, the session ends too.
        self.end_session = False

    def set(self, reason: str) -> None:
        if not self._event.is_set():
            self.reason = reason
            self._event.set()

    def interrupt(self) -> None:
        """Ctrl-C: the first ends the answer, a second one the session as well."""
        if self._event.is_set():
            self.end_session = True
        self.set("interrupted")

    def is_set(self) -> bool:
        return self._event.is_set()


@dataclass(frozen=True)
class RecordingProgress:
    """A snapshot of a live answer, for the display (times are audio seconds)."""

    elapsed: float
    level_db: float
    speaking: bool
    speech_started: bool
    silence_s: float
    partial_text: str


@dataclass
class AnswerRequest:
    audio_path: Path
    max_s: float | None = None
    # The script's sample answer to this question, for sources that answer with one.
    sample_text: str | None = None
    stop: StopSignal = field(default_factory=StopSignal)
    on_progress: Callable[[RecordingProgress], None] | None = None


@dataclass(frozen=True)
class Recording:
    """One answer's audio and why it ended.

    Live recordings also carry the VAD probabilities computed while recording and a function
    that returns the transcript (finishing the incremental transcription), so nothing is
    computed twice.
    """

    audio: Audio
    end_reason: str
    source: str | None = None
    vad_probabilities: list[float] | None = None
    finish_transcript: Callable[[], Transcript] | None = None


class AnswerSource(Protocol):
    live: bool

    def next_answer(self, request: AnswerRequest) -> Recording | None:
        """The next answer (its audio written to ``request.audio_path``), or None when the
        source has no more answers."""


class FileAnswerSource:
    """Answers read from audio files, in order: file *i* answers question *i*."""

    live = False

    def __init__(self, paths: Sequence[str | Path]) -> None:
        self._paths = [Path(p) for p in paths]
        self._next = 0

    def next_answer(self, request: AnswerRequest) -> Recording | None:
        if self._next >= len(self._paths):
            return None
        path = self._paths[self._next]
        self._next += 1
        audio = read_audio(path)
        write_wav(request.audio_path, audio)
        return Recording(audio=audio, end_reason="end_of_file", source=str(path))
