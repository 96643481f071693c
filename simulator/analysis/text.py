"""An answer's transcript as tokens, and the quoting engine that slices phrases out of it.

This module owns three things, and knows nothing about what makes an answer good (that is
:mod:`simulator.analysis.content`):

- **Tokens.** :class:`AnswerText` splits a transcript on whitespace; each token knows its
  characters, its word (lowercased, punctuation stripped), its sentence and whether it ends a
  clause.
- **Phrases and quotes.** A phrase (:class:`Span`) is grown around some core tokens within
  their clause, trimmed of fillers, cut to a word limit on a natural boundary, and sliced
  verbatim from the text, so a quote can always be checked against the transcript.
- **Location.** Built with the transcript's timed words (Whisper's ``word``/``start``/``end``),
  any character range is located as :class:`Evidence`: which words it covers and when they
  were said. The words are aligned to characters once, when the text is built.

Everything is pure and fast: a 3-minute transcript (~450 words) tokenizes in well under a
millisecond, which matters because the coach has a budget of a few milliseconds in all.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from simulator.analysis.keywords import keywords_pattern

MAX_QUOTE_WORDS = 12
# Whisper's word probability under which a word is unsure: the report marks it, and the coach
# does not quote it back (the candidate may well have said something else).
UNSURE_BELOW = 0.5

# Number words, shared with the number detector: a quote cut just after a bare number has lost
# the number's unit, so the trimmer drops it.
NUM_WORD = (r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
            r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
            r"sixty|seventy|eighty|ninety|hundred|thousand|million|billion)")
_BARE_NUMBER = re.compile(rf"\d+(?:[.,]\d+)*|{NUM_WORD}")

# Trimmed from the start of a quote: spoken filler and joining words carry nothing.
LEAD_DROP = frozenset({"um", "uh", "erm", "er", "ah", "so", "and", "but", "like", "well", "okay",
                       "ok", "yeah", "right", "basically", "also", "then", "or", ""})
# Trimmed from the end too: a quote ending in "the" or "with" sounds cut off.
TRAIL_DROP = LEAD_DROP | {"the", "a", "an", "of", "to", "with", "for", "in", "on", "at", "that",
                          "which", "by", "from", "is", "was", "were", "are", "our", "my",
                          "their", "its", "as", "into", "than", "very", "really", "kind",
                          "sort", "because", "you", "we", "i", "it", "this", "just", "about",
                          "since", "while", "when", "where", "who", "whether", "if", "though",
                          "instead", "rather"}
# Where a quote that is too long is best cut (before the word).
CUT_BEFORE = frozenset({"of", "on", "in", "for", "with", "to", "at", "from", "by", "and", "that",
                        "which", "because", "so", "but", "as", "into", "over", "than", "since",
                        "while", "when"})
# A phrase does not grow across these: they start another clause.
LEFT_STOP = frozenset({"which", "because", "but", "although", "though", "whereas", "while", "so"})
RIGHT_STOP = LEFT_STOP | {"and", "then", "um", "uh"}
# A phrase cut short on the left reaches back this far for its start ("the model I built...").
STARTERS = frozenset({"the", "a", "an", "my", "our", "we", "i", "it", "they", "this", "these",
                      "those", "their"})

PUNCT = "\"'“”‘’()[].,;:!?…-—–*"  # stripped from a token to get its word
_CLOSERS = "\"')]”’"
_SENTENCE_ENDS = {".", "!", "?", "…"}
_CLAUSE_ENDS = {",", ";", ":"}
_ABBREVIATIONS = {"e.g.", "i.e.", "vs."}
_ALNUM = re.compile(r"[^\W_]+")
# How far (in letters and digits) the word aligner looks ahead for the next word: enough to
# skip a word or two the text has and the words lack, short enough that a word missing from
# the text does not match something a sentence later.
_ALIGN_SLACK = 30

T = TypeVar("T")


class Span(NamedTuple):
    """A phrase: tokens first..last of an :class:`AnswerText`, grown around the core tokens
    core_first..core_last (what it is about; trimming and cutting never remove the core)."""
    first: int
    last: int
    core_first: int
    core_last: int


@dataclass(frozen=True)
class Evidence:
    """A verbatim piece of the transcript, located.

    ``quote == text[char_start:char_end]``. With timed words, ``first_word``..``last_word``
    index the words it overlaps and ``start_s``/``end_s`` are when they were said; all four
    are None without words, or when no word could be aligned to that part of the text.
    """
    quote: str
    char_start: int
    char_end: int
    first_word: int | None
    last_word: int | None
    start_s: float | None
    end_s: float | None


class AnswerText:
    """A transcript as tokens that know their sentence and clause, so that phrases can be
    grown, trimmed and cut on word boundaries and still be sliced verbatim from the text.

    Tokens are kept in parallel lists, indexed by token: ``start``/``end`` (character
    offsets), ``word`` (lowercased, punctuation stripped, ’ written '), ``sent`` (sentence
    number) and ``cend`` (the token ends a clause or sentence). That is far cheaper than one
    object per token, which matters for the coach's few-millisecond budget.

    ``words``, if given, are the transcript's timed words: objects or dicts with ``word``,
    ``start`` and ``end`` (seconds), in order, as Whisper gives them. They only serve to
    locate evidence (:meth:`locate`); tokens always come from the text.
    """

    def __init__(self, text: str, words: Sequence[Any] | None = None) -> None:
        self.text = text
        low = text.lower()
        if len(low) != len(text):  # a few letters grow when lowercased ("İ"): keep those as is
            low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
        self.low = low  # same positions as text; all regexes run on it without IGNORECASE
        start: list[int] = []  # character offsets of each token
        end: list[int] = []
        word: list[str] = []
        sent: list[int] = []  # sentence number of each token
        cend: list[bool] = []  # token ends a clause
        sentence, prev_end, stop = 0, 0, False
        for m in re.finditer(r"\S+", low):
            s, e = m.span()
            if stop or (start and low.find("\n", prev_end, s) >= 0):
                sentence += 1
            raw = m.group()
            w = raw.strip(PUNCT)
            if "’" in w:
                w = w.replace("’", "'")
            tail = raw.rstrip(_CLOSERS)[-1:]
            stop = tail in _SENTENCE_ENDS and raw not in _ABBREVIATIONS
            start.append(s)
            end.append(e)
            word.append(w)
            sent.append(sentence)
            cend.append(stop or tail in _CLAUSE_ENDS or not w)  # a lone dash ends a clause too
            prev_end = e
        self.start, self.end, self.word, self.sent, self.cend = start, end, word, sent, cend
        self.n = len(word)  # tokens
        self.word_count = sum(1 for w in word if w)  # tokens that are words, not lone dashes
        self.timed_words: tuple[Any, ...] = tuple(words) if words is not None else ()
        self._memo: dict[str, Any] = {}
        # Aligned words, in text order: their index in timed_words and their characters.
        self._w_index, self._w_start, self._w_end = _align(low, self.timed_words)

    def memo(self, key: str, compute: Callable[[AnswerText], T]) -> T:
        """``compute(self)``, computed once per text: detectors share derived results this
        way (the number mentions serve both the metrics check and the depth probe)."""
        if key not in self._memo:
            self._memo[key] = compute(self)
        return self._memo[key]

    # -- tokens

    def find(self, keywords: Sequence[str]) -> list[re.Match[str]]:
        """Every match of the keywords (see :mod:`simulator.analysis.keywords`), in order."""
        return list(keywords_pattern(tuple(keywords)).finditer(self.low)) if keywords else []

    def find_in(self, keywords: Sequence[str], start: int, end: int) -> bool:
        """Whether one of the keywords matches exactly characters start..end."""
        pattern = keywords_pattern(tuple(keywords))
        return bool(keywords) and pattern.fullmatch(self.low, start, end) is not None

    def tok_range(self, start: int, end: int) -> tuple[int, int]:
        """The tokens covering characters start..end of the text."""
        first = max(bisect.bisect_right(self.start, start) - 1, 0)
        last = max(bisect.bisect_left(self.start, end) - 1, first)
        return first, last

    def before(self, first: int, n: int) -> list[str]:
        """Up to n words before token ``first``, in its sentence."""
        sentence = self.sent[first]
        return [self.word[k] for k in range(max(first - n, 0), first) if self.sent[k] == sentence]

    def near(self, first: int, last: int, before: int, after: int) -> list[str]:
        """Words around tokens first..last: up to ``before`` earlier ones in the sentence, and
        up to ``after`` later ones in the same clause ("two percent of revenue, and the existing
        rules" does not compare the two percent with anything)."""
        sent, word, sentence = self.sent, self.word, self.sent[first]
        words = [word[k] for k in range(max(first - before, 0), last + 1) if sent[k] == sentence]
        j = last
        while j - last < after and j + 1 < self.n and not self.cend[j] \
                and sent[j + 1] == sentence:
            j += 1
            words.append(word[j])
        return words

    # -- phrases

    def phrase(self, ci: int, cj: int, before: int, after: int, *,
               whole_clause: bool = False) -> Span:
        """The core tokens ci..cj grown by up to before/after words inside their clause.
        ``whole_clause``: a phrase that reached its clause's start but for words a quote
        drops ("and") keeps it, rather than moving on to a word that starts a phrase: a
        figure's subject is what it measures ("streams from the home page more than
        doubled", not "the home page more than doubled")."""
        word, sent, cend, sentence = self.word, self.sent, self.cend, self.sent[ci]

        def joins_left(k: int) -> bool:  # may token k be added in front of the phrase?
            return k >= 0 and sent[k] == sentence and not cend[k] and word[k] not in LEFT_STOP

        i, j = ci, cj
        while ci - i < before and joins_left(i - 1):
            i -= 1
        k = i - 1  # before i, only joining words the quote drops ("and"): the clause's start
        while whole_clause and joins_left(k) and word[k] in LEAD_DROP:
            k -= 1
        if before and ci - i == before and (not whole_clause or joins_left(k)):
            # Cut short mid-clause: start where a phrase starts ("the model I built cut...",
            # not "model I built cut..."), a little further back, else a little further on.
            back = [k for k in range(i - 1, i - 4, -1) if joins_left(k)]
            back = back[: next((n for n, k in enumerate(back) if not joins_left(k)), len(back))]
            # Further on, never into the core ("by a third" is no start for "a third"),
            # where a phrase starts or at a verb right after "and" ("[...percent and]
            # reduced manual review by a third"; not "pickers and [packers]").
            starts = [k for k in back if word[k] in STARTERS] or \
                [k for k in range(i + 1, ci) if word[k] in STARTERS
                 or (word[k - 1] in {"and", "then"} and (word[k].endswith("ed") or word[k] in {
                     "cut", "fell", "rose", "grew", "brought", "saw", "made", "got", "drove",
                     "took"}))]
            if starts:
                i = starts[0]
        while j - cj < after and j + 1 < self.n and sent[j + 1] == sentence and not cend[j] \
                and word[j + 1] not in RIGHT_STOP:
            j += 1
        if j - cj == after and j + 1 < self.n and sent[j + 1] == sentence and not cend[j]:
            j = self._cut_right(i, j, cj)
        return Span(i, j, ci, cj)

    def readable(self, span: Span, min_words: int = 6, limit: int = MAX_QUOTE_WORDS) -> Span:
        """The span grown by whole clauses of its sentence, the next one first, until it has
        ``min_words`` words: "In production" alone says nothing; "In production, the model
        runs as a small scoring service" does. A clause that would take it past ``limit``
        words is taken only as far as fits (ending where a phrase may end), so the quote
        keeps the phrase whole rather than losing its start ("If I did it over, I'd go and
        stand", not "did it over, I'd go and stand in a store for a day")."""
        i, j, ci, cj = span
        sentence, sent, cend = self.sent[ci], self.sent, self.cend
        while j - i + 1 < min_words:
            if j + 1 < self.n and sent[j + 1] == sentence:
                end = j + 1
                while end + 1 < self.n and sent[end + 1] == sentence and not cend[end]:
                    end += 1
                if end - i + 1 > limit:
                    j = max(j, self._cut_right(i, i + limit - 1, j))
                    break
                j = end
            elif i > 0 and sent[i - 1] == sentence:
                start = i - 1
                while start > 0 and sent[start - 1] == sentence and not cend[start - 1]:
                    start -= 1
                i = max(start, j - limit + 1)
            else:
                break
        return Span(i, j, ci, cj)

    def phrase_around(self, char_start: int, char_end: int, before: int, after: int) -> Span:
        """The phrase around characters char_start..char_end (e.g. a keyword match)."""
        first, last = self.tok_range(char_start, char_end)
        return self.phrase(first, last, before, after)

    def first_phrase(self, keywords: Sequence[str], before: int, after: int) -> Span | None:
        """The phrase around the first of the keywords said, if any."""
        hits = self.find(keywords)
        return self.phrase_around(hits[0].start(), hits[0].end(), before, after) if hits else None

    def _cut_right(self, i: int, j: int, cj: int) -> int:
        """End a phrase cut mid-clause before its last small word: "trained a model on six
        months", not "trained a model on six months of card"."""
        for k in range(j, max(cj, i + 3), -1):
            if self.word[k] in CUT_BEFORE:
                return k - 1
        return j

    # -- quotes

    def quote(self, span: Span | None, limit: int = MAX_QUOTE_WORDS) -> str | None:
        """The span as verbatim text: trimmed of fillers, cut to ``limit`` words; None if
        nothing quotable is left (or it holds a double quote, which would break a question)."""
        chars = self.quote_range(span, limit)
        return self.text[chars[0]:chars[1]] if chars else None

    def quote_range(self, span: Span | None, limit: int = MAX_QUOTE_WORDS
                    ) -> tuple[int, int] | None:
        """The characters :meth:`quote` would return, as (start, end)."""
        if span is None:
            return None
        i, j, ci, cj = span
        i, j = self._trim(i, j, ci, cj)
        cut = False
        while j - i + 1 > limit:  # cut away from the core, the left side first
            if i < ci:
                i += 1
            else:
                j, cut = j - 1, True
            ci, cj = min(max(ci, i), j), max(min(cj, j), i)
            i, j = self._trim(i, j, ci, cj)
        if cut:
            j = self._cut_right(i, j, cj)
            i, j = self._trim(i, j, min(ci, j), min(cj, j))
        if i > j:
            return None
        start, end = self.start[i], self.end[j]
        while start < end and self.text[start] in "\"'“‘([":
            start += 1
        while end > start and self.text[end - 1] in ".,;:!?\"'”’)]…-—–":
            end -= 1
        if start == end or '"' in self.text[start:end]:
            return None
        return start, end

    def _trim(self, i: int, j: int, ci: int, cj: int) -> tuple[int, int]:
        word = self.word
        while i < ci and i <= j:
            if word[i] in LEAD_DROP:
                i += 1
            elif word[i] == "you" and i + 1 <= j and word[i + 1] == "know":
                i += 2
            else:
                break
        # A number at the cut end has lost its unit ("running for two [more weeks]").
        while j > cj and j >= i and (word[j] in TRAIL_DROP or _BARE_NUMBER.fullmatch(word[j])):
            j -= 1
        return i, j

    # -- location

    def evidence(self, span: Span | None, limit: int = MAX_QUOTE_WORDS) -> Evidence | None:
        """The span's quote (see :meth:`quote`), located; None if nothing is quotable."""
        chars = self.quote_range(span, limit)
        return self.locate(*chars) if chars else None

    def span_between(self, start_s: float, end_s: float) -> Span | None:
        """The tokens of the timed words said between ``start_s`` and ``end_s`` (a unit of
        the answer, a stretch of one of its parts); None when no aligned word is."""
        chars = [(c0, c1) for k, c0, c1 in zip(self._w_index, self._w_start, self._w_end)
                 if start_s - 0.01 <= float(_field(self.timed_words[k], "start")) < end_s]
        if not chars:
            return None
        first, last = self.tok_range(chars[0][0], chars[-1][1])
        return Span(first, last, first, last)

    def locate(self, char_start: int, char_end: int) -> Evidence:
        """Characters char_start..char_end of the text as :class:`Evidence`: the timed words
        they overlap (even partly) and when those were said."""
        ws, we = self._w_start, self._w_end
        a = bisect.bisect_right(we, char_start)  # first aligned word ending after the start
        b = bisect.bisect_left(ws, char_end) - 1  # last aligned word starting before the end
        if a > b or char_start >= char_end:
            return Evidence(self.text[char_start:char_end], char_start, char_end,
                            None, None, None, None)
        first, last = self._w_index[a], self._w_index[b]
        return Evidence(self.text[char_start:char_end], char_start, char_end, first, last,
                        float(_field(self.timed_words[first], "start")),
                        float(_field(self.timed_words[last], "end")))


def _field(word: Any, name: str) -> Any:
    if isinstance(word, dict):  # the common case first: isinstance(Mapping) is slow
        return word[name]
    return word[name] if isinstance(word, Mapping) else getattr(word, name)


def _align(low: str, words: Sequence[Any]) -> tuple[list[int], list[int], list[int]]:
    """Each timed word's characters in the (lowercased) text, in one left-to-right scan.

    Words are matched on their letters and digits only, so punctuation attached differently
    ("trees." vs "trees", "30%" vs "30" + "%", "A/B" vs "AB") and words split or joined
    differently ("XG" + "Boost" vs "XGBoost") still align. A word matches at the cursor (it
    continues the previous one) or at the start of a run of letters/digits a little further
    on (the text has something the words lack); else it stays unaligned and the cursor does
    not move. A word of punctuation only ("%") aligns verbatim right after the previous word,
    or not at all. Returns the aligned words' indices, character starts and ends, increasing.
    """
    if not words:
        return [], [], []
    to_char: list[int] = []  # key position -> character offset in the text
    run_starts: set[int] = set()  # key positions where a run of letters/digits starts
    parts: list[str] = []
    for m in _ALNUM.finditer(low):
        run_starts.add(len(to_char))
        to_char.extend(range(m.start(), m.end()))
        parts.append(m.group())
    key = "".join(parts)  # the text's letters and digits, run together

    index: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    cursor = 0
    for n, w in enumerate(words):
        raw = str(_field(w, "word")).strip()
        wk = raw.lower()
        if not wk.isalnum():
            wk = "".join(_ALNUM.findall(wk))
        if not wk:  # punctuation only ("30" + "%"): verbatim, just after the previous word
            after = ends[-1] if ends else 0
            pos = low.find(raw, after, after + len(raw) + 2) if raw else -1
            if pos >= 0:
                index.append(n)
                starts.append(pos)
                ends.append(pos + len(raw))
            continue
        limit = cursor + len(wk) + _ALIGN_SLACK
        pos = key.find(wk, cursor, limit)
        while pos > cursor and pos not in run_starts:  # inside a word: not this one
            pos = key.find(wk, pos + 1, limit)
        if pos < 0:
            continue
        index.append(n)
        starts.append(to_char[pos])
        ends.append(to_char[pos + len(wk) - 1] + 1)
        cursor = pos + len(wk)
    return index, starts, ends
