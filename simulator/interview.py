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
import time
from collections import deque
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Protocol

from audio.clip import Audio
from audio.errors import AudioError, AudioFileError
from audio.io import write_wav
from audio.sources import AnswerSource, Recording
from audio.speaker import Speaker, Utterance
from audio.transcriber import Transcript
from audio.vad import VadSettings, speech_segments
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
    def answer_received(self, turn: Turn, recording: Recording) -> None: ...
    def transcribing(self, turn: Turn, audio_seconds: float) -> AbstractContextManager: ...
    def answer_done(self, turn: Turn, answer: dict) -> None: ...


class QuietView:
    def interviewer_line(self, text, utterance): pass
    def question(self, turn, total, utterance): pass
    def answer_received(self, turn, recording): pass
    def transcribing(self, turn, audio_seconds): return nullcontext()
    def answer_done(self, turn, answer): pass


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

    def run(self) -> dict:
        """Run the whole interview. Returns the final session document.

        Raises :class:`InterviewIncomplete` when it stops early (bad answer file, answers ran
        out); KeyboardInterrupt is re-raised after the session is saved.
        """
        pending = deque(Turn(i + 1, q) for i, q in enumerate(self.script.questions))
        total = len(pending)
        status, reason = "complete", None
        try:
            self._interviewer_line(self.script.interviewer.intro, "intro")
            while pending:
                turn = pending.popleft()
                if not self._take_turn(turn, total):
                    status = "incomplete"
                    answered = turn.number - 1
                    reason = (
                        f"no answer for question {turn.number} ({turn.question.id}): "
                        f"only {answered} answer file{'s' if answered != 1 else ''} given"
                    )
                    break
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

        try:
            recording = self.answers.next_answer()
        except AudioError as exc:
            self.log.append("answer_failed", turn=turn.number, error=str(exc))
            raise
        if recording is None:
            return False
        self.view.answer_received(turn, recording)

        audio_path = self.session.answer_audio_path(turn.number, q.id)
        write_wav(audio_path, recording.audio)
        self.log.append(
            "answer_ended",
            turn=turn.number,
            reason=recording.end_reason,
            audio=self.session.relative(audio_path),
            source=recording.source,
            audio_seconds=round(recording.audio.duration, 3),
        )
        self.session.checkpoint()

        timing = measure(speech_segments(recording.audio, self.vad), budget)
        if timing is None:
            error = AudioFileError(
                f"no speech found in {recording.source or 'the answer'}",
                "is the recording silent or the microphone muted?",
            )
            self.log.append("answer_failed", turn=turn.number, error=str(error))
            raise error
        self.log.append("answer_measured", turn=turn.number, **timing.to_dict())

        with self.view.transcribing(turn, recording.audio.duration):
            started = time.perf_counter()
            transcript = self.transcriber.transcribe(recording.audio)
            elapsed = time.perf_counter() - started
        self.log.append(
            "transcript_ready",
            turn=turn.number,
            model=transcript.model,
            transcribe_seconds=round(elapsed, 3),
            **{k: v for k, v in transcript.to_dict().items() if k != "model"},
        )
        doc = self.session.checkpoint()
        answer = next(a for a in doc["answers"] if a["turn"] == turn.number)
        self.view.answer_done(turn, answer)
        return True
