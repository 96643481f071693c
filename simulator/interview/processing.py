"""Turning a recording into a saved answer: its speech measured on the audio, its transcript
finished, both logged and made durable, and the short summary the candidate sees after it.

A part of the interview loop (`interview.loop.Interview` inherits it), kept apart because it
is the one step that depends on the analysis; the loop itself only sequences turns.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from audio.activity import ActivitySettings
from audio.clip import Audio
from audio.sources import Recording
from simulator.analysis.answer import AnswerAnalysis, AnswerInput, analyze
from simulator.analysis.parts import parts_of
from simulator.analysis.timing import Budget, measure_audio
from simulator.config.rubric import Rubric, judged
from simulator.config.script import Script
from simulator.interview.outcomes import no_speech
from simulator.interview.turns import Turn
from simulator.interview.view import InterviewView, Transcriber
from simulator.sessions.records import (
    AnswerFailed,
    AnswerMeasured,
    AnswerRecord,
    AnswerRecovered,
    Notice,
    TranscriptReady,
)
from simulator.sessions.writer import SessionWriter

if TYPE_CHECKING:
    from simulator.sessions.log import EventLog


class ProcessesAnswers:
    script: Script
    rubric: Rubric | None
    session: SessionWriter
    log: EventLog
    view: InterviewView
    transcriber: Transcriber
    activity: ActivitySettings
    _transcript_ready_at: float | None
    _last_analysis: tuple[int, AnswerAnalysis | None] | None

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
            error = no_speech(recording, measured.activity)
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
            live=recording.finish_transcript is not None,
        )
        self.session.checkpoint()
        answer = self._answer(turn)
        analysis = self._analysis(turn, answer)
        if turn.kind == "main":
            self._last_analysis = (turn.number, analysis)  # its thread's follow-ups read it
        self.view.answer_done(turn, answer, analysis)
        return True

    def _analysis_of(self, turn: Turn) -> AnswerAnalysis | None:
        """The analysis of the main answer of ``turn``'s thread, for the next follow-up: the
        one its summary showed, else (an answer saved by an earlier run, followed up on
        resume) computed now; None without one."""
        main = turn
        if turn.kind != "main":
            question = self.script.question(turn.thread)
            if question is None or turn.thread_turn is None:
                return None
            main = Turn(turn.thread_turn, question)
        if self._last_analysis is not None and self._last_analysis[0] == main.number:
            return self._last_analysis[1]
        answer = self.session.document().answer(main.number)
        if answer is None or answer.status != "complete" or not answer.transcript:
            return None
        analysis = self._analysis(main, answer)
        self._last_analysis = (main.number, analysis)
        return analysis

    def _analysis(self, turn: Turn, answer: AnswerRecord) -> AnswerAnalysis | None:
        """The coaching analysis shown after the answer (the report has the whole of it);
        a failure here must never cost the interview."""
        try:
            main = turn.kind == "main"  # a follow-up's answer is judged on what it asked
            # Its budget too, as the report reads it: a far too short answer is told so.
            return analyze(AnswerInput(answer.transcript or "", answer.words, answer.spans,
                                       answer.speech_start, answer.speech_end, answer.question_id,
                                       answer.budget.min_s, answer.budget.max_s,
                                       focus=answer.focus, segments=answer.segments),
                           parts_of(turn.question) if main else [],
                           judged(self.rubric, turn.question.judged_on if main else (),
                                  None if main else answer.focus),
                           self.script.interviewer.strictness)
        except Exception as exc:  # only a summary is lost, never the interview
            self.log.append(Notice, turn=turn.number,
                            text=f"no summary after this answer: {type(exc).__name__}")
            return None

    def _answer(self, turn: Turn) -> AnswerRecord:
        answer = self.session.document().answer(turn.number)
        assert answer is not None, f"turn {turn.number} has no answer record"
        return answer

