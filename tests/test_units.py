"""The units the parts locator labels (simulator/analysis/units.py): sentences, long ones cut
at their clauses, each knowing whether it opens a sentence (a part rarely changes inside one)."""

from __future__ import annotations

from simulator.analysis.text import AnswerText
from simulator.analysis.units import (
    MAX_UNIT_TOKENS,
    MIN_TAIL_TOKENS,
    RUN_ON_TOKENS,
    sentence_units,
    units_of,
)


def timed(text: str) -> AnswerText:
    words = [{"word": w, "start": i * 0.4, "end": i * 0.4 + 0.3}
             for i, w in enumerate(text.split())]
    return AnswerText(text, words)


LONG = ("I spent the first month cleaning the labels that the vendor had sent us, "
        "which turned out to be wrong for about a fifth of the photos in the training set.")


def test_a_long_sentence_is_cut_at_a_clause_and_its_rest_does_not_open_a_sentence():
    text = f"The problem was churn. {LONG} Then I trained the model."
    units = units_of(timed(text))
    assert [u.text for u in units] == [
        "The problem was churn.",
        "I spent the first month cleaning the labels that the vendor had sent us,",
        "which turned out to be wrong for about a fifth of the photos in the training set.",
        "Then I trained the model.",
    ]
    assert [u.opens_sentence for u in units] == [True, True, False, True]
    assert units[2].start_s == 0.4 * len(("The problem was churn. " + LONG.split(",")[0])
                                         .split())


def test_a_sentence_without_clauses_is_cut_at_the_unit_limit_and_goes_on():
    run_on = " ".join(["word"] * (MAX_UNIT_TOKENS + MIN_TAIL_TOKENS)) + "."
    units = units_of(timed(run_on))
    assert [u.words for u in units] == [MAX_UNIT_TOKENS, MIN_TAIL_TOKENS]
    assert [u.opens_sentence for u in units] == [True, False]


def test_the_cut_at_the_unit_limit_leaves_no_stub_of_a_sentence():
    # "... spending roughly forty percent less | on offers.": a two-word rest read as
    # whatever its words suggested.
    almost = " ".join(["word"] * (MAX_UNIT_TOKENS + MIN_TAIL_TOKENS - 1)) + "."
    assert [u.words for u in units_of(timed(almost))] == [MAX_UNIT_TOKENS + MIN_TAIL_TOKENS - 1]


def test_a_transcript_without_full_stops_is_not_one_sentence_to_the_locator():
    # Without sentence punctuation every clause would be "the rest of a sentence", and the
    # locator would hold back every change of part: such pieces count as openings.
    punctuated = " ".join([LONG] * 5)
    assert len(punctuated.split()) > RUN_ON_TOKENS
    cut = units_of(timed(punctuated))
    assert [u.opens_sentence for u in cut] == [True, False] * 5
    run_on = units_of(timed(punctuated.replace(".", "")))
    assert len(run_on) > 5
    assert all(u.opens_sentence for u in run_on)


def test_example_sentences_are_cut_the_same_way():
    assert sentence_units(f"The problem was churn. {LONG}") == [
        u.text for u in units_of(timed(f"The problem was churn. {LONG}"))]
