"""The units the parts locator labels: an answer's sentences, long ones split at clauses.

A unit is what one emission of the locator's hidden Markov model reads (`parts.py`): short
enough to belong to one part, long enough to say something. The same split turns a script's
labelled example answers into example sentences (`sentence_units`), so the examples are cut
the way the answers they are compared with are.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from simulator.analysis.text import AnswerText

MAX_UNIT_TOKENS = 28  # a longer sentence is split at its clauses
MIN_TAIL_TOKENS = 6  # a split never leaves a shorter rest of the sentence
# A "sentence" longer than this (about 45 s of speech; the longest Whisper wrote on the
# development answers had 99 tokens) is a transcript without sentence punctuation, not one
# sentence: its pieces are not told to the locator as the rest of a sentence. Without the
# guard, transcripts with their full stops taken out lost 3-7 points of time right.
RUN_ON_TOKENS = 120


@dataclass(frozen=True)
class Unit:
    """A sentence (or clause) of the answer with when it was said."""

    text: str
    start_s: float
    end_s: float
    words: int
    opens_sentence: bool = True  # False for the rest of a sentence split at a clause


def units_of(text: AnswerText) -> list[Unit]:
    """The transcript's sentences, long ones split at clause ends, located in time (units
    whose words cannot be located are left out)."""
    units: list[Unit] = []
    first = 0
    sentence_tokens = Counter(text.sent)
    sentence_last = {sentence: k for k, sentence in enumerate(text.sent)}  # its last token
    for k in range(text.n):
        last_of_sentence = k + 1 == text.n or text.sent[k + 1] != text.sent[k]
        rest_long_enough = sentence_last[text.sent[k]] - k >= MIN_TAIL_TOKENS
        long_clause = (text.cend[k] and k - first + 1 >= MAX_UNIT_TOKENS // 2
                       and rest_long_enough)
        # A clause without a comma is cut at the limit, but not to leave a stub of a few
        # words ("on offers."): cut there, the stub read as whatever its two words
        # suggested and split the sentence's part (plain corpus, worst answer 75 -> 81 %).
        too_long = k - first + 1 >= MAX_UNIT_TOKENS and rest_long_enough
        if not (last_of_sentence or long_clause or too_long):
            continue
        where = text.locate(text.start[first], text.end[k])
        if where.start_s is not None and where.end_s is not None:
            opens = (first == 0 or text.sent[first] != text.sent[first - 1]
                     or sentence_tokens[text.sent[first]] > RUN_ON_TOKENS)
            units.append(Unit(where.quote, where.start_s, where.end_s, k - first + 1, opens))
        first = k + 1
    return units


def sentence_units(text: str) -> list[str]:
    """A text's units as :func:`units_of` cuts a transcript (no times needed)."""
    words = [{"word": w, "start": float(i), "end": i + 0.5} for i, w in enumerate(text.split())]
    return [u.text for u in units_of(AnswerText(" ".join(text.split()), words))]
