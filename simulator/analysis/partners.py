"""Who the candidate worked with: the rubric check ``collaboration``.

The seed's advice for making an ML engineer's scope explicit ends with how they partnered
with engineering and product, and its structure asks to show collaboration beside
ownership: a model reaches users through other people's systems and decisions. This module
finds each *partner* the answer names, told as someone other than the candidate and their
own team:

- a group named by what it does: "the platform team", "the supply chain team", "the
  trading desk", "the billing department" (one to three words before the group noun). Not
  the candidate's own: "my team", "the whole team", "a team of six", "the ML team", "I was
  on the fraud team", "I joined the search team", "I led the data team";
- a person by their role: "a colleague", "my manager", "two backend engineers", "the
  product manager", "a designer", "the fraud analysts", "a contractor", "stakeholders";
- the act of working with others: "partnered with", "worked closely with", "sat down with",
  "agreed with", "handed it over to", "signed off".

The check is met when one partner is named, and quotes them; when none is, the remark asks
who else the work depended on. Lenient by design, like the keyword checks: a remark that no
one else was named is rarely wrong. Only questions whose ``judged_on`` names the criterion
are judged on it (the deep dive); a career walk-through rightly talks about the candidate.
"""

from __future__ import annotations

import re

from simulator.analysis.content import (
    DID_SUBJECTS,
    Finding,
    _finding,
    _text,
    subject_phrase,
    work_score,
)
from simulator.analysis.text import AnswerText, Span

# A group named by what it does: one to three words, then the group noun ("the platform
# team", "the supply chain team's", "the billing people"). Not "team of" (its size), and not
# with the words that make it the candidate's own or no group at all (below).
GROUP = re.compile(
    r"(?<![\w'])(?:the|a|an|their|our|his|her|its|two|three|other|another|each|every)"
    r"((?:\s+[a-z][\w'-]*){1,3})\s+(?:teams?|team's|teams'|desk|department|squad|guys|"
    r"people|folks)(?![\w'])(?!\s+of\b)")
# Words that, before the group noun, leave it the candidate's own or no partner at all
# ("the whole team", "the right department", "the young people"), or show the words are no
# name of a group ("the scorecard the team had").
NOT_A_PARTNER = frozenset({
    "whole", "entire", "same", "small", "big", "new", "core", "own", "ml", "machine",
    "learning", "science", "modelling", "modeling", "my", "our", "one", "first", "great",
    "good", "tiny", "help", "ai", "mlops", "right", "wrong", "correct", "relevant", "young",
    "old", "older", "younger", "many", "few", "most", "more", "real", "actual", "normal",
    "ordinary", "other", "million", "thousand", "hundred", "random", "popular",
    "the", "a", "an", "and", "or", "of", "to", "with", "for", "from", "that", "this", "which",
    "who", "at", "by", "on", "in", "was", "were", "is", "had", "have", "i", "we", "they", "it"})
# Before a group: its member, or its lead, is the candidate ("I was on the fraud team", "I
# run the data team at a restaurant group").
MEMBER = frozenset({"on", "in", "into", "joined", "join", "joining", "led", "lead",
                    "leading", "ran", "run", "running", "manage", "managed", "managing",
                    "built", "build", "started", "founded", "formed", "hired", "grew", "at",
                    "for"})
# People by their role, after a word that makes them someone else ("two backend engineers",
# "another engineer", "the trial managers", "a junior scientist", "the moderators"), at most
# one word between ("the field engineers"); the candidate's own role is told after "as" or
# "I'm a" (``_the_candidate``), a team's size after "of" ("a team of three engineers").
ROLES = ("engineers?|scientists?|analysts?|managers|experts|specialists|developers?|"
         "designers?|contractors?|consultants?|vendors?|interns?|juniors?|guy|editors|coaches|"
         "physios|chefs|teachers|caseworkers|adjusters|investigators|controllers|agronomists|"
         "moderators|reviewers|agents|traders|planners|nurses|clinicians|doctors|lawyers|"
         "underwriters|recruiters|dispatchers|operators|merchandisers|marketers|buyers|"
         "annotators|labellers|labelers")
PERSON = re.compile(
    r"(?<![\w'])(?:the|our|their|a|an|one|another|other|some|two|three|four|a couple of|"
    rf"a few|one other|the other|[a-z]+'s)(\s+[a-z][\w'-]*)?\s+(?:{ROLES})(?![\w'])")
# Words between that make them no one in particular ("the right people", "the best
# engineers").
NOT_A_PERSON = frozenset({"right", "wrong", "same", "young", "old", "first", "whole", "real",
                          "actual", "normal", "ordinary", "random", "best", "worst", "own",
                          "good", "great", "of", "and", "or", "the", "a", "an", "to", "in"})
