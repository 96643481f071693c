"""Text to speech: pyttsx3 (espeak-ng on Linux, SAPI5 on Windows, NSSpeech on macOS).

pyttsx3 is used only to *synthesise* speech into a WAV file; playback goes through
`audio.playback` (PortAudio). Two reasons: pyttsx3's own ``say()`` on Linux shells out to
``aplay`` and fails silently when there is no sound output, and it can return before the
audio has finished playing. Owning playback lets the program honour ``--output-device``,
know exactly when the question ended, and fall back to writing files when nothing can play.

pyttsx3 2.99 quirks handled here (measured, see shared/NOTES.md): the first ``runAndWait()``
after ``init()`` may return early, so one empty run is done at start-up; a
``runAndWait()`` can return before espeak has written the file, so the end of the utterance
is awaited (``_Finished``), and can cancel its own utterance, so the driver is never told to
stop (``_keep_utterances``); only one ``save_to_file`` is queued per ``runAndWait()``; the espeak
driver prints "Audio saved to ..." on stdout, which is silenced; every file is checked to
hold audio, with one retry on a fresh engine before giving up. ``pyttsx3.init()`` hands
every caller in a process the *same* engine, so the interviewer's and the sample
candidate's synthesizers share one: the engine is owned here (one per process, used under a
lock) and each synthesis sets its own voice and rate, otherwise whichever started last would
speak for both.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from audio.clip import SAMPLE_RATE, Audio
from audio.errors import SpeechSynthesisError, UnknownVoiceError
from audio.io import read_wav_native, resample


@dataclass(frozen=True)
class Voice:
    """Which system voice to use and how fast (words per minute); None keeps the default."""

    voice: str | None = None
    rate: int | None = None


_LOCK = threading.Lock()
_ENGINE = None  # the process's pyttsx3 engine, started on first use
_ENGINE_DEFAULTS: dict = {}  # the system's own voice and rate, for synthesizers without one


# About seven minutes of speech: far more than any question or sample answer, and a bound on
# how long one synthesis can take (espeak on a megabyte of text runs for many minutes).
MAX_TEXT_CHARS = 6000


class Pyttsx3Synthesizer:
    """Turns text into :class:`Audio` with pyttsx3 in this synthesizer's voice."""

    def __init__(self, voice: Voice = Voice()) -> None:
        self._voice = voice

    def check_voice(self) -> None:
        """Start the engine and find this synthesizer's voice now, so that a voice the
        system lacks (or no engine at all) is told before anything is recorded, not at the
        first question (:class:`UnknownVoiceError`, :class:`SpeechSynthesisError`)."""
        with _LOCK:
            self._start(fresh=False)

    def synthesize(self, text: str) -> Audio:
        if not text.strip():
            raise SpeechSynthesisError("nothing to say: empty text")
        if len(text) > MAX_TEXT_CHARS:
            raise SpeechSynthesisError(
                f"text too long to speak ({len(text):,} characters; at most "
                f"{MAX_TEXT_CHARS:,})", "shorten the question or answer text")
        for attempt in range(2):
            with _LOCK:
                samples, rate = self._synthesize_once(text, fresh=attempt > 0)
            if len(samples):
                return Audio(resample(samples, rate, SAMPLE_RATE))
        # The engine started, so espeak-ng is there; what to do now matters more than why.
        raise SpeechSynthesisError(
            "the text-to-speech engine produced no audio, twice",
            "if it happens again, reinstall espeak-ng (Debian/Ubuntu: apt-get install "
            "--reinstall espeak-ng); to go on with the questions on screen instead, add "
            "--tts off",
        )

    def _synthesize_once(self, text: str, *, fresh: bool):
        engine = self._start(fresh)
        with tempfile.TemporaryDirectory(prefix="mock-interview-tts-") as tmp:
            target = Path(tmp) / "speech.wav"
            finished = _Finished(engine)
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    engine.save_to_file(text, str(target))
                    engine.runAndWait()
                    # runAndWait() is not the end of the utterance (see _Finished); the
                    # file is complete only once espeak says so and its callback returned.
                    completed = finished.wait(FINISH_LIMIT_S)
                    _settle()
            finally:
                finished.close()
            if not completed or not target.exists() or target.stat().st_size <= 44:
                return [], SAMPLE_RATE
            return read_wav_native(target)

    def _start(self, fresh: bool):
        """The shared engine, (re)started if needed, set to this synthesizer's voice."""
        global _ENGINE
        if _ENGINE is None or fresh:
            _ENGINE = _new_engine(discard=_ENGINE)
        voice = (_pick_voice(_ENGINE, self._voice.voice) if self._voice.voice
                 else _ENGINE_DEFAULTS["voice"])
        _settle()
        # Set on every synthesis, in this order (espeak resets the rate when the voice
        # changes), directly on the driver: Engine.setProperty only queues the change, and
        # a queued change can run after the next utterance (measured: the first synthesis
        # after a voice switch came out at the old rate).
        _set_now(_ENGINE, "voice", voice)
        _settle()
        _set_now(_ENGINE, "rate", self._voice.rate or _ENGINE_DEFAULTS["rate"])
        _settle()
        return _ENGINE


