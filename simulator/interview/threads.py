"""Following up within a question's thread: after an answer, whether the script wants a
follow-up, what the thread said so far, what was asked already this session (questions and
rubric criteria), whether a criterion must be asked now (``always_ask`` on the last slot),
and the follow-up turn itself, with the sample candidate's answer to it."""

from __future__ import annotations

from collections.abc import Iterable

from simulator.analysis.answer import AnswerAnalysis
from simulator.config.rubric import Rubric
from simulator.config.script import Question, Script
from simulator.followups.writer import FollowUpWriter
from simulator.interview.turns import Turn
from simulator.sessions.records import Notice, QuestionAsked
from simulator.sessions.writer import SessionWriter


class FollowUpPlanner:
    """Writes the next follow-up of a thread (on the loop's worker thread: it only reads the
    session, and logs a notice if writing fails)."""

    def __init__(self, script: Script, writer: FollowUpWriter | None,
                 session: SessionWriter) -> None:
        self.script = script
        self.writer = writer
        self.session = session

    def next_turn(self, turn: Turn, pending: Iterable[Turn], ready_at: float | None,
                  analysis: AnswerAnalysis | None = None) -> Turn | None:
        """Write the next follow-up in ``turn``'s thread, if the script wants one and the
        answer gave something to follow up on. Runs on a worker thread (the loop offers a
        retake meanwhile); it only reads the session.

        ``analysis`` is the coaching analysis of the thread's main answer (the summary the
        candidate saw after it). After the main answer its findings decide what the
        follow-up may ask about; after a follow-up's answer, what it credited stays credited
        (a part told in plain words is not asked for again) and the rest is read from the
        thread's words as a whole, the follow-ups' answers included."""
        writer, settings = self.writer, self.script.follow_ups
        if writer is None or settings is None:
            return None
        main = self.script.question(turn.thread)
        if main is None:
            return None
        count = self.script.follow_up_count(main)
        if turn.depth >= count:
            return None
        thread_turn = turn.number if turn.kind == "main" else turn.thread_turn
        answers = self.session.document().answers
        told = [a for a in answers if (a.turn == thread_turn or a.thread_turn == thread_turn)
                and a.status == "complete" and a.transcript]
        thread = [(a.question, a.transcript or "") for a in told]
        latest = next((a for a in answers if a.turn == turn.number), None)
        if latest is None or latest.status != "complete" or not latest.transcript:
            return None  # nothing was said: nothing to follow up on
        asked = [e.question for e in self.session.log.of(QuestionAsked)]
        asked_criteria = [e.criterion for e in self.session.log.of(QuestionAsked) if e.criterion]
        force = None
        if settings.always_ask and settings.always_ask not in asked_criteria:
            later_slots = (count - turn.depth - 1) + sum(
                self.script.follow_up_count(t.question) for t in pending if t.kind == "main")
            if later_slots == 0:
                force = settings.always_ask
        verdicts = None
        if analysis is not None:
            verdicts = {s.id: (s.found, s.detail) for s in analysis.signals
                        if s.kind == "quality" and (s.found or turn.kind == "main")}
        try:
            written = writer.write(answers=thread, asked=asked,
                                   asked_criteria=asked_criteria,
                                   focus=main.follow_up_focus, force=force,
                                   ready_at=ready_at, judged_on=main.judged_on,
                                   verdicts=verdicts,
                                   words=[w for a in told for w in a.words])
        except Exception as exc:
            self.session.log.append(Notice, text=f"no follow-up after turn {turn.number}: "
                                           f"{type(exc).__name__}")
            return None
        depth = turn.depth + 1
        question = Question(
            id=f"{turn.thread}-follow-up-{depth}", prompt=written.text,
            min_s=settings.min_s, max_s=settings.max_s, section=main.section,
            sample_answer=_sample_answer(writer.rubric, written.criterion))
        return Turn(0, question, kind="follow_up", follows=turn.thread, depth=depth,
                    follow_up=written, ready_at=ready_at,
                    thread_turn=thread_turn)


def _sample_answer(rubric: Rubric, criterion: str) -> str:
    known = {c.id: c.sample_answer for c in rubric.criteria}
    return known.get(criterion) or GENERIC_SAMPLE_FOLLOW_UP


# What the built-in sample candidate says to a follow-up the rubric has no sample answer for.
GENERIC_SAMPLE_FOLLOW_UP = (
    "Sure. The detail that mattered most was how we checked each change: I compared it "
    "against the previous version on the same held-out data before anything went live, "
    "and I wrote down why we kept or dropped it. That log turned out to be useful later, "
    "when a new teammate asked why the model looked the way it did, and when we had to "
    "explain a drop in approvals to the business.")
