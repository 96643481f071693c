"""Who writes each follow-up question: an LLM when one is usable, else the offline coach.

The offline coach always runs first (it takes milliseconds): its finding is the LLM's hint
about what to probe, and its question is the fallback. The LLM then has until the time limit
to stream a first complete question that passes `simulator.followups.checks`; otherwise the
coach's question is asked and the reason is recorded. The candidate never waits longer than
the time limit, whatever the endpoint does.

Every :class:`FollowUp` says which writer produced it and, when the LLM was tried and not
used, why; those fields go into the session's event log unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from simulator.analysis.text import AnswerText
from simulator.config.rubric import Rubric, judged
from simulator.config.script import FollowUpSettings, LoadedScript
from simulator.followups import coach
from simulator.followups.checks import problem_with
from simulator.followups.llm import LlmClient, LlmEndpoint
from simulator.followups.prompts import FollowUpContext, messages, system_message

# After this many endpoint failures in a row (not merely rejected questions), stop asking the
# endpoint for the rest of the session: each attempt could cost the candidate the time limit.
GIVE_UP_AFTER = 2
REPLY_CHARS = 400  # of the raw LLM reply kept in the log, for judging a model afterwards


@dataclass(frozen=True)
class FollowUp:
    text: str
    criterion: str  # the rubric criterion probed ("depth" when the answer covered them all)
    writer: dict  # {"kind": "offline"} or {"kind": "llm", "model": ..., "endpoint": ...}
    fallback: str | None = None  # why an LLM question was not used (None: not tried or used)
    write_seconds: float = 0.0
    llm: dict | None = None  # timings and the raw reply when the LLM was tried
    # Read when the event is written (after the question was spoken): the rest of the LLM's
    # reply, which arrives while the interviewer is already speaking.
    late_reply: Callable[[], tuple[str, int]] | None = None

    def to_event(self) -> dict:
        data = {"writer": self.writer, "criterion": self.criterion, "fallback": self.fallback,
                "write_seconds": self.write_seconds}
        note, llm = None, dict(self.llm) if self.llm else None
        if self.late_reply is not None and llm is not None:
            reply, extra = self.late_reply()
            llm["reply"] = reply[:REPLY_CHARS]
            if extra and self.writer.get("kind") == "llm":
                note = f"the reply held {extra + 1} questions; only the first was asked"
        if note:
            data["note"] = note
        if llm:
            data["llm"] = llm
        return data


@dataclass
class FollowUpWriter:
    """Writes follow-ups for one session. ``client`` is None in offline mode; ``unavailable``
    says why an LLM that was asked for cannot be used (recorded on every follow-up)."""

    loaded: LoadedScript
    client: LlmClient | None = None
    unavailable: str | None = None
    _failures: int = field(default=0, init=False)

    @property
    def rubric(self) -> Rubric:
        assert self.loaded.rubric is not None
        return self.loaded.rubric

    @property
    def settings(self) -> FollowUpSettings:
        assert self.loaded.script.follow_ups is not None
        return self.loaded.script.follow_ups

    def describe(self) -> dict:
        """For the session's settings: which writer, never the key."""
        if self.client is not None:
            return {"writer": "llm", "model": self.client.model,
                    "endpoint": self.client.endpoint.display_url,
                    "time_limit_s": self.settings.time_limit_s}
        return {"writer": "offline", "reason": self.unavailable}

    def write(self, *, answers: Sequence[tuple[str, str]], asked: Sequence[str],
              asked_criteria: Sequence[str], focus: Sequence[str], force: str | None,
              ready_at: float | None = None, judged_on: Sequence[str] = (),
              verdicts: Mapping[str, tuple[bool, str]] | None = None,
              words: Sequence[Any] = ()) -> FollowUp:
        """The next follow-up to the thread of ``answers`` ((question, transcript) pairs).

        ``ready_at`` (``time.monotonic()``) is when the last answer's transcript was ready:
        the time limit counts from there, so saving and showing the answer count too.
        ``judged_on`` (the main question's) limits the criteria the coach may ask about to
        those the question is judged on (and ``force``); ``verdicts`` are the coaching
        analysis's findings on the answer (see `coach.next_follow_up`). ``words``: the timed
        words of ``answers``' transcripts, in order: the coach quotes no word Whisper was
        unsure of."""
        started = ready_at if ready_at is not None else time.monotonic()
        deadline = started + self.settings.time_limit_s
        transcript = "\n".join(text for _, text in answers)
        read: str | AnswerText = AnswerText(transcript, words) if words else transcript
        strictness = self.loaded.script.interviewer.strictness
        # Not to be repeated: what was asked, and what a later main question will ask anyway.
        taken = list(asked) + [q.prompt for q in self.loaded.script.questions]
        # A question is probed on what the report judges it on: no "how was it served?"
        # after a career walk-through the script judges on numbers and ownership alone.
        rubric = judged(self.rubric, judged_on, force) or self.rubric
        hint = coach.next_follow_up(read, rubric,
                                    asked=taken, avoid=asked_criteria, focus=focus, force=force,
                                    strictness=strictness, verdicts=verdicts)

        def offline(fallback: str | None, llm: dict | None = None, late_reply=None):
            return FollowUp(hint.text, hint.criterion, {"kind": "offline"}, fallback=fallback,
                            write_seconds=round(time.monotonic() - started, 3), llm=llm,
                            late_reply=late_reply)

        if self.client is None:
            return offline(self.unavailable)
        if self._failures >= GIVE_UP_AFTER:
            return offline(f"{self.unavailable} ({GIVE_UP_AFTER} failures in a row; the "
                           "endpoint is not asked again this session)")
        context = FollowUpContext(
            question=answers[0][0], answers=answers, asked=asked, focus=hint.criterion,
            focus_detail=hint.detail, quote=hint.quote, force=force is not None)
        result = self.client.first_question(
            messages(self.loaded.script, self.rubric, context, self.settings.max_words), deadline)
        llm = {"model": result.model, "first_token_s": result.first_token_s,
               "question_s": result.question_s, "reply": result.reply[:REPLY_CHARS]}
        if result.question is None:
            if not result.reply:
                self._failures += 1
                self.unavailable = f"the LLM endpoint failed: {result.error}"
            return offline(result.error, llm)
        self._failures = 0
        problem = problem_with(result.question, earlier=taken, max_words=self.settings.max_words)
        if problem is None and force is not None and \
                not coach.mentions(self.rubric.criterion(force), result.question):
            problem = f"the question did not ask about {self.rubric.criterion(force).title.lower()}"
        if problem is not None:
            return offline(f"its question was rejected: {problem}", llm,
                           lambda: (result.full_reply(), result.extra_questions()))
        # The coach's finding was only a hint: the LLM's question probes that criterion only
        # if it mentions it (this matters for the criterion that must be asked once).
        criterion = hint.criterion
        if criterion in {c.id for c in self.rubric.criteria} and \
                not coach.mentions(self.rubric.criterion(criterion), result.question):
            criterion = "other"
        return FollowUp(result.question, criterion,
                        {"kind": "llm", "model": result.model,
                         "endpoint": self.client.endpoint.display_url},
                        write_seconds=round(time.monotonic() - started, 3), llm=llm,
                        late_reply=lambda: (result.full_reply(), result.extra_questions()))


