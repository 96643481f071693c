"""What the interview loop needs from the outside, as small protocols: a transcriber and a
view (what the person sees). The CLI's view renders with rich (`simulator.terminal.live`);
tests and other programs can pass :class:`QuietView`."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Protocol

from audio.clip import Audio
from audio.sources import AnswerRequest, Recording, RecordingProgress
from audio.speaker import Utterance
from audio.transcriber import Transcript
from simulator.analysis.answer import AnswerAnalysis
from simulator.interview.turns import Turn
from simulator.sessions.records import AnswerRecord

ProgressSink = Callable[[RecordingProgress], None]


class Transcriber(Protocol):
    @property
    def name(self) -> str: ...

    def transcribe(self, audio: Audio) -> Transcript: ...


class InterviewView(Protocol):
    """What the person sees. The CLI renders with rich; tests can pass a quiet view.

    ``answering`` gives, for a live answer, the function its progress snapshots go to
    (None: nothing to show while it is recorded)."""

    def interviewer_line(self, text: str, utterance: Utterance) -> None: ...
    def question(self, turn: Turn, total: int) -> None: ...
    def notice(self, text: str) -> None: ...
    def answering(self, turn: Turn, request: AnswerRequest,
                  live: bool) -> AbstractContextManager[ProgressSink | None]: ...
    def answer_received(self, turn: Turn, recording: Recording) -> None: ...
    def transcribing(self, turn: Turn, audio_seconds: float) -> AbstractContextManager[None]: ...
    def answer_done(self, turn: Turn, answer: AnswerRecord,
                    analysis: AnswerAnalysis | None = None) -> None: ...
    def offer_retake(self, turn: Turn, seconds_left: float, unusable: bool = False) -> None: ...
    def writing_follow_up(self, turn: Turn) -> AbstractContextManager[None]: ...
    def listening_again(self, answer: int, answers: int, audio_seconds: float,
                        left_s: float | None = None) -> AbstractContextManager[None]: ...


class QuietView:
    def interviewer_line(self, text, utterance): pass
    def question(self, turn, total): pass
    def notice(self, text): pass
    def answering(self, turn, request, live): return nullcontext()
    def answer_received(self, turn, recording): pass
    def transcribing(self, turn, audio_seconds): return nullcontext()
    def answer_done(self, turn, answer, analysis=None): pass
    def offer_retake(self, turn, seconds_left, unusable=False): pass
    def writing_follow_up(self, turn): return nullcontext()
    def listening_again(self, answer, answers, audio_seconds, left_s=None):
        return nullcontext()