# A person or a group by a name of its own.
ROLE = re.compile(
    r"(?<![\w'])(?:"
    r"colleagues?|teammates?|team mates?|co-?workers?|stakeholders?|"
    r"product (?:managers?|owners?|leads?|folks|people|side|team|teams)|pms|"
    r"my (?:manager|boss|lead|director|tech lead|team lead)|their (?:lead|manager|boss)|"
    r"our manager|engineering (?:team|teams|side|folks|people)|sres|"
    r"business (?:side|folks|people|owners?)|analysts|another team|other teams|"
    r"the other team|a partner company|outsourced|(?:infrastructure|infra|platform|"
    r"engineering|product|security|it|ops|operations|devops|sre) group"
    r")(?![\w'])")
COUNTS = frozenset({"two", "three", "four", "a"})
BEING = frozenset({"i'm", "am", "was", "been", "became", "become", "being"})
# The act of working with others.
ACT = re.compile(
    r"(?<![\w'])(?:"
    r"partnered|partnering|in partnership|work(?:ed|ing)? closely|"
    r"paired with|pairing with|sat(?: down)? with|sit(?: down)? with|"
    r"agreed (?:it |them |this |that )?with|agreeing (?:on )?(?:it |them )?with|"
    r"aligned with|signed off|sign-off|cross-functional|cross functional|"
    r"handed (?:it |them |that |this )?(?:over|off) to|hand(?:ed)?-?off"
    r")(?![\w'])")


def partners(text: AnswerText | str) -> list[Span]:
    """Each partner named (see the module's note), in spoken order, quoted as a phrase of
    their clause; found once per text."""
    return _text(text).memo("partners", _partners)


def _partners(t: AnswerText) -> list[Span]:
    found: list[tuple[int, int]] = []
    for m in GROUP.finditer(t.low):
        words = m.group(1).split()
        if any(w in NOT_A_PARTNER for w in words):
            continue
        first, last = t.tok_range(m.start(), m.end())
        if first > 0 and t.sent[first - 1] == t.sent[first] and t.word[first - 1] in MEMBER:
            continue
        found.append((first, last))
    for m in PERSON.finditer(t.low):
        if m.group(1) and m.group(1).strip() in NOT_A_PERSON:
            continue
        first, last = t.tok_range(m.start(), m.end())
        if first > 0 and t.word[first - 1] in {"of", "were", "are"}:
            continue  # "a team of three engineers", "we were three engineers": the candidate's
        if not _the_candidate(t, first):
            found.append((first, last))
    for pattern in (ROLE, ACT):
        for m in pattern.finditer(t.low):
            first, last = t.tok_range(m.start(), m.end())
            if first > 0 and t.word[first - 1] == "of" and t.word[first] in COUNTS:
                continue  # "a team of three engineers": the candidate's team's size
            if _the_candidate(t, first):
                continue
            found.append((first, last))
    spans: list[Span] = []
    for first, last in sorted(found):
        if spans and first <= spans[-1].core_last:
            continue  # "the product team" found as a group and as a role: once
        span = t.phrase(first, last, 4, 6)
        spans.append(Span(span.first, span.last, first, last))
    return spans


def _the_candidate(t: AnswerText, first: int) -> bool:
    """Whether the role starting at token ``first`` is what the candidate is or was ("I
    started as a network engineer", "I'm a contractor", "I was the product owner")."""
    before = t.before(first, 2)
    if t.word[first] in {"a", "an", "the"}:  # the match opens with its article
        before = before[-1:]
    elif before[-1:] and before[-1] in {"a", "an", "the"}:
        before = before[:-1]
    return bool(before) and (before[-1] == "as" or before[-1] in BEING)


def collaboration_criterion(text: AnswerText | str, criterion_id: str) -> Finding:
    """Met when the answer names someone the candidate worked with (see ``partners``)."""
    t = _text(text)
    named = partners(t)
    if not named:
        # The coach asks who else a piece of their own work depended on ("I built the
        # scoring service").
        own = subject_phrase(t, DID_SUBJECTS, work_score, 2)
        return _finding(t, criterion_id, False, "no one else named", own, own)
    names = list(dict.fromkeys(" ".join(t.word[s.core_first:s.core_last + 1])
                               for s in named))  # each once, in spoken order
    told = ", ".join(f"“{name}”" for name in names[:3])
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return _finding(t, criterion_id, True, f"names {told}{more}", named[0], named[0],
                    (("partners", len(named)),), basis="words")