# How long one utterance may take after runAndWait() returned. espeak writes a long question
# in tens of milliseconds; this only bounds a synthesis that never ends.
FINISH_LIMIT_S = 30.0


class _Finished:
    """Waits for the engine's "finished-utterance" notification.

    pyttsx3 2.99's espeak driver runs the synthesis on espeak's own thread; the callback that
    ends it writes the file. ``runAndWait()`` usually waits for that callback, but not always:
    when the save was queued (the driver looked busy) the loop ends before the synthesis
    starts and returns after one 10 ms sleep, done or not (measured: a 14 s question is
    written 8 ms after the call on an idle machine, later on a busy one). Other drivers
    block in ``runAndWait()`` and have notified by then, so waiting costs them nothing."""

    def __init__(self, engine) -> None:
        self._engine = engine
        self._done = threading.Event()
        self._completed = False
        self._token = engine.connect("finished-utterance", self._on_finished)

    def _on_finished(self, completed: bool = True, **_details) -> None:
        self._completed = bool(completed)
        self._done.set()

    def wait(self, limit_s: float) -> bool:
        """True once the utterance finished whole; False if it was cut or never ended."""
        return self._done.wait(limit_s) and self._completed

    def close(self) -> None:
        self._engine.disconnect(self._token)


def _settle() -> None:
    """Wait until espeak has really finished the previous utterance.

    pyttsx3's espeak driver runs espeak asynchronously and ``runAndWait()`` returns at the
    "message terminated" callback, while espeak's own thread is still closing the utterance
    and restoring its parameters: a rate set in that window was overwritten (measured: the
    interviewer spoke at the candidate's rate about one time in three)."""
    try:
        from pyttsx3.drivers import _espeak
    except Exception:
        return
    try:
        _espeak.Synchronize()
    except Exception:
        pass


def _driver_of(engine):
    """pyttsx3's driver object behind ``engine`` (None in another pyttsx3 version)."""
    return getattr(getattr(engine, "proxy", None), "_driver", None)


def _set_now(engine, name: str, value) -> None:
    driver = _driver_of(engine)
    if driver is not None and hasattr(driver, "setProperty"):
        driver.setProperty(name, value)
    else:  # another pyttsx3 version: fall back to the public, queued call
        engine.setProperty(name, value)


def _new_engine(discard=None):
    try:
        import pyttsx3
    except ImportError as exc:
        raise SpeechSynthesisError(
            "pyttsx3 is not installed", "run: pip install pyttsx3==2.99") from exc
    if discard is not None:
        # pyttsx3.init() would hand back the same (broken) engine while it is referenced.
        getattr(pyttsx3, "_activeEngines", {}).pop(None, None)
    try:
        engine = pyttsx3.init()
    except Exception as exc:  # pyttsx3 raises bare RuntimeError/OSError when espeak is missing
        raise SpeechSynthesisError(
            f"cannot start the text-to-speech engine: {exc}",
            "install espeak-ng (Debian/Ubuntu: apt-get install espeak-ng libespeak-ng1)",
        ) from exc
    _ENGINE_DEFAULTS.setdefault("voice", engine.getProperty("voice"))
    _ENGINE_DEFAULTS.setdefault("rate", engine.getProperty("rate"))
    _keep_utterances(engine)
    # The first runAndWait() after init() can return early; spend it on nothing.
    with contextlib.redirect_stdout(io.StringIO()):
        engine.runAndWait()
    return engine


def _keep_utterances(engine) -> None:
    """Stop the espeak driver from cancelling the utterance it is about to start.

    Every ``runAndWait()`` ends its loop (``endLoop``) *before* the queued synthesis starts,
    and ``endLoop`` calls the driver's ``stop()``: when espeak says it is playing, that cancels
    espeak and flags the driver to cancel again on its next turn, which is the new utterance.
    Nothing of ours is ever playing there (``_settle`` waited), but espeak's queue thread says
    "playing" for a moment while it closes its stream, 150 ms after every command (measured:
    ``IsPlaying()`` read 1 for 30 us, 153 ms after a rate change); on a busy machine that
    moment can be long, and the question came out as no audio. This engine is never stopped
    on purpose, so its driver's ``stop()`` is a no-op.

    CI lost the first question this way or by ``_Finished``'s early return, twice in a row
    (the retry too) while Whisper and the sentence model loaded; which of the two is not
    known, so both are closed."""
    driver = _driver_of(engine)
    if driver is not None and type(driver).__module__.endswith(".espeak"):
        driver.stop = lambda: None


def _pick_voice(engine, wanted: str) -> str:
    """Match a voice by id, id suffix or language code (``en-us`` matches ``gmw/en-us``)."""
    voices = engine.getProperty("voices")
    wanted_l = wanted.lower()
    for v in voices:
        ids = {v.id.lower(), v.id.lower().rsplit("/", 1)[-1], (v.name or "").lower()}
        ids.update(str(lang).lower() for lang in (v.languages or ()))
        if wanted_l in ids:
            return v.id
    names = sorted({name for v in voices
                    if (name := v.id.rsplit("/", 1)[-1]).lower().startswith("en")})
    raise UnknownVoiceError(
        f"no text-to-speech voice called {wanted!r}",
        f"English voices here: {', '.join(names[:12]) or 'none'}",
    )
