"""The session's event log: the source of truth for everything shown afterwards.

Every step of the loop appends an event (a JSON-serialisable dict with ``t``, seconds since
the session started on an injected monotonic clock, and ``type``). Answers, transcripts and
timing reports are *projections* of this log (see :func:`answers_from_events`), so later
analyses can be recomputed from any saved session.

Follow-up questions are ``question_asked`` events with ``kind: "follow_up"``, ``follows``
(the main question's id) and who wrote them (``writer``, ``criterion``, ``fallback``, ...).

Event types: ``session_started``, ``session_resumed``, ``interviewer_said``,
``question_asked``, ``answer_started`` (live answers), ``answer_ended`` (with ``reason``),
``answer_recovered`` (an answer cut by a crash, found on resume), ``answer_measured``,
``transcript_ready``, ``answer_failed``, ``notice``, ``session_ended``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

Event = dict[str, Any]


class EventLog:
    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sink: Callable[[Event], None] | None = None,
        events: list[Event] | None = None,
    ) -> None:
        self._clock = clock
        self._sink = sink
        self.events: list[Event] = list(events or [])
        # When continuing an existing log, keep times increasing from where it stopped.
        offset = self.events[-1]["t"] if self.events else 0.0
        self._origin = clock() - offset

    def now(self) -> float:
        return round(self._clock() - self._origin, 3)

    def append(self, type_: str, **data: Any) -> Event:
        event: Event = {"t": self.now(), "type": type_, **data}
        self.events.append(event)
        if self._sink is not None:
            self._sink(event)
        return event


_TIMING_KEYS = ("speech_start", "speech_end", "speech_seconds", "voiced_seconds",
                "longest_pause", "verdict", "budget_delta_s", "spans", "noise_floor_db",
                "activity")


def _new_record(question: Event, ev: Event) -> dict:
    return {
        "turn": ev["turn"],
        "kind": question.get("kind", "main"),
        "question_id": question["question_id"],
        "question": question["question"],
        "follows": question.get("follows"),
        "budget": question["budget"],
        "attempt": question.get("attempt", 1),
        # The main answer a follow-up belongs to (a main answer's own turn).
        "thread_turn": question.get("thread_turn") if question.get("kind") == "follow_up"
        else ev["turn"],
        "counts": False,
        "audio": ev.get("audio"),
        "source": None,
        "end_reason": None,
        "audio_seconds": None,
        "status": "recording",
        "error": None,
        "hint": None,
        "transcript": None,
        "words": [],
        "segments": [],
        **{key: None for key in _TIMING_KEYS},
        "asked_at": question["t"],
        "ended_at": None,
        "transcribed_at": None,
        "follow_up": _follow_up_info(question),
    }


_FOLLOW_UP_KEYS = ("depth", "writer", "criterion", "fallback", "note", "delay_s", "write_seconds", "llm")


def _follow_up_info(question: Event) -> dict | None:
    """Who wrote a follow-up question and how long it took (None for main questions)."""
    if question.get("kind") != "follow_up":
        return None
    return {key: question.get(key) for key in _FOLLOW_UP_KEYS if key in question}


def answers_from_events(events: list[Event]) -> list[dict]:
    """Project the event log onto one record per answered turn (pure function).

    A turn appears once its answer has started (live) or ended (files). Fields not yet known
    are None and ``status`` says how far it got: ``recording`` (the program stopped while the
    answer was being recorded: its audio is on disk up to the last second), ``recorded``
    (audio complete, not transcribed yet), ``complete`` or ``failed`` (no usable speech).
    ``attempt`` counts the tries at a question and ``counts`` marks the one that counts.
    """
    asked: dict[int, Event] = {}
    answers: dict[int, dict] = {}
    for ev in events:
        turn = ev.get("turn")
        kind = ev["type"]
        if kind == "question_asked":
            asked[turn] = ev
            continue
        if turn not in asked:
            continue
        if kind in ("answer_started", "answer_ended") and turn not in answers:
            answers[turn] = _new_record(asked[turn], ev)
        record = answers.get(turn)
        if record is None:
            continue
        if kind in ("answer_ended", "answer_recovered"):
            record.update(
                audio=ev.get("audio", record["audio"]),
                source=ev.get("source"),
                end_reason=ev.get("reason"),
                audio_seconds=ev.get("audio_seconds"),
                ended_at=ev["t"],
                status="recorded",
            )
        elif kind == "answer_measured":
            record.update({key: ev.get(key) for key in _TIMING_KEYS})
        elif kind == "transcript_ready":
            record.update(
                transcript=ev["text"],
                words=ev["words"],
                segments=ev["segments"],
                transcribed_at=ev["t"],
                status="complete",
            )
        elif kind == "answer_failed":
            record.update(status="failed", error=ev.get("error"), hint=ev.get("hint"))
    records = [answers[k] for k in sorted(answers)]
    _mark_counting(records)
    return records


def _mark_counting(records: list[dict]) -> None:
    """Which attempt counts: for a question, its latest usable (complete) attempt; a
    follow-up counts only with the main attempt it followed."""
    counting_main: dict[str, dict] = {}
    for r in records:
        if r["kind"] == "main" and r["status"] == "complete":
            counting_main[r["question_id"]] = r
    threads = {r["turn"] for r in counting_main.values()}
    counting_follow_up: dict[str, dict] = {}
    for r in records:
        if r["kind"] != "main" and r["status"] == "complete" and r["thread_turn"] in threads:
            counting_follow_up[r["question_id"]] = r
    for r in (*counting_main.values(), *counting_follow_up.values()):
        r["counts"] = True


def unanswered_questions(doc: dict) -> list[str]:
    """The script's questions without a usable answer, in script order."""
    answered = {a["question_id"] for a in doc.get("answers", [])
                if a.get("kind", "main") == "main" and a.get("counts")}
    return [q for q in (doc.get("script") or {}).get("questions", []) if q not in answered]
