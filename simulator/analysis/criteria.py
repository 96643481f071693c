"""Rubric criteria read in an answer: the keyword check (with its variants for reflection,
which also takes a change said as a plan, and for trade-offs, whose hits
`analysis.tradeoffs` reads), and :func:`assess`, which runs a whole rubric through the
built-in checks (`analysis.content`: metrics, ownership; `analysis.moves`, `analysis.impact`,
`analysis.partners`) and the keyword check.

A keyword check is covered when a ``covered_by`` phrase is said. Some phrases only *name*
the thing ("there were some trade-offs", "we considered a few options"): a rubric lists them
in ``in_passing``, and such a phrase covers the criterion only when its sentence also says
something specific: another ``covered_by`` phrase, or a link to what was weighed
("the trade-off *between* latency and recall", "the downside *was* the cost"). Otherwise
the finding says the criterion was mentioned only in passing, quoting it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import replace

from simulator.analysis.content import (
    I_SUBJECTS,
    STRICTNESS,
    WE_SUBJECTS,
    Finding,
    _finding,
    _text,
    choice_score,
    keyword_list,
    metrics,
    ownership,
    richness,
    subject_phrase,
)
from simulator.analysis.impact import impact_criterion
from simulator.analysis.moves import moves_criterion
from simulator.analysis.partners import collaboration_criterion
from simulator.analysis.reflection import as_lesson, plans, says_nothing, told
from simulator.analysis.text import AnswerText, Span
from simulator.analysis.tradeoffs import not_a_choice, tradeoff_hits
from simulator.config.rubric import Criterion, Rubric

# After an in-passing phrase, these (within a few words, in its sentence) link it to what
# was weighed: "trade-off between", "downside was", "compromise on", "considered X over Y".
LINKS = frozenset(["between", "against", "versus", "vs", "was", "were", "is", "of", "on",
                   "over", "meant", "cost", "costs", "means"])
LINK_WINDOW = 3


def keyword_criterion(text: AnswerText | str, criterion: Criterion, *,
                      applies: bool = False) -> Finding:
    """A rubric criterion checked by its keywords (``covered_by``, and ``applies_when``).

    Covered when a ``covered_by`` keyword is said, or when ``applies_when`` lists keywords
    and none is said (the criterion does not apply: no model, no question about serving it);
    with ``applies`` it always applies (the question has a part for it: a deep dive into an
    ML project is about a model, whatever words the candidate calls it by).
    Keywords match whole words, with spelling variants ("trade-off", "trade off", "tradeoff").
    A phrase of ``in_passing`` counts only with something specific in its sentence.
    """
    t = _text(text)
    mentions = t.find(criterion.applies_when)
    quote: Span | None
    forced: Span | None
    if mentions:
        # Quote the richest mention ("I went with gradient boosted trees"), not merely the
        # first ("I owned the modelling"): the question then points at the model itself.
        spans = [t.phrase_around(m.start(), m.end(), 6, 5) for m in mentions[:12]]
        quote = forced = max(spans, key=lambda s: (richness(t, s), -s[0]))
    else:
        # Without a mention to point at, quote a decision ("we went with boosted trees"):
        # "what did you give up" fits a choice, not "I owned the pipeline". A question that
        # must be asked anyway (forced) may also look back on a piece of work.
        subjects = WE_SUBJECTS | I_SUBJECTS
        quote = subject_phrase(t, subjects, choice_score, min_score=3)
        forced = quote or subject_phrase(t, subjects, choice_score, min_score=2)
    cid = criterion.id
    if criterion.applies_when and not mentions and not applies:
        return _finding(t, cid, True, "does not apply: no mention of " +
                        keyword_list(criterion.applies_when), None, forced,
                        basis="not applicable")
    hits = _judged(t, criterion, t.find(criterion.covered_by))
    specific = said_specifically(t, criterion, hits)
    if specific:
        return _finding(t, cid, True, f"mentions {specific[0].group()!r}",
                        t.phrase_around(specific[0].start(), specific[0].end(), 4, 4), forced,
                        (("hits", len(specific)),), basis="words")
    if hits:
        return _finding(t, cid, False, f"only in passing: {hits[0].group()!r}, without "
                        "saying what was weighed",
                        t.phrase_around(hits[0].start(), hits[0].end(), 4, 4), forced,
                        (("hits", 0), ("in passing", len(hits))))
    lead = f"mentions {mentions[0].group()!r} but " if mentions else ""
    detail = lead + f"none of its usual words ({keyword_list(criterion.covered_by)})"
    if quote is not None and not mentions:
        # Quoted without a word of its own, the choice needs saying what it is there for.
        detail += "; quoted: a decision it could be about"
    return _finding(t, cid, False, detail, quote, forced, (("hits", 0),))


def reflection_criterion(text: AnswerText | str, criterion: Criterion, *,
                         applies: bool = False) -> Finding:
    """The keyword check, its words read by `analysis.reflection` (in their reflective
    sense, saying something), and failing that a change of approach said as a plan: "I
    would <do something> instead / from the start / earlier"."""
    t = _text(text)
    found = keyword_criterion(t, criterion, applies=applies)
    if found.covered:
        return found
    planned = plans(t)
    if planned:
        first = planned[0]
        said = t.text[first.start():first.end()]  # as transcribed, not lowercased
        return _finding(t, criterion.id, True, f"says what they would change: \"{said}\"",
                        t.phrase_around(first.start(), first.end(), 1, 8), found.ask,
                        (("hits", len(planned)),), basis="plan")
    # Its words said, but saying nothing: say so, quoting them, rather than "none of its
    # usual words".
    empty = [(m, why) for m in t.find(criterion.covered_by)
             if as_lesson(t, m) and (why := says_nothing(t, m)) is not None]
    if not empty:
        return found
    m, why = empty[0]
    said = t.text[m.start():m.end()]  # as transcribed, not lowercased
    return replace(found, detail=f"mentions {said!r} but {why}",
                   evidence=t.evidence(t.phrase_around(m.start(), m.end(), 4, 6)),
                   span=t.phrase_around(m.start(), m.end(), 4, 6), basis="said nothing")


