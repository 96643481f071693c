"""Deciding when a spoken answer is over, from classified frames. Pure logic, no clock.

Time here is *audio time* (seconds of samples received), so the decision is exact and
testable without sleeping. Frames arrive classified by `audio.activity` as quiet, sound or
speech. Everything counts from the candidate's **first speech**, the same moment the timer on
screen and the verdict count from. An answer ends by itself when

- ``silence``: speech has started and then ``silence_s`` of continuous *quiet* followed
  (default 5 s: thinking pauses shorter than that never end an answer; voice-assistant
  defaults of 0.5-0.8 s cut people off mid-thought). Quiet means near the room's noise floor
  with no speech recognised: any sound well above the floor, recognised as speech or not,
  starts the count again (the program is unsure, so it keeps listening), and a sustained
  stretch of it counts as speech the VAD missed;
- ``max_time``: the candidate has been speaking ``max_s + grace_s`` seconds;
- ``no_speech``: nothing has been said ``wait_s`` seconds after the answer window opened.

Ending by key, Ctrl-C or a lost device is decided outside and simply stops feeding.
"""

from __future__ import annotations

from dataclasses import dataclass

from audio.activity import QUIET, SOUND, SPEECH

SILENCE, MAX_TIME, NO_SPEECH = "silence", "max_time", "no_speech"
FORGET_BLIPS_AFTER_S = 1.0


@dataclass(frozen=True)
class EndpointSettings:
    silence_s: float = 5.0
    max_s: float | None = None
    grace_s: float = 30.0
    # Speech must add up to this much before it counts as started, so a cough or a click
    # before the candidate starts does not start the timer or arm the silence timer.
    min_speech_s: float = 0.3
    # A run of sound (no VAD speech) this long is taken as speech the VAD missed.
    min_sound_run_s: float = 0.4
    # How long to wait for the first word; None: the time limit (max_s + grace_s).
    wait_s: float | None = None

    @property
    def limit_s(self) -> float | None:
        return None if self.max_s is None else self.max_s + self.grace_s

    @property
    def wait_limit_s(self) -> float | None:
        return self.wait_s if self.wait_s is not None else self.limit_s


class EndOfAnswer:
    def __init__(self, settings: EndpointSettings) -> None:
        self.settings = settings
        self.elapsed = 0.0  # audio seconds since the answer window opened
        self.active = 0.0  # seconds of speech (and of sound taken as speech)
        self.silence_run = 0.0  # seconds of quiet since the last speech
        self.sound_run = 0.0  # seconds of the current run of sound without speech
        self.state = QUIET
        self._first_active: float | None = None  # start of the earliest active run
        self._run_start: float | None = None

    @property
    def speech_started(self) -> bool:
        return self.active >= self.settings.min_speech_s

    @property
    def speech_start(self) -> float | None:
        """Audio seconds into the window where the candidate started (None before)."""
        return self._first_active if self.speech_started else None

    @property
    def speaking_s(self) -> float:
        """Time since the first speech: what the timer shows and the limit counts."""
        start = self.speech_start
        return 0.0 if start is None else self.elapsed - start

    def update(self, state: int, frame_s: float) -> str | None:
        """Account for one frame; return the reason the answer ends, or None to go on."""
        s = self.settings
        frame_start = self.elapsed
        self.elapsed += frame_s
        self.state = state
        if state == SPEECH:
            if 0.0 < self.sound_run < s.min_sound_run_s - 1e-9 and self._run_start is not None:
                # A short run of sound leading straight into speech is its onset (a soft
                # first syllable the VAD heard late): it counts from the run's start, as in
                # the speech spans saved with the answer (audio.activity.spans). Counted
                # from the VAD's onset instead, the timer started up to 0.25 s after the
                # saved measure did, and an answer stopped at its limit measured longer.
                self._activate(self._run_start, self.sound_run)
            self._activate(frame_start, frame_s)
            self.sound_run = 0.0
        elif state == SOUND:
            if self.sound_run == 0.0:
                self._run_start = frame_start
            self.sound_run += frame_s
            self.silence_run = 0.0
            if self.sound_run >= s.min_sound_run_s - 1e-9:
                # Sustained sound: speech the VAD missed. It counts from the run's start.
                if self.sound_run - frame_s < s.min_sound_run_s - 1e-9:
                    self._activate(self._run_start or frame_start, self.sound_run)
                else:
                    self._activate(frame_start, frame_s)
        else:
            self.sound_run = 0.0
            self.silence_run += frame_s
            if not self.speech_started and self.silence_run >= FORGET_BLIPS_AFTER_S:
                # A cough or a click long before the answer is not where it started.
                self.active, self._first_active = 0.0, None
        if self.speech_started:
            if self.silence_run >= s.silence_s:
                return SILENCE
            if s.limit_s is not None and self.speaking_s >= s.limit_s:
                return MAX_TIME
        elif s.wait_limit_s is not None and self.elapsed >= s.wait_limit_s:
            return NO_SPEECH
        return None

    def _activate(self, start: float, seconds: float) -> None:
        if self._first_active is None:
            self._first_active = start
        self.active += seconds
        self.silence_run = 0.0
