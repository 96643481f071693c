"""Short audio is decoded once, at temperature 0 with a capped token budget
(audio.transcriber.SHORT_AUDIO_S): which settings reach faster-whisper. A stand-in records
them; the real model on real short clips is checked in test_transcription.py."""

from __future__ import annotations

from audio.clip import Audio
from audio.models import ModelSpec
from audio.transcriber import SHORT_AUDIO_S, SHORT_AUDIO_TOKENS, WhisperTranscriber


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


def test_longer_audio_keeps_whispers_temperature_fallback():
    kwargs = transcribe_seconds(SHORT_AUDIO_S + 0.5)
    assert "temperature" not in kwargs and "max_new_tokens" not in kwargs
