"""The rehearsal loop: a small, explicit, turn-based state machine.

For each turn: say the question -> get the answer (microphone or file) -> save its audio ->
measure speaking time on the audio -> transcribe -> save. Every step appends an event to the
session log, and the session is checkpointed at each turn boundary, so whatever happens next
(a bad file, Ctrl-C, a full disk) everything recorded before it is already on disk.

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
from dataclasses import dataclass
from typing import Protocol

from audio.clip import Audio
from audio.errors import AudioError, AudioFileError, DeviceError
from audio.sources import AnswerRequest, AnswerSource, Recording, StopSignal
from audio.speaker import Speaker, Utterance
from audio.transcriber import Transcript
from audio.vad import VadSettings, frame_probabilities, segments_from_probabilities
from simulator.errors import InterviewIncomplete
from simulator.script import LoadedScript, Question
from simulator.session import SessionWriter
from simulator.timing import Budget, measure


class Transcriber(Protocol):
    name: str

    def transcribe(self, audio: Audio) -> Transcript: ...


@dataclass(frozen=True)
class Turn:
    """One question to ask. Main questions come from the script; follow-ups will be added."""

    number: int
    question: Question
    kind: str = "main"
    follows: str | None = None


class InterviewView(Protocol):
    """What the person sees. The CLI renders with rich; tests can pass a quiet view."""

    def interviewer_line(self, text: str, utterance: Utterance) -> None: ...
    def question(self, turn: Turn, total: int, utterance: Utterance | None) -> None: ...
    def answering(self, turn: Turn, request: AnswerRequest, live: bool) -> AbstractContextManager: ...
    def answer_received(self, turn: Turn, recording: Recording) -> None: ...
    def transcribing(self, turn: Turn, audio_seconds: float) -> AbstractContextManager: ...
    def answer_done(self, turn: Turn, answer: dict) -> None: ...


class QuietView:
    def interviewer_line(self, text, utterance): pass
    def question(self, turn, total, utterance): pass
    def answering(self, turn, request, live): return nullcontext()
    def answer_received(self, turn, recording): pass
    def transcribing(self, turn, audio_seconds): return nullcontext()
    def answer_done(self, turn, answer): pass


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
    ) -> None:
        self.script = loaded.script
        self.speaker = speaker
        self.answers = answers
        self.transcriber = transcriber
        self.session = session
        self.log = session.log
        self.view = view or QuietView()
        self.vad = vad

    def run(self, questions: list[Question] | None = None, first_turn: int = 1,
            resumed: bool = False) -> dict:
        """Run the interview (or, when resuming, its remaining ``questions``).

        Returns the final session document. Raises :class:`InterviewIncomplete` when it stops
        early (bad answer file, answers ran out, device lost); KeyboardInterrupt is re-raised
        after the session is saved.
        """
        questions = list(self.script.questions if questions is None else questions)
        pending = deque(Turn(first_turn + i, q) for i, q in enumerate(questions))
        total = len(self.script.questions)
        status, reason = "complete", None
        given = 0  # answers taken in this run (file names are counted per run)
        try:
            if resumed:
                self._interviewer_line(RESUME_LINE, "resume")
            else:
                self._interviewer_line(self.script.interviewer.intro, "intro")
            while pending:
                turn = pending.popleft()
                if not self._take_turn(turn, total):
                    status = "incomplete"
                    reason = (
                        f"no answer for question {turn.number} ({turn.question.id}): "
                        f"only {given} answer file{'s' if given != 1 else ''} given"
                    )
                    break
                given += 1
                # Follow-up questions (issue 4) plug in here: a follow-up writer reads the
                # finished answer and may push follow-up turns to the front of `pending`, so
                # they are asked, recorded, transcribed, timed and saved like any main question.
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
        )

        audio_path = self.session.answer_audio_path(turn.number, q.id)
        request = AnswerRequest(audio_path=audio_path, max_s=q.max_s)
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
