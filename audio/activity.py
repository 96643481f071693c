"""Is someone speaking? Voice activity decided from the signal's level and the VAD together.

Silero VAD alone is not enough to end an answer or to time it: it can miss real, loud speech
for many seconds (a hoarse voice after a quieter one and a pause got probabilities below 0.1
for 9 s; see shared/NOTES.md), so "5 s in which the VAD heard no speech" is not "5 s of
silence". Here every 32 ms frame is classified from two measurements:

- its Silero speech probability (with the usual hysteresis), and
- its level (RMS, dBFS) against the room's **noise floor**, tracked as a low percentile of the
  recent levels, seeded from what the microphone heard before the answer (or the first half
  second), falling at once when the room gets quieter and rising only slowly (a fan switched
  on is absorbed over tens of seconds; continuous speech never is).

A frame is ``SPEECH`` when the VAD says so, ``SOUND`` when the VAD does not but the level is
well above the floor (``sound_db``), ``QUIET`` otherwise. Silence, for ending an answer, is
only ever a run of QUIET frames: a sustained SOUND (the VAD unsure) keeps the candidate on the
floor. The same classification decides the speech spans used for timing (:func:`spans`):
SPEECH frames, plus SOUND runs that touch them (energy refines the VAD's late onsets), plus
SOUND runs long enough to be speech the VAD missed. Silero's tail after the last word, where
the level is already back at the floor, is trimmed from each span's edges.

Everything is a pure function of (probabilities, levels, initial floor), deterministic and
identical block by block or on a whole clip; the initial floor and these settings are saved
with each answer, so a saved session can be re-measured exactly.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from audio.clip import SAMPLE_RATE, Audio
from audio.vad import FRAME, FRAME_S, StreamingVad, VadSettings, frame_probabilities

QUIET, SOUND, SPEECH = 0, 1, 2
STATE_NAMES = {QUIET: "quiet", SOUND: "sound", SPEECH: "speech"}

MIN_LEVEL_DB = -100.0  # levels are clamped here
DIGITAL_SILENCE_DB = -90.0  # at or below: no signal at all (zeros, a muted or virtual input)
MIN_SEED_FRAMES = 8  # a quarter of a second of real signal to seed a floor from
EDGE_ZEROS = 64  # 4 ms of exact zeros at a frame's edge: that frame touches digital silence


@dataclass(frozen=True)
class ActivitySettings:
    """How frames are classified; saved with every measured answer."""

    vad: VadSettings = VadSettings()
    # A frame this far above the noise floor is sound, even when the VAD hears no speech.
    sound_db: float = 6.0
    # Within this of the floor a frame counts as quiet at a span's edge (Silero's tail); a
    # span's edge grows by at most `edge_grow_s` over louder frames (a soft onset).
    edge_quiet_db: float = 4.0
    edge_grow_s: float = 0.3
    edge_grow_db: float = 6.0
    # A run of sound with no VAD speech in it counts as speech the VAD missed from this long;
    # shorter ones (a click, a knock, a cough) do not start or extend an answer.
    min_sound_run_s: float = 0.4
    # Noise floor: this percentile of the last `floor_window_s` of levels, rising at most
    # `floor_rise_db_per_s`.
    floor_percentile: float = 10.0
    floor_window_s: float = 6.0
    floor_rise_db_per_s: float = 0.3
    # Without audio from before the answer, the floor is seeded from its first half second.
    seed_s: float = 0.5
    # Levels are measured in this band (Hz) and averaged over this many frames (in power,
    # causally: the current frame and the ones before it), which steadies them in noise.
    band_hz: tuple[float, float] = (100.0, 7500.0)
    smooth_frames: int = 3

    def to_dict(self) -> dict:
        data = asdict(self)
        data["band_hz"] = list(self.band_hz)  # JSON has no tuples: round-trips unchanged
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ActivitySettings:
        fields = dict(data)
        vad = fields.pop("vad", None)
        if "band_hz" in fields:
            fields["band_hz"] = tuple(fields["band_hz"])
        return cls(vad=VadSettings(**vad) if vad else VadSettings(), **fields)


_WINDOW = np.hanning(FRAME)
_WINDOW_POWER = float(np.sum(_WINDOW**2))
_BIN_HZ = SAMPLE_RATE / FRAME


def frame_levels(samples: np.ndarray, settings: ActivitySettings | None = None) -> np.ndarray:
    """Level in dBFS of every whole 32 ms frame, in the speech band only.

    Measured from each frame's spectrum between ``band_hz`` (100-7500 Hz by default): a fan's
    or a building's rumble, and a microphone's DC offset, fluctuate far more than speech-band
    noise from one 32 ms frame to the next, and kept classifying the quiet after the last word
    as "sound" (tried on pink and brown noise). Frames are independent, so block-by-block and
    whole-clip results are identical. Clamped at :data:`MIN_LEVEL_DB`."""
    lo, hi = (settings or ActivitySettings()).band_hz
    n = len(samples) // FRAME
    if n == 0:
        return np.zeros(0, dtype=np.float32)
    frames = samples[: n * FRAME].reshape(n, FRAME).astype(np.float64)
    spectrum = np.fft.rfft(frames * _WINDOW, axis=1)
    band = spectrum[:, int(lo / _BIN_HZ): int(hi / _BIN_HZ) + 1]
    # Parseval: twice the one-sided band power over the window's energy is the mean square
    # of the samples in that band (a full-band sine at amplitude A reads A^2 / 2, as RMS does).
    power = 2 * np.sum(np.abs(band) ** 2, axis=1) / (FRAME * _WINDOW_POWER)
    return np.maximum(10 * np.log10(np.maximum(power, 1e-12)), MIN_LEVEL_DB).astype(np.float32)


def silent_edges(samples: np.ndarray) -> np.ndarray:
    """For every whole frame, whether it opens or closes with a run of digital silence
    (``EDGE_ZEROS`` exact zeros or more): a frame only partly heard. Its level reads low
    (the window sees less signal) yet above :data:`DIGITAL_SILENCE_DB`, so nothing else
    says it touches silence: the first frame of an AAC file, whose encoder delay is
    1024 zero samples at 44.1 or 48 kHz (19-26 ms once resampled), read 10-30 dB below the
    room and seeded the floor there, and every second of room noise before the first word
    was timed as speech. Room noise, however quiet, is never that many exact zeros in a
    row."""
    n = len(samples) // FRAME
    if n == 0:
        return np.zeros(0, dtype=bool)
    zero = samples[: n * FRAME].reshape(n, FRAME) == 0
    return zero[:, :EDGE_ZEROS].all(axis=1) | zero[:, -EDGE_ZEROS:].all(axis=1)


def level_db(samples: np.ndarray) -> float:
    """RMS level of a block of samples, dBFS (the one place this formula lives)."""
    if not len(samples):
        return MIN_LEVEL_DB
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return max(20 * math.log10(max(rms, 1e-10)), MIN_LEVEL_DB)


def seed_floor(levels: np.ndarray | list[float], percentile: float = 10.0) -> float | None:
    """A noise floor from some frame levels (e.g. what the microphone heard while the
    interviewer spoke: the gaps between their words are the room). Digital silence says
    nothing about the room (a virtual device, a muted input, a stream's first blocks) and is
    left out; None when nothing else is there."""
    real = np.asarray(levels, dtype=np.float64)
    real = real[real > DIGITAL_SILENCE_DB]
    if len(real) < MIN_SEED_FRAMES:
        return None
    return float(np.percentile(real, percentile))


class NoiseFloor:
    """The room's noise floor, frame by frame (causal, deterministic).

    Frames of digital silence are skipped: they would sink the floor to nothing, and the
    first real room noise after them would then count as sound for a long time. A quarter of
    a second of it after real sound does say the gaps are silent: the floor drops to the
    quietest real level of the window (and rises slowly from there, as always)."""

    def __init__(self, settings: ActivitySettings, initial_db: float | None = None) -> None:
        self._s = settings
        self._window = max(1, round(settings.floor_window_s / FRAME_S))
        self._seed_frames = max(1, round(settings.seed_s / FRAME_S))
        self._rise = settings.floor_rise_db_per_s * FRAME_S
        self._recent: list[float] = []
        self._digital_run = 0  # consecutive frames of digital silence
        self._gated_frames = MIN_SEED_FRAMES
        self.initial_db = initial_db
        self.db = initial_db
        # The state before the last real frame, to forget it if digital silence follows.
        self._before_last: tuple[float | None, float | None, list[float]] | None = None

    def update(self, level: float, beside_silence: bool = False) -> float | None:
        """The floor after one frame's (smoothed) level. ``beside_silence``: the frame, or
        the frames its level was smoothed over, touch digital silence, so it may be part
        silence (a frame half zeros reads 3 dB low, one 5 % signal 13 dB low): it says
        nothing about the room. Nor does the last real frame before digital silence, which
        is forgotten when the silence starts. Left in, such a frame dropped the floor at
        once by 10 dB or more, and the floor then took tens of seconds to rise back: the
        room noise after it counted as speech (a file that starts with digital silence
        measured 4.5 s of noise around 10.9 s of speech as speech)."""
        if level <= DIGITAL_SILENCE_DB:
            self._digital_run += 1
            if self._digital_run == 1 and self._before_last is not None:
                self.db, self.initial_db, self._recent = self._before_last
            self._before_last = None
            if self._digital_run == self._gated_frames and self._recent and self.db is not None:
                # Digital silence between sounds (a noise-suppressed microphone, a joined
                # file): the room is silent there, so the floor is no higher than the
                # quietest real sound around it, or soft word endings would be trimmed as
                # if they were room noise.
                self.db = min(self.db, min(self._recent))
            return self.db
        self._digital_run = 0
        if beside_silence:
            self._before_last = None
            return self.db
        self._before_last = (self.db, self.initial_db, list(self._recent))
        self._recent.append(level)
        if len(self._recent) > self._window:
            del self._recent[0]
        if self.initial_db is None:
            # No audio from before the answer: seed from its first frames, provisional
            # until the seed period is over (the lowest so far, so speech cannot set it).
            self.db = min(self._recent)
            if len(self._recent) >= self._seed_frames:
                self.initial_db = seed_floor(self._recent, self._s.floor_percentile)
                self.db = self.initial_db
            return self.db
        target = float(np.percentile(self._recent, self._s.floor_percentile))
        assert self.db is not None
        self.db = target if target < self.db else min(target, self.db + self._rise)
        return self.db


class ActivityGate:
    """Frame by frame: (probability, level) -> QUIET, SOUND or SPEECH.

    The level is smoothed here (a causal power average over ``smooth_frames``), so feeding
    frames one at a time or a whole clip gives identical results."""

    def __init__(self, settings: ActivitySettings = ActivitySettings(),
                 initial_floor_db: float | None = None) -> None:
        self.settings = settings
        self.floor = NoiseFloor(settings, initial_floor_db)
        self.vad_speaking = False
        self._powers: list[float | None] = []
        self.level = MIN_LEVEL_DB  # the last smoothed level

    def update(self, probability: float, level: float, silent_edge: bool = False) -> int:
        """The frame's state; ``silent_edge``: the frame opens or closes with digital
        silence (see :func:`silent_edges`), so its level says nothing about the room."""
        vad = self.settings.vad
        if probability >= vad.threshold:
            self.vad_speaking = True
        elif probability < vad.neg_threshold:
            self.vad_speaking = False
        # Digital silence is left out of the average (None): averaged in as zero power it
        # made the frames beside it read many dB lower than anything in the room.
        # So is a frame that opens or closes with digital silence: averaged in, its low
        # reading pulled the two frames after it down as well.
        self._powers.append(None if level <= DIGITAL_SILENCE_DB or silent_edge
                            else 10 ** (level / 10))
        if len(self._powers) > max(1, self.settings.smooth_frames):
            del self._powers[0]
        real = [p for p in self._powers if p is not None]
        if level <= DIGITAL_SILENCE_DB or not real or silent_edge:
            self.level = max(level, MIN_LEVEL_DB)  # a part-silent frame: its own reading
        else:
            self.level = max(10 * math.log10(sum(real) / len(real)), MIN_LEVEL_DB)
        floor = self.floor.update(self.level,
                                  beside_silence=silent_edge or len(real) < len(self._powers))
        if self.vad_speaking:
            return SPEECH
        if floor is None:
            floor = DIGITAL_SILENCE_DB  # nothing but digital silence so far
        return SOUND if self.level >= floor + self.settings.sound_db else QUIET


def _or_silence(floor: float | None) -> float:
    return DIGITAL_SILENCE_DB if floor is None else float(floor)


@dataclass(frozen=True)
class Activity:
    """One clip's frames: VAD probability, (smoothed) level, noise floor and state of each."""

    probabilities: np.ndarray
    levels: np.ndarray  # as measured (dBFS, speech band)
    smoothed: np.ndarray  # what the gate compared with the floor
    floors: np.ndarray
    states: np.ndarray
    initial_floor_db: float | None
    settings: ActivitySettings

    @property
    def loudest_db(self) -> float:
        return float(self.smoothed.max()) if len(self.smoothed) else MIN_LEVEL_DB


class StreamingActivity:
    """Feed blocks of any size; frames are classified as they complete."""

    def __init__(self, settings: ActivitySettings = ActivitySettings(),
                 initial_floor_db: float | None = None) -> None:
        self.settings = settings
        self.vad = StreamingVad()
        self.gate = ActivityGate(settings, initial_floor_db)
        self._pending = np.zeros(0, dtype=np.float32)
        self.levels: list[float] = []
        self.smoothed: list[float] = []
        self.floors: list[float] = []
        self.states: list[int] = []

    def feed(self, samples: np.ndarray) -> tuple[np.ndarray, list[int]]:
        """Returns the new frames' probabilities and states."""
        probabilities = self.vad.feed(samples)
        data = np.concatenate([self._pending, samples.astype(np.float32, copy=False)])
        n = len(probabilities)
        levels = frame_levels(data[: n * FRAME], self.settings)
        edges = silent_edges(data[: n * FRAME])
        self._pending = data[n * FRAME:]
        states = []
        for p, level, edge in zip(probabilities, levels, edges):
            state = self.gate.update(float(p), float(level), bool(edge))
            self.levels.append(float(level))
            self.smoothed.append(self.gate.level)
            self.floors.append(_or_silence(self.gate.floor.db))
            states.append(state)
        self.states.extend(states)
        return probabilities, states

    def result(self) -> Activity:
        return Activity(np.asarray(self.vad.probabilities, np.float32),
                        np.asarray(self.levels, np.float32), np.asarray(self.smoothed, np.float32),
                        np.asarray(self.floors, np.float32),
                        np.asarray(self.states, np.int8), self.gate.floor.initial_db,
                        self.settings)


def classify(probabilities: np.ndarray, levels: np.ndarray,
             settings: ActivitySettings = ActivitySettings(),
             initial_floor_db: float | None = None,
             edges: np.ndarray | None = None) -> Activity:
    """Classify a whole clip's frames (the same result as feeding it block by block);
    ``edges``: each frame's :func:`silent_edges`, when the samples are known."""
    gate = ActivityGate(settings, initial_floor_db)
    n = min(len(probabilities), len(levels))
    states = np.zeros(n, dtype=np.int8)
    floors = np.zeros(n, dtype=np.float32)
    smoothed = np.zeros(n, dtype=np.float32)
    for i in range(n):
        edge = edges is not None and i < len(edges) and bool(edges[i])
        states[i] = gate.update(float(probabilities[i]), float(levels[i]), edge)
        floors[i] = _or_silence(gate.floor.db)
        smoothed[i] = gate.level
    return Activity(np.asarray(probabilities[:n], np.float32),
                    np.asarray(levels[:n], np.float32), smoothed, floors, states,
                    gate.floor.initial_db, settings)


def analyse(samples: np.ndarray, settings: ActivitySettings = ActivitySettings(),
            initial_floor_db: float | None = None) -> Activity:
    """VAD and levels of a whole clip. A recording's own quietest frames seed its floor
    when nothing from before it is known."""
    levels = frame_levels(samples, settings)
    edges = silent_edges(samples)
    if initial_floor_db is None:
        initial_floor_db = seed_floor(levels[~edges], settings.floor_percentile)
    return classify(frame_probabilities(Audio(samples)), levels, settings, initial_floor_db,
                    edges)


@dataclass(frozen=True)
class Span:
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) frame index pairs of the True runs in ``mask``."""
    if not len(mask):
        return []
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def spans(activity: Activity) -> list[Span]:
    """The stretches of speech, in seconds from the clip's start.

    Active frames are SPEECH frames and the SOUND runs that touch them or last at least
    ``min_sound_run_s``; gaps shorter than the VAD's ``min_silence_ms`` are bridged, spans
    shorter than ``min_speech_ms`` dropped, and each span's edges trimmed of frames within
    ``edge_quiet_db`` of the floor (the VAD's hangover after the last word)."""
    s = activity.settings
    states = activity.states
    speech = states == SPEECH
    active = speech.copy()
    min_sound = max(1, round(s.min_sound_run_s / FRAME_S))
    for a, b in _runs(states == SOUND):
        touches = (a > 0 and speech[a - 1]) or (b < len(states) and speech[b])
        if touches or b - a >= min_sound:
            active[a:b] = True
    # Bridge short gaps (a breath between words is not a pause).
    min_gap = max(1, round(s.vad.min_silence_ms / 1000 / FRAME_S))
    runs = _runs(active)
    merged: list[list[int]] = []
    for a, b in runs:
        if merged and a - merged[-1][1] < min_gap:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    quiet_edge = activity.levels < activity.floors + s.edge_quiet_db
    soft = activity.levels >= activity.floors + s.edge_grow_db
    min_len = max(1, round(s.vad.min_speech_ms / 1000 / FRAME_S))
    grow = max(0, round(s.edge_grow_s / FRAME_S))
    out: list[list[int]] = []
    for a, b in merged:
        # Trim the VAD's hangover, then grow over a soft onset or ending the VAD and the
        # gate's threshold missed (a breathy first syllable), as far as the level says.
        while a < b and quiet_edge[a]:
            a += 1
        while b > a and quiet_edge[b - 1]:
            b -= 1
        low = max(out[-1][1] if out else 0, a - grow)
        while a > low and soft[a - 1]:
            a -= 1
        high = min(len(states), b + grow)
        while b < high and soft[b]:
            b += 1
        if b - a >= min_len:
            if out and a <= out[-1][1]:
                out[-1][1] = b
            else:
                out.append([a, b])
    return [Span(round(a * FRAME_S, 3), round(b * FRAME_S, 3)) for a, b in out]
