"""Voice-activity detection: where the speech is inside a piece of audio.

Uses the Silero VAD model that ships inside the faster-whisper wheel (no download). Answer
timing is measured from these spans, not from file length or wall-clock time, so leading and
trailing silence (or room noise) never counts as speaking time.

The defaults differ from faster-whisper's transcription defaults on purpose: no padding around
speech (padding would inflate the measured speaking time) and a short minimum silence so
the outer edges of speech are found precisely. Pauses inside an answer are kept as gaps
between segments for later delivery analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

from audio.clip import SAMPLE_RATE, Audio


@dataclass(frozen=True)
class SpeechSegment:
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class VadSettings:
    threshold: float = 0.5
    min_speech_ms: int = 120
    min_silence_ms: int = 300
    pad_ms: int = 0


def speech_segments(audio: Audio, settings: VadSettings = VadSettings()) -> list[SpeechSegment]:
    """Return the stretches of speech in ``audio``, in seconds from its start."""
    if len(audio) == 0:
        return []
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(
        threshold=settings.threshold,
        min_speech_duration_ms=settings.min_speech_ms,
        min_silence_duration_ms=settings.min_silence_ms,
        speech_pad_ms=settings.pad_ms,
    )
    spans = get_speech_timestamps(audio.samples, options, sampling_rate=SAMPLE_RATE)
    return [SpeechSegment(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in spans]
