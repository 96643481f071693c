"""Decoding loops in a transcript: a phrase Whisper wrote over and over in less time than
anyone could say it, cut back to its first copy.

A short stretch of audio decoded on its own (a live chunk's last clause, a snippet
`audio.coverage` decodes again, a second of trailing speech) sometimes makes Whisper repeat
one phrase until its token budget runs out: decoding 2.6 s of mfa_uhum's "... forced
aligner" gave "for a still liner. I'm sorry, I'm sorry, ..." (seven copies, every one at
2.56 s with no duration), its last 1.1 s gave "and" seven times within 0.42 s, and a live
test's transcript once ended "for a still in the the the the the" (WER past the test's
limit). The word timestamps give such a loop away: the copies are stacked at one instant or
squeezed into a few hundredths of a second each, where even a stutter ("the, the, the")
takes a tenth of a second or more a word.

So a phrase of one to ``MAX_PHRASE_WORDS`` words written at least ``MIN_COPIES`` times in a
row, whose copies after the first take less than ``LOOP_WORD_S`` a word on average, keeps
only its first copy. Hesitations are left as written: a loop of "uh"s is counted once by
`audio.hesitations.hesitation_marks`, and the verbatim filler pass matches the default
decoding's fillers by time, so they stay in the words it reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from audio.hesitations import is_hesitation, normalised

MIN_COPIES = 3
MAX_PHRASE_WORDS = 3
# Below this a word on average, copies were not said one after another. Whisper's timed
# copies in the loops above: 0.00-0.06 s a word; natural speech, 0.1 s and more for the
# shortest words.
LOOP_WORD_S = 0.08


class _TimedWord(Protocol):
    @property
    def word(self) -> str: ...
    @property
    def start(self) -> float: ...
    @property
    def end(self) -> float: ...


def loop_copies(words: Sequence[_TimedWord]) -> set[int]:
    """Indices of the words that repeat a phrase faster than it can be said (every copy
    after the first of a loop)."""
    keys = [normalised(w.word) for w in words]
    dropped: set[int] = set()
    i = 0
    while i < len(words):
        for n in range(1, MAX_PHRASE_WORDS + 1):
            copies = _copies(keys, i, n)
            if copies >= MIN_COPIES:
                # A run is a loop as a whole or not at all: a run said at a speaking pace
                # is not searched again for a faster tail.
                if _is_loop(words, i, n, copies):
                    dropped.update(range(i + n, i + n * copies))
                i += n * copies
                break
        else:
            i += 1
    return dropped


def _copies(keys: list[str], i: int, n: int) -> int:
    """How many times the ``n`` words from ``i`` occur in a row there (1 if only once)."""
    phrase = keys[i:i + n]
    if len(phrase) < n or not all(phrase) or all(is_hesitation(k) for k in phrase):
        return 1
    copies = 1
    while keys[i + n * copies: i + n * (copies + 1)] == phrase:
        copies += 1
    return copies


def _is_loop(words: Sequence[_TimedWord], i: int, n: int, copies: int) -> bool:
    first, last = words[i + n], words[i + n * copies - 1]
    spoken = max(0.0, last.end - first.start)
    return spoken < LOOP_WORD_S * n * (copies - 1)