def build_writer(loaded: LoadedScript, mode: str, endpoint: LlmEndpoint | None,
                 time_limit_s: float | None = None) -> tuple[FollowUpWriter | None, str | None]:
    """The session's writer and a notice for the person (None when there is nothing to say).

    ``mode`` is ``offline`` or ``auto``: auto uses the endpoint when one is configured and
    answers a quick probe at start-up, else the offline coach.
    """
    settings = loaded.script.follow_ups
    if settings is None or not any(loaded.script.follow_up_count(q)
                                   for q in loaded.script.questions):
        return None, None
    if time_limit_s is not None:
        settings = settings.model_copy(update={"time_limit_s": time_limit_s})
        loaded = replace(loaded, script=loaded.script.model_copy(update={"follow_ups": settings}))
    if mode == "offline":
        return FollowUpWriter(loaded, unavailable=None), None
    if endpoint is None:
        return FollowUpWriter(loaded, unavailable=None), None
    client = LlmClient(endpoint, settings.time_limit_s)
    from simulator.errors import SimulatorError

    try:
        client.probe()
    except SimulatorError as exc:
        return (FollowUpWriter(loaded, unavailable=exc.message),
                f"{exc.message}. Follow-up questions come from the offline coach "
                f"({exc.hint or 'start the server'}, or choose --llm offline to skip this "
                "check).")
    writer = FollowUpWriter(loaded, client=client)
    if endpoint.is_local:  # hosted APIs would bill it and cache prompts on their own
        client.warm_up(system_message(loaded.script, writer.rubric, settings.max_words))
    return writer, None
