"""Where answers come from: the answer-source interface and the file-fed source.

An answer source hands the interview loop one :class:`Recording` per question. Reading answers
from recordings is a real feature (rehearse from a phone recording, run without a microphone),
not a test double; the live microphone source implements the same interface.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from audio.clip import Audio
from audio.io import read_audio


@dataclass(frozen=True)
class Recording:
    """One answer's audio and why it ended (``end_of_file`` for file-fed answers)."""

    audio: Audio
    end_reason: str
    source: str | None = None


class AnswerSource(Protocol):
    def next_answer(self) -> Recording | None:
        """The next answer, or None when the source has no more answers."""


class FileAnswerSource:
    """Answers read from audio files, in order: file *i* answers question *i*."""

    def __init__(self, paths: Sequence[str | Path]) -> None:
        self._paths = [Path(p) for p in paths]
        self._next = 0

    @property
    def remaining(self) -> int:
        return len(self._paths) - self._next

    def skip(self, count: int) -> None:
        """Skip ``count`` files (used when resuming a session part-way)."""
        self._next = min(len(self._paths), self._next + count)

    def next_answer(self) -> Recording | None:
        if self._next >= len(self._paths):
            return None
        path = self._paths[self._next]
        self._next += 1
        return Recording(audio=read_audio(path), end_reason="end_of_file", source=str(path))
