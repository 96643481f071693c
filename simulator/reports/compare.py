"""Rehearsals of one script compared: per question and per part, speaking time against the
budget across rehearsals, pace and fillers, points covered in one rehearsal and dropped in a
later one, numbers that changed between tellings of the same story, and the personal best.

A pure function of the rehearsals' facts (`reports.compare_facts`: what each session's
analysis says, cacheable). The rules, also printed with the JSON (``definitions``):

- **Trends** need at least ``MIN_FOR_TREND`` rehearsals with a value; with fewer there is no
  trend, only the values, and the output says so. The direction is read from the latest
  ``TREND_WINDOW`` values: "steady" when every one of them, and the change of the
  least-squares line over them, is within ``STEADY`` of their mean (a share of it, or the
  metric's ``STEADY_WITHIN`` when that is more: a filler a minute is no change); else
  "uneven" when that line explains less than half of the variation (ups and downs, no
  direction), else "rising" or "falling".
- **Dropped points**: a part of the answer, or a quality of the rubric, found in one
  rehearsal and not in a later one; said once per point, with the latest drop, whether it
  is still missing in the latest rehearsal (those first), and how often it was covered.
- **Numbers that changed**: the same figure told with different values (`reports.figures`).
- **Personal best**, per question: see ``BEST_RULE``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from simulator.analysis.answer import AnswerAnalysis
from simulator.reports.compare_facts import AnswerFacts, RehearsalFacts, rehearsal_facts
from simulator.reports.figures import ChangedNumber, changed_numbers
from simulator.sessions.records import SessionDocument

MIN_FOR_TREND = 3
TREND_WINDOW = 10
STEADY = 0.08  # every value within 8 % of the mean is "steady"
# ... or within this of it, in the metric's unit, when that is more: near zero a share of
# the mean is nothing (0.2 and 0.7 fillers a minute are both "almost none").
STEADY_WITHIN = {"speaking seconds": 5.0, "words a minute": 5.0, "fillers a minute": 1.0}
UNEVEN_R2 = 0.5
BEST_RULE = ("among the answers with a transcript (if any has one), the rehearsal with the "
             "fewest faults, a fault being: the answer outside its time budget, a part of the "
             "answer missing, a quality of the rubric missing (of those every rehearsal "
             "compared with a transcript was judged on); on a tie, the one nearest its "
             "budget, then the fewest fillers a minute, then the earliest (when that level was "
             "first reached)")


@dataclass(frozen=True)
class Trend:
    metric: str
    values: tuple[float | None, ...]  # one per rehearsal (None: no value)
    direction: str | None  # "rising", "falling", "steady", "uneven"; None: too few values
    note: str | None = None  # why there is no direction


@dataclass(frozen=True)
class Dropped:
    kind: str  # "part" or "quality"
    id: str
    what: str  # e.g. "part lessons", "Numbers with a baseline"
    covered_in: str  # the last rehearsal that had it before it was dropped
    dropped_in: str  # the first rehearsal after that without it
    still_missing: bool  # not in the latest rehearsal with an answer
    covered: int  # how many rehearsals had it
    of: int  # of how many rehearsals with an answer


@dataclass(frozen=True)
class QuestionComparison:
    question_id: str
    min_s: float
    max_s: float
    seconds: tuple[float | None, ...]  # per rehearsal, None when not answered
    verdicts: tuple[str | None, ...]
    parts: dict[str, tuple[float | None, ...]]  # part -> seconds per rehearsal (None: missing)
    part_budgets: dict[str, tuple[float, float]]
    trends: tuple[Trend, ...]
    dropped: tuple[Dropped, ...]
    numbers_changed: tuple[ChangedNumber, ...]
    best: str | None  # the session id of the personal best

    def trend(self, metric: str) -> Trend:
        return next(t for t in self.trends if t.metric == metric)


@dataclass(frozen=True)
class Comparison:
    script_id: str
    sessions: tuple[tuple[str, str | None], ...]  # (id, started_at), oldest first
    questions: tuple[QuestionComparison, ...]
    note: str | None = field(default=None)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": 2, "script_id": self.script_id, "note": self.note,
            "definitions": {"trend_min_rehearsals": MIN_FOR_TREND, "trend_window": TREND_WINDOW,
                            "steady_below": STEADY, "steady_within": STEADY_WITHIN,
                            "personal_best": BEST_RULE},
            "sessions": [{"id": i, "started_at": s} for i, s in self.sessions],
            "questions": [{
                "question_id": q.question_id, "budget": {"min_s": q.min_s, "max_s": q.max_s},
                "seconds": list(q.seconds), "verdicts": list(q.verdicts),
                "parts": {p: list(v) for p, v in q.parts.items()},
                "part_budgets": {p: {"min_s": a, "max_s": b}
                                 for p, (a, b) in q.part_budgets.items()},
                "trends": [{"metric": t.metric, "values": list(t.values),
                            "direction": t.direction, "note": t.note} for t in q.trends],
                "dropped": [{"kind": d.kind, "id": d.id, "what": d.what,
                             "covered_in": d.covered_in, "dropped_in": d.dropped_in,
                             "still_missing": d.still_missing, "covered": d.covered,
                             "of": d.of} for d in q.dropped],
                "numbers_changed": [n.to_json() for n in q.numbers_changed],
                "best": q.best,
            } for q in self.questions],
        }


def compare_sessions(script_id: str,
                     sessions: Sequence[tuple[SessionDocument, Mapping[int, AnswerAnalysis]]]
                     ) -> Comparison:
    """The rehearsals compared, from saved sessions and their analyses."""
    return compare_rehearsals(script_id, [rehearsal_facts(d, a) for d, a in sessions])


def compare_rehearsals(script_id: str, rehearsals: Sequence[RehearsalFacts]) -> Comparison:
    """The rehearsals compared, from their facts (`reports.compare_facts`)."""
    ordered = sorted(rehearsals, key=lambda r: (r.started_at or "", r.id))
    question_ids: list[str] = []
    for r in ordered:
        for qid in r.questions:
            if qid not in question_ids:
                question_ids.append(qid)
    questions = tuple(_question(qid, ordered) for qid in question_ids)
    note = None if len(ordered) >= MIN_FOR_TREND else (
        f"{len(ordered)} rehearsal{'s' if len(ordered) != 1 else ''} so far: trends need at "
        f"least {MIN_FOR_TREND}, so only the values are shown")
    return Comparison(script_id, tuple((r.id, r.started_at) for r in ordered), questions, note)


def _question(qid: str, ordered: Sequence[RehearsalFacts]) -> QuestionComparison:
    n = len(ordered)
    ids = [r.id for r in ordered]
    answers = [r.answers.get(qid) for r in ordered]
    budget = next((a.budget for a in reversed(answers) if a is not None), (0.0, 0.0))
    # The parts as the latest script declares them (in its order), then any others found.
    part_budgets = dict(next((r.declared[qid] for r in reversed(ordered) if qid in r.declared),
                             {}))
    parts: dict[str, list[float | None]] = {p: [None] * n for p in part_budgets}
    for k, a in enumerate(answers):
        for part, part_s in (a.parts.items() if a is not None else ()):
            parts.setdefault(part, [None] * n)[k] = part_s
    seconds = tuple(a.seconds if a else None for a in answers)
    analysed = [a if a is not None and a.analysed else None for a in answers]
    trends = (_trend("speaking seconds", seconds),
              _trend("words a minute", [a.wpm if a else None for a in analysed]),
              _trend("fillers a minute", [a.fillers if a else None for a in analysed]))
    return QuestionComparison(
        qid, budget[0], budget[1], seconds, tuple(a.verdict if a else None for a in answers),
        {p: tuple(v) for p, v in parts.items()}, part_budgets, trends,
        _dropped(ids, analysed), changed_numbers(ids, [a.told if a else None for a in answers]),
        _best(ids, answers))


def _trend(metric: str, values: Sequence[float | None]) -> Trend:
    present = [v for v in values if v is not None]
    if len(present) < MIN_FOR_TREND:
        return Trend(metric, tuple(values), None,
                     f"{len(present)} rehearsal{'' if len(present) == 1 else 's'} with a value: "
                     f"a trend needs at least {MIN_FOR_TREND}")
    window = present[-TREND_WINDOW:]
    n = len(window)
    mean_x, mean_y = (n - 1) / 2, sum(window) / n
    sxx = sum((i - mean_x) ** 2 for i in range(n))
    sxy = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(window))
    syy = sum((v - mean_y) ** 2 for v in window)
    # Judged on the values themselves, not only the line: 187, 233, 227, 233, 170 words a
    # minute have a flat line and are anything but steady.
    within = max(STEADY * abs(mean_y), STEADY_WITHIN.get(metric, 0.0))
    change = sxy / sxx * (n - 1)  # what the fitted line moves over the window
    if all(abs(v - mean_y) <= within for v in window) and abs(change) <= within:
        direction = "steady"
    elif not syy or sxy * sxy / (sxx * syy) < UNEVEN_R2:
        direction = "uneven"
    else:
        direction = "rising" if sxy > 0 else "falling"
    return Trend(metric, tuple(values), direction)


def _dropped(ids: Sequence[str], answers: Sequence[AnswerFacts | None]) -> tuple[Dropped, ...]:
    """Per point: the latest time it was dropped after being covered (still missing first)."""
    answered = [(sid, a.points) for sid, a in zip(ids, answers) if a is not None]
    if not answered:
        return ()
    labels: dict[str, str] = {}
    for _, have in answered:
        labels.update(have)
    latest = answered[-1][1]
    out = []
    for point, label in labels.items():
        last_drop: tuple[str, str] | None = None
        covered_in: str | None = None
        for sid, have in answered:
            if point in have:
                covered_in = sid
            elif covered_in is not None and (last_drop is None or last_drop[0] != covered_in):
                last_drop = (covered_in, sid)
        if last_drop is not None:
            kind, _, pid = point.partition(":")
            covered = sum(point in have for _, have in answered)
            out.append(Dropped(kind, pid, label, last_drop[0], last_drop[1],
                               point not in latest, covered, len(answered)))
    out.sort(key=lambda d: (not d.still_missing, -ids.index(d.dropped_in), d.kind, d.id))
    return tuple(out)


def _best(ids: Sequence[str], answers: Sequence[AnswerFacts | None]) -> str | None:
    """See ``BEST_RULE``."""
    scored = []
    # Qualities every rehearsal with a transcript was judged on: one recorded before a
    # criterion was added to the rubric would otherwise win by not being judged on it.
    judged = [set(a.judged) for a in answers if a is not None and a.seconds is not None
              and a.analysed]  # an answer with no transcript was judged on nothing
    shared = set.intersection(*judged) if judged else set()
    for k, (sid, a) in enumerate(zip(ids, answers)):
        if a is None or a.seconds is None:
            continue
        # An answer with no transcript can show no part and no quality: it is the best only
        # when no answer of the question has a transcript.
        faults = int(a.outside_s > 0) + len(a.missing) + a.lacking(shared)
        # Fillers to one decimal, as shown: a difference of 0.01 a minute decides nothing.
        scored.append(((not a.analysed, faults, a.outside_s, round(a.fillers or 0.0, 1), k),
                       sid))
    return min(scored)[1] if scored else None
