"""The offline coach: the next follow-up question from a transcript and a rubric, no LLM.

It owns the *choice*: which criterion to ask about (focus first, then rubric order, criteria
asked earlier in the session last), which template to use (rotated by a stable hash of the
transcript, never one already asked), how much of the candidate's words to quote so the
question stays within 40 words, and the "one level deeper" probe when nothing is missing.
What the answer contains is read by :mod:`simulator.analysis.content` (``assess`` and
``Finding`` are re-exported here); quotes are cut by :mod:`simulator.analysis.text`, always
verbatim substrings of the transcript, so they can be checked and shown, and never hold a
word Whisper was unsure of when the transcript comes with its timed words.

Everything here is a pure function of its arguments: no I/O, no randomness, and a
three-minute answer takes about 2 ms.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from simulator.analysis import content, quantities
from simulator.analysis.content import STRICTNESS, Finding
from simulator.analysis.criteria import assess
from simulator.analysis.keywords import find_keywords
from simulator.analysis.text import MAX_QUOTE_WORDS, UNSURE_BELOW, AnswerText, Span
from simulator.config.rubric import Criterion, Rubric

__all__ = ["STRICTNESS", "CoachQuestion", "Finding", "assess", "mentions", "next_follow_up"]

MAX_QUESTION_WORDS = 40
MIN_ANSWER_WORDS = 5


@dataclass(frozen=True)
class CoachQuestion:
    text: str  # one question, ending with "?", at most 40 words, no praise
    criterion: str  # criterion id, or "depth" when everything is covered
    quote: str | None  # the candidate's words quoted in `text` (a substring of the transcript)
    detail: str  # the finding that motivated it


# ----------------------------------------------------------------------------- templates

_SHORT = ["Could you expand on that with a concrete example of what you did and how it turned "
          "out?",
          "Can you say more about that, with one specific example from your own work?"]
_DEPTH = ['You mentioned "{quote}". Take me one level deeper: how exactly did that work?',
          'Let\'s go deeper on "{quote}": what was the hardest technical detail there?',
          'You said "{quote}". What was going on under the hood there, step by step?']
_DEPTH_PLAIN = ["Pick the most technical part of that and take me one level deeper: how exactly "
                "did it work?",
                "What was the hardest technical detail in that, and how did you solve it?",
                "If I opened the code for that, what would I find, and why is it built that way?"]


# ----------------------------------------------------------------------------- choosing


def next_follow_up(transcript: str | AnswerText, rubric: Rubric, *, asked: Sequence[str] = (),
                   avoid: Sequence[str] = (), focus: Sequence[str] = (), force: str | None = None,
                   strictness: str = "balanced",
                   verdicts: Mapping[str, tuple[bool, str]] | None = None) -> CoachQuestion:
    """The most useful follow-up to ``transcript``; never one of the ``asked`` questions.

    ``force`` names a criterion to ask about now whatever the answer covered; otherwise the
    first criterion missing is asked: among the ``focus`` ids when the question has a focus,
    else in rubric order, with the ``avoid`` ids (asked earlier in the session, one entry per
    time) last, least asked first. When nothing is missing, a "depth" probe asks to go one
    level deeper on the most specific thing said. ``transcript`` may be an
    :class:`AnswerText` already built (e.g. with timed words).

    ``verdicts`` (criterion id -> (shown, detail)) are the coaching analysis's, which reads
    the answer with its located parts (`analysis.signals`): where they differ from what the
    transcript alone shows, they decide, with their detail, so the interviewer does not ask
    "what did you do yourself?" right after the summary credited the candidate's own part.
    """
    t = transcript if isinstance(transcript, AnswerText) else AnswerText(transcript)
    seen = {_norm(q) for q in asked}
    assessed = assess(t, rubric, strictness)  # also validates strictness
    if t.word_count < MIN_ANSWER_WORDS:
        text = _first_unseen(_SHORT, seen) or _SHORT[0]
        return CoachQuestion(text, "depth", None,
                             f"answer too short ({_count(t.word_count, 'word')})")
    results = {f.criterion: f for f in assessed}
    for cid, (shown, detail) in (verdicts or {}).items():
        if cid in results and results[cid].covered != shown:
            # Shown here only in passing ("bad *instead of* neighbour squabbles"): that
            # phrase is no choice to quote back, so the plain question is asked.
            results[cid] = replace(results[cid], covered=shown, detail=detail,
                                   span=results[cid].span if shown else None)
    if force is not None:
        c = rubric.criterion(force)
        r = results[c.id]
        # It must be asked now: if its usual questions were all asked already, quote
        # something else the candidate said rather than skip it.
        spans = [r.ask, *_specific_phrases(t, 2)]
        question = _ask(t, c, r.detail, spans, seen)
        if question is not None:
            return question
    criteria = {c.id: c for c in rubric.criteria}
    ids = list(criteria)
    candidates = _order(ids, focus, avoid)
    # A question with a focus is probed on its focus only (the script's author knows what is
    # worth asking after it); anything else gets a depth probe rather than, say, "what would
    # you do differently on the whole project" after a question about ownership.
    if any(f in ids for f in focus):
        candidates = [cid for cid in candidates if cid in focus]
    for cid in candidates:
        r = results[cid]
        if not r.covered:
            question = _ask(t, criteria[cid], r.detail, [r.span], seen)
            if question is not None:
                return question
    return _depth(t, seen)


def mentions(criterion: Criterion, question: str) -> bool:
    """Whether a question (e.g. one an LLM wrote) asks about ``criterion`` at all."""
    return bool(find_keywords(question, criterion.covered_by + _CUES.get(criterion.check, [])))


# Words that show a question asks about a built-in check (keyword checks use covered_by).
_CUES = {
    "metrics": ["measur*", "metric*", "number*", "baseline*", "compared", "compare", "how much",
                "how many", "quantif*", "percent*", "before and after", "a/b test*"],
    "ownership": ["personally", "yourself", "your own", "your role", "your part",
                  "your contribution", "you own*", "you specifically", "you alone", "you did",
                  "you led", "you decided", "you built", "you, not the team", "you versus"],
}


# ----------------------------------------------------------------------------- helpers


def _order(ids: list[str], focus: Sequence[str], avoid: Sequence[str]) -> list[str]:
    """Focus first, then rubric order; criteria asked before go last, the least asked first
    (``avoid`` lists one entry per time asked), so a session does not keep circling back to
    the same one."""
    ordered = [i for i in dict.fromkeys(focus) if i in ids] + [i for i in ids if i not in focus]
    times = Counter(avoid)
    fresh = [i for i in ordered if i not in times]
    asked = sorted((i for i in ordered if i in times), key=lambda i: times[i])  # stable
    return fresh + asked


def _ask(t: AnswerText, c: Criterion, detail: str, spans: list[Span | None],
         seen: set[str]) -> CoachQuestion | None:
    """The first unasked question about ``c``: its templates quoting the first span (rotated
    by a stable hash of the transcript, so a session does not always open the same way), then
    ask_plain, then the templates with the other spans."""
    templates = _rotated(c.ask, f"{c.id}|{t.text}")
    for n, span in enumerate(spans):
        for template in templates:
            filled = _fill(t, template, span)
            if filled and _norm(filled[0]) not in seen:
                return CoachQuestion(filled[0], c.id, filled[1], detail)
        if n == 0 and _norm(c.ask_plain) not in seen:
            return CoachQuestion(c.ask_plain, c.id, None, detail)
    return None


def _depth(t: AnswerText, seen: set[str]) -> CoachQuestion:
    detail = "every criterion covered"
    for span in _specific_phrases(t, 3):
        for template in _rotated(_DEPTH, t.text):
            filled = _fill(t, template, span)
            if filled and _norm(filled[0]) not in seen:
                return CoachQuestion(filled[0], "depth", filled[1], detail)
    # Every variant was asked already (a long session): a plain probe; the last one repeats.
    text = _first_unseen(_DEPTH_PLAIN + _SHORT, seen) or _DEPTH_PLAIN[-1]
    return CoachQuestion(text, "depth", None, detail)


def _specific_phrases(t: AnswerText, n: int) -> list[Span]:
    """Up to n phrases with the most result numbers and technical words (``TECH``, acronyms),
    one per clause, best first: what a "one level deeper" question should quote."""
    numbered: set[int] = set()
    for num in quantities.numbers(t):
        if num.result:  # "a two tower model" is a name, not a figure
            numbered.update(range(num.first, num.last + 1))
    acronyms = {t.tok_range(m.start(), m.end())[0] for m in content.ACRONYM.finditer(t.text)}
    clauses: list[tuple[int, int, int]] = []  # (score, -position, core token)
    first = 0
    for k in range(t.n):
        if not (k + 1 == t.n or t.cend[k] or t.sent[k + 1] != t.sent[k]):
            continue
        nums = [i for i in range(first, k + 1) if i in numbered]
        tech = [i for i in range(first, k + 1) if t.word[i] in content.TECH or i in acronyms]
        score = 3 * len(nums) + len({t.word[i] for i in tech})
        if score:
            clauses.append((score, -first, (nums or tech)[0]))
        first = k + 1
    clauses.sort(reverse=True)
    return [t.phrase(core, core, 6, 6) for _, _, core in clauses[:n]]


def _fill(t: AnswerText, template: str, span: Span | None) -> tuple[str, str] | None:
    """The template with the longest quote from ``span`` that keeps it within 40 words and
    holds no word Whisper was unsure of (with timed words): a misheard word quoted back
    ("You mentioned 'our immune capacity'") tells the candidate the interviewer was not
    listening. A shorter quote may leave such a word out; else the span is not quoted."""
    for limit in range(MAX_QUOTE_WORDS, 1, -1):
        chars = t.quote_range(span, limit)
        if chars is None:
            return None
        if _unsure(t, *chars):
            continue
        quote = t.text[chars[0]:chars[1]]
        text = template.format(quote=quote)
        if len(text.split()) <= MAX_QUESTION_WORDS:
            return text, quote
    return None


def _unsure(t: AnswerText, char_start: int, char_end: int) -> bool:
    """Whether Whisper was unsure (a probability under ``UNSURE_BELOW``) of a timed word
    overlapping characters char_start..char_end of ``t``. False without timed words."""
    ev = t.locate(char_start, char_end)
    if ev.first_word is None or ev.last_word is None:
        return False
    for k in range(ev.first_word, ev.last_word + 1):
        w = t.timed_words[k]
        p = w.get("probability") if isinstance(w, Mapping) else getattr(w, "probability", None)
        if p is not None and float(p) < UNSURE_BELOW:  # words timed by hand may have none
            return True
    return False


def _rotated(items: Sequence[str], key: str) -> list[str]:
    k = zlib.crc32(_norm(key).encode()) % len(items)
    return list(items[k:]) + list(items[:k])


def _first_unseen(items: Sequence[str], seen: set[str]) -> str | None:
    return next((q for q in items if _norm(q) not in seen), None)


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")

