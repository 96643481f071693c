"""Deciding when a spoken answer is over, from the audio alone. Pure logic, no clock.

Time here is *audio time* (seconds of samples received), so the decision is exact and
testable without sleeping. An answer ends by itself when

- ``silence``: speech has started and then ``silence_s`` of continuous silence followed
  (default 5 s: thinking pauses shorter than that never end an answer; voice-assistant
  defaults of 0.5-0.8 s cut people off mid-thought), or
- ``max_time``: the answer has run ``max_s + grace_s`` seconds.

Ending by key, Ctrl-C or a lost device is decided outside and simply stops feeding.
"""

from __future__ import annotations

from dataclasses import dataclass

SILENCE, MAX_TIME = "silence", "max_time"


@dataclass(frozen=True)
class EndpointSettings:
    silence_s: float = 5.0
    max_s: float | None = None
    grace_s: float = 30.0
    # Speech must add up to this much before silence can end the answer, so a cough or a
    # click before the candidate starts does not arm the silence timer.
    min_speech_s: float = 0.3

    @property
    def limit_s(self) -> float | None:
        return None if self.max_s is None else self.max_s + self.grace_s


class EndOfAnswer:
    def __init__(self, settings: EndpointSettings) -> None:
        self.settings = settings
        self.elapsed = 0.0
        self.speech = 0.0
        self.silence_run = 0.0

    @property
    def speech_started(self) -> bool:
        return self.speech >= self.settings.min_speech_s

    def update(self, frame_is_speech: bool, frame_s: float) -> str | None:
        """Account for one frame; return the reason the answer ends, or None to go on."""
        self.elapsed += frame_s
        if frame_is_speech:
            self.speech += frame_s
            self.silence_run = 0.0
        else:
            self.silence_run += frame_s
        if self.speech_started and self.silence_run >= self.settings.silence_s:
            return SILENCE
        limit = self.settings.limit_s
        if limit is not None and self.elapsed >= limit:
            return MAX_TIME
        return None
