"""Projections of the event log: one answer record per answered turn, which attempt at a
question counts, and which questions still lack a usable answer. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence

from simulator.sessions.records import (
    AnswerEnded,
    AnswerFailed,
    AnswerMeasured,
    AnswerRecord,
    AnswerRecovered,
    AnswerStarted,
    Event,
    FillersHeard,
    FollowUpFields,
    FollowUpInfo,
    QuestionAsked,
    TimingFields,
    TranscriptReady,
    TranscriptRevised,
)

_FOLLOW_UP_KEYS = tuple(FollowUpFields.model_fields)
_TIMING_KEYS = tuple(TimingFields.model_fields)


def answers_from_events(events: Sequence[Event]) -> list[AnswerRecord]:
    """One record per answered turn, in turn order.

    A turn appears once its answer has started (live) or ended (files). Fields not yet known
    are None and ``status`` says how far it got: ``recording`` (the program stopped while the
    answer was being recorded: its audio is on disk up to the last second), ``recorded``
    (audio complete, not transcribed yet), ``complete`` or ``failed`` (no usable speech).
    ``attempt`` counts the tries at a question and ``counts`` marks the one that counts.
    """
    asked: dict[int, QuestionAsked] = {}
    fields: dict[int, dict] = {}
    main_turns: dict[str, list[int]] = {}  # question id -> its main turns so far
    for ev in events:
        if isinstance(ev, QuestionAsked):
            asked[ev.turn] = ev
            if ev.kind == "main":
                main_turns.setdefault(ev.question_id, []).append(ev.turn)
            continue
        turn = getattr(ev, "turn", None)
        if turn not in asked:
            continue
        if isinstance(ev, AnswerStarted | AnswerEnded) and turn not in fields:
            fields[turn] = _new_record(asked[turn], ev.audio, main_turns)
        record = fields.get(turn)
        if record is None:
            continue
        if isinstance(ev, AnswerEnded | AnswerRecovered):
            record.update(audio=ev.audio or record["audio"], end_reason=ev.reason,
                          audio_seconds=ev.audio_seconds, ended_at=ev.t, status="recorded")
            if isinstance(ev, AnswerEnded):
                record["source"] = ev.source
        elif isinstance(ev, AnswerMeasured):
            record.update({key: getattr(ev, key) for key in _TIMING_KEYS})
        elif isinstance(ev, TranscriptReady):
            record.update(transcript=ev.text, words=ev.words, segments=ev.segments,
                          transcribed_at=ev.t, status="complete", fillers_added=None,
                          live_draft=ev.live, revised=False)
        elif isinstance(ev, TranscriptRevised):
            # The verbatim pass reads the words it replaces: whatever it heard in the draft
            # no longer has a place, so it runs again (it runs after the revision anyway).
            record.update(transcript=ev.text, words=ev.words, segments=ev.segments,
                          revised=True, fillers_added=None)
        elif isinstance(ev, FillersHeard):
            record["fillers_added"] = ev.added
        elif isinstance(ev, AnswerFailed):
            record.update(status="failed", error=ev.error, hint=ev.hint)
    _mark_counting([fields[k] for k in sorted(fields)])
    return [AnswerRecord.model_validate(fields[k]) for k in sorted(fields)]


def _new_record(question: QuestionAsked, audio: str | None,
                main_turns: dict[str, list[int]]) -> dict:
    follow_up = None
    thread_turn: int | None = question.turn
    if question.kind == "follow_up":
        follow_up = FollowUpInfo(**{k: getattr(question, k) for k in _FOLLOW_UP_KEYS})
        thread_turn = question.thread_turn
        if thread_turn is None:
            # Sessions from before retakes: the latest main turn of the question it follows.
            earlier = [t for t in main_turns.get(question.follows or "", []) if t < question.turn]
            thread_turn = earlier[-1] if earlier else None
    return {
        "turn": question.turn, "kind": question.kind, "question_id": question.question_id,
        "question": question.question, "follows": question.follows, "budget": question.budget,
        "attempt": question.attempt, "thread_turn": thread_turn, "audio": audio,
        "asked_at": question.t, "follow_up": follow_up,
    }


def _mark_counting(records: list[dict]) -> None:
    """Which attempt counts: for a question, its latest usable (complete) attempt; a
    follow-up counts only with the main attempt it followed."""
    counting_main: dict[str, dict] = {}
    for r in records:
        if r["kind"] == "main" and r.get("status") == "complete":
            counting_main[r["question_id"]] = r
    threads = {r["turn"] for r in counting_main.values()}
    counting_follow_up: dict[str, dict] = {}
    for r in records:
        if r["kind"] != "main" and r.get("status") == "complete" and r["thread_turn"] in threads:
            counting_follow_up[r["question_id"]] = r
    for r in (*counting_main.values(), *counting_follow_up.values()):
        r["counts"] = True


def unanswered_questions(questions: Sequence[str], answers: Sequence[AnswerRecord]) -> list[str]:
    """The script's questions without a usable answer, in script order."""
    answered = {a.question_id for a in answers if a.kind == "main" and a.counts}
    return [q for q in questions if q not in answered]
