"""Rehearsals of one script compared: per question and per part, speaking time against the
budget across rehearsals, pace and fillers, points covered in one rehearsal and dropped in a
later one, numbers that changed between tellings of the same story, and the personal best.

A pure function of saved sessions and their analyses. Trends are honest: with fewer than
``MIN_FOR_TREND`` rehearsals there is no trend, only the values, and the output says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from simulator.analysis.answer import AnswerAnalysis
from simulator.analysis.content import NUMBER, UNIT
from simulator.sessions.records import AnswerRecord, SessionDocument

MIN_FOR_TREND = 3
STEADY = 0.08  # a change of less than 8 % from first to last is "steady"
_NUMBER_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                 "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
                 "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
                 "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_UNIT_NAMES = {"%": "percent", "percent": "percent", "per cent": "percent", "ms": "ms",
               "millisecond": "ms", "milliseconds": "ms", "x": "x", "times": "x",
               "points": "points", "point": "points"}
_CONTEXT_STOP = frozenset([
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "from", "with", "and",
    "or", "but", "was", "were", "is", "are", "be", "been", "it", "its", "this", "that",
    "these", "those", "we", "i", "our", "my", "they", "their", "about", "around",
    "roughly", "nearly", "almost", "just", "only", "over", "under", "more", "less",
    "than", "fell", "dropped", "rose", "went", "cut", "reduced", "improved",
    "increased", "up", "down", "so", "like", "um", "uh",
])


@dataclass(frozen=True)
class Telling:
    """A figure as told in one rehearsal: the value and the words around it."""

    session_id: str
    value: float
    quote: str
    start_s: float | None


@dataclass(frozen=True)
class ChangedNumber:
    topic: str  # e.g. "latency (ms)"
    tellings: tuple[Telling, ...]


@dataclass(frozen=True)
class Trend:
    metric: str
    values: tuple[float | None, ...]
    direction: str | None  # "rising", "falling", "steady"; None with too few rehearsals


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
    dropped: tuple[tuple[str, str, str], ...]  # (what, covered in session, dropped in session)
    numbers_changed: tuple[ChangedNumber, ...]
    best: str | None  # the session id of the personal best


@dataclass(frozen=True)
class Comparison:
    script_id: str
    sessions: tuple[tuple[str, str | None], ...]  # (id, started_at), oldest first
    questions: tuple[QuestionComparison, ...]
    note: str | None = field(default=None)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": 1, "script_id": self.script_id, "note": self.note,
            "sessions": [{"id": i, "started_at": s} for i, s in self.sessions],
            "questions": [{
                "question_id": q.question_id, "budget": {"min_s": q.min_s, "max_s": q.max_s},
                "seconds": list(q.seconds), "verdicts": list(q.verdicts),
                "parts": {p: list(v) for p, v in q.parts.items()},
                "part_budgets": {p: {"min_s": a, "max_s": b}
                                 for p, (a, b) in q.part_budgets.items()},
                "trends": [{"metric": t.metric, "values": list(t.values),
                            "direction": t.direction} for t in q.trends],
                "dropped": [{"what": w, "covered_in": c, "dropped_in": d} for w, c, d in q.dropped],
                "numbers_changed": [{"topic": n.topic, "tellings": [
                    {"session_id": t.session_id, "value": t.value, "quote": t.quote,
                     "start_s": t.start_s} for t in n.tellings]} for n in q.numbers_changed],
                "best": q.best,
            } for q in self.questions],
        }


def compare_sessions(script_id: str,
                     sessions: Sequence[tuple[SessionDocument, Mapping[int, AnswerAnalysis]]]
                     ) -> Comparison:
    ordered = sorted(sessions, key=lambda s: (s[0].started_at or "", s[0].id))
    ids = tuple((d.id, d.started_at) for d, _ in ordered)
    question_ids: list[str] = []
    for doc, _ in ordered:
        for qid in doc.script.questions:
            if qid not in question_ids:
                question_ids.append(qid)
    questions = tuple(_question(qid, ordered) for qid in question_ids)
    note = None if len(ordered) >= MIN_FOR_TREND else (
        f"{len(ordered)} rehearsal{'s' if len(ordered) != 1 else ''} so far: trends need at "
        f"least {MIN_FOR_TREND}, so only the values are shown")
    return Comparison(script_id, ids, questions, note)


def _counting(doc: SessionDocument, question_id: str) -> AnswerRecord | None:
    return next((a for a in doc.answers
                 if a.question_id == question_id and a.kind == "main" and a.counts), None)


def _question(qid: str, ordered: Sequence[tuple[SessionDocument, Mapping[int, AnswerAnalysis]]]
              ) -> QuestionComparison:
    answers = [_counting(doc, qid) for doc, _ in ordered]
    analyses = [an.get(a.turn) if a is not None else None for (_, an), a in zip(ordered, answers)]
    budget = next((a.budget for a in answers if a is not None), None)
    seconds = tuple(a.speech_seconds if a else None for a in answers)
    verdicts = tuple(a.verdict if a else None for a in answers)
    parts: dict[str, list[float | None]] = {}
    part_budgets: dict[str, tuple[float, float]] = {}
    for n, an in enumerate(analyses):
        if an is None or an.timeline is None:
            continue
        for p in an.timeline.parts:
            parts.setdefault(p.id, [None] * len(ordered))[n] = p.seconds
            part_budgets[p.id] = (p.min_s, p.max_s)
        for m in an.timeline.missing:
            parts.setdefault(m, [None] * len(ordered))
    ids = [doc.id for doc, _ in ordered]
    minutes = [(a.speech_seconds or 0) / 60 if a else 0 for a in answers]
    fillers = tuple(round(sum(f.kind == "filler" for f in an.fillers) / m, 2)
                    if an is not None and m > 0 else None for an, m in zip(analyses, minutes))
    wpm = tuple(an.pace.wpm if an is not None else None for an in analyses)
    trends = (_trend("speaking seconds", seconds), _trend("words a minute", wpm),
              _trend("fillers a minute", fillers))
    return QuestionComparison(
        qid, budget.min_s if budget else 0.0, budget.max_s if budget else 0.0, seconds, verdicts,
        {p: tuple(v) for p, v in parts.items()}, part_budgets, trends,
        _dropped(ids, analyses), _numbers_changed(ids, answers), _best(ids, answers, analyses))


def _trend(metric: str, values: Sequence[float | None]) -> Trend:
    present = [v for v in values if v is not None]
    if len(present) < MIN_FOR_TREND:
        return Trend(metric, tuple(values), None)
    # Least-squares slope over the rehearsals, as a share of the mean: honest about noise
    # without a model of it, and insensitive to one odd rehearsal in the middle.
    n = len(present)
    mean_x, mean_y = (n - 1) / 2, sum(present) / n
    slope = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(present)) / \
        sum((i - mean_x) ** 2 for i in range(n))
    change = slope * (n - 1) / mean_y if mean_y else 0.0
    direction = "steady" if abs(change) < STEADY else ("rising" if change > 0 else "falling")
    return Trend(metric, tuple(values), direction)


def _dropped(ids: Sequence[str], analyses: Sequence[AnswerAnalysis | None]
             ) -> tuple[tuple[str, str, str], ...]:
    """Points (parts told, qualities shown) present in one rehearsal and absent in a later one."""
    seen: dict[str, str] = {}  # point -> the last session that had it
    out = []
    for sid, an in zip(ids, analyses):
        if an is None:
            continue
        have = set()
        if an.timeline is not None:
            have |= {f"part {p.id}" for p in an.timeline.parts}
        have |= {s.title for s in an.signals if s.kind == "quality" and s.found}
        for point, where in list(seen.items()):
            if point not in have:
                out.append((point, where, sid))
                del seen[point]
        for point in have:
            seen[point] = sid
    return tuple(out)


def _value(text: str) -> float | None:
    text = text.replace(",", "").replace("$", "").strip()
    try:
        return float(text)
    except ValueError:
        pass
    total, current = 0.0, 0.0
    for word in re.split(r"[\s-]+", text):
        if word in _NUMBER_WORDS:
            current += _NUMBER_WORDS[word]
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            total, current = total + current, 0.0
        elif word in ("and", "point"):
            continue
        else:
            return None
    return total + current


def _figures(answer: AnswerRecord) -> dict[str, tuple[float, str, float | None]]:
    """topic -> (value, quote, time) of each figure with a unit and a topic word before it."""
    text = answer.transcript or ""
    low = text.lower()
    out: dict[str, tuple[float, str, float | None]] = {}
    for m in NUMBER.finditer(low):
        unit = UNIT.match(low, m.end())
        if not unit or not (unit.group(1) or unit.group(2)):
            continue
        value = _value(m.group())
        if value is None:
            continue
        before = re.findall(r"[a-z][a-z'-]+", low[max(0, m.start() - 60): m.start()])
        topic = next((w for w in reversed(before[-6:]) if w not in _CONTEXT_STOP), None)
        if topic is None:
            continue
        unit_text = (unit.group(1) or unit.group(2)).strip()
        key = f"{topic} ({_UNIT_NAMES.get(unit_text, unit_text.rstrip('s'))})"
        quote = text[max(0, m.start() - 40): unit.end()].strip()
        out.setdefault(key, (value, quote, _time_at(answer, m.start())))
    return out


def _time_at(answer: AnswerRecord, char: int) -> float | None:
    """When the word at character ``char`` of the transcript was said (approximately)."""
    text = answer.transcript or ""
    count = len(text[:char].split())
    return answer.words[count].start if count < len(answer.words) else None


def _numbers_changed(ids: Sequence[str], answers: Sequence[AnswerRecord | None]
                     ) -> tuple[ChangedNumber, ...]:
    by_topic: dict[str, list[Telling]] = {}
    for sid, answer in zip(ids, answers):
        if answer is None:
            continue
        for topic, (value, quote, at) in _figures(answer).items():
            by_topic.setdefault(topic, []).append(Telling(sid, value, quote, at))
    changed = [ChangedNumber(topic, tuple(t)) for topic, t in by_topic.items()
               if len({x.value for x in t}) > 1]
    return tuple(sorted(changed, key=lambda c: c.topic))


def _best(ids: Sequence[str], answers: Sequence[AnswerRecord | None],
          analyses: Sequence[AnswerAnalysis | None]) -> str | None:
    """The rehearsal closest to what the question asks: within its budget (else the least
    outside), then the fewest parts missing, qualities missing, fillers a minute."""
    scored = []
    for sid, a, an in zip(ids, answers, analyses):
        if a is None or a.speech_seconds is None:
            continue
        outside = abs(a.budget_delta_s or 0)
        missing = len(an.timeline.missing) if an and an.timeline else 0
        lacking = sum(1 for s in an.signals if s.kind == "quality" and not s.found) if an else 0
        minutes = a.speech_seconds / 60
        fillers = sum(f.kind == "filler" for f in an.fillers) / minutes if an and minutes else 0
        scored.append(((outside > 0, missing, lacking, outside, fillers), sid))
    return min(scored)[1] if scored else None
