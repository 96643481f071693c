"""Numbers that changed between tellings of the same story ("the latency was 15 ms last time
and 30 ms now"), for the comparison of rehearsals.

Every figure of an answer comes from the content detector (`analysis.quantities.numbers`), so
what counts as a number is decided in one place; dates ("in 2019", "March 2021") are left
out, and so are labels ("question two", "step three", "version four") and "one" alone. A
figure is its value (digits or words: "one point four", "a third", "two hundred thousand"),
its unit ("percent", "ms", "weeks"; a bare count has none) and its context: the content words
around it in its sentence, weighted by closeness.

Figures are compared only between tellings of the same story: answers that share at least
``SAME_STORY`` of the shorter one's content words (another project told for the same question
shares far fewer, and its figures are other facts). Within a story the same figure is
recognised by its unit and its context, not by its position or exact wording: a figure
matches one told before when the weighted words they share make up at least ``MATCH`` of the
smaller context (a bare count, which has no unit to go by, needs ``MATCH_BARE``). Rehearsals
are read oldest first; each figure joins the best-matching figure already seen (one with the
same value first, so "from forty percent to thirty one" told twice pairs forty with forty),
or starts a new one. A figure told with more than one value has changed. Its topic is what
it is about, as most tellings name it: the noun after "of" ("percent of searches"), else the
first content words of its clause ("the latency was ...").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from simulator.analysis.quantities import NUMBER, UNIT, numbers
from simulator.analysis.text import AnswerText
from simulator.sessions.records import AnswerRecord

MATCH, MATCH_BARE = 0.4, 0.6
SAME_STORY = 0.5  # share of the shorter answer's content words the other answer has too
BEFORE, AFTER = 8, 5  # context words either side, within the sentence
_ONES = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
         "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
         "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
         "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "k": 1e3}
_RATIOS = {"half": 0.5, "halved": 0.5, "doubled": 2.0, "twice": 2.0, "tripled": 3.0,
           "tenfold": 10.0, "twofold": 2.0, "threefold": 3.0}
_FRACTIONS = {"half": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5,
              "fifths": 5, "tenth": 10, "tenths": 10}
_UNITS = {"%": "percent", "per cent": "percent", "percentage point": "points",
          "percentage points": "points", "point": "points", "basis points": "basis points",
          "times": "x", "fold": "x", "millisecond": "ms", "milliseconds": "ms", "sec": "seconds",
          "secs": "seconds", "second": "seconds", "min": "minutes", "mins": "minutes",
          "minute": "minutes", "hrs": "hours", "hour": "hours", "day": "days", "week": "weeks",
          "month": "months", "year": "years", "quarter": "quarters", "dollar": "dollars",
          "euro": "euros", "pound": "pounds"}
_LABELS = frozenset({"question", "questions", "step", "steps", "part", "parts", "version",
                     "v", "round", "phase", "chapter", "page", "line", "level", "tier", "stage",
                     "section", "item", "number", "no", "slide", "sprint", "grade", "top"})
_STOP = frozenset([
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "from", "with", "and", "or",
    "but", "was", "were", "is", "are", "be", "been", "it", "its", "it's", "this", "that",
    "these", "those", "we", "i", "our", "my", "they", "their", "them", "us", "me", "you",
    "about", "around", "roughly", "nearly", "almost", "just", "only", "over", "under", "more",
    "less", "than", "so", "like", "um", "uh", "er", "ah", "basically", "really", "then",
    "which", "what", "had", "has", "have", "got", "get", "did", "do", "up", "down", "went",
    "go", "some", "also", "very", "there", "here", "when", "where", "all", "any", "each",
    "per", "into", "out", "as", "if", "not", "no", "yes", "every", "most", "know", "mean",
    "kind", "sort", "something", "things", "thing", "lot", "bit", "still", "even", "now",
    "last", "time",
    "point", "percent", "times", "milliseconds", "seconds", "minutes", "hours", "days",
    "weeks", "months", "years", "ms", "half", "third", "quarter", *_ONES, *_SCALES,
    "hundred", "a/b", "without", "within", "across", "after", "before", "since", "until",
    "through", "during", "between", "against", "towards", "toward", "via", "because", "while",
    "whole", "new", "old"])
_JOINS = frozenset({"and", "but", "so", "then", "um", "uh", "because"})
_IT = frozenset({"it", "it's", "this", "that"})
_WORD = re.compile(r"[a-z][a-z0-9'/-]*")


@dataclass(frozen=True)
class Telling:
    """A figure as told in one rehearsal: the value, the words around it, when."""

    session_id: str
    value: float
    quote: str
    start_s: float | None


@dataclass(frozen=True)
class ChangedNumber:
    topic: str  # e.g. "latency (ms)"
    unit: str
    tellings: tuple[Telling, ...]  # oldest first, one per rehearsal that told it

    @property
    def runs(self) -> list[tuple[float, Telling, int]]:
        """The values in turn: (value, its first telling, how many tellings in a row)."""
        out: list[tuple[float, Telling, int]] = []
        for t in self.tellings:
            if out and out[-1][0] == t.value:
                out[-1] = (out[-1][0], out[-1][1], out[-1][2] + 1)
            else:
                out.append((t.value, t, 1))
        return out

    def to_json(self) -> dict[str, Any]:
        return {"topic": self.topic, "unit": self.unit, "tellings": [
            {"session_id": t.session_id, "value": t.value, "quote": t.quote,
             "start_s": t.start_s} for t in self.tellings]}


@dataclass(frozen=True)
class Figure:
    value: float
    unit: str  # "" for a bare count
    context: dict[str, float]  # content word -> weight (1 next to the number)
    name: str | None  # what it is about: "searches" in "forty percent of searches"
    quote: str
    start_s: float | None

    def to_json(self) -> list[Any]:
        return [self.value, self.unit, self.context, self.name, self.quote, self.start_s]

    @classmethod
    def from_json(cls, data: Sequence[Any]) -> Figure:
        value, unit, context, name, quote, start_s = data
        return cls(float(value), unit, dict(context), name, quote, start_s)


@dataclass(frozen=True)
class Told:
    """What one telling says that can be compared: its figures and its content words."""

    figures: tuple[Figure, ...]
    story: frozenset[str]

    @classmethod
    def of(cls, answer: AnswerRecord) -> Told:
        return cls(tuple(figures(answer)), frozenset(_vocabulary(answer.transcript or "")))

    def to_json(self) -> dict[str, Any]:
        return {"figures": [f.to_json() for f in self.figures], "story": sorted(self.story)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Told:
        return cls(tuple(Figure.from_json(f) for f in data["figures"]),
                   frozenset(data["story"]))


def figure_text(value: float) -> str:
    """A figure's value as a person would write it, never in exponents and never rounded
    into another figure's text: 2,000,000 is "2 million" (not "2e+06"), 3,500,000 "3.5
    million", 1,234,567 "1,234,567", 12,345.5 "12,345.5", 0.125 "0.125"."""
    for scale, name in ((1e9, "billion"), (1e6, "million")):
        scaled = value / scale
        if abs(value) >= scale and round(scaled, 3) == scaled:
            return f"{_trimmed(scaled, 3)} {name}"
    return _trimmed(value, 4)


