"""The rehearsal loop: a small, explicit, turn-based state machine.

For each turn: say the question -> get the answer (microphone or file) -> save its audio ->
measure speaking time on the audio -> transcribe -> save -> maybe write a follow-up, which
becomes the next turn. Every step appends an event to the session log, and the session is
checkpointed at each turn boundary, so whatever happens next (a bad file, Ctrl-C, a full disk)
everything recorded before it is already on disk.

The loop depends only on small interfaces (a speaker, an answer source, a transcriber, a
view); which implementations are used is decided by the caller.
"""

from __future__ import annotations

import datetime as dt
import signal
import threading
import time
from collections import deque
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, replace
from typing import Protocol

from audio.clip import Audio
from audio.errors import AudioError, AudioFileError, DeviceError
from audio.sources import AnswerRequest, AnswerSource, Recording, StopSignal
from audio.speaker import Speaker, Utterance
from audio.transcriber import Transcript
from audio.vad import VadSettings, frame_probabilities, segments_from_probabilities
from simulator.errors import InterviewIncomplete
from simulator.followups import FollowUp, FollowUpWriter
from simulator.script import LoadedScript, Question
from simulator.session import SessionWriter
from simulator.timing import Budget, measure


class Transcriber(Protocol):
    name: str

    def transcribe(self, audio: Audio) -> Transcript: ...


@dataclass(frozen=True)
class Turn:
    """One question to ask: a main question from the script, or a follow-up written after
    the answer before it (``follows`` is the main question's id, ``depth`` counts 1, 2, ...)."""

    number: int
    question: Question
    kind: str = "main"
    follows: str | None = None
    depth: int = 0
    follow_up: FollowUp | None = None
    ready_at: float | None = None  # monotonic time the answer it follows was transcribed
    position: int = 0  # a main question's place in the script (1-based), for "Question 3/11"

    @property
    def thread(self) -> str:
        """The main question this turn belongs to."""
        return self.follows or self.question.id


class InterviewView(Protocol):
    """What the person sees. The CLI renders with rich; tests can pass a quiet view."""

    def interviewer_line(self, text: str, utterance: Utterance) -> None: ...
    def question(self, turn: Turn, total: int, utterance: Utterance | None) -> None: ...
    def answering(self, turn: Turn, request: AnswerRequest, live: bool) -> AbstractContextManager: ...
    def answer_received(self, turn: Turn, recording: Recording) -> None: ...
    def transcribing(self, turn: Turn, audio_seconds: float) -> AbstractContextManager: ...
    def answer_done(self, turn: Turn, answer: dict) -> None: ...
    def writing_follow_up(self, turn: Turn) -> AbstractContextManager: ...


class QuietView:
    def interviewer_line(self, text, utterance): pass
    def question(self, turn, total, utterance): pass
    def answering(self, turn, request, live): return nullcontext()
    def answer_received(self, turn, recording): pass
    def transcribing(self, turn, audio_seconds): return nullcontext()
    def answer_done(self, turn, answer): pass
    def writing_follow_up(self, turn): return nullcontext()


DEFAULT_WRAP_UP = "Let's stop there so we can keep moving."
RESUME_LINE = "Let's pick up where we left off."


