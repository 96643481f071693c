"""The rehearsal loop: a small, explicit, turn-based state machine.

For each turn: say the question -> get the answer (microphone or file) -> save its audio ->
measure speaking time on the audio -> transcribe -> save -> offer a retake (live answers) ->
maybe write a follow-up, which becomes the next turn. Every step appends an event to the
session log, and the session is checkpointed at each turn boundary, so whatever happens next
(a bad file, Ctrl-C, a full disk, a closed terminal) everything recorded before it is on disk.

A question can be answered more than once (``r`` during or right after a live answer, or
``resume --retake``): each attempt is its own turn with its own audio, and the latest usable
attempt is the one that counts. A session is complete only when every script question has a
usable answer.

The loop depends only on small interfaces (a speaker, answer sources, a transcriber, a view,
the keyboard); which implementations are used is decided by the caller.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from typing import Protocol

from audio.activity import ActivitySettings
from audio.clip import Audio
from audio.errors import AudioError, AudioFileError, DeviceError
from audio.sources import AnswerRequest, Recording
from audio.speaker import Speaker, Utterance
from audio.transcriber import Transcript
from simulator.analysis.timing import Budget, measure_audio
from simulator.config.script import LoadedScript, Question
from simulator.errors import InterviewIncomplete, StorageError
from simulator.followups.writer import FollowUpWriter
from simulator.interview.answers import TurnAnswers
from simulator.interview.keys import Keyboard
from simulator.interview.signals import SessionSignals, handled
from simulator.interview.turns import Turn
from simulator.sessions.records import (
    AnswerEnded,
    AnswerFailed,
    AnswerMeasured,
    AnswerRecord,
    AnswerRecovered,
    AnswerStarted,
    InterviewerSaid,
    Notice,
    QuestionAsked,
    QuestionSkipped,
    RetakeRequested,
    SessionDocument,
    SessionEnded,
    TranscriptReady,
)
from simulator.sessions.writer import SessionWriter


class Transcriber(Protocol):
    name: str

    def transcribe(self, audio: Audio) -> Transcript: ...


class InterviewView(Protocol):
    """What the person sees. The CLI renders with rich; tests can pass a quiet view."""

    def interviewer_line(self, text: str, utterance: Utterance) -> None: ...
    def question(self, turn: Turn, total: int) -> None: ...
    def notice(self, text: str) -> None: ...
    def answering(self, turn: Turn, request: AnswerRequest, live: bool) -> AbstractContextManager: ...
    def answer_received(self, turn: Turn, recording: Recording) -> None: ...
    def transcribing(self, turn: Turn, audio_seconds: float) -> AbstractContextManager: ...
    def answer_done(self, turn: Turn, answer: AnswerRecord) -> None: ...
    def offer_retake(self, turn: Turn, seconds_left: float, unusable: bool = False) -> None: ...
    def writing_follow_up(self, turn: Turn) -> AbstractContextManager: ...


class QuietView:
    def interviewer_line(self, text, utterance): pass
    def question(self, turn, total): pass
    def notice(self, text): pass
    def answering(self, turn, request, live): return nullcontext()
    def answer_received(self, turn, recording): pass
    def transcribing(self, turn, audio_seconds): return nullcontext()
    def answer_done(self, turn, answer): pass
    def offer_retake(self, turn, seconds_left, unusable=False): pass
    def writing_follow_up(self, turn): return nullcontext()


DEFAULT_WRAP_UP = "Let's stop there so we can keep moving."
RESUME_LINE = "Let's pick up where we left off."
# How long the "r: answer again" offer stays open after a live answer that ended by itself
# (silence, the time limit, Ctrl-C), and after one with no usable speech (then Enter skips).
RETAKE_WINDOW_S = 2.0
UNUSABLE_WINDOW_S = 10.0

_SAME = object()


class Interview:
    def __init__(
        self,
        loaded: LoadedScript,
        *,
        speaker: Speaker,
        answers: TurnAnswers,
        transcriber: Transcriber,
        session: SessionWriter,
        view: InterviewView | None = None,
        activity: ActivitySettings = ActivitySettings(),
        follow_ups: FollowUpWriter | None = None,
        follow_up_answers=_SAME,
        keyboard: Keyboard | None = None,
        retake_window_s: float = RETAKE_WINDOW_S,
        unusable_window_s: float = UNUSABLE_WINDOW_S,
    ) -> None:
        """``follow_up_answers``: where follow-ups are answered (default: like the main
        questions); None skips follow-ups (answers from files without files for them)."""
        self.script = loaded.script
        self.speaker = speaker
        self.answers = answers
        self.follow_up_answers: TurnAnswers | None = (
            answers if follow_up_answers is _SAME else follow_up_answers)
        self.transcriber = transcriber
        self.session = session
        self.log = session.log
        self.view = view or QuietView()
        self.activity = activity
        self.follow_ups = follow_ups
        self.keyboard = keyboard or Keyboard()
        self.retake_window_s = retake_window_s
        self.unusable_window_s = unusable_window_s
        self.signals = SessionSignals()
        self._transcript_ready_at: float | None = None
        self._turn: Turn | None = None

    @property
    def _live(self) -> bool:
        return self.answers.live or bool(self.follow_up_answers and self.follow_up_answers.live)

    def run(self, questions: list[Question] | None = None, first_turn: int = 1,
            resumed: bool = False, open_thread: Turn | None = None) -> SessionDocument:
        """Run the interview (or, when resuming, the ``questions`` still to answer;
        ``open_thread`` is the last answered turn, whose follow-ups may not all be asked).

        Returns the final session document. Raises :class:`InterviewIncomplete` when it ends
        without a usable answer to every question (a bad answer file, the device lost,
        questions left unanswered); KeyboardInterrupt is re-raised after the session is saved.
        """
        questions = list(self.script.questions if questions is None else questions)
        order = {q.id: i + 1 for i, q in enumerate(self.script.questions)}
        answers = self.session.document().answers
        pending = deque(
            Turn(0, q, position=order.get(q.id, 0),
                 attempt=1 + sum(1 for a in answers if a.question_id == q.id))
            for q in questions)
        number = first_turn
        stopped: str | None = None  # why the interview stopped before the end
        executor = ThreadPoolExecutor(1, thread_name_prefix="follow-up")
        try:
            with handled(self.signals, live=self._live):
                if resumed:
                    self._interviewer_line(RESUME_LINE, "resume")
                    if open_thread is not None:
                        follow_up = self._follow_up(open_thread, pending)
                        if follow_up is not None:
                            pending.appendleft(follow_up)
                else:
                    self._interviewer_line(self.script.interviewer.intro, "intro")
                while pending:
                    self._stop_if_asked()
                    turn = replace(pending.popleft(), number=number)
                    self._turn = turn
                    number += 1
                    result, ended_by = self._take_turn(turn, len(self.script.questions))
                    if result == "no answer source":
                        if turn.kind == "main":
                            stopped = f"no answer for question {turn.position} ({turn.question.id})"
                            break
                        continue
                    self._stop_if_asked()
                    next_turn = self._after_answer(turn, result, ended_by, pending, executor)
                    if next_turn is not None:
                        pending.appendleft(next_turn)
                else:
                    self._interviewer_line(self.script.interviewer.closing, "closing")
        except AudioError as exc:
            stopped = f"{_describe_turn(self._turn)}: {exc}" if self._turn else str(exc)
            raise InterviewIncomplete(stopped) from exc
        except KeyboardInterrupt:
            stopped = self.signals.end_session or "interrupted by the user (Ctrl-C)"
            raise
        except BaseException as exc:
            stopped = f"stopped by an error: {exc}"
            raise
        finally:
            executor.shutdown(wait=False, cancel_futures=True)
            doc = self._end(stopped)
        if doc.status != "complete":
            raise InterviewIncomplete(doc.incomplete_reason or "the interview stopped early")
        return doc

    def _stop_if_asked(self) -> None:
        if self.signals.end_session:
            raise KeyboardInterrupt

    def _end(self, stopped: str | None) -> SessionDocument:
        """Log how the session ended (complete only with a usable answer to every
        question) and make it durable."""
        missing = self.session.document().unanswered
        for slot, path in getattr(self.answers, "unused", list)():
            self.log.append(Notice, text=f"{path} was not used: its question "
                                           f"({slot[0]}, follow-up {slot[1]}) was not asked")
        if stopped is None and missing:
            names = ", ".join(missing[:6]) + (", ..." if len(missing) > 6 else "")
            stopped = (f"{len(missing)} question{'s' if len(missing) != 1 else ''} "
                       f"without a usable answer ({names})")
        try:
            self.log.append(
                SessionEnded,
                status="complete" if stopped is None else "incomplete",
                reason=stopped,
                unanswered=missing,
                at=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            )
            return self.session.checkpoint()
        except StorageError:
            if stopped is None:
                raise
            # Already stopping because of an error (often the same full disk): that error
            # is the one to report; what reached the disk before it is the session.
            return self.session.document()
        finally:
            self.session.close()

    # ------------------------------------------------------------------ steps

    def _interviewer_line(self, text: str | None, what: str) -> None:
        if not text:
            return
        utterance = self.speaker.say(text)
        self.log.append(InterviewerSaid, what=what, text=text, tts=utterance.mode)
        self.view.interviewer_line(text, utterance)

    def _source_for(self, turn: Turn) -> TurnAnswers | None:
        return self.answers if turn.kind == "main" else self.follow_up_answers

    def _ask(self, turn: Turn, total: int) -> None:
        q = turn.question
        cut = self.signals.asking()
        save_to = None
        utterance = None
        if turn.respeak:
            self.view.question(turn, total)
            if self.speaker.mode != "off":
                save_to = self.session.question_audio_path(turn.number, q.id)
            utterance = self.speaker.say(q.prompt, save_to=save_to, stop=cut)
            if utterance.cut_short:
                self.view.notice("Ctrl-C cut the question short. Answer when you are ready; "
                                 "press Ctrl-C again to end the session.")
        else:
            self.view.question(turn, total)
        extra: dict = {}
        if turn.follow_up is not None:
            extra = {"depth": turn.depth, **turn.follow_up.to_event()}
            if turn.ready_at is not None and utterance is not None:
                # From the transcript of the answer before to the first sound of this question.
                heard_at = utterance.started_at or time.monotonic()
                extra["delay_s"] = round(heard_at - turn.ready_at, 3)
        if turn.kind != "main":
            extra["thread_turn"] = turn.thread_turn
        self.log.append(
            QuestionAsked,
            turn=turn.number,
            question_id=q.id,
            kind=turn.kind,
            follows=turn.follows,
            question=q.prompt,
            budget=Budget(q.min_s, q.max_s).to_dict(),
            attempt=turn.attempt,
            tts=utterance.mode if utterance else "not repeated",
            audio=self.session.relative(save_to) if save_to else None,
            spoken_seconds=utterance.duration if utterance else None,
            cut_short=bool(utterance and utterance.cut_short) or None,
            **extra,
        )

    def _take_turn(self, turn: Turn, total: int) -> tuple[str, str | None]:
        """Ask and take one answer. Returns what came of it ("answered", "unanswered": no
        usable answer, "retake": the candidate asked to answer again, or "no answer source")
        and why the recording ended."""
        source = self._source_for(turn)
        if source is None:
            return "no answer source", None
        self._ask(turn, total)
        q = turn.question
        request = AnswerRequest(audio_path=self.session.answer_audio_path(turn.number, q.id),
                                max_s=q.max_s)
        try:
            if source.live:
                self.log.append(AnswerStarted, turn=turn.number,
                                audio=self.session.relative(request.audio_path))
                self.session.sync_events()
                self.signals.answering(request.stop)
            keys = self.keyboard.during_answer(request.stop) if source.live else nullcontext()
            with keys, self.view.answering(turn, request, source.live) as on_progress:
                request.on_progress = on_progress
                recording = source.answer(turn, request)
        except AudioError as exc:
            self.log.append(AnswerFailed, turn=turn.number, error=str(exc))
            raise
        finally:
            self.signals.idle()
        if recording is None:
            self.log.append(Notice, text=f"turn {turn.number} ({q.id}): no answer to give")
            return "no answer source", None
        self.view.answer_received(turn, recording)
        self.log.append(
            AnswerEnded,
            turn=turn.number,
            reason=recording.end_reason,
            audio=self.session.relative(request.audio_path),
            source=recording.source,
            audio_seconds=round(recording.audio.duration, 3),
        )
        for note in recording.notes:
            self.log.append(Notice, turn=turn.number, text=note)
        self.session.checkpoint()
        if recording.end_reason == "max_time":
            self._interviewer_line(self.script.interviewer.wrap_up or DEFAULT_WRAP_UP, "wrap_up")
        usable = self._process(turn, recording, strict=not source.live)
        if recording.end_reason == "device_lost":
            raise _device_lost(self.session.id)
        if recording.end_reason == "retake" and not self.signals.end_session:
            return "retake", recording.end_reason
        return ("answered" if usable else "unanswered"), recording.end_reason

    def _after_answer(self, turn: Turn, result: str, ended_by: str | None, pending: deque,
                      executor: ThreadPoolExecutor) -> Turn | None:
        """The next turn to put in front: the same question again (a retake), a follow-up,
        or nothing.

        A live candidate can ask to answer again: ``r`` during the answer, or in a short
        window after an answer that ended by itself (the follow-up is written meanwhile, so
        the offer costs no time when there is one to write). An answer with no usable
        speech keeps the offer open longer; Enter, or no key, skips the question for now."""
        again = replace(turn, number=0, attempt=turn.attempt + 1, respeak=False, ready_at=None)
        if result == "retake":
            self.view.notice("Answering the same question again (the earlier attempt is kept).")
            return again
        source = self._source_for(turn)
        live = source is not None and source.live
        future: Future | None = None
        if result == "answered" and self.follow_ups is not None:
            future = executor.submit(self._follow_up, turn, pending, self._transcript_ready_at)
        window = 0.0
        if live and not self.signals.end_session:
            if result == "unanswered":
                window = self.unusable_window_s
            elif ended_by != "key":
                window = self.retake_window_s
        if window > 0:
            unusable = result == "unanswered"
            choice = self.keyboard.choose(
                window, lambda left: self.view.offer_retake(turn, left, unusable))
            self.view.offer_retake(turn, 0.0, unusable)
            if choice == "retake" and not self.signals.end_session:
                if future is not None and not future.cancel():
                    future.result()  # it reads the log: let it finish before writing to it
                self.log.append(RetakeRequested, turn=turn.number, question_id=turn.question.id)
                self.view.notice("Answering the same question again (the earlier attempt is kept).")
                return again
            if unusable:
                self.log.append(QuestionSkipped, turn=turn.number,
                                question_id=turn.question.id,
                                how="key" if choice else "no key within "
                                f"{window:g} s")
                self.view.notice(f"Skipped {turn.question.id} for now: 'mock-interview resume "
                                 f"{self.session.id}' asks it again.")
        if future is None:
            return None
        if not future.done():
            with self.view.writing_follow_up(turn):
                return future.result()
        return future.result()

    def recover(self, turn: Turn, audio: Audio) -> None:
        """Finish an answer a crash cut off: its audio is on disk; measure and transcribe it."""
        self.log.append(AnswerRecovered, turn=turn.number, reason="recovered",
                        audio=self.session.relative(
                            self.session.answer_audio_path(turn.number, turn.question.id)),
                        audio_seconds=round(audio.duration, 3))
        self._process(turn, Recording(audio=audio, end_reason="recovered"), strict=False)

    def _process(self, turn: Turn, recording: Recording, strict: bool) -> bool:
        """Measure speaking time and transcribe; log both and checkpoint. Returns whether
        the answer is usable (holds speech).

        ``strict``: an answer without speech is an error (a bad input file) rather than an
        unanswered question (a live candidate who said nothing: they can retake it).
        """
        q = turn.question
        measured = measure_audio(recording.audio.samples, Budget(q.min_s, q.max_s),
                                 self.activity, recording.activity)
        if measured.timing is None:
            error = _no_speech(recording, measured.activity)
            self.log.append(AnswerFailed, turn=turn.number, error=error.message,
                            hint=error.hint)
            self.session.checkpoint()
            if strict and recording.end_reason != "device_lost":
                raise error
            self.view.answer_done(turn, self._answer(turn))
            return False
        self.log.append(AnswerMeasured, turn=turn.number, **measured.event_fields())

        with self.view.transcribing(turn, recording.audio.duration):
            started = time.perf_counter()
            if recording.finish_transcript is not None:
                transcript = recording.finish_transcript()
            else:
                transcript = self.transcriber.transcribe(recording.audio)
            elapsed = time.perf_counter() - started
        self._transcript_ready_at = time.monotonic()
        self.log.append(
            TranscriptReady,
            turn=turn.number,
            model=transcript.model,
            transcribe_seconds=round(elapsed, 3),
            **{k: v for k, v in transcript.to_dict().items() if k != "model"},
        )
        self.session.checkpoint()
        self.view.answer_done(turn, self._answer(turn))
        return True

    def _answer(self, turn: Turn) -> AnswerRecord:
        answer = self.session.document().answer(turn.number)
        assert answer is not None, f"turn {turn.number} has no answer record"
        return answer

    # ------------------------------------------------------------------ follow-ups

    def _follow_up(self, turn: Turn, pending: deque, ready_at: float | None = None) -> Turn | None:
        """Write the next follow-up in ``turn``'s thread, if the script wants one and the
        answer gave something to follow up on. Runs on a worker thread (the loop offers a
        retake meanwhile); it only reads the session."""
        if self.follow_ups is None or self.follow_up_answers is None:
            return None
        main = self._main_question(turn.thread)
        count = self.script.follow_up_count(main) if main else 0
        if turn.depth >= count:
            return None
        thread_turn = turn.number if turn.kind == "main" else turn.thread_turn
        answers = self.session.document().answers
        thread = [(a.question, a.transcript) for a in answers
                  if (a.turn == thread_turn or a.thread_turn == thread_turn)
                  and a.status == "complete" and a.transcript]
        latest = next((a for a in answers if a.turn == turn.number), None)
        if latest is None or latest.status != "complete" or not latest.transcript:
            return None  # nothing was said: nothing to follow up on
        asked = [e.question for e in self.log.of(QuestionAsked)]
        asked_criteria = [e.criterion for e in self.log.of(QuestionAsked) if e.criterion]
        settings = self.script.follow_ups
        force = None
        if settings.always_ask and settings.always_ask not in asked_criteria:
            later_slots = (count - turn.depth - 1) + sum(
                self.script.follow_up_count(t.question) for t in pending if t.kind == "main")
            if later_slots == 0:
                force = settings.always_ask
        try:
            written = self.follow_ups.write(answers=thread, asked=asked,
                                            asked_criteria=asked_criteria,
                                            focus=main.follow_up_focus, force=force,
                                            ready_at=ready_at or self._transcript_ready_at)
        except Exception as exc:
            self.log.append(Notice, text=f"no follow-up after turn {turn.number}: "
                                           f"{type(exc).__name__}")
            return None
        depth = turn.depth + 1
        question = Question(
            id=f"{turn.thread}-follow-up-{depth}", prompt=written.text,
            min_s=settings.min_s, max_s=settings.max_s, section=main.section,
            sample_answer=self._sample_answer(written.criterion))
        return Turn(0, question, kind="follow_up", follows=turn.thread, depth=depth,
                    follow_up=written, ready_at=ready_at or self._transcript_ready_at,
                    thread_turn=thread_turn)

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


def _no_speech(recording: Recording, activity) -> AudioFileError:
    """Why an answer holds no speech, in words that say what to do: silence, steady noise and
    sounds that are not speech are different problems."""
    what = recording.source or "the answer"
    live = recording.source is None
    loud = activity.loudest_db
    floor = activity.initial_floor_db
    if recording.end_reason == "key" and live and loud < (floor or -90) + activity.settings.sound_db:
        return AudioFileError("no answer recorded: Enter was pressed before anything was said",
                              "press r to answer again")
    if loud <= -60:
        hint = ("is the microphone muted or its input volume at zero?" if live
                else "is the recording silent?")
        return AudioFileError(f"no speech found in {what}: it is silent (loudest moment "
                              f"{loud:.0f} dBFS)", hint)
    if floor is None or loud < floor + activity.settings.sound_db:
        return AudioFileError(
            f"no speech found in {what}: it holds only steady background noise (about "
            f"{loud:.0f} dBFS)",
            "is the microphone picking up only a fan or a hum?" if live
            else "is it the right recording?")
    return AudioFileError(
        f"no speech found in {what}: it holds sound (up to {loud:.0f} dBFS over a background "
        f"of {floor:.0f} dBFS) but nothing recognisable as speech",
        "is it the right recording?" if not live else
        "is the microphone picking up only noise? Speak closer to it")


def _describe_turn(turn: Turn) -> str:
    if turn.kind == "main":
        return f"question {turn.position or turn.number} ({turn.question.id})"
    return f"follow-up {turn.depth} to {turn.follows}"


def _device_lost(session_id: str) -> DeviceError:
    return DeviceError(
        "the microphone stopped delivering audio (unplugged, or the sound server stopped)",
        f"the answer so far is saved; reconnect it and continue with: "
        f"mock-interview resume {session_id}",
    )