# The rubric's built-in checks by name; any other check is a keyword check. Each takes the
# text, the criterion, the strictness and whether the criterion applies whatever is said.
CHECKS: dict[str, Callable[[AnswerText, Criterion, str, bool], Finding]] = {
    "metrics": lambda t, c, strictness, applies: metrics(t, strictness, criterion=c.id),
    "ownership": lambda t, c, strictness, applies: ownership(t, strictness, criterion=c.id),
    "reflection": lambda t, c, strictness, applies: reflection_criterion(t, c, applies=applies),
    "keywords": lambda t, c, strictness, applies: keyword_criterion(t, c, applies=applies),
    # the keyword check with its hits read as choices (analysis.tradeoffs)
    "trade-offs": lambda t, c, strictness, applies: keyword_criterion(t, c, applies=applies),
    "moves": lambda t, c, strictness, applies: moves_criterion(t, c.id),
    "impact": lambda t, c, strictness, applies: impact_criterion(t, c.id),
    "collaboration": lambda t, c, strictness, applies: collaboration_criterion(t, c.id),
}


def assess(text: AnswerText | str, rubric: Rubric, strictness: str = "balanced",
           applies: Collection[str] = ()) -> list[Finding]:
    """One finding per rubric criterion, in rubric order; the criteria in ``applies`` apply
    whatever the answer says (their ``applies_when`` is not read)."""
    if strictness not in STRICTNESS:
        raise ValueError(f"strictness must be one of {', '.join(STRICTNESS)}, not {strictness!r}")
    t = _text(text)
    return [CHECKS.get(c.check, CHECKS["keywords"])(t, c, strictness, c.id in applies)
            for c in rubric.criteria]


def said_specifically(t: AnswerText, criterion: Criterion,
                      hits: list[re.Match[str]] | None = None) -> list[re.Match[str]]:
    """The criterion's ``covered_by`` words said in the text (``hits``, when already found),
    without those said only in passing (see ``in_passing``), in spoken order."""
    found = t.find(criterion.covered_by) if hits is None else hits
    said = [m for m in _judged(t, criterion, found)
            if not _only_in_passing(t, m.start(), m.end(), criterion)]
    return tradeoff_hits(t, said) if criterion.check == "trade-offs" else said


def _judged(t: AnswerText, criterion: Criterion,
            hits: list[re.Match[str]]) -> list[re.Match[str]]:
    """The keyword hits a check does not judge otherwise: for trade-offs not "instead of",
    "versus" ... (`analysis.tradeoffs` reads them), for reflection not "I would have said",
    "I would have to check", "I'd have liked more time"."""
    if criterion.check == "trade-offs":
        return [m for m in hits if not not_a_choice(m)]
    if criterion.check == "reflection":
        return told(t, hits)
    return hits


def _only_in_passing(t: AnswerText, start: int, end: int, criterion: Criterion) -> bool:
    """Whether the match start..end is an ``in_passing`` phrase with nothing specific
    in its sentence (no other ``covered_by`` phrase, no link to what was weighed)."""
    if not criterion.in_passing or not t.find_in(criterion.in_passing, start, end):
        return False
    first, last = t.tok_range(start, end)
    sentence = t.sent[first]
    lo = first
    while lo > 0 and t.sent[lo - 1] == sentence:
        lo -= 1
    hi = last
    while hi + 1 < t.n and t.sent[hi + 1] == sentence:
        hi += 1
    following = [t.word[k] for k in range(last + 1, min(last + 1 + LINK_WINDOW, hi + 1))]
    # "of" links only right after the phrase ("the downside of"), not in "considered a lot
    # of things".
    if (LINKS - {"of"}).intersection(following) or following[:1] == ["of"]:
        return False
    others = [m for m in t.find(criterion.covered_by)
              if t.start[lo] <= m.start() and m.end() <= t.end[hi]
              and not (m.start() < end and start < m.end())
              and not t.find_in(criterion.in_passing, m.start(), m.end())]
    return not others