def _trimmed(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def value_of(text: str) -> float | None:
    """A spoken or written number's value: "1,200", "$3.5", "one point four", "a third",
    "two hundred thousand", "halved"; None if it is not one."""
    text = text.lower().replace(",", "").replace("$", "").strip()
    try:
        return float(text)
    except ValueError:
        pass
    words = [w for w in re.split(r"[\s-]+", text) if w and w != "and"]
    if not words:
        return None
    if len(words) == 1 and words[0] in _RATIOS:
        return _RATIOS[words[0]]
    if len(words) == 2 and words[1] in _FRACTIONS:
        top = 1 if words[0] == "a" else _ONES.get(words[0])
        return None if top is None else round(top / _FRACTIONS[words[1]], 4)
    total, current, decimals = 0.0, 0.0, ""
    for k, w in enumerate(words):
        if w == "point":
            digits = [_ONES.get(x) for x in words[k + 1:]]
            if not digits or any(d is None or d > 9 for d in digits):
                return None
            decimals = "".join(str(d) for d in digits)
            break
        if w in _ONES:
            current += _ONES[w]
        elif w == "hundred":
            current = max(current, 1) * 100
        elif w in _SCALES:
            total += max(current, 1) * _SCALES[w]
            current = 0.0
        else:
            return None
    value = total + current
    return value + float(f"0.{decimals}") if decimals else value


def _stem(w: str) -> str:
    return w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w


def figures(answer: AnswerRecord) -> list[Figure]:
    """The figures of one answer, in order (dates and labels left out)."""
    text = answer.transcript or ""
    # Whisper's words are the transcript's tokens, nearly always: then a token's index is its
    # word's, and the (slower) alignment of words to text is not needed.
    direct = len(text.split()) == len(answer.words)
    t = AnswerText(text) if direct else AnswerText(text, answer.words)
    out = []
    for mention in numbers(t):
        if mention.date:
            continue
        m = NUMBER.match(t.low, mention.evidence.char_start)
        value = value_of(m.group()) if m else None
        if m is None or value is None:
            continue
        first, last = mention.first, mention.last
        unit = ""
        u = UNIT.match(t.low, m.end())
        if u:
            unit = " ".join(u.group().split())
            if unit in _SCALES:  # "2 million dollars": a scale, then maybe the real unit
                value *= _SCALES[unit]
                more = UNIT.match(t.low, u.end())
                unit = " ".join(more.group().split()) if more else ""
            unit = _UNITS.get(unit, unit)
        before = t.before(first, 1)
        if not unit and before and before[0] in _LABELS:
            continue  # "question two", "step three": a label, not a figure
        context: dict[str, float] = {}
        sentence = t.sent[first]
        around = [(k, first - k) for k in range(max(0, first - BEFORE), first)] + \
            [(k, k - last) for k in range(last + 1, min(t.n, last + 1 + AFTER))]
        for k, distance in around:
            w = t.word[k]
            if t.sent[k] == sentence and len(w) > 1 and w not in _STOP and _WORD.fullmatch(w):
                stem = _stem(w)
                context[stem] = max(context.get(stem, 0.0), 1.0 / distance)
        out_quote = t.quote(t.phrase(first, last, 7, 3), limit=14) or mention.evidence.quote
        start_s = answer.words[first].start if direct else mention.evidence.start_s
        out.append(Figure(value, unit, context, _name(t, first, last), out_quote, start_s))
    return out


def _content(t: AnswerText, k: int) -> bool:
    w = t.word[k]
    return len(w) > 2 and w not in _STOP and bool(_WORD.fullmatch(w))


def _name(t: AnswerText, first: int, last: int) -> str | None:
    """What a figure is about: the noun after "of" ("percent of [our] searches"), else the
    first content words of its clause ("the mean error went from nine minutes"), else of its
    sentence ("Lambda MART won clearly, about six points"), else after it ("we had fifty
    milliseconds for the re-ranking step"). A clause whose subject is "it" ("..., and it runs
    in fifteen ms") is about the last thing the clause before it named."""
    sentence = t.sent[first]
    if last + 1 < t.n and t.word[last + 1] == "of":
        for k in range(last + 2, min(t.n, last + 5)):
            if t.sent[k] != sentence:
                break
            if _content(t, k):
                return t.word[k]
    clause = first
    while clause > 0 and t.sent[clause - 1] == sentence and not t.cend[clause - 1]:
        clause -= 1
    start = clause
    while start > 0 and t.sent[start - 1] == sentence:
        start -= 1
    end = last
    while end + 1 < t.n and t.sent[end + 1] == sentence and not t.cend[end]:
        end += 1
    subject = next((t.word[k] for k in range(clause, first) if t.word[k] not in _JOINS), None)
    if subject in _IT and clause > start:
        named = [k for k in range(start, clause) if _content(t, k)]
        if named:
            k = named[-1]
            return " ".join(t.word[k - 1:k + 1]) if k - 1 in named else t.word[k]
    for lo, hi in ((clause, first), (start, first), (last + 1, end + 1)):
        for k in range(lo, hi):
            if _content(t, k):
                more = k + 1 < hi and _content(t, k + 1) and not t.cend[k]
                return " ".join(t.word[k:k + 2]) if more else t.word[k]
    return None


def _similarity(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    shared = sum(min(a[w], b[w]) for w in a.keys() & b.keys())
    return shared / min(sum(a.values()), sum(b.values()))


@dataclass
class _Thread:
    unit: str
    context: dict[str, float]  # of all its tellings (the closest weight of each word)
    story: frozenset[str]  # the content words of the answer that last told it
    tellings: list[tuple[Telling, Figure]]


def _vocabulary(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _STOP}


def _same_story(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a and b) and len(a & b) / min(len(a), len(b)) >= SAME_STORY


def changed_numbers(ids: Sequence[str], tellings: Sequence[Told | None]
                    ) -> tuple[ChangedNumber, ...]:
    """The figures told with different values in different rehearsals of one question."""
    threads: list[_Thread] = []
    for sid, told in zip(ids, tellings):
        if told is None:
            continue
        found, story = told.figures, told.story
        pairs = []
        for i, f in enumerate(found):
            for j, th in enumerate(threads):
                if th.unit != f.unit or not _same_story(story, th.story):
                    continue
                sim = _similarity(f.context, th.context)
                if sim >= (MATCH if f.unit else MATCH_BARE):
                    same = th.tellings[-1][0].value == f.value
                    pairs.append((same, sim, i, j))
        used_f: set[int] = set()
        used_t: set[int] = set()
        for _, _, i, j in sorted(pairs, reverse=True):
            if i in used_f or j in used_t:
                continue
            used_f.add(i)
            used_t.add(j)
            f = found[i]
            th = threads[j]
            th.tellings.append((Telling(sid, f.value, f.quote, f.start_s), f))
            th.story = story
            for w, weight in f.context.items():
                th.context[w] = max(th.context.get(w, 0.0), weight)
        for i, f in enumerate(found):
            if i not in used_f:
                threads.append(_Thread(f.unit, dict(f.context), story,
                                       [(Telling(sid, f.value, f.quote, f.start_s), f)]))
    changed = [ChangedNumber(_topic(th), th.unit, tuple(t for t, _ in th.tellings))
               for th in threads if len({t.value for t, _ in th.tellings}) > 1]
    return tuple(sorted(changed, key=lambda c: c.topic))


def _topic(th: _Thread) -> str:
    names = [f.name for _, f in th.tellings if f.name]
    word = max(names[::-1], key=names.count) if names else "figure"  # the most told, or latest
    return f"{word} ({th.unit})" if th.unit else f"{word} (count)"
