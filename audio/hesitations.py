"""Hesitation words in a transcript: which words are fillers, which of them count, and where
the verbatim pass's fillers go among Whisper's words.

Shared by the verbatim pass (`audio.fillers`, which decides what to add), the saved session
(`AnswerRecord.verbatim_words`) and the analysis (`simulator.analysis.delivery`, which
counts): one definition of a hesitation and of a filler's place, so a report, `analyze` and
the benchmarks count the same words.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from typing import Protocol, TypeVar

HESITATIONS = frozenset({"um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "ahh", "hmm",
                         "hm", "mm", "mmm", "eh"})
# Where Whisper's decoding loops it writes one hesitation many times over, most copies with
# no duration, within a fraction of a second (base wrote 14 "uh"s between 5.04 and 5.52 s of
# mfa_uhuh, where the speaker said two or three). Nobody says two hesitations within this
# of each other, so a hesitation starting sooner after the last one counted repeats it.
STACKED_S = 0.25
_PUNCT = re.compile(r"^[^\w']+|[^\w']+$")


def is_hesitation(word: str) -> bool:
    return normalised(word) in HESITATIONS


COUNTED, REPEAT = "counted", "repeat"


def hesitation_marks(words: Sequence[tuple[str, float]]) -> list[str | None]:
    """For each word ((text, start seconds), in transcript order): ``COUNTED`` for a
    hesitation that counts as a filler, ``REPEAT`` for one that repeats the hesitation
    counted before it (it starts less than ``STACKED_S`` after it: a decoding loop), None for
    anything else. Whisper's word pieces are one word: "mm" + "-hmm" is the answer "mm-hmm",
    not two fillers. The transcript keeps every word as written; only the counting skips."""
    marks: list[str | None] = []
    last: float | None = None
    for k, (text, start) in enumerate(words):
        following = words[k + 1][0].strip() if k + 1 < len(words) else ""
        piece = text.strip().startswith("-") or (following.startswith("-") and len(following) > 1)
        if piece or not is_hesitation(text):
            marks.append(None)
        elif last is not None and 0 <= start - last < STACKED_S:
            marks.append(REPEAT)
        else:
            marks.append(COUNTED)
            last = start
    return marks


def normalised(word: str) -> str:
    """``word`` without the punctuation around it, in lower case ("Um," -> "um")."""
    return _PUNCT.sub("", word).lower()


class _Timed(Protocol):
    @property
    def start(self) -> float: ...
    @property
    def end(self) -> float: ...


TimedWord = TypeVar("TimedWord", bound=_Timed)


def middle_of(w: _Timed) -> float:
    """Where a word is said, for matching words of two decodings: their starts and ends
    differ more than their middles do."""
    return (w.start + w.end) / 2


def with_fillers(words: Sequence[TimedWord], added: Sequence[TimedWord]) -> list[TimedWord]:
    """The transcript's words with the pass's fillers in their places: each filler before
    (or, with ``replaces``, instead of) the word its ``before`` names, or else before the
    first word whose middle comes after its own. Not by start times: Whisper stretches a
    word's start back over the filler before it ("Steve's" from 1.0 s, the "uh" before it at
    1.1-1.2 s), which would put the filler after the word it came before."""
    # A running maximum keeps the search sorted where Whisper's times are not.
    middles = list(itertools.accumulate((middle_of(w) for w in words), max))
    places: dict[int, list[TimedWord]] = {}
    replaced: set[int] = set()
    for filler in sorted(added, key=middle_of):
        # A filler the pass placed by the text (`Filler.before`, also saved in the session)
        # goes where the text puts it.
        before = getattr(filler, "before", None)
        place = min(before, len(words)) if before is not None else \
            bisect.bisect_right(middles, middle_of(filler))
        places.setdefault(place, []).append(filler)
        if before is not None and getattr(filler, "replaces", False):
            replaced.add(place)
    out: list[TimedWord] = []
    for k, word in enumerate(words):
        out += places.get(k, [])
        if k not in replaced:
            out.append(word)
    return out + places.get(len(words), [])
