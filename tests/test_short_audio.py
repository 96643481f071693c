"""Short audio is decoded once, at temperature 0 with a capped token budget
(audio.transcriber.SHORT_AUDIO_S), audio up to one window with a budget: which settings reach
faster-whisper. A stand-in records them; the real model on real short clips is checked in
test_transcription.py, the budget's effect in bench/fillers.py and bench/transcribe.py."""

from __future__ import annotations

from audio.clip import Audio
from audio.models import ModelSpec
from audio.transcriber import (
    ONE_WINDOW_S,
    SHORT_AUDIO_S,
    SHORT_AUDIO_TOKENS,
    WhisperTranscriber,
    token_budget,
)


class RecordingModel:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    def transcribe(self, samples, **kwargs):
        self.calls.append(kwargs)
        return iter(()), None


def transcribe_seconds(seconds: float) -> dict:
    model = RecordingModel()
    WhisperTranscriber(model, ModelSpec("stand-in", "nowhere", True)).transcribe(
        Audio.silence(seconds))
    return model.calls[0]


def test_short_audio_gets_one_decode_at_temperature_0_with_a_token_cap():
    kwargs = transcribe_seconds(SHORT_AUDIO_S - 0.5)
    assert kwargs["temperature"] == 0.0
    assert kwargs["max_new_tokens"] == SHORT_AUDIO_TOKENS
    assert kwargs["beam_size"] == 5 and kwargs["word_timestamps"] is True


def test_longer_audio_keeps_whispers_temperature_fallback_with_a_budget_for_one_window():
    """Up to one window (every live chunk) the tokens are capped in proportion to the audio,
    so a loop on "uh" stops early, at every fallback temperature; beyond one window the
    previous window's text is the prompt and the cap is left to Whisper."""
    kwargs = transcribe_seconds(SHORT_AUDIO_S + 0.5)
    assert "temperature" not in kwargs
    assert kwargs["max_new_tokens"] == token_budget(SHORT_AUDIO_S + 0.5)
    assert transcribe_seconds(ONE_WINDOW_S)["max_new_tokens"] == token_budget(ONE_WINDOW_S) < 448
    assert "max_new_tokens" not in transcribe_seconds(ONE_WINDOW_S + 1.0)
