"""Text to speech: pyttsx3 (espeak-ng on Linux, SAPI5 on Windows, NSSpeech on macOS).

pyttsx3 is used only to *synthesise* speech into a WAV file; playback goes through
`audio.playback` (PortAudio). Two reasons: pyttsx3's own ``say()`` on Linux shells out to
``aplay`` and fails silently when there is no sound output, and it can return before the
audio has finished playing. Owning playback lets the program honour ``--output-device``,
know exactly when the question ended, and fall back to writing files when nothing can play.

pyttsx3 2.99 quirks handled here (measured, see shared/NOTES.md): the first ``runAndWait()``
after ``init()`` may return early, so one empty run is done at start-up; only one
``save_to_file`` is queued per ``runAndWait()``; the espeak driver prints "Audio saved to ..."
on stdout, which is silenced; every file is checked to hold audio, with one retry on a fresh
engine before giving up.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

from audio.clip import Audio
from audio.errors import SpeechSynthesisError
from audio.io import read_wav_native, resample
from audio.clip import SAMPLE_RATE


@dataclass(frozen=True)
class Voice:
    """Which system voice to use and how fast (words per minute); None keeps the default."""

    voice: str | None = None
    rate: int | None = None


class Pyttsx3Synthesizer:
    """Turns text into :class:`Audio` with pyttsx3. The engine starts on first use."""

    def __init__(self, voice: Voice = Voice()) -> None:
        self._voice = voice
        self._engine = None

    def synthesize(self, text: str) -> Audio:
        if not text.strip():
            raise SpeechSynthesisError("nothing to say: empty text")
        for attempt in range(2):
            samples, rate = self._synthesize_once(text, fresh=attempt > 0)
            if len(samples):
                return Audio(resample(samples, rate, SAMPLE_RATE))
        raise SpeechSynthesisError(
            "the text-to-speech engine produced no audio",
            "check that espeak-ng is installed (Debian/Ubuntu: apt-get install espeak-ng)",
        )

    def _synthesize_once(self, text: str, *, fresh: bool):
        engine = self._start(fresh)
        with tempfile.TemporaryDirectory(prefix="mock-interview-tts-") as tmp:
            target = Path(tmp) / "speech.wav"
            with contextlib.redirect_stdout(io.StringIO()):
                engine.save_to_file(text, str(target))
                engine.runAndWait()
            if not target.exists() or target.stat().st_size <= 44:
                return [], SAMPLE_RATE
            return read_wav_native(target)

    def _start(self, fresh: bool):
        if self._engine is not None and not fresh:
            return self._engine
        try:
            import pyttsx3
        except ImportError as exc:
            raise SpeechSynthesisError(
                "pyttsx3 is not installed", "run: pip install pyttsx3==2.99"
            ) from exc
        try:
            engine = pyttsx3.init()
        except Exception as exc:  # pyttsx3 raises bare RuntimeError/OSError when espeak is missing
            raise SpeechSynthesisError(
                f"cannot start the text-to-speech engine: {exc}",
                "install espeak-ng (Debian/Ubuntu: apt-get install espeak-ng libespeak-ng1)",
            ) from exc
        if self._voice.voice:
            engine.setProperty("voice", _pick_voice(engine, self._voice.voice))
        if self._voice.rate:
            engine.setProperty("rate", self._voice.rate)
        # The first runAndWait() after init() can return early; spend it on nothing.
        with contextlib.redirect_stdout(io.StringIO()):
            engine.runAndWait()
        self._engine = engine
        return engine


def _pick_voice(engine, wanted: str) -> str:
    """Match a voice by id, id suffix or language code (``en-us`` matches ``gmw/en-us``)."""
    voices = engine.getProperty("voices")
    wanted_l = wanted.lower()
    for v in voices:
        ids = {v.id.lower(), v.id.lower().rsplit("/", 1)[-1], (v.name or "").lower()}
        ids.update(str(lang).lower() for lang in (v.languages or ()))
        if wanted_l in ids:
            return v.id
    names = sorted({v.id.rsplit("/", 1)[-1] for v in voices if "en" in v.id.lower()})
    raise SpeechSynthesisError(
        f"no text-to-speech voice called {wanted!r}",
        f"English voices here: {', '.join(names[:12]) or 'none'}",
    )
