"""Where each turn's answer comes from: files, the shipped sample answers, or the microphone.

The loop asks one of these for every turn. Files are assigned to *slots* of the script
(question 1, question 2, question 3's first follow-up, ...), never by counting answers, so a
follow-up that is not asked cannot shift every later file onto the wrong question; how many
files a run needs is known, and checked, before anything is recorded (:func:`file_slots`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from audio.errors import DiskWriteError
from audio.io import read_audio, wav_truncation, write_wav
from audio.sources import AnswerRequest, AnswerSource, Recording
from simulator.config.script import Question, Script
from simulator.errors import SimulatorError
from simulator.interview.turns import Turn

Slot = tuple[str, int]  # (main question id, follow-up depth; 0 for the question itself)


class TurnAnswers(Protocol):
    live: bool

    def answer(self, turn: Turn, request: AnswerRequest) -> Recording | None:
        """The answer to ``turn`` (its audio written to ``request.audio_path``), or None
        when there is none to give."""


def file_slots(script: Script, questions: Sequence[Question], with_follow_ups: bool) -> list[Slot]:
    """The answers a run of ``questions`` takes from files, in the order they are asked."""
    slots: list[Slot] = []
    for q in questions:
        slots.append((q.id, 0))
        if with_follow_ups:
            slots += [(q.id, depth) for depth in range(1, script.follow_up_count(q) + 1)]
    return slots


def describe_slot(slot: Slot, script: Script) -> str:
    qid, depth = slot
    number = next((i for i, q in enumerate(script.questions, 1) if q.id == qid), 0)
    if depth == 0:
        return f"question {number} ({qid})"
    return f"follow-up {depth} to question {number} ({qid})"


def check_file_count(paths: Sequence[str], slots: Sequence[Slot], script: Script,
                     follow_up_note: str) -> None:
    """Refuse too few or too many files, saying which file answers what."""
    if len(paths) == len(slots):
        return
    listing = ", ".join(f"{i}: {describe_slot(s, script)}" for i, s in enumerate(slots[:14], 1))
    if len(slots) > 14:
        listing += ", ..."
    have = f"{len(paths)} {'was' if len(paths) == 1 else 'were'} given"
    raise SimulatorError(
        f"--answers needs {len(slots)} file{'s' if len(slots) != 1 else ''} here, one per "
        f"answer ({listing}); {have}",
        follow_up_note)


@dataclass
class FileAnswers:
    """Answers read from audio files, one per slot."""

    by_slot: dict[Slot, Path]
    with_follow_ups: bool = False
    live = False

    @classmethod
    def for_slots(cls, paths: Sequence[str | Path], slots: Sequence[Slot]) -> FileAnswers:
        return cls({slot: Path(p) for slot, p in zip(slots, paths)},
                   with_follow_ups=any(depth for _, depth in slots))

    def answer(self, turn: Turn, request: AnswerRequest) -> Recording | None:
        path = self.by_slot.pop(turn.slot, None)
        if path is None:
            return None
        return answer_from_file(path, request)

    def unused(self) -> list[tuple[Slot, Path]]:
        """Files whose question was never asked (a follow-up not written)."""
        return list(self.by_slot.items())


def truncation_note(path: Path) -> str | None:
    """What to tell the user about a WAV file cut short (a copy interrupted, a recorder that
    crashed): it is read as far as it goes. None for a whole file."""
    truncated = wav_truncation(path)
    if truncated is None:
        return None
    promised, there = truncated
    return (f"{path.name} is cut short: its header promises {promised:.1f} s of audio but the "
            f"file holds {there:.1f} s; the {there:.1f} s there are used")


def answer_from_file(path: Path, request: AnswerRequest, source: str | None = None) -> Recording:
    """Read an answer recording (any format) and save it as the answer's audio."""
    audio = read_audio(path)
    note = truncation_note(path)
    notes: tuple[str, ...] = (note,) if note else ()
    try:
        write_wav(request.audio_path, audio)
    except OSError as exc:
        raise DiskWriteError(request.audio_path, exc) from exc
    return Recording(audio=audio, end_reason="end_of_file", source=source or str(path),
                     notes=notes)


class LiveAnswers:
    """Every turn answered on the microphone (`audio.recorder.LiveAnswerSource`)."""

    live = True

    def __init__(self, source: AnswerSource) -> None:
        self._source = source

    def answer(self, turn: Turn, request: AnswerRequest) -> Recording | None:
        return self._source.next_answer(request)
