"""The synthesizer against pyttsx3 2.99's espeak driver's two ways of losing an utterance.

1. ``runAndWait()`` can return before the file is written: a unit test of the waiting logic,
   with a stand-in engine doing what the driver was measured doing (``runAndWait()`` returns
   after starting the synthesis; the file is written, then "finished-utterance" sent, later
   on another thread); and the real engine with its driver looking busy when the save is
   queued, which is when the driver returns early.
2. ``runAndWait()`` cancels the new utterance when espeak says it is playing at that moment,
   which espeak's queue thread does for an instant after every command: the real engine, with
   that instant made to coincide (``IsPlaying`` reads 1), must still say the question.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from audio import tts
from audio.clip import SAMPLE_RATE, Audio
from audio.errors import SpeechSynthesisError
from audio.io import write_wav


class LateEngine:
    """Writes one second of tone ``delay_s`` after ``runAndWait()`` has returned."""

    def __init__(self, delay_s: float, completed: bool = True, finishes: bool = True) -> None:
        self.delay_s = delay_s
        self.completed = completed
        self.finishes = finishes
        self.calls = 0
        self._connects: dict[str, list] = {}
        self._pending: str | None = None
        self._workers: list[threading.Thread] = []

    def connect(self, topic, cb):
        self._connects.setdefault(topic, []).append(cb)
        return {"topic": topic, "cb": cb}

    def disconnect(self, token):
        self._connects[token["topic"]].remove(token["cb"])

    def setProperty(self, name, value):
        pass

    def save_to_file(self, text, path):
        self._pending = path

    def runAndWait(self):
        path, self._pending = self._pending, None
        if path is None:
            return
        self.calls += 1
        worker = threading.Thread(target=self._finish, args=(path,), daemon=True)
        worker.start()
        self._workers.append(worker)

    def _finish(self, path):
        time.sleep(self.delay_s)
        if not self.finishes:
            return
        t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
        write_wav(path, Audio((0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)))
        for cb in list(self._connects.get("finished-utterance", [])):
            cb(name=None, completed=self.completed)

    def join(self):
        for worker in self._workers:
            worker.join()


@pytest.fixture
def use_engine(monkeypatch):
    def install(engine: LateEngine) -> LateEngine:
        monkeypatch.setattr(tts, "_ENGINE", None)
        monkeypatch.setattr(tts, "_ENGINE_DEFAULTS", {"voice": "stand-in", "rate": 175})
        monkeypatch.setattr(tts, "_new_engine", lambda discard=None: engine)
        monkeypatch.setattr(tts, "_settle", lambda: None)
        return engine
    return install


def test_a_file_written_after_run_and_wait_returns_is_still_read(use_engine):
    engine = use_engine(LateEngine(delay_s=0.3))
    audio = tts.Pyttsx3Synthesizer().synthesize("Tell me about a project you owned.")
    assert audio.duration == pytest.approx(1.0, abs=0.01)
    assert engine.calls == 1  # read on the first attempt, not rescued by the retry


def test_an_utterance_that_is_cut_is_not_taken_as_speech(use_engine):
    engine = use_engine(LateEngine(delay_s=0.05, completed=False))
    with pytest.raises(SpeechSynthesisError, match="produced no audio") as raised:
        tts.Pyttsx3Synthesizer().synthesize("Tell me about a project you owned.")
    assert engine.calls == 2  # one retry on a fresh engine, then a clear error
    assert "--tts off" in str(raised.value)  # and a way to go on without speech


def test_an_utterance_that_never_ends_gives_a_clear_error(use_engine, monkeypatch):
    monkeypatch.setattr(tts, "FINISH_LIMIT_S", 0.2)
    engine = use_engine(LateEngine(delay_s=0.0, finishes=False))
    with pytest.raises(SpeechSynthesisError, match="produced no audio"):
        tts.Pyttsx3Synthesizer().synthesize("Tell me about a project you owned.")
    engine.join()
    assert engine.calls == 2


@pytest.mark.slow
def test_espeak_saying_it_plays_as_the_question_starts_does_not_cancel_it(monkeypatch):
    from pyttsx3.drivers import _espeak

    synth = tts.Pyttsx3Synthesizer(tts.Voice("en-us"))
    # Long enough (25 s of speech) that espeak is still writing when the driver's next turn
    # comes: a short line can be finished before a cancellation reaches it.
    question = " ".join(["Tell me about the project you are proudest of, and what you owned."] * 8)
    whole = synth.synthesize(question)  # also: the process's engine exists, as after question 1
    engine = tts._ENGINE
    cancels = []
    real_cancel = _espeak.Cancel
    monkeypatch.setattr(_espeak, "IsPlaying", lambda: 1)
    monkeypatch.setattr(_espeak, "Cancel", lambda: cancels.append(1) or real_cancel())
    audio = synth.synthesize(question)
    assert cancels == []  # whether or not a cancel reaches espeak in time, none is sent
    assert audio.duration == pytest.approx(whole.duration, abs=0.1)
    # Said on the first attempt: not rescued by the retry on a fresh engine, which a second
    # cancellation can lose as well.
    assert tts._ENGINE is engine


@pytest.mark.slow
def test_a_save_queued_behind_a_busy_driver_is_waited_for():
    """The real engine: a save queued while the driver looks busy (as right after init())
    makes runAndWait() return 10 ms after starting espeak; 25 s of speech takes longer."""
    synth = tts.Pyttsx3Synthesizer(tts.Voice("en-us"))
    question = " ".join(["Tell me about the project you are proudest of, and what you owned."] * 8)
    whole = synth.synthesize(question)
    engine = tts._ENGINE
    engine.proxy._busy = True
    audio = synth.synthesize(question)
    assert audio.duration == pytest.approx(whole.duration, abs=0.1)
    assert tts._ENGINE is engine  # said on the first attempt
