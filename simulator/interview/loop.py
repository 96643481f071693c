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
from contextlib import nullcontext
from dataclasses import replace

from audio.activity import ActivitySettings
from audio.errors import AudioError
from audio.sources import AnswerRequest
from audio.speaker import Speaker
from audio.transcriber import WhisperTranscriber
from simulator.analysis.timing import Budget
from simulator.config.script import LoadedScript, Question
from simulator.errors import InterviewIncomplete, StorageError
from simulator.followups.writer import FollowUpWriter
from simulator.interview.answers import TurnAnswers
from simulator.interview.keys import Keyboard
from simulator.interview.outcomes import describe_turn, device_lost
from simulator.interview.processing import ProcessesAnswers
from simulator.interview.signals import SessionSignals, handled, stopped_like_ctrl_c
from simulator.interview.threads import FollowUpPlanner
from simulator.interview.turns import Turn
from simulator.interview.verbatim import listen_again
from simulator.interview.view import InterviewView, QuietView, Transcriber
from simulator.paths import resume_command
from simulator.sessions.records import (
    AnswerEnded,
    AnswerFailed,
    AnswerStarted,
    InterviewerSaid,
    Notice,
    QuestionAsked,
    QuestionSkipped,
    RetakeRequested,
    SessionDocument,
    SessionEnded,
)
from simulator.sessions.writer import SessionWriter

DEFAULT_WRAP_UP = "Let's stop there so we can keep moving."
RESUME_LINE = "Let's pick up where we left off."
# How long the "r: answer again" offer stays open after a live answer that ended by itself
# (silence, the time limit, Ctrl-C), and after one with no usable speech (then Enter skips).
RETAKE_WINDOW_S = 2.0
UNUSABLE_WINDOW_S = 10.0

_SAME = object()


class Interview(ProcessesAnswers):
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
        self.rubric = loaded.rubric
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
        self._planner = FollowUpPlanner(self.script, follow_ups, session)
        self.keyboard = keyboard or Keyboard()
        self.retake_window_s = retake_window_s
        self.unusable_window_s = unusable_window_s
        self.signals = SessionSignals()
        self._transcript_ready_at: float | None = None
        self._last_analysis = None
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
            self._listen_again()
        except AudioError as exc:
            stopped = f"{describe_turn(self._turn)}: {exc}" if self._turn else str(exc)
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

    def _listen_again(self) -> None:
        """The verbatim pass over the session's answers, now that nobody waits for a
        question (Ctrl-C skips it; `resume` finishes it)."""
        if isinstance(self.transcriber, WhisperTranscriber):
            with stopped_like_ctrl_c() as stop:
                listen_again(self.session, self.transcriber, self.view, stop)

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
            raise device_lost(resume_command(self.session.dir))
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
                self.view.notice(f"Skipped {turn.question.id} for now: "
                                 f"{resume_command(self.session.dir)} asks it again.")
        if future is None:
            return None
        if not future.done():
            with self.view.writing_follow_up(turn):
                return future.result()
        return future.result()

    def _follow_up(self, turn: Turn, pending: deque[Turn],
                   ready_at: float | None = None) -> Turn | None:
        """The next follow-up in ``turn``'s thread, or None (none wanted, nothing said, or
        follow-ups are not answered in this run)."""
        if self.follow_up_answers is None:
            return None
        return self._planner.next_turn(turn, pending, ready_at or self._transcript_ready_at,
                                       self._analysis_of(turn))
