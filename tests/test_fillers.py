"""The verbatim pass (audio.fillers): the merging rules on their own, then the real model on
real speech whose reference writes the fillers out, then through the CLI: the pass runs when
the session ends, its fillers reach the analysis, and `resume` finishes a pass cut short."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import pytest

from audio.fillers import joined_fillers, merge_fillers
from audio.hesitations import COUNTED, REPEAT, hesitation_marks, is_hesitation, with_fillers
from audio.primed import PIECE_PAD_S, WHISPER_WINDOW_S, opening, priming_pieces
from audio.transcriber import Word
from audio.vad import FRAME_S
from simulator.sessions.records import FillerRecord, WordRecord

from tests_paths import TEST_SCRIPT, speech


def w(text: str, start: float, end: float, p: float = 0.9) -> Word:
    return Word(text, start, end, p)


def voiced_between(*ranges: tuple[float, float], total_s: float = 10.0) -> list[bool]:
    frames = int(total_s / FRAME_S)
    return [any(a <= k * FRAME_S < b for a, b in ranges) for k in range(frames)]


def as_saved_and_read(default: list[Word], added: list) -> list[str]:
    """The transcript's words as a reader of the saved session merges them with the fillers
    (`FillerRecord` through JSON, then `with_fillers`)."""
    saved = [FillerRecord.model_validate_json(FillerRecord(**asdict(x)).model_dump_json())
             for x in added]
    words = [WordRecord(**asdict(x)) for x in default]
    return [x.word for x in with_fillers(words, saved)]


DEFAULT = [w("So", 0.5, 0.8), w("we", 1.6, 1.8), w("built", 2.0, 2.3), w("it.", 2.3, 2.6)]
SPEECH = [(0.5, 2.6)]


def test_a_filler_between_words_that_both_decodings_agree_on_is_added():
    primed = [w("So,", 0.5, 0.8), w("um,", 1.2, 1.6), w("we", 1.6, 1.8), w("built", 2.0, 2.3),
              w("it.", 2.3, 2.6)]
    added = merge_fillers(DEFAULT, primed, voiced_between((0.5, 2.6)), SPEECH)
    assert [(x.word, x.start) for x in added] == [("um,", 1.2)]
    merged = with_fillers(DEFAULT, added)
    assert [x.word for x in merged] == ["So", "um,", "we", "built", "it."]


def test_a_filler_over_silence_is_not_added():
    primed = [w("So", 0.5, 0.8), w("uh,", 1.0, 1.4), w("we", 1.6, 1.8), w("built", 2.0, 2.3),
              w("it.", 2.3, 2.6)]
    # Nobody was heard between 0.8 and 1.6 s.
    assert merge_fillers(DEFAULT, primed, voiced_between((0.5, 0.8), (1.6, 2.6)), SPEECH) == []


def test_a_long_filler_is_judged_on_the_sound_it_covers_not_on_its_length():
    # Whisper starts a word early, most of all after a pause: this "um" is written from 1.0 s
    # but was said from 1.7 s, so most of its 1.1 s is quiet. A quarter of a second of it
    # heard (half of JUDGED_S; half the word, if shorter) is enough; 0.15 s is not.
    default = [w("So", 0.5, 0.8), w("we", 2.2, 2.4), w("built", 2.4, 2.7), w("it.", 2.7, 3.0)]
    primed = [w("So,", 0.5, 0.8), w("um,", 1.0, 2.1), w("we", 2.2, 2.4), w("built", 2.4, 2.7),
              w("it.", 2.7, 3.0)]
    speech = [(0.5, 0.8), (1.7, 3.0)]
    added = merge_fillers(default, primed, voiced_between(*speech), speech)
    assert [(x.word, x.start) for x in added] == [("um,", 1.0)]
    assert merge_fillers(default, primed, voiced_between((0.5, 0.8), (1.95, 3.0)), speech) == []


def test_a_filler_in_place_of_a_real_word_is_not_added():
    # The default decoding heard "built" where the primed one wrote "um": which is right is
    # unknown, so nothing is counted.
    primed = [w("So", 0.5, 0.8), w("we", 1.6, 1.8), w("um", 2.0, 2.3), w("it.", 2.3, 2.6)]
    assert merge_fillers(DEFAULT, primed, voiced_between((0.5, 2.6)), SPEECH) == []


def test_a_guess_is_not_added():
    primed = [w("So,", 0.5, 0.8), w("um,", 1.2, 1.6, p=0.02), w("we", 1.6, 1.8),
              w("built", 2.0, 2.3), w("it.", 2.3, 2.6)]
    assert merge_fillers(DEFAULT, primed, voiced_between((0.5, 2.6)), SPEECH) == []
    # A filler Whisper was unsure of but heard (a said "um" came at 0.07) is added.
    primed[1] = w("um,", 1.2, 1.6, p=0.07)
    added = merge_fillers(DEFAULT, primed, voiced_between((0.5, 2.6)), SPEECH)
    assert [x.word for x in added] == ["um,"]


def test_a_decoding_loop_adds_no_more_fillers_than_the_gap_holds():
    loop = [w("uh,", 1.3, 1.3, p=0.98) for _ in range(40)]
    primed = [w("So", 0.5, 0.8), *loop, w("we", 1.6, 1.8), w("built", 2.0, 2.3),
              w("it.", 2.3, 2.6)]
    added = merge_fillers(DEFAULT, primed, voiced_between((0.5, 2.6)), SPEECH)
    assert 1 <= len(added) <= 4  # a 0.8 s gap holds a few fillers, not 40


def test_a_filler_timed_away_from_where_the_text_puts_it_is_not_added():
    # The text puts "um" between "So" and "we"; its time says after "built": a misalignment.
    primed = [w("So,", 0.5, 0.8), w("um,", 2.1, 2.2), w("we", 1.6, 1.8), w("built", 2.0, 2.3),
              w("it.", 2.3, 2.6)]
    assert merge_fillers(DEFAULT, primed, voiced_between((0.5, 2.6)), SPEECH) == []


def test_a_filler_the_default_already_has_is_not_added_twice():
    default = [w("So", 0.5, 0.8), w("um", 1.2, 1.6), w("we", 1.6, 1.8)]
    primed = [w("So,", 0.5, 0.8), w("um,", 1.2, 1.6), w("we", 1.6, 1.8)]
    assert merge_fillers(default, primed, voiced_between((0.5, 1.8)), [(0.5, 1.8)]) == []


def test_fillers_both_decodings_wrote_with_other_labels_are_the_same_sounds():
    # mfa_uhum with base: the default decoding wrote four fillers, the primed one six, with
    # other labels in another order. Only the two the default has nothing near are new.
    default = [w("Montreal", 0.62, 1.24), w("forced,", 1.24, 1.72), w("um,", 1.86, 2.56),
               w("um,", 3.02, 3.28), w("uh,", 3.28, 3.28), w("um,", 4.18, 4.18),
               w("forest", 6.66, 6.92), w("aligner.", 6.92, 7.32)]
    primed = [w("Montreal", 0.62, 1.24), w("forced,", 1.24, 1.72), w("uh,", 1.86, 2.08),
              w("um,", 2.8, 2.8), w("uh,", 3.02, 3.26), w("um,", 3.96, 4.18),
              w("uh,", 6.26, 6.4, p=0.5), w("um,", 6.52, 6.52, p=0.5),
              w("forest", 6.66, 6.92), w("aligner.", 6.92, 7.32)]
    speech = [(0.99, 4.7), (5.09, 5.92), (6.27, 7.33)]
    voiced = voiced_between(*speech)
    added = merge_fillers(default, primed, voiced, speech)
    assert [(x.word, x.start) for x in added] == [("uh,", 6.26), ("um,", 6.44)]


def test_fillers_after_an_agreed_word_count_where_the_words_after_them_disagree():
    # mfa_uhuh: both decodings heard "Montreal" and hesitations, then heard the rest of the
    # name differently ("forced aligner" against "Fort Sewiner").
    default = [w("Montreal,", 0.62, 1.28), w("forced", 5.3, 5.6), w("aligner.", 5.6, 5.9)]
    primed = [w("Montreal,", 0.62, 1.28), w("uh,", 1.7, 1.7), w("uh,", 1.88, 2.82),
              w("uh,", 3.2, 3.46), w("uh,", 4.0, 4.74), w("Fort", 5.34, 5.54),
              w("Sewiner.", 5.54, 5.92)]
    speech = [(0.6, 5.95)]
    added = merge_fillers(default, primed, voiced_between(*speech), speech)
    assert [x.start for x in added] == [1.62, 1.88, 3.2, 4.0]
    # Where the primed decoding wrote a filler over the disagreeing word itself, it is not
    # taken: "the" may have been a real word.
    default = [w("Montreal,", 0.62, 1.28), w("the", 1.3, 1.6), w("forest", 1.6, 2.0)]
    primed = [w("Montreal,", 0.62, 1.28), w("uh,", 1.35, 1.55), w("forced", 1.6, 2.0)]
    assert merge_fillers(default, primed, voiced_between((0.6, 2.0)), [(0.6, 2.0)]) == []
    # Nor where it wrote a filler for a real word between two agreed ones (a long "the",
    # which Whisper timed with no duration, as "uh"; AMI EN2001a with tiny.en).
    default = [w("from", 2.42, 3.32), w("the", 3.32, 3.32), w("specification?", 3.32, 4.2)]
    primed = [w("from,", 2.38, 2.9), w("uh,", 2.9, 3.9), w("specification?", 4.02, 4.18)]
    assert merge_fillers(default, primed, voiced_between((2.4, 4.2)), [(2.4, 4.2)]) == []


def test_a_filler_is_taken_where_the_default_decoding_timed_the_words_around_it_late():
    # mfa_uh said after read speech, base: the default decoding left the "uh" out and
    # stretched "Montreal" over it, timing it 1.9 s late; the primed decoding timed "Montreal"
    # where it was said and the "uh" after it. The default decoding has no word at the
    # filler's time, so it is taken (and its time, not the late "Montreal", places it).
    default = [w("left.", 0.2, 0.5), w("Montreal", 2.9, 3.4), w("forced", 3.4, 3.9),
               w("aligner.", 3.9, 4.4)]
    primed = [w("left.", 0.2, 0.5), w("Montreal,", 1.0, 1.8), w("uh,", 2.4, 2.6),
              w("for", 3.6, 3.8), w("Stilliner.", 3.8, 4.4)]
    speech = [(0.2, 0.5), (1.0, 1.7), (2.3, 4.4)]
    added = merge_fillers(default, primed, voiced_between(*speech), speech)
    assert [(x.word, x.start) for x in added] == [("uh,", 2.4)]
    # Placed by the text, after "Montreal", not by its time (before the late "Montreal"),
    # also as the session saves it.
    expected = ["left.", "Montreal", "uh,", "forced", "aligner."]
    assert [x.word for x in with_fillers(default, added)] == expected
    assert as_saved_and_read(default, added) == expected
    # Where the default decoding heard a word at that time, the filler may be that word.
    heard = [*default[:1], w("and", 2.35, 2.65), *default[1:]]
    assert merge_fillers(heard, primed, voiced_between(*speech), speech) == []
    # Nor is it taken where the primed decoding's own times do not put it after "Montreal".
    primed[2] = w("uh,", 0.6, 0.9)
    assert merge_fillers(default, primed, voiced_between((0.2, 4.4)), [(0.2, 4.4)]) == []


def test_an_uh_the_default_decoding_wrote_as_the_letter_a_is_a_filler():
    # mfa_uhum said after read speech, base: the default decoding wrote the first "uh" as
    # "a," among its "um"s; the primed decoding, which wrote no real word there, heard an
    # "uh" at that time. The "uh" takes the letter's place.
    default = [w("Montreal", 0.77, 1.24), w("forced", 1.24, 1.73), w("a,", 1.73, 2.06),
               w("um,", 2.38, 2.66), w("um,", 3.86, 4.12), w("forest", 6.68, 6.92)]
    primed = [w("Montreal", 0.77, 1.25), w("forced,", 1.25, 1.7), w("uh,", 1.91, 2.13),
              w("um,", 2.39, 2.88), w("um,", 3.9, 4.2), w("forest", 6.73, 6.89)]
    speech = [(0.98, 4.73), (6.29, 7.28)]
    added = merge_fillers(default, primed, voiced_between(*speech), speech)
    assert [(x.word, x.start, x.replaces) for x in added] == [("uh,", 1.91, True)]
    expected = ["Montreal", "forced", "uh,", "um,", "um,", "forest"]
    assert [x.word for x in with_fillers(default, added)] == expected
    assert as_saved_and_read(default, added) == expected
    # An article ("a model") is a word, even where the primed decoding wrote a filler.
    article = [*default[:2], w("a", 1.73, 2.06), *default[3:]]
    assert merge_fillers(article, primed, voiced_between(*speech), speech) == []
    # So is an "a," the primed decoding also heard as a word, or heard nothing at.
    heard_a = [*primed[:2], w("a,", 1.9, 2.1), *primed[3:]]
    assert merge_fillers(default, heard_a, voiced_between(*speech), speech) == []
    assert merge_fillers(default, [*primed[:2], *primed[3:]], voiced_between(*speech),
                         speech) == []
    # And a default filler at the primed one's time claims it: the same sound.
    claimed = [*default[:3], w("uh,", 2.05, 2.2), *default[3:]]
    assert merge_fillers(claimed, primed, voiced_between(*speech), speech) == []


def test_a_filler_after_a_word_only_the_default_decoding_wrote_is_added():
    # mfa_acoustic_corpus_spontaneous: the default decoding wrote "words" five times, the
    # primed one four times and then "um"; the "um" lies after the fifth "words" ends.
    default = [w("more", 20.1, 20.3), w("words", 20.3, 20.8), w("words", 21.7, 21.9),
               w("words", 21.9, 22.1), w("And", 23.4, 23.9), w("that", 23.9, 24.4)]
    primed = [w("more", 20.1, 20.3), w("words,", 20.3, 20.8), w("words.", 21.7, 22.0),
              w("Um,", 22.9, 23.2), w("and", 24.0, 24.3), w("that", 24.3, 24.4)]
    speech = [(20.0, 24.5)]
    added = merge_fillers(default, primed, voiced_between(*speech, total_s=25.0), speech)
    assert [(x.word, x.start) for x in added] == [("Um,", 22.9)]
    assert [x.word for x in with_fillers(default, added)][-3:] == ["Um,", "And", "that"]
    # A primed filler over a word only the default wrote may be that word: not taken.
    default = [w("more", 20.1, 20.3), w("words", 20.3, 20.8), w("again", 21.9, 22.3),
               w("And", 23.4, 23.9)]
    primed = [w("more", 20.1, 20.3), w("words,", 20.3, 20.8), w("uh,", 22.0, 22.3),
              w("and", 23.4, 23.9)]
    added = merge_fillers(default, primed, voiced_between(*speech, total_s=25.0), speech)
    assert added == []
    primed[2] = w("uh,", 22.5, 22.8)  # after it: taken
    added = merge_fillers(default, primed, voiced_between(*speech, total_s=25.0), speech)
    assert [(x.word, x.start) for x in added] == [("uh,", 22.5)]


def test_a_filler_goes_before_the_word_whose_start_whisper_stretched_back_over_it():
    default = [w("see", 0.78, 1.0), w("Steve's", 1.0, 2.0), w("feedback", 2.0, 2.26)]
    merged = with_fillers(default, [w("uh,", 1.1, 1.2)])
    assert [x.word for x in merged] == ["see", "uh,", "Steve's", "feedback"]


def test_mm_hmm_split_by_whisper_is_an_answer_not_a_filler():
    primed = [w("So", 0.5, 0.8), w("mm", 1.0, 1.2), w("-hmm.", 1.2, 1.4), w("we", 1.6, 1.8),
              w("built", 2.0, 2.3), w("it.", 2.3, 2.6)]
    assert merge_fillers(DEFAULT, primed, voiced_between((0.5, 2.6)), SPEECH) == []
    assert is_hesitation("Um,") and is_hesitation("uh.") and not is_hesitation("mm-hmm")


def test_a_hesitation_a_decoding_loop_stacked_at_one_instant_counts_once():
    # As base wrote mfa_uhuh in one decoding: "uh"s with no duration, 0.02-0.1 s apart.
    words = [("Montreal,", 0.3), ("uh,", 1.5), ("uh,", 1.9), ("uh", 5.04), ("uh", 5.04),
             ("uh", 5.1), ("uh", 5.3), ("uh", 5.32), ("uh", 5.52),
             ("forced", 6.0), ("aligner.", 6.4)]
    marks = hesitation_marks(words)
    assert [s for (_, s), m in zip(words, marks) if m == COUNTED] == [1.5, 1.9, 5.04, 5.3]
    assert marks.count(REPEAT) == 4 and marks[0] is None and marks[-1] is None
    # Hesitations a breath apart are two.
    assert hesitation_marks([("um", 1.0), ("uh", 1.3)]) == [COUNTED, COUNTED]


def test_mm_hmm_in_pieces_is_no_filler_and_no_repeat():
    marks = hesitation_marks([("So", 0.5), ("mm", 1.0), ("-hmm.", 1.2), ("uh", 1.3)])
    assert marks == [None, None, None, COUNTED]


def test_the_short_pieces_are_cut_at_pauses_once_long_enough():
    speech = [(1.0, 2.0), (2.1, 4.0), (4.5, 7.0), (7.1, 8.0), (8.3, 9.0), (20.0, 21.0)]
    pieces = priming_pieces(speech, duration=21.1)
    # 4.5-7.0 would make the piece 6 s long and comes after a 0.5 s pause: a cut. Then the
    # piece from 4.5 s stays within 5 s up to 9.0 s (pauses or not), and 20.0-21.0 would
    # make it longer: a cut. Each piece gets 0.2 s of audio either side, within the audio.
    expected = [(1.0 - PIECE_PAD_S, 4.0 + PIECE_PAD_S), (4.5 - PIECE_PAD_S, 9.0 + PIECE_PAD_S),
                (20.0 - PIECE_PAD_S, 21.1)]
    assert [x for p in pieces for x in p] == pytest.approx([x for p in expected for x in p])
    # Cut at a pause shorter than both paddings, each piece takes half of it: no audio is
    # decoded twice.
    assert priming_pieces([(0.0, 6.0), (6.25, 9.0)], 9.0) == [(0.0, 6.125), (6.125, 9.0)]
    # A pause too short to cut at keeps the piece going.
    assert len(priming_pieces([(0.0, 4.0), (4.1, 9.0)], 9.0)) == 1
    assert priming_pieces([], 10.0) == []
    # A piece ends with the audio, not a rounding after it (faster-whisper refuses clips
    # longer than the audio).
    assert priming_pieces([(0.0, 1.44)], 1.539625)[-1][1] == 1.539625


def test_a_piece_with_no_pause_is_cut_at_whispers_window():
    pieces = priming_pieces([(0.0, 70.0)], duration=70.0)
    assert [b - a for a, b in pieces][:2] == [WHISPER_WINDOW_S, WHISPER_WINDOW_S]
    assert pieces[0][0] == 0.0 and pieces[-1][1] == 70.0
    assert all(b - a <= WHISPER_WINDOW_S for a, b in pieces)


def test_the_first_primed_decoding_stops_in_a_pause_within_whispers_first_window():
    assert opening([(0.5, 10.0)], duration=20.0) == 20.0  # short audio: all of it
    speech = [(0.5, 12.0), (12.6, 27.0), (27.8, 40.0)]
    assert opening(speech, duration=45.0) == pytest.approx(27.0 + PIECE_PAD_S)
    assert opening([(0.5, 44.0)], duration=45.0) == WHISPER_WINDOW_S  # no pause to cut in


def test_a_filler_both_decodings_heard_counts_once():
    whole = [w("um", 1.0, 1.3)]
    pieces = [w("uh", 1.2, 1.5), w("um", 4.0, 4.3)]  # the same sound relabelled, and a new one
    joined = joined_fillers(whole, pieces)
    assert [(x.word, x.start) for x in joined] == [("um", 1.0), ("um", 4.0)]
    assert joined_fillers([], pieces) == pieces and joined_fillers(whole, []) == whole


@pytest.mark.slow
def test_the_real_model_hears_an_um_the_default_decoding_left_out(transcriber):
    """mfa_crossword: "but um montreal but um but montreal forced aligner" (the MFA project's
    test recording); base's default decoding writes no "um"."""
    from audio.fillers import listen_for_fillers
    from audio.io import read_audio

    audio = read_audio(speech("../speech_fillers/mfa_crossword.wav"))
    default = transcriber.transcribe(audio)
    found = listen_for_fillers(transcriber, audio, default.words)
    words = [x.word.strip(",.").lower() for x in with_fillers(default.words, found.added)]
    assert words.count("um") >= 1, words
    # Read speech has none, and none are invented there.
    jfk = read_audio(speech("jfk_inaugural_1961.wav"))
    assert listen_for_fillers(transcriber, jfk, transcriber.transcribe(jfk).words).added == []


