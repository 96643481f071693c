"""Timing an answer against its budget. Pure functions of speech segments; no clock, no I/O.

Speaking time is the span from the start of the first stretch of speech to the end of the
last one, measured on the answer's audio by voice-activity detection: leading and trailing
silence never count, pauses inside the answer do (the candidate is still holding the floor).
``voiced_seconds`` (speech without the pauses) is kept for later delivery analysis.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Protocol

UNDER, WITHIN, OVER = "under", "within", "over"


class _Span(Protocol):
    start: float
    end: float


@dataclass(frozen=True)
class Budget:
    min_s: float
    max_s: float

    def to_dict(self) -> dict:
        return {"min_s": self.min_s, "max_s": self.max_s}


@dataclass(frozen=True)
class AnswerTiming:
    speech_start: float
    speech_end: float
    speech_seconds: float
    voiced_seconds: float
    longest_pause: float
    verdict: str
    budget_delta_s: float

    def to_dict(self) -> dict:
        return asdict(self)


def judge(seconds: float, budget: Budget) -> tuple[str, float]:
    """Verdict and the signed distance outside the budget (0 when within).

    ``under`` gives a negative delta (seconds short of ``min_s``), ``over`` a positive one.
    """
    if seconds < budget.min_s:
        return UNDER, round(seconds - budget.min_s, 2)
    if seconds > budget.max_s:
        return OVER, round(seconds - budget.max_s, 2)
    return WITHIN, 0.0


def measure(segments: list[_Span], budget: Budget) -> AnswerTiming | None:
    """Time an answer from its speech segments; None when there is no speech at all."""
    if not segments:
        return None
    start, end = segments[0].start, segments[-1].end
    speaking = end - start
    voiced = sum(s.end - s.start for s in segments)
    pauses = [b.start - a.end for a, b in zip(segments, segments[1:])]
    verdict, delta = judge(speaking, budget)
    return AnswerTiming(
        speech_start=round(start, 3),
        speech_end=round(end, 3),
        speech_seconds=round(speaking, 3),
        voiced_seconds=round(voiced, 3),
        longest_pause=round(max(pauses, default=0.0), 3),
        verdict=verdict,
        budget_delta_s=delta,
    )


def format_duration(seconds: float | None) -> str:
    """``75.4`` -> ``1:15``; None -> an em dash."""
    if seconds is None:
        return "—"
    total = int(round(abs(seconds)))
    sign = "-" if seconds < 0 else ""
    return f"{sign}{total // 60}:{total % 60:02d}"


def describe_verdict(verdict: str | None, delta: float | None) -> str:
    if verdict is None:
        return "not timed"
    if verdict == WITHIN or not delta:
        return "within budget"
    return f"{verdict} by {format_duration(abs(delta))}"
