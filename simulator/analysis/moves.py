"""Career moves and their reasons: the rubric check ``moves``.

A career walk-through is asked for a reason at every transition ("I moved from X to Y
because I wanted more ownership"): a list of employers tells the panel nothing about how
the candidate chooses. This module finds each move the candidate tells in the first person
("I joined", "I moved into", "I left", "I went over to", "I got hired as", "I used the
chance to switch") and whether a reason is given with it.

A reason is looked for in the move's own sentence ("I left *because* every project ended
with a report", "I *wanted* to build things that run, *so* I moved into data
engineering"), in the sentence before it when the move is told as its consequence ("So I
joined ...", "That's why I ..."), and in the sentence after it when that one opens as a
reason ("The reason was ...", "I wanted ..."). Reasons are words of motive (because,
wanted, curious, bored, the chance to, ...) and of circumstance (the company ran out of
money, got bought). The check is lenient by design: a reason anywhere in the sentence
credits every move in it, so a remark that a move came without a reason is rarely wrong.

Only questions judged on the criterion read it (a deep dive's "we moved to streaming
features" is no career move): the script's ``judged_on``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from simulator.analysis.content import Finding, _finding, _text, quoted_with_times
from simulator.analysis.text import PUNCT, AnswerText, Evidence, Span

# The verb phrases that tell a move between jobs, teams, fields or schools. A past tense
# needs its particle where the bare verb means something else ("we moved the model",
# "what's left").
MOVE = re.compile(
    r"(?<![\w'])(?:"
    r"joined|join (?:a|an|the|them|their|this)|"
    r"(?:moved|move|moving) (?:on|over|in|into|to|across|back|up|sideways|internally|again|"
    r"jobs|companies|teams)|"
    r"(?:switched|switch|switching) (?:to|into|over|across|teams|jobs|careers|fields)|"
    r"left|leaving|quit|"
    r"went (?:on to|over|into|to|back)|transferred|transfer to|"
    r"took (?:a|an|the|that|this|my first) (?:job|role|position|offer)|"
    r"got (?:a|an|my first) (?:job|role|position|offer)|(?:got|was|were|get) hired|"
    r"landed (?:a|an|my)|(?:came|come) (?:over )?to (?:the|this|a|an|my)|"
    r"ended up (?:at|in|on|as|joining)"
    r")(?![\w'])")
# Told by the candidate: "I" earlier in the same clause ("we moved to streaming features" is
# the team's work, even in a career answer), or before "and (then)" joining the two ("I
# left the bank after three years, and then joined a start-up").
SUBJECTS = frozenset({"i", "i'd", "i've"})
SUBJECT_REACH = 10  # tokens back from the verb ("so I did a lot of courses and moved into")
# Someone else is the subject between "I" and the verb ("a director who left", "I think we
# left the project").
OTHER_SUBJECTS = frozenset({"he", "she", "they", "we", "who", "which", "you", "it", "there"})
COORDINATION = frozenset({"and", "then", "but", "later", "eventually", "finally"})
# What a career move is to or from: an organisation, a role, a field, a place in a career
# (within a few words of the verb: "joined a genomics company", "moved into data
# engineering"); a name (a capitalised word inside the sentence: "joined Spotify") counts
# too. Without one, "I joined the call", "I left a comment", "I came to the conclusion",
# "I switched to gradient boosting", "I moved into a new flat" are no career moves.
CAREER_WORDS = frozenset({
    "job", "jobs", "role", "roles", "position", "career", "team", "teams", "company",
    "companies", "startup", "start-up", "startups", "start", "firm", "bank", "agency",
    "consultancy", "studio", "lab", "labs", "group", "department", "organisation",
    "organization", "org", "university", "school", "phd", "master's", "masters", "degree",
    "bootcamp", "employer", "business", "institute", "hospital", "government", "retailer",
    "supplier", "provider", "industry", "field", "academia", "engineering", "science",
    "analytics", "research", "consulting", "finance", "fintech", "healthcare", "security",
    "imaging", "product", "management", "learning", "analyst", "engineer", "scientist",
    "developer", "manager", "lead", "researcher", "consultant", "teacher", "intern",
    "internship", "junior", "senior", "fellow", "postdoc", "freelance", "freelancing",
    "place", "side", "here", "there", "where", "abroad"})
# A move told with when it happened ("moved into imaging two years later").
WHEN = frozenset({"later", "ago", "last"})
# Leaving told without an object: "I left because ...", "I left after two years", "I moved
# on last year", "I quit".
INTRANSITIVE = frozenset({"left", "leaving", "quit", "on", "again"})
# ("moved on to the ranking problem" is read for its destination, as any other move.)
AFTER_LEAVING = frozenset({"because", "after", "last", "in", "when", "and", "for", "since",
                           "once", "two", "three", "four", "five"})
SCAN = 5  # words after the verb where its destination is looked for
SCAN_STOP = frozenset({"with", "about", "every", "because", "so", "and", "but", "which",
                       "who", "when", "while", "for", "of", "on"})
# Words of a motive or a circumstance. "since" only before a subject ("since 2019", "since
# the launch" are dates).
REASON = re.compile(
    r"(?<![\w'])(?:"
    r"because|'cause|since (?:i|we|they)|so (?:i|we)|so that|"
    r"in order to|wanted|want to|wanting|hoping|hoped|looking for|reasons?|why|"
    r"chance to|opportunit\w*|curious|curiosity|bored|boring|tired of|frustrat\w*|"
    r"exhaust\w*|burn(?:ed|t) out|loved|enjoy\w*|realis\w*|realiz\w*|interested|"
    r"interesting|hooked|"
    r"excit\w*|drawn|attract\w*|appeal\w*|ran out of money|went under|got bought|"
    r"was bought|acquired|laid off|redundan\w*|shut down|closed down|missed|needed someone|"
    r"to (?:learn|work on|work with|build|own|lead|ship|grow|get closer|be closer|do more|"
    r"focus|see|move away)"
    r")(?![\w'])")
CONJUNCTIONS = frozenset({"because", "'cause", "since", "so", "in", "to"})
OPENING_FILLERS = frozenset({"um", "uh", "er", "erm", "well", "yeah", "okay", "ok", "right"})
# A sentence told as the consequence of the one before ("So I joined ..."), whose reason is
# there; a sentence after the move that opens as its reason ("The reason was ...").
CONSEQUENCE = ("so ", "and so ", "that's why ", "that is why ", "which is why ",
               "that's how ", "that was why ", "this is why ", "and that's why ")
REASON_OPENERS = ("because ", "the reason", "i wanted", "i'd wanted", "i was looking",
                  "mostly because", "mainly because", "partly because", "what drew",
                  "that was because", "it was because", "i really wanted")


@dataclass(frozen=True)
class Move:
    """One move told: the phrase that tells it, and the words of its reason (None: none)."""

    span: Span
    reason: Span | None


def career_moves(text: AnswerText | str) -> list[Move]:
    """Every move the candidate tells in the first person, in spoken order (found once per
    text: the finding and its quotes share them)."""
    return _text(text).memo("career_moves", _career_moves)


def _career_moves(t: AnswerText) -> list[Move]:
    sentences = _sentences(t)
    moves: list[Move] = []
    for m in MOVE.finditer(t.low):
        first, last = t.tok_range(m.start(), m.end())
        subject = _subject_before(t, first)
        if subject is None or not _to_somewhere(t, m, first, last):
            continue
        if moves and _same_move(t, moves[-1], first):
            continue
        # Quoted from its subject when that is close ("I moved into imaging"), else from
        # the verb ("moved into data engineering", not "courses and moved into ...").
        start = subject if first - subject <= 3 else first
        span = t.phrase(start, last, 0, 10)
        moves.append(Move(Span(span.first, span.last, first, last),
                          _reason(t, sentences, t.sent[first], first)))
    return moves


def _to_somewhere(t: AnswerText, m: re.Match[str], first: int, last: int) -> bool:
    """Whether the verb at tokens first..last tells a move in a career (see CAREER_WORDS)."""
    if any(t.word[k] in CAREER_WORDS for k in range(first, last + 1)):
        return True  # "took a job", "switched teams"
    window: list[int] = []
    k = last + 1
    while k < t.n and len(window) < SCAN and t.sent[k] == t.sent[last] \
            and t.word[k] not in SCAN_STOP and not t.cend[k - 1]:
        window.append(k)
        k += 1
    after = last + 1
    if t.word[last] in INTRANSITIVE and (t.cend[last] or after >= t.n
                                         or t.sent[after] != t.sent[last]
                                         or t.word[after] in AFTER_LEAVING):
        return True
    return any(t.word[j] in CAREER_WORDS or t.word[j] in WHEN or _a_name(t, j)
               for j in window)


def _a_name(t: AnswerText, k: int) -> bool:
    """A capitalised word inside its sentence: a company's or a place's name."""
    said = t.text[t.start[k]:t.end[k]].strip(PUNCT)
    return (k > 0 and t.sent[k - 1] == t.sent[k] and said[:1].isupper()
            and t.word[k] not in {"i", "i'm", "i've", "i'd", "i'll"})


def _same_move(t: AnswerText, previous: Move, first: int) -> bool:
    """A verb inside the previous move's phrase ("I left the team to join a start-up"), or
    joining after leaving in one sentence ("I left the bank, and then joined ..."), is the
    same move."""
    if first <= previous.span.last:
        return True
    verb = previous.span.core_first
    return (t.word[verb] in {"left", "leaving", "quit"} and t.sent[verb] == t.sent[first]
            and first - verb <= 14)


def moves_criterion(text: AnswerText | str, criterion_id: str) -> Finding:
    """Met when every move told comes with a reason; without any move it does not apply
    (a walk-through with no path is the parts timeline's remark, not this one's)."""
    t = _text(text)
    moves = career_moves(t)
    if not moves:
        return _finding(t, criterion_id, True, "does not apply: no move between jobs told",
                        None, None, basis="not applicable")
    unexplained = [m for m in moves if m.reason is None]
    counts = (("moves", len(moves)), ("with a reason", len(moves) - len(unexplained)))
    told = f"{len(moves)} move{'s' if len(moves) != 1 else ''}"
    if not unexplained:
        return _finding(t, criterion_id, True, f"{told}, each with a reason", moves[0].span,
                        moves[0].span, counts, basis="words")
    with_reason = len(moves) - len(unexplained)
    detail = (f"{told}, {with_reason} with a reason" if with_reason
              else f"{told}, none with a reason")
    return _finding(t, criterion_id, False, detail, unexplained[0].span, unexplained[0].span,
                    counts)


def moves_remark(title: str, f: Finding, evidence: Sequence[Evidence]) -> str | None:
    """The remark on moves told without a reason: which, and when ("no reason given for “I
    moved to a proper engineering job” (0:26)"); ``evidence`` holds those moves."""
    if f.covered or not evidence:
        return None
    left = f.count("moves") - f.count("with a reason") - min(len(evidence), 2)
    more = f" (and {left} more)" if left > 0 else ""
    return f"{title}: no reason given for {quoted_with_times(evidence)}{more}."


def move_evidence(text: AnswerText, covered: bool) -> list[Evidence | None]:
    """The quotes behind the finding: the moves told without a reason (when some were),
    else each move with the words of its reason."""
    moves = career_moves(text)
    if not covered:
        return [_move_quote(text, m) for m in moves if m.reason is None]
    out: list[Evidence | None] = []
    for m in moves:
        out.append(_move_quote(text, m))
        if m.reason is not None:
            out.append(text.evidence(m.reason))
    return out


def _move_quote(text: AnswerText, m: Move) -> Evidence | None:
    """The move as told, up to where its clause ends ("I left after two years"); grown by
    the next clause only when that leaves it too short to read ("I left")."""
    short = m.span.last - m.span.first + 1 < 4
    return text.evidence(text.readable(m.span, min_words=4) if short else m.span)


def _subject_before(t: AnswerText, first: int) -> int | None:
    """The token of "I" before the verb, within reach: in its clause, or across one clause
    end when only joining words ("and then") come between that and the verb; None when
    someone else is the subject in between."""
    k = first - 1
    crossed = False
    while k >= 0 and first - k <= SUBJECT_REACH and t.sent[k] == t.sent[first]:
        if t.cend[k]:
            joined = all(t.word[j] in COORDINATION for j in range(k + 1, first))
            if crossed or not joined or k + 1 == first:
                return None
            crossed = True
        if t.word[k] in SUBJECTS:
            return k
        if t.word[k] in OTHER_SUBJECTS:
            return None
        k -= 1
    return None


def _sentences(t: AnswerText) -> list[tuple[int, int]]:
    """Token ranges (first, last) of each sentence, by sentence number."""
    bounds: list[tuple[int, int]] = []
    for k in range(t.n):
        if t.sent[k] == len(bounds):
            bounds.append((k, k))
        else:
            bounds[-1] = (bounds[-1][0], k)
    return bounds


def _reason(t: AnswerText, sentences: Sequence[tuple[int, int]], s: int,
            verb: int) -> Span | None:
    """The words of a reason for a move told in sentence ``s`` by the verb at token
    ``verb`` (see the module's note)."""
    def opening(k: int) -> tuple[int, str]:
        """Where sentence k's words start after spoken fillers, and its text from there."""
        first, last = sentences[k]
        while first < last and t.word[first] in OPENING_FILLERS:
            first += 1
        return t.start[first], t.low[t.start[first]:t.end[last]]

    # (sentence, first character searched): a sentence opening as a consequence ("So I
    # joined") has its reason before it, and its "so" is not one.
    at, text = opening(s)
    opener = next((c for c in CONSEQUENCE if text.startswith(c)), None)
    places = [(s, at + len(opener))] if opener is not None else [(s, at)]
    if s > 0 and opener is not None:
        places.insert(0, (s - 1, opening(s - 1)[0]))
    if s + 1 < len(sentences) and opening(s + 1)[1].startswith(REASON_OPENERS):
        places.append((s + 1, opening(s + 1)[0]))
    for k, at in places:
        for m in REASON.finditer(t.low, at, t.end[sentences[k][1]]):
            # "I joined Amazon, so I had to move to Seattle": what followed, not why.
            if k == s and m.group().startswith("so ") and m.start() > t.start[verb]:
                continue
            return _reason_phrase(t, m)
    return None


def _reason_phrase(t: AnswerText, m: re.Match[str]) -> Span:
    """The words of a reason, quotable: from a conjunction on ("because they had real
    problems at scale"); the clause before "so I" ("I wasn't sure what to do after it");
    else from the start of its clause when that is close ("That start up got bought")."""
    ci, cj = t.tok_range(m.start(), m.end())
    said = m.group()
    if said.startswith("so ") and said != "so that":
        j = ci - 1
        i = j
        while i > 0 and t.sent[i - 1] == t.sent[ci] and not t.cend[i - 1]:
            i -= 1
        if j >= 0 and t.sent[j] == t.sent[ci] and j - i < 14:
            return Span(i, j, i, j)
    if said.split()[0] in CONJUNCTIONS:
        return t.phrase(ci, cj, 0, 10)
    start = ci
    while start > 0 and ci - start < 5 and t.sent[start - 1] == t.sent[ci] \
            and not t.cend[start - 1]:
        start -= 1
    if ci - start >= 5:  # a long clause: from its subject, when close ("I got bored")
        start = next((k for k in range(ci - 1, max(ci - 4, -1), -1)
                      if t.word[k] in SUBJECTS and t.sent[k] == t.sent[ci]), ci)
    return t.phrase(start, cj, 0, 10)
