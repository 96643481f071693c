"""A turn of the interview: one question asked and answered (a script question, a follow-up,
or another attempt at either)."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.config.script import Question
from simulator.followups.writer import FollowUp


@dataclass(frozen=True)
class Turn:
    """One question to ask: a main question from the script, or a follow-up written after
    the answer before it (``follows`` is the main question's id, ``depth`` counts 1, 2, ...).

    ``attempt`` counts the tries at this question (a retake is attempt 2, 3, ...);
    ``thread_turn`` is the turn of the main answer a follow-up belongs to."""

    number: int
    question: Question
    kind: str = "main"
    follows: str | None = None
    depth: int = 0
    follow_up: FollowUp | None = None
    ready_at: float | None = None  # monotonic time the answer it follows was transcribed
    position: int = 0  # a main question's place in the script (1-based), for "Question 3/11"
    attempt: int = 1
    thread_turn: int | None = None
    respeak: bool = True  # False: an answer taken again at once, without asking again

    @property
    def thread(self) -> str:
        """The main question this turn belongs to."""
        return self.follows or self.question.id

    @property
    def slot(self) -> tuple[str, int]:
        """(main question id, follow-up depth): which answer file answers this turn."""
        return self.thread, self.depth