@pytest.mark.slow
def test_fillers_said_after_whispers_first_window_are_heard(transcriber):
    """mfa_acoustic_corpus_spontaneous ("uh", "um" and "um" between its sentences) said after
    35 s of read speech, as in a long answer. One primed decoding of the whole audio reads
    its prompt with the first 30 s window only, and wrote none of the three in every run of
    bench/fillers.py --late; the short primed pieces hear them."""
    import numpy as np

    from audio.clip import SAMPLE_RATE, Audio
    from audio.fillers import listen_for_fillers
    from audio.io import read_audio

    gap = np.zeros(int(0.7 * SAMPLE_RATE), np.float32)
    read = ["jfk_inaugural_1961.wav", "librivox_sense_and_sensibility_ch01_0870.wav",
            "librivox_sense_and_sensibility_ch01_0880.wav",
            "librivox_sense_and_sensibility_ch01_0890.wav", "librispeech_61-70968-0000.wav"]
    prefix = np.concatenate([np.concatenate([read_audio(speech(n)).samples, gap]) for n in read])
    offset = len(prefix) / SAMPLE_RATE
    said = read_audio(speech("mfa_acoustic_corpus_spontaneous.wav")).samples
    audio = Audio(np.concatenate([prefix, said]))
    default = transcriber.transcribe(audio)
    found = listen_for_fillers(transcriber, audio, default.words)
    late = [x for x in with_fillers(default.words, found.added)
            if x.start >= offset - 0.3 and is_hesitation(x.word)]
    assert len(late) >= 1, [x.word for x in default.words if x.start >= offset - 0.3]
    assert not [x for x in found.added if x.start < offset - 0.3]  # none in the read speech


