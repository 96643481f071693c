"""Timing an answer against its budget. Pure functions of speech segments; no clock, no I/O.

Speaking time is the span from the start of the first stretch of speech to the end of the
last one, measured on the answer's audio by voice-activity detection: leading and trailing
silence never count, pauses inside the answer do (the candidate is still holding the floor).
``voiced_seconds`` (speech without the pauses) is kept for later delivery analysis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # only for annotations: this module itself stays free of numpy
    import numpy as np

    from audio.activity import Activity, ActivitySettings, Span

UNDER, WITHIN, OVER = "under", "within", "over"


class _Span(Protocol):
    # Read-only, so frozen dataclasses (audio.activity.Span) match too.
    @property
    def start(self) -> float: ...
    @property
    def end(self) -> float: ...


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


def measure(segments: Sequence[_Span], budget: Budget) -> AnswerTiming | None:
    """Time an answer from its speech segments; None when there is no speech at all."""
    if not segments:
        return None
    start, end = segments[0].start, segments[-1].end
    speaking = end - start
    voiced = sum(s.end - s.start for s in segments)
    pauses = [b.start - a.end for a, b in pairwise(segments)]
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


@dataclass(frozen=True)
class Measured:
    """An answer's speech, measured on its audio: the timing (None: no speech at all), the
    speech spans it is computed from, and the frame-by-frame activity behind them."""

    timing: AnswerTiming | None
    spans: list[Span]
    activity: Activity

    def event_fields(self) -> dict:
        """What ``answer_measured`` records: enough to re-measure without the audio."""
        activity = self.activity
        floor = activity.initial_floor_db
        return {**(self.timing.to_dict() if self.timing else {}),
                "spans": [[s.start, s.end] for s in self.spans],
                "noise_floor_db": None if floor is None else round(floor, 2),
                "activity": activity.settings.to_dict()}


def measure_audio(samples: np.ndarray, budget: Budget, settings: ActivitySettings | None = None,
                  activity: Activity | None = None) -> Measured:
    """Speech spans and timing of an answer's audio (``activity``: already computed while
    it was recorded, else computed here with ``settings``)."""
    from audio.activity import ActivitySettings, analyse, spans

    if activity is None:
        activity = analyse(samples, settings or ActivitySettings())
    speech = spans(activity)
    return Measured(measure(speech, budget), speech, activity)


def format_duration(seconds: float | None) -> str:
    """``75.4`` -> ``1:15``; None -> an em dash."""
    if seconds is None:
        return "—"
    total = round(abs(seconds))
    sign = "-" if seconds < 0 else ""
    return f"{sign}{total // 60}:{total % 60:02d}"


def describe_verdict(verdict: str | None, delta: float | None) -> str:
    if verdict is None:
        return "not timed"
    if verdict == WITHIN or not delta:
        return "within budget"
    return f"{verdict} by {format_duration(abs(delta))}"