class Interview:
    def __init__(
        self,
        loaded: LoadedScript,
        *,
        speaker: Speaker,
        answers: AnswerSource,
        transcriber: Transcriber,
        session: SessionWriter,
        view: InterviewView | None = None,
        vad: VadSettings = VadSettings(),
        follow_ups: FollowUpWriter | None = None,
    ) -> None:
        self.script = loaded.script
        self.speaker = speaker
        self.answers = answers
        self.transcriber = transcriber
        self.session = session
        self.log = session.log
        self.view = view or QuietView()
        self.vad = vad
        self.follow_ups = follow_ups
        self._transcript_ready_at: float | None = None

    def run(self, questions: list[Question] | None = None, first_turn: int = 1,
            resumed: bool = False, open_thread: Turn | None = None) -> dict:
        """Run the interview (or, when resuming, its remaining ``questions``; ``open_thread``
        is the last answered turn, whose follow-ups may not all have been asked).

        Returns the final session document. Raises :class:`InterviewIncomplete` when it stops
        early (bad answer file, answers ran out, device lost); KeyboardInterrupt is re-raised
        after the session is saved.
        """
        questions = list(self.script.questions if questions is None else questions)
        # Turns are numbered when they are taken: follow-ups are inserted as the interview goes.
        order = {q.id: i + 1 for i, q in enumerate(self.script.questions)}
        pending = deque(Turn(0, q, position=order.get(q.id, 0)) for q in questions)
        number = first_turn
        total = len(self.script.questions)
        status, reason = "complete", None
        given = 0  # answers taken in this run (file names are counted per run)
        try:
            if resumed:
                self._interviewer_line(RESUME_LINE, "resume")
                if open_thread is not None:
                    follow_up = self._follow_up(open_thread, pending)
                    if follow_up is not None:
                        pending.appendleft(follow_up)
            else:
                self._interviewer_line(self.script.interviewer.intro, "intro")
            while pending:
                turn = replace(pending.popleft(), number=number)
                number += 1
                if not self._take_turn(turn, total):
                    status = "incomplete"
                    reason = (
                        f"no answer for question {turn.number} ({turn.question.id}): "
                        f"only {given} answer file{'s' if given != 1 else ''} given"
                    )
                    break
                given += 1
                follow_up = self._follow_up(turn, pending)
                if follow_up is not None:
                    pending.appendleft(follow_up)
            else:
                self._interviewer_line(self.script.interviewer.closing, "closing")
        except AudioError as exc:
            status, reason = "incomplete", str(exc)
            raise InterviewIncomplete(str(exc)) from exc
        except KeyboardInterrupt:
            status, reason = "incomplete", "interrupted by the user (Ctrl-C)"
            raise
        except BaseException as exc:
            status, reason = "incomplete", f"stopped by an error: {exc}"
            raise
        finally:
            self.log.append(
                "session_ended",
                status=status,
                reason=reason,
                at=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            )
            doc = self.session.checkpoint()
            self.session.close()
        if status != "complete":
            raise InterviewIncomplete(reason or "the interview stopped early")
        return doc

    # ------------------------------------------------------------------ steps

    def _interviewer_line(self, text: str | None, what: str) -> None:
        if not text:
            return
        utterance = self.speaker.say(text)
        self.log.append("interviewer_said", what=what, text=text, tts=utterance.mode)
        self.view.interviewer_line(text, utterance)

    def _take_turn(self, turn: Turn, total: int) -> bool:
        q = turn.question
        budget = Budget(q.min_s, q.max_s)
        self.view.question(turn, total, None)
        save_to = None
        if self.speaker.mode != "off":
            save_to = self.session.question_audio_path(turn.number, q.id)
        utterance = self.speaker.say(q.prompt, save_to=save_to)
        extra = {}
        if turn.follow_up is not None:
            extra = {"depth": turn.depth, **turn.follow_up.to_event()}
            if turn.ready_at is not None:
                # From the transcript of the answer before to the first sound of this question.
                heard_at = utterance.started_at or time.monotonic()
                extra["delay_s"] = round(heard_at - turn.ready_at, 3)
        self.log.append(
            "question_asked",
            turn=turn.number,
            question_id=q.id,
            kind=turn.kind,
            follows=turn.follows,
            question=q.prompt,
            budget=budget.to_dict(),
            tts=utterance.mode,
            audio=self.session.relative(save_to) if save_to else None,
            spoken_seconds=utterance.duration,
            **extra,
        )

        audio_path = self.session.answer_audio_path(turn.number, q.id)
        request = AnswerRequest(audio_path=audio_path, max_s=q.max_s,
                                sample_text=q.sample_answer)
        live = getattr(self.answers, "live", False)
        with _ctrl_c_ends_answer(request.stop, enabled=live):
            return self._answer_turn(turn, request, live)

    def _answer_turn(self, turn: Turn, request: AnswerRequest, live: bool) -> bool:
        audio_path = request.audio_path
        try:
            if live:
                self.log.append("answer_started", turn=turn.number,
                                audio=self.session.relative(audio_path))
                self.session.sync_events()
            with self.view.answering(turn, request, live) as on_progress:
                request.on_progress = on_progress
                recording = self.answers.next_answer(request)
        except AudioError as exc:
            self.log.append("answer_failed", turn=turn.number, error=str(exc))
            raise
        if recording is None:
            return False
        self.view.answer_received(turn, recording)
        self.log.append(
            "answer_ended",
            turn=turn.number,
            reason=recording.end_reason,
            audio=self.session.relative(audio_path),
            source=recording.source,
            audio_seconds=round(recording.audio.duration, 3),
        )
        self.session.checkpoint()
        if recording.end_reason == "max_time":
            self._interviewer_line(self.script.interviewer.wrap_up or DEFAULT_WRAP_UP, "wrap_up")
        self._process(turn, recording, strict=not live)
        if recording.end_reason == "device_lost":
            raise _device_lost(self.session.id)
        if request.stop.end_session:
            raise KeyboardInterrupt
        return True

    def recover(self, turn: Turn, audio: Audio) -> None:
        """Finish an answer a crash cut off: its audio is on disk; measure and transcribe it."""
        self.log.append("answer_recovered", turn=turn.number, reason="recovered",
                        audio=self.session.relative(
                            self.session.answer_audio_path(turn.number, turn.question.id)),
                        audio_seconds=round(audio.duration, 3))
        self._process(turn, Recording(audio=audio, end_reason="recovered"), strict=False)

    def _process(self, turn: Turn, recording: Recording, strict: bool) -> None:
        """Measure speaking time and transcribe; log both and checkpoint.

        ``strict``: an answer without speech is an error (a bad input file) rather than a
        skipped answer (a live candidate who said nothing).
        """
        q = turn.question
        probabilities = recording.vad_probabilities
        if probabilities is None:
            probabilities = frame_probabilities(recording.audio)
        timing = measure(segments_from_probabilities(probabilities, self.vad),
                         Budget(q.min_s, q.max_s))
        if timing is None:
            what = recording.source or "the answer"
            error = AudioFileError(f"no speech found in {what}",
                                   "is the recording silent or the microphone muted?")
            self.log.append("answer_failed", turn=turn.number, error=str(error))
            self.session.checkpoint()
            if strict and recording.end_reason != "device_lost":
                raise error
            self.view.answer_done(turn, self._answer(turn))
            return
        self.log.append("answer_measured", turn=turn.number, **timing.to_dict())

        with self.view.transcribing(turn, recording.audio.duration):
            started = time.perf_counter()
            if recording.finish_transcript is not None:
                transcript = recording.finish_transcript()
            else:
                transcript = self.transcriber.transcribe(recording.audio)
            elapsed = time.perf_counter() - started
        self._transcript_ready_at = time.monotonic()
        self.log.append(
            "transcript_ready",
            turn=turn.number,
            model=transcript.model,
            transcribe_seconds=round(elapsed, 3),
            **{k: v for k, v in transcript.to_dict().items() if k != "model"},
        )
        self.session.checkpoint()
        self.view.answer_done(turn, self._answer(turn))

    def _answer(self, turn: Turn) -> dict:
        return next(a for a in self.session.document()["answers"] if a["turn"] == turn.number)

    # ------------------------------------------------------------------ follow-ups

    def _follow_up(self, turn: Turn, pending: deque) -> Turn | None:
        """Write the next follow-up in ``turn``'s thread, if the script wants one and the
        answer gave something to follow up on."""
        if self.follow_ups is None:
            return None
        main = self._main_question(turn.thread)
        count = self.script.follow_up_count(main) if main else 0
        if turn.depth >= count:
            return None
        ready_at = self._transcript_ready_at
        answers = self.session.document()["answers"]
        thread = [(a["question"], a["transcript"]) for a in answers
                  if (a["question_id"] == turn.thread or a.get("follows") == turn.thread)
                  and a["status"] == "complete" and a.get("transcript")]
        latest = next((a for a in answers if a["turn"] == turn.number), None)
        if latest is None or latest["status"] != "complete" or not latest.get("transcript"):
            return None  # nothing was said: nothing to follow up on
        asked = [e["question"] for e in self.log.events if e["type"] == "question_asked"]
        asked_criteria = [e["criterion"] for e in self.log.events
                          if e["type"] == "question_asked" and e.get("criterion")]
        settings = self.script.follow_ups
        force = None
        if settings.always_ask and settings.always_ask not in asked_criteria:
            later_slots = (count - turn.depth - 1) + sum(
                self.script.follow_up_count(t.question) for t in pending if t.kind == "main")
            if later_slots == 0:
                force = settings.always_ask
        try:
            with self.view.writing_follow_up(turn):
                written = self.follow_ups.write(answers=thread, asked=asked,
                                                asked_criteria=asked_criteria,
                                                focus=main.follow_up_focus, force=force,
                                                ready_at=ready_at)
        except Exception as exc:  # noqa: BLE001 - a follow-up is never worth the session
            self.log.append("notice", text=f"no follow-up after turn {turn.number}: "
                                           f"{type(exc).__name__}")
            return None
        depth = turn.depth + 1
        question = Question.model_construct(
            id=f"{turn.thread}-follow-up-{depth}", prompt=written.text,
            min_s=settings.min_s, max_s=settings.max_s, section=main.section,
            sample_answer=self._sample_answer(written.criterion), follow_ups=None,
            follow_up_focus=[])
        return Turn(0, question, kind="follow_up", follows=turn.thread, depth=depth,
                    follow_up=written, ready_at=ready_at)

    def _main_question(self, question_id: str) -> Question | None:
        return next((q for q in self.script.questions if q.id == question_id), None)

    def _sample_answer(self, criterion: str) -> str:
        rubric = self.follow_ups.rubric
        known = {c.id: c.sample_answer for c in rubric.criteria}
        return known.get(criterion) or GENERIC_SAMPLE_FOLLOW_UP


# What the built-in sample candidate says to a follow-up the rubric has no sample answer for.
GENERIC_SAMPLE_FOLLOW_UP = (
    "Sure. The detail that mattered most was how we checked each change: I compared it "
    "against the previous version on the same held-out data before anything went live, "
    "and I wrote down why we kept or dropped it. That log turned out to be useful later, "
    "when a new teammate asked why the model looked the way it did, and when we had to "
    "explain a drop in approvals to the business.")


@contextmanager
def _ctrl_c_ends_answer(stop: StopSignal, enabled: bool):
    """From the start of a live answer until it is transcribed and saved, Ctrl-C ends the
    answer instead of the program; a second press also ends the session, but only after the
    answer is safely saved (a KeyboardInterrupt in the middle of saving would lose it)."""
    if not enabled or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, lambda *_: stop.interrupt())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _device_lost(session_id: str) -> DeviceError:
    return DeviceError(
        "the microphone stopped delivering audio (unplugged, or the sound server stopped)",
        f"the answer so far is saved; reconnect it and continue with: "
        f"mock-interview resume {session_id}",
    )
