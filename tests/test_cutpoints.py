"""Where live answers are cut into chunks (audio.cutpoints): lulls, not only quiet.

The last test runs real spontaneous speech with its own background noise through the same
activity gate, cut points and chunker as a live answer (a test double stands in for Whisper:
only where the chunks are cut is checked here; test_live.py runs the real model)."""

from __future__ import annotations

import time
from itertools import pairwise

import numpy as np

from audio.activity import QUIET, SOUND, SPEECH, StreamingActivity
from audio.clip import SAMPLE_RATE
from audio.cutpoints import CutPoints
from audio.incremental import ChunkSettings, IncrementalTranscriber
from audio.io import read_audio
from audio.transcriber import Transcript
from audio.vad import FRAME_S

from audio_fixtures import answer_with_pauses, energy_trim
from tests_paths import speech


def frames(state: int, level: float, seconds: float) -> list[tuple[int, float]]:
    return [(state, level)] * round(seconds / FRAME_S)


def test_quiet_is_a_lull_and_vad_speech_never_is():
    cuts = CutPoints()
    assert cuts.voiced([SPEECH, SPEECH], [-70.0, -70.0]) == [True, True]
    assert cuts.voiced([QUIET], [-20.0]) == [False]


def test_sound_is_a_lull_only_where_the_level_drops_well_below_the_speech_around_it():
    cuts = CutPoints()
    talk = frames(SPEECH, -25.0, 2.0)
    dip = frames(SOUND, -38.0, 0.5)  # the VAD hears nobody and the level fell 13 dB
    missed = frames(SOUND, -27.0, 0.5)  # the VAD misses loud speech: its level stays up
    states, levels = zip(*(talk + dip + talk + missed))
    voiced = cuts.voiced(states, levels)
    n_talk, n_dip = len(talk), len(dip)
    assert not any(voiced[n_talk:n_talk + n_dip])
    assert all(voiced[2 * n_talk + n_dip:])


def test_a_hoarse_voice_the_vad_misses_for_seconds_is_never_cut():
    # Seconds of SOUND at a steady speaking level, with short dips between words.
    cuts = CutPoints()
    pattern = (frames(SOUND, -24.0, 0.4) + frames(SOUND, -30.0, 0.1)) * 20
    states, levels = zip(*pattern)
    assert all(cuts.voiced(states, levels))


class Silent:
    name = "silent"

    def transcribe(self, audio):
        return Transcript("", [], [], "silent")


def live_chunks(known, use_lulls: bool):
    """The answer fed block by block as the recorder does; the chunks' (start, end) in s and
    the answer's VAD probabilities."""
    activity = StreamingActivity()
    cuts = CutPoints()
    inc = IncrementalTranscriber(Silent(), ChunkSettings(cover=False))
    samples = known.audio.samples
    block = SAMPLE_RATE // 10
    for at in range(0, len(samples), block):
        piece = samples[at:at + block]
        _, states = activity.feed(piece)
        if use_lulls:
            levels = activity.smoothed[len(activity.smoothed) - len(states):]
            voiced = cuts.voiced(states, levels)
        else:
            voiced = [state != QUIET for state in states]
        inc.feed(piece, voiced)
        time.sleep(0.002)  # lets the worker finish each speculation, as in real time
    inc.finish()
    chunks = [(c.start / SAMPLE_RATE, c.end / SAMPLE_RATE) for c in inc._chunks]
    return chunks, activity.result().probabilities


def test_a_noisy_spontaneous_recording_is_cut_at_its_own_pauses():
    # Its pauses hold its own background, 20 dB above the room the answer started in: never
    # QUIET, so without lulls it is cut only where a chunk reaches max_chunk_s.
    first = "librispeech_61-70968-0000.wav"
    noisy = "mfa_acoustic_corpus_spontaneous.wav"
    known = answer_with_pauses([first, noisy, "cmu_goforward.wav"], pause_s=0.9,
                               lead_s=0.8, tail_s=1.0)
    start = 0.8 + energy_trim(read_audio(speech(first))).duration + 0.9
    end = start + energy_trim(read_audio(speech(noisy))).duration

    def inside(chunks):
        return [(a, b) for a, b in chunks if start + 0.5 < b < end - 0.5]

    quiet_only, probabilities = live_chunks(known, use_lulls=False)
    assert all(b - a >= ChunkSettings().max_chunk_s - 0.1 for a, b in inside(quiet_only))
    with_lulls, _ = live_chunks(known, use_lulls=True)
    cuts = [b for _, b in inside(with_lulls)]
    assert len(cuts) >= 2
    # Each cut is where the VAD hears nobody (0.3 s into a pause, the chunk's end).
    assert all(probabilities[int(b / FRAME_S) - 1] < 0.5 for b in cuts)
    # Nothing is lost: the chunks follow each other from the start to past the last word.
    assert with_lulls[0][0] == 0
    assert all(a == b for (_, b), (a, _) in pairwise(with_lulls))
    last_speech = (np.flatnonzero(probabilities >= 0.5)[-1] + 1) * FRAME_S
    assert with_lulls[-1][1] >= last_speech
    assert max(b - a for a, b in with_lulls) < max(b - a for a, b in quiet_only)
