"""The session's event log: the source of truth for everything shown afterwards.

Every step of the loop appends an event (a JSON-serialisable dict with ``t``, seconds since
the session started on an injected monotonic clock, and ``type``). Answers, transcripts and
timing reports are *projections* of this log (see :func:`answers_from_events`), so later
analyses can be recomputed from any saved session.

Event types written so far: ``session_started``, ``interviewer_said``, ``question_asked``,
``answer_ended`` (with ``reason``), ``answer_measured``, ``transcript_ready``,
``answer_failed``, ``notice``, ``session_ended``.
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


def answers_from_events(events: list[Event]) -> list[dict]:
    """Project the event log onto one record per answered turn (pure function).

    A turn appears once its answer audio exists (``answer_ended``); fields not yet known
    (say, after a crash before transcription) are None and ``status`` says why.
    """
    asked: dict[int, Event] = {}
    answers: dict[int, dict] = {}
    for ev in events:
        turn = ev.get("turn")
        kind = ev["type"]
        if kind == "question_asked":
            asked[turn] = ev
        elif kind == "answer_ended" and turn in asked:
            q = asked[turn]
            answers[turn] = {
                "turn": turn,
                "kind": q.get("kind", "main"),
                "question_id": q["question_id"],
                "question": q["question"],
                "follows": q.get("follows"),
                "budget": q["budget"],
                "audio": ev.get("audio"),
                "source": ev.get("source"),
                "end_reason": ev.get("reason"),
                "audio_seconds": ev.get("audio_seconds"),
                "status": "recorded",
                "error": None,
                "transcript": None,
                "words": [],
                "segments": [],
                "speech_start": None,
                "speech_end": None,
                "speech_seconds": None,
                "voiced_seconds": None,
                "longest_pause": None,
                "verdict": None,
                "budget_delta_s": None,
                "asked_at": q["t"],
                "ended_at": ev["t"],
                "transcribed_at": None,
            }
        elif turn in answers:
            record = answers[turn]
            if kind == "answer_measured":
                for key in (
                    "speech_start", "speech_end", "speech_seconds", "voiced_seconds",
                    "longest_pause", "verdict", "budget_delta_s",
                ):
                    record[key] = ev.get(key)
            elif kind == "transcript_ready":
                record["transcript"] = ev["text"]
                record["words"] = ev["words"]
                record["segments"] = ev["segments"]
                record["transcribed_at"] = ev["t"]
                record["status"] = "complete"
            elif kind == "answer_failed":
                record["status"] = "failed"
                record["error"] = ev.get("error")
    return [answers[k] for k in sorted(answers)]
