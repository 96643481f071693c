"""A decoding loop's copies are cut back to the first (audio.loops): unit tests on word
timings Whisper gave, and the real model on the real snippet that looped."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from audio.clip import SAMPLE_RATE, Audio
from audio.io import read_audio
from audio.loops import loop_copies
from audio.models import ModelSpec
from audio.transcriber import SHORT_AUDIO_TOKENS, WhisperTranscriber
from audio.window import fitted_first_window

from audio_fixtures import energy_trim
from tests_paths import speech


@dataclass(frozen=True)
class W:
    word: str
    start: float
    end: float
    probability: float = 0.5


def words(*timed: tuple[str, float, float]) -> list[W]:
    return [W(*t) for t in timed]


def test_a_phrase_stacked_at_one_instant_keeps_its_first_copy():
    # base on 2.6 s of mfa_uhum's "... forced aligner" and half a second of silence.
    said = words(("for", 0.58, 1.64), ("a", 1.64, 1.74), ("still", 1.74, 1.86),
                 ("liner.", 1.86, 2.06))
    loop = [W(w, 2.56, 2.56) for w in ["I'm", "sorry,"] * 6 + ["I'm", "sorry"]]
    assert loop_copies(said + loop) == set(range(6, 6 + 12))


def test_one_word_squeezed_into_hundredths_of_a_second_keeps_its_first_copy():
    # base on the last 1.1 s of mfa_uhum: "and" seven times within 0.42 s.
    said = words(("and", 0.36, 0.66), ("and", 0.66, 0.66), ("and", 0.66, 0.76),
                 ("and", 0.76, 0.76), ("and", 0.76, 0.78), ("and", 0.78, 0.78),
                 ("and", 0.78, 0.78))
    assert loop_copies(said) == set(range(1, 7))


def test_a_stutter_said_at_a_speaking_pace_is_kept():
    said = words(("I", 0.0, 0.12), ("think", 0.12, 0.4), ("the,", 0.5, 0.62),
                 ("the,", 0.7, 0.82), ("the", 0.9, 1.0), ("model", 1.0, 1.3))
    assert loop_copies(said) == set()


def test_two_copies_and_hesitation_loops_are_left_alone():
    # Two stacked copies are not "over and over"; a loop of "uh"s is counted once by
    # audio.hesitations and matched by time in the verbatim pass, so it stays as written.
    assert loop_copies(words(("so", 1.0, 1.0), ("so", 1.0, 1.0))) == set()
    assert loop_copies([W("uh,", 5.04, 5.04) for _ in range(14)]) == set()


def test_a_loop_over_several_segments_leaves_each_segment_text_true():
    @dataclass
    class Seg:
        text: str
        start: float
        end: float
        words: list

    class LoopingModel:
        def transcribe(self, samples, **kwargs):
            first = Seg(" We shipped it.", 0.0, 1.2,
                        words((" We", 0.0, 0.3), (" shipped", 0.3, 0.8), (" it.", 0.8, 1.2)))
            copies = [Seg(" Thank you.", 1.3, 1.3, words((" Thank", 1.3, 1.3), (" you.", 1.3, 1.3)))
                      for _ in range(4)]
            return iter([first, *copies]), None

    t = WhisperTranscriber(LoopingModel(), ModelSpec("stand-in", "nowhere", True)).transcribe(
        Audio.silence(2.0))
    assert t.text == "We shipped it. Thank you."
    assert [w.word for w in t.words] == ["We", "shipped", "it.", "Thank", "you."]
    assert [s.text for s in t.segments] == ["We shipped it.", "Thank you."]


def test_the_real_model_on_a_snippet_that_loops(transcriber):
    clip = energy_trim(read_audio(speech("mfa_uhum.wav"))).samples
    snippet = np.concatenate([clip[int(4.2 * SAMPLE_RATE):],
                              np.zeros(SAMPLE_RATE // 2, np.float32)])
    # What Whisper itself writes there, with the settings `transcribe` uses for short audio:
    # the loop this test is about (if a new model stops looping here, this test needs a
    # new snippet, not a pass). The same model and packages loop here on some machines and
    # not on others (December 2026, an AMD EPYC: "for a still liner."), most likely from
    # how each CPU rounds. Where it does not loop there is nothing to guard, so the test
    # says so and skips; the stand-in above shows the guard everywhere.
    kwargs = transcriber.settings.as_kwargs()
    kwargs.update(temperature=0.0, max_new_tokens=SHORT_AUDIO_TOKENS)
    with fitted_first_window():
        segments, _ = transcriber.model.transcribe(snippet, **kwargs)
        raw = " ".join(s.text for s in segments)
    if raw.lower().count("sorry") < 3:
        pytest.skip(f"Whisper does not loop on this snippet on this machine (it wrote "
                    f"{raw.strip()!r}), so the loop guard has nothing to cut here")

    t = transcriber.transcribe(Audio(snippet))
    assert t.text.lower().count("sorry") <= 1, t.text
    assert "liner" in t.text.lower()
    assert loop_copies(t.words) == set()


def test_a_run_said_at_a_speaking_pace_is_not_searched_again_for_a_faster_tail():
    # The whole run takes 0.087 s a word after its first copy: not a loop, although its
    # last three copies alone would be.
    said = words(("from", 0.0, 0.08), ("from", 0.08, 0.2), ("from", 0.2, 0.26),
                 ("from", 0.26, 0.34), ("so", 0.34, 0.48))
    assert loop_copies(said) == set()