def _word(saved: dict) -> Word:
    return Word(saved["word"], saved["start"], saved["end"], saved.get("probability", 1.0))


def _run(*args: str, home) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "simulator", *args], capture_output=True,
                          text=True, timeout=600, env={"MOCK_INTERVIEW_HOME": str(home),
                                                       "PATH": "/usr/bin:/bin",
                                                       "HOME": str(home)})


@pytest.mark.slow
def test_the_pass_runs_when_the_session_ends_and_its_fillers_reach_the_analysis(tmp_path):
    uhum = speech("mfa_uhum.wav")  # "montreal forced uh um uh hm hm um forced aligner"
    crossword = speech("../speech_fillers/mfa_crossword.wav")
    result = _run("run", "--script", str(TEST_SCRIPT), "--answers", str(uhum), str(crossword),
                  "--tts", "off", "--no-follow-ups", "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "again for “um” and “uh”" in result.stdout + result.stderr
    session = next((tmp_path / "sessions").iterdir())
    events = [json.loads(x) for x in (session / "events.jsonl").read_text().splitlines()]
    heard = [e for e in events if e["type"] == "fillers_heard"]
    assert sorted(e["turn"] for e in heard) == [1, 2]
    added = sum(len(e["added"]) for e in heard)
    review = _run("review", session.name, "--json", home=tmp_path)
    assert review.returncode == 0, review.stderr
    data = json.loads(review.stdout)
    assert all(a["fillers_added"] is not None for a in data["answers"])
    fillers = [f for a in data["answers"] for f in a["analysis"]["fillers"]
               if f["kind"] == "filler"]
    # Every filler heard, by either decoding, is counted once (a loop's repeats once in all).
    counted = 0
    for e in events:
        if e["type"] == "transcript_ready":
            extra = next(h["added"] for h in heard if h["turn"] == e["turn"])
            words = with_fillers([_word(x) for x in e["words"]], [_word(x) for x in extra])
            counted += hesitation_marks([(x.word, x.start) for x in words]).count(COUNTED)
    assert len(fillers) == counted > 0
    assert added > 0


@pytest.mark.slow
def test_analyze_runs_the_pass_too_unless_told_not_to(tmp_path):
    """`mock-interview analyze` gives the analysis a session's report gives: on mfa_crossword
    ("but um montreal but um but montreal forced aligner") base's default decoding writes no
    "um", the second listen hears one."""
    crossword = str(speech("../speech_fillers/mfa_crossword.wav"))

    def hesitations(*flags: str) -> tuple[list[str], dict | None]:
        done = _run("analyze", crossword, "--json", *flags, home=tmp_path)
        assert done.returncode == 0, done.stderr
        data = json.loads(done.stdout)
        return [f["text"] for f in data["fillers"] if is_hesitation(f["text"])], \
            {"pass": data["verbatim_pass"], "skipped": data["verbatim_skipped"]}

    quick, skipped = hesitations("--no-verbatim")
    full, ran = hesitations()
    heard = ran["pass"]
    assert skipped == {"pass": None, "skipped": "--no-verbatim"}
    assert heard is not None and heard["fillers_added"] >= 1 and ran["skipped"] is None
    assert "um" in full and len(full) == len(quick) + heard["fillers_added"]


@pytest.mark.slow
def test_ctrl_c_during_analyzes_second_listen_still_gives_the_analysis(home, monkeypatch):
    """Ctrl-C while `analyze` listens again skips the pass, as in a session: the analysis of
    the default decoding still comes, and says the pass did not run."""
    import audio.fillers
    from simulator.commands import analyze_recording

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(audio.fillers, "listen_for_fillers", interrupted)
    crossword = str(speech("../speech_fillers/mfa_crossword.wav"))
    _question, _timing, analysis, heard, _said = analyze_recording(crossword, None, None)
    assert heard is None and analysis.words > 0


@pytest.mark.slow
@pytest.mark.parametrize("during", ["transcription", "second listen"])
def test_ctrl_c_while_analyze_decodes_is_answered_at_once(home, ctrl_c_after, monkeypatch,
                                                          during):
    """`analyze` with the real decoder, Ctrl-C half a second into a decoding (a 27 s
    recording: several seconds each): the user is told at once (the decoding runs on a
    worker thread), the decoding is stopped, and nothing keeps decoding behind the result.
    In the transcription the command stops; in the second listen only the pass is skipped
    and the analysis of the first decoding still comes."""
    from audio.transcriber import WhisperTranscriber
    from simulator.commands import analyze_recording

    sent: list[threading.Timer] = []
    if during == "transcription":
        load = WhisperTranscriber.load

        def loaded(*args, **kwargs):  # the signal timed from the decoding, not the load
            transcriber = load(*args, **kwargs)
            sent.append(ctrl_c_after(0.5))
            return transcriber

        monkeypatch.setattr(WhisperTranscriber, "load", staticmethod(loaded))
        kwargs = {}
    else:
        @contextmanager
        def listening(_seconds):
            sent.append(ctrl_c_after(0.5))
            yield

        kwargs = {"on_listening": listening}
    notes: list[str] = []
    spontaneous = str(speech("mfa_acoustic_corpus_spontaneous.wav"))
    if during == "transcription":
        with pytest.raises(KeyboardInterrupt):
            analyze_recording(spontaneous, None, None, on_note=notes.append, **kwargs)
        assert notes == ["Stopping: ending the decoding under way…"]
    else:
        _q, _timing, analysis, heard, _said = analyze_recording(
            spontaneous, None, None, on_note=notes.append, **kwargs)
        assert heard is None and analysis.words > 0
        assert notes == ["Skipping the second listen: stopping the decoding under way…"]
    assert len(sent) == 1 and sent[0].finished.is_set()
    assert not [t for t in threading.enumerate() if t.name == "interruptible-work"]


@pytest.mark.slow
def test_resume_finishes_a_pass_that_was_cut_short(tmp_path):
    uhum = speech("mfa_uhum.wav")
    result = _run("run", "--script", str(TEST_SCRIPT), "--answers", str(uhum), str(uhum),
                  "--tts", "off", "--no-follow-ups", home=tmp_path)
    assert result.returncode == 0, result.stderr
    session = next((tmp_path / "sessions").iterdir())
    log = session / "events.jsonl"
    # As if Ctrl-C had stopped the pass after the first answer.
    lines = log.read_text().splitlines()
    cut = [x for x in lines if not (json.loads(x)["type"] == "fillers_heard"
                                    and json.loads(x)["turn"] == 2)]
    log.write_text("\n".join(cut) + "\n")
    review = _run("review", session.name, "--md", str(tmp_path / "r.md"), home=tmp_path)
    assert review.returncode == 0, review.stderr
    assert "verbatim pass" in (tmp_path / "r.md").read_text()  # the report says it is pending
    resumed = _run("resume", session.name, "--tts", "off", home=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    heard = [json.loads(x) for x in log.read_text().splitlines()
             if json.loads(x)["type"] == "fillers_heard"]
    assert sorted(e["turn"] for e in heard) == [1, 2]
    again = _run("resume", session.name, "--tts", "off", home=tmp_path)
    assert again.returncode != 0 and "already complete" in again.stderr


@pytest.mark.slow
def test_sigterm_in_the_pass_skips_it_like_ctrl_c_and_the_report_is_written(tmp_path):
    """``kill`` (or a closed terminal) while the pass runs after the last answer: the pass
    stops as Ctrl-C stops it, the session is complete with the answers pending, and its
    report is written (the program once died there without a word, no report, the session
    left unfinished). A child process, so a regression cannot kill the test run."""
    uhum = str(speech("mfa_uhum.wav"))
    child = textwrap.dedent(f"""
        import os, signal, sys, time
        import simulator.interview.verbatim as verbatim
        def killed(*_args, **_kwargs):
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(300):
                time.sleep(0.1)  # a decoder's calls: the pass stops after the one under way
            raise AssertionError("SIGTERM was not acted on")
        verbatim.listen_for_fillers = killed
        from simulator.cli import run_cli
        sys.exit(run_cli(["run", "--script", {str(TEST_SCRIPT)!r}, "--answers", {uhum!r},
                          {uhum!r}, "--tts", "off", "--no-follow-ups"]))
    """)
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                          timeout=600, cwd=Path(__file__).resolve().parents[1],
                          env={**os.environ, "MOCK_INTERVIEW_HOME": str(tmp_path)})
    assert done.returncode == 0, (done.returncode, done.stderr)
    assert "stopping the decoding under way" in done.stdout
    assert "Stopped listening again after 0 of 2 answers" in done.stdout
    session = next((tmp_path / "sessions").iterdir())
    events = [json.loads(x) for x in (session / "events.jsonl").read_text().splitlines()]
    assert events[-1]["type"] == "session_ended" and events[-1]["status"] == "complete"
    assert "verbatim pass" in (session / "report.md").read_text()
    assert (session / "report.html").is_file()


def _ctrl_c_as_in_a_terminal() -> None:
    """In the child, before it starts: SIGINT as a terminal delivers it. A suite started in
    the background by a shell (`make test &`) runs with SIGINT ignored and its children
    inherit that; Python then installs no KeyboardInterrupt handler, and a Ctrl-C in the
    pass (which relies on Python's own handler) does nothing. This test failed in two full
    runs started that way (December 2026), never alone or in its module; one lone run
    started that way passed too, so that this was the cause is likely, not proven."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
def test_ctrl_c_in_the_real_pass_is_answered_and_the_session_completes(tmp_path):
    """Ctrl-C while the real decoder runs the pass (base, on a 27 s answer): the program
    says at once that it is stopping (the decoding runs on a worker thread: in the main
    thread the Ctrl-C was not even seen until the decoder's call returned), the decoding is
    stopped, nothing half-decoded is saved, and the session ends complete with its report."""
    spontaneous = str(speech("mfa_acoustic_corpus_spontaneous.wav"))
    child = subprocess.Popen(
        [sys.executable, "-m", "simulator", "run", "--script", str(TEST_SCRIPT), "--answers",
         spontaneous, spontaneous, "--tts", "off", "--no-follow-ups"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "MOCK_INTERVIEW_HOME": str(tmp_path), "PYTHONUNBUFFERED": "1"},
        preexec_fn=_ctrl_c_as_in_a_terminal)
    assert child.stdout is not None
    out = []
    sent = None  # when SIGINT was sent, and whether the program was still running then
    try:
        for line in child.stdout:
            out.append(line)
            if "again for “um” and “uh”" in line:
                time.sleep(1.5)  # into the first answer's decoding (several seconds)
                sent = (time.monotonic(), child.poll() is None)
                child.send_signal(signal.SIGINT)
                break
        out.append(child.communicate(timeout=300)[0])
    finally:
        child.kill()
    said = "".join(out)
    # On failure, say whether and when the signal went, and all the output.
    why = (f"SIGINT {'never sent' if sent is None else 'sent'}"
           + ("" if sent is None else f"; the program {'was' if sent[1] else 'was not'} "
              f"running then and ended {time.monotonic() - sent[0]:.1f} s later")
           + f"; its output:\n{said}")
    assert child.returncode == 0, why
    assert "stopping the decoding under way" in said, why
    assert "Stopped listening again after 0 of 2 answers" in said, why
    session = next((tmp_path / "sessions").iterdir())
    events = [json.loads(x) for x in (session / "events.jsonl").read_text().splitlines()]
    assert not [e for e in events if e["type"] == "fillers_heard"]
    assert events[-1]["type"] == "session_ended" and events[-1]["status"] == "complete"
    assert "verbatim pass" in (session / "report.md").read_text()


@pytest.mark.slow
def test_a_pass_that_fails_leaves_the_interview_complete_and_the_answer_pending(home,
                                                                                 monkeypatch):
    """The pass only adds to answers already saved: an error in it (here a decoder that
    raises) is told, logged, and leaves the answer pending for `resume`; the session is
    complete and its report is written."""
    import simulator.interview.verbatim as verbatim
    from simulator.cli import run_cli

    def broken(*_args, **_kwargs):
        raise RuntimeError("the decoder fell over")

    monkeypatch.setattr(verbatim, "listen_for_fillers", broken)
    uhum = str(speech("mfa_uhum.wav"))
    code = run_cli(["run", "--script", str(TEST_SCRIPT), "--answers", uhum, uhum,
                    "--tts", "off", "--no-follow-ups"])
    assert code == 0
    session = next((home / "sessions").iterdir())
    events = [json.loads(x) for x in (session / "events.jsonl").read_text().splitlines()]
    assert not [e for e in events if e["type"] == "fillers_heard"]
    notices = [e["text"] for e in events if e["type"] == "notice"]
    assert sum("Could not listen again" in n and "the decoder fell over" in n
               for n in notices) == 2, notices
    ended = [e for e in events if e["type"] == "session_ended"]
    assert ended and ended[-1]["status"] == "complete"
    assert "verbatim pass" in (session / "report.md").read_text()  # pending, and it says so


def test_the_screen_says_which_answer_the_pass_is_listening_to(home, monkeypatch):
    """The pass runs after the last answer and takes a while: the screen
    says which answer it is on (the real console view, with the real pass inside it)."""
    from simulator.cli import run_cli
    from simulator.terminal.live import ConsoleView

    shown: list[tuple[int, int, float]] = []
    left: list[float | None] = []
    original = ConsoleView.listening_again

    def recording(self, answer, answers, audio_seconds, left_s=None):
        shown.append((answer, answers, round(audio_seconds, 1)))
        left.append(left_s)
        return original(self, answer, answers, audio_seconds, left_s)

    monkeypatch.setattr(ConsoleView, "listening_again", recording)
    uhum, crossword = speech("mfa_uhum.wav"), speech("../speech_fillers/mfa_crossword.wav")
    code = run_cli(["run", "--script", str(TEST_SCRIPT), "--answers", str(uhum),
                    str(crossword), "--tts", "off", "--no-follow-ups"])
    assert code == 0
    assert shown == [(1, 2, 8.2), (2, 2, 10.7)], shown
    # From the second answer on, how long is left, by this machine's speed on the first.
    assert left[0] is None and left[1] is not None and left[1] > 0, left
    session = next((home / "sessions").iterdir())
    events = [json.loads(x) for x in (session / "events.jsonl").read_text().splitlines()]
    assert [e["turn"] for e in events if e["type"] == "fillers_heard"] == [1, 2]
