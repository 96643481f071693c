"""How an answer was delivered: pace, pauses, fillers and hedges, each located in time.

- **Pace**: words per minute of speaking time, for the whole answer, per part, and over time
  (in windows of ``PACE_WINDOW_S``), from the transcript's timed words.
- **Pauses**: gaps between the stretches of speech measured on the audio (the spans saved with
  every answer), of at least ``MIN_PAUSE_S``. Whisper's word times are not used for pauses:
  its word starts come 0.15-0.5 s early.
- **Fillers and hedges**: from the timed words. Hesitation sounds ("um", "uh", "er", "hmm")
  are fillers wherever they occur; "like" only where it is a filler, not a verb or a
  comparison ("I like", "looks like", "like a rules engine"); hedges are phrases that soften
  a claim ("sort of", "I guess", "kind of", "probably"); "you know" counts as a filler.
  Whisper drops most "um"s; the verbatim pass (`audio.fillers`) adds back those it can hear,
  and nothing is counted that was not transcribed by one pass or the other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from audio.hesitations import COUNTED, hesitation_marks

MIN_PAUSE_S = 0.5
PACE_WINDOW_S = 30.0

# Phrases that soften or fill, matched on consecutive words: (words, kind).
PHRASES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("you", "know"), "filler"), (("i", "mean"), "filler"),
    (("sort", "of"), "hedge"), (("kind", "of"), "hedge"), (("i", "guess"), "hedge"),
    (("i", "suppose"), "hedge"), (("i", "think"), "hedge"), (("more", "or", "less"), "hedge"),
    (("a", "little", "bit"), "hedge"), (("probably",), "hedge"), (("maybe",), "hedge"),
    (("basically",), "filler"), (("literally",), "filler"),
)
# "like" is a verb or a preposition after these ("I like", "looks like", "something like").
_LIKE_NOT_AFTER = frozenset({
    "i", "you", "we", "they", "he", "she", "would", "i'd", "we'd", "you'd", "they'd", "don't",
    "didn't", "doesn't", "do", "does", "did", "look", "looks", "looked", "looking", "feel",
    "feels", "felt", "sound", "sounds", "sounded", "seem", "seems", "seemed", "something",
    "anything", "nothing", "things", "stuff", "more", "less", "much", "exactly", "just", "is",
    "was", "be", "are", "were", "taste", "tastes", "act", "acts", "behave", "behaves",
    "worked", "works", "people", "companies", "tools", "models", "systems", "cases"})
# ... and a comparison before these ("like a rules engine", "like the old one").
_LIKE_NOT_BEFORE = frozenset({"a", "an", "the", "this", "that", "these", "those", "my", "our",
                              "your", "their", "his", "her", "it", "to", "me", "us", "them",
                              "him", "what", "how", "when", "if"})
# "kind" and "sort" are nouns after these ("what kind of model", "the sort of signal").
_NOUN_KIND = frozenset({"what", "this", "that", "these", "those", "any", "some", "a", "an",
                        "the", "one", "which", "every", "each", "same", "right", "wrong", "my",
                        "our", "your", "their", "his", "her", "its", "no", "another"})
# ... and "like" is a noun after these ("a like", "the likes"), unless set off ("a, like, ...").
_DETERMINERS = frozenset({"a", "an", "the", "one", "each", "every", "no", "my", "our", "your",
                          "their", "his", "her", "its", "this", "that"})
_HEDGE_BEFORE_NUMBER = re.compile(r"^\$?\d|^(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                                  r"twenty|thirty|forty|fifty|hundred|a hundred)$")
_STRIP = "\"'“”‘’()[].,;:!?…-—–*"


@dataclass(frozen=True)
class Occurrence:
    """A filler or hedge: the words as said, where (word indices) and when."""

    text: str
    kind: str  # "filler" or "hedge"
    first_word: int
    last_word: int
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Pause:
    start_s: float
    end_s: float

    @property
    def seconds(self) -> float:
        return round(self.end_s - self.start_s, 3)


@dataclass(frozen=True)
class Pace:
    wpm: float | None  # the whole answer
    windows: tuple[tuple[float, float, float], ...]  # (start_s, end_s, wpm) over time


def _word(w: Any, name: str) -> Any:
    return w[name] if isinstance(w, dict) else getattr(w, name)


def _norm(word: str) -> str:
    return word.strip().strip(_STRIP).lower().replace("’", "'")


def pauses(spans: Sequence[Sequence[float]], min_pause_s: float = MIN_PAUSE_S) -> list[Pause]:
    """The gaps of at least ``min_pause_s`` between stretches of speech (seconds into the
    answer's audio)."""
    out = []
    for (_, end), (start, _) in pairwise(spans):
        if start - end >= min_pause_s - 1e-9:
            out.append(Pause(round(end, 3), round(start, 3)))
    return out


def words_per_minute(words: int, seconds: float) -> float | None:
    return round(words * 60.0 / seconds, 1) if seconds > 0 else None


def pace(words: Sequence[Any], speech_start: float, speech_end: float,
         window_s: float = PACE_WINDOW_S) -> Pace:
    """Words per minute over the speaking time, and per window of ``window_s`` (the last
    window is kept if it is at least half a window long)."""
    spoken = [w for w in words if _norm(_word(w, "word"))]
    overall = words_per_minute(len(spoken), speech_end - speech_start)
    windows: list[tuple[float, float, float]] = []
    t = speech_start
    while t < speech_end:
        end = min(t + window_s, speech_end)
        if end - t >= window_s / 2 or not windows:
            n = sum(1 for w in spoken if t <= _word(w, "start") < end)
            rate = words_per_minute(n, end - t)
            if rate is not None:
                windows.append((round(t, 2), round(end, 2), rate))
        t = end
    return Pace(overall, tuple(windows))


def fillers_and_hedges(words: Sequence[Any]) -> list[Occurrence]:
    """Every filler and hedge in the timed words, in order. A hesitation Whisper wrote over
    and over at one instant (a decoding loop) counts once (`audio.hesitations.hesitation_marks`)."""
    norm = [_norm(_word(w, "word")) for w in words]
    marks = hesitation_marks([(str(_word(w, "word")), float(_word(w, "start"))) for w in words])
    out: list[Occurrence] = []
    k = 0
    while k < len(norm):
        found = _phrase_at(norm, k)
        if found is not None:
            length, kind = found
            out.append(_occurrence(words, k, k + length - 1, kind))
            k += length
            continue
        if marks[k] == COUNTED or (norm[k] == "like" and _like_is_filler(norm, words, k)):
            out.append(_occurrence(words, k, k, "filler"))
        k += 1
    return out


def _phrase_at(norm: list[str], k: int) -> tuple[int, str] | None:
    for phrase, kind in PHRASES:
        n = len(phrase)
        if tuple(norm[k:k + n]) == phrase:
            # "i think" introduces an opinion more often than it hedges; count it only as a
            # hedge before a number or at the end of a clause ("it was ten, I think").
            if phrase == ("i", "think") and not _hedges_i_think(norm, k):
                return None
            if phrase == ("you", "know") and k + 2 < len(norm) and norm[k + 2] in {"what", "how",
                                                                                 "that", "the"}:
                return None  # "you know what", "you know how": a real question or clause
            if phrase in (("kind", "of"), ("sort", "of")) and k > 0 and norm[k - 1] in _NOUN_KIND:
                return None  # "what kind of model", "exactly the sort of signal": a noun
            return n, kind
    return None


def _hedges_i_think(norm: list[str], k: int) -> bool:
    after = norm[k + 2] if k + 2 < len(norm) else ""
    return bool(_HEDGE_BEFORE_NUMBER.match(after)) or after in {"", "about", "around", "roughly"}


def _like_is_filler(norm: list[str], words: Sequence[Any], k: int) -> bool:
    """"like" as a filler: not a verb ("I like"), not a comparison ("like a rules engine"),
    not in "would like". Set off by commas, or before a number ("like thirty percent"), or
    between a subject's verb and what follows ("we were like trying")."""
    before = norm[k - 1] if k > 0 else ""
    after = norm[k + 1] if k + 1 < len(norm) else ""
    raw = str(_word(words[k], "word"))
    raw_before = str(_word(words[k - 1], "word")) if k > 0 else ""
    set_off = raw.rstrip().endswith(",") or raw_before.rstrip().endswith(",")
    if before in _LIKE_NOT_AFTER and not set_off:
        return False
    if before in _DETERMINERS and not raw_before.rstrip().endswith(","):
        return False  # "a play isn't necessarily a like, so ...": the noun
    if _HEDGE_BEFORE_NUMBER.match(after):
        return True
    if set_off:
        return True
    if after in _LIKE_NOT_BEFORE or not after:
        return False
    return before in {"and", "but", "so", "um", "uh", "then", "was", "were", "it's", "it"}


def _occurrence(words: Sequence[Any], first: int, last: int, kind: str) -> Occurrence:
    text = " ".join(_norm(_word(words[i], "word")) for i in range(first, last + 1))
    return Occurrence(text, kind, first, last, float(_word(words[first], "start")),
                      float(_word(words[last], "end")))
