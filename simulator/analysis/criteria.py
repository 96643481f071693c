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


# "I would invest in label quality from the first week": a change of approach said as a
# plan, without the rubric's words ("in hindsight", "would have"). A first-person "would"
# with an action counts only with a marker of the change in its sentence, so the habitual
# "every Monday we would retrain it" and the hedge "I would say" do not.
_WOULD = re.compile(r"(?<!\w)(?:i|we)(?: would|['’]d)"
                    r"(?: (?:also|probably|definitely|now|then|still|first|instead|rather))?"
                    r" ([a-z]+)")
NOT_ACTIONS = frozenset(["say", "think", "guess", "imagine", "argue", "like", "love", "hope",
                         "expect", "assume", "bet", "suppose", "call", "describe", "be",
                         "have", "not", "never"])
# After "I'd", a past participle makes it "I had": "I'd been doing the school's spreadsheets",
# "I'd built a rules engine before" tell the past, not a change they would make.
PARTICIPLES = frozenset(["been", "had", "got", "gotten", "done", "gone", "seen", "made",
                         "built", "taken", "written", "known", "run", "spent", "already",
                         "just", "never"])
CHANGE_MARKERS = ("instead", "rather than", "from the start", "from the beginning",
                  "from the very start", "from the very beginning", "from day one",
                  "on day one", "from the first", "earlier", "sooner", "before", "first",
                  "next time", "this time", "at the start", "at the beginning", "up front",
                  "upfront", "more time", "less time", "early")
# "I'd have started with a smaller vocabulary": "would have", contracted; after "would have"
# these make a hedge or a wish, not a lesson ("I would have to check", "I'd have said",
# "I'd have liked more time").
NOT_A_LESSON = re.compile(r" (?:to|got|said|thought|guessed|liked|loved|hoped|expected)\b")
WOULD_HAVE = re.compile(r"(?<!\w)(?:i|we)['’]d have(?= [a-z])(?!(?: (?:to|got|said|thought|"
                        r"guessed|liked|loved|hoped|expected))\b)")
# "I learned a lot (on that project)": a lesson named, not told.
LEARNED_A_LOT = re.compile(r"(?<!\w)(?:i|we) learn(?:ed|t) (?:a lot|so much|loads|a ton|tons)"
                           r"(?: (?:on|from|in|at|during|with) (?:that|the|this|it)\b[\w ]{0,20})?"
                           r"(?=\s*(?:[,.;:!?]|$))")


def _only_learned_a_lot(t: AnswerText, criterion: Criterion) -> bool:
    """Whether every word of reflection said is "I learned a lot" with nothing after it."""
    generic = [m.start() for m in LEARNED_A_LOT.finditer(t.low)]
    return bool(generic) and all(m.start() in generic for m in said_specifically(t, criterion))


def _had(m: re.Match[str]) -> bool:
    """Whether a ``_WOULD`` match is "I'd" + a past participle ("I had ...")."""
    verb = m.group(1)
    contracted = "would" not in m.group()
    return contracted and (verb in PARTICIPLES or (verb.endswith("ed") and
                                                   not verb.endswith("eed")))


def reflection_criterion(text: AnswerText | str, criterion: Criterion, *,
                         applies: bool = False) -> Finding:
    """The keyword check, and failing that a change of approach said as a plan: "I would
    <do something> instead / from the start / earlier" (see ``_WOULD``)."""
    t = _text(text)
    found = keyword_criterion(t, criterion, applies=applies)
    if found.covered and not _only_learned_a_lot(t, criterion):
        return found
    if found.covered:
        found = replace(found, covered=False, detail="only says they learned a lot, not what",
                        counts=(("hits", 0),), basis="")
    def sentence(m: re.Match[str]) -> int:
        return t.sent[t.tok_range(m.start(), m.end())[0]]

    marked = {sentence(m) for m in t.find(CHANGE_MARKERS)}
    plans = sorted([m for m in _WOULD.finditer(t.low)
                    if m.group(1) not in NOT_ACTIONS and not _had(m) and sentence(m) in marked]
                   + list(WOULD_HAVE.finditer(t.low)), key=lambda m: m.start())
    if not plans:
        return found
    first = plans[0]
    said = t.text[first.start():first.end()]  # as transcribed, not lowercased
    return _finding(t, criterion.id, True, f"says what they would change: \"{said}\"",
                    t.phrase_around(first.start(), first.end(), 1, 8), found.ask,
                    (("hits", len(plans)),), basis="plan")


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
        return [m for m in hits if not (m.group().endswith(("have", "'ve", "’ve"))
                                        and NOT_A_LESSON.match(t.low, m.end()))]
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
