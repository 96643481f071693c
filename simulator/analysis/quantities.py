"""Every figure an answer tells, classified: a result or a count, with a baseline or not, a
requirement it had to meet, a duration, a date, a starting point (:func:`numbers`), and the
phrase to quote for one (:func:`number_phrase`, :func:`next_figure`).

The content checks (`analysis.content`: numbers with a baseline), the coach's depth probe and
the reports' figures all read the same mentions, computed once per text. Decision rules are
documented in :func:`numbers`; the word lists are module constants. Pure and fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from simulator.analysis.text import NUM_WORD, AnswerText, Evidence, Span

# Words near a number that make it a comparison (same sentence). Bare "to" is not one: it is
# in most sentences ("we wanted to"); "from X to Y" counts through "from".
BASELINE = frozenset({"compared", "comparing", "comparison", "baseline", "baselines", "versus",
                      "vs", "than", "previous", "previously", "prior", "against", "old",
                      "existing", "legacy", "control", "holdout", "relative", "a/b"})
CLOSE_BASELINE = frozenset({"from", "before", "after"})
# Baseline words that describe a thing as much as they compare with it: "two old ones",
# "forty matched control clubs", "a holdout for three months", "four years of old headline
# tests". They compare only a figure that measures something (a unit or a relative change:
# "up forty percent over the previous season", "down by a quarter from the old way"), not
# after "of" ("fifteen percent of old bans") and not as a former job ("at my previous
# company we cut costs by 20 %").
DESCRIBING = frozenset({"old", "existing", "legacy", "previous", "prior", "control",
                        "holdout"})
FORMER = frozenset({"job", "jobs", "role", "roles", "company", "companies", "employer",
                    "employers", "position", "firm", "startup", "workplace", "career", "gig"})
# "more than three dropped calls": before "than", words that make it the figure's size.
SIZE_WORDS = frozenset({"more", "less", "fewer", "over", "under", "greater", "higher",
                        "lower", "bigger", "smaller"})
# Words just before a figure that make it the starting point ("our click rate was stuck at
# 0.3 %"): a baseline for the results told after it, not a result that needs one.
STARTING = frozenset({"stuck", "hovered", "hovering", "plateaued", "plateauing", "initially",
                      "originally", "languished", "languishing", "sat", "sitting"})
# The kinds of measure, so a result is compared with a starting point of its own kind.
UNIT_KINDS = {"%": "share", "percent": "share", "per cent": "share", "percentage point": "share",
              "percentage points": "share", "point": "share", "points": "share",
              "basis points": "share", "ms": "time", "millisecond": "time",
              "milliseconds": "time", "second": "time", "seconds": "time", "sec": "time",
              "secs": "time", "minute": "time", "minutes": "time", "min": "time",
              "mins": "time", "hour": "time", "hours": "time", "hr": "time", "hrs": "time",
              "x": "factor", "times": "factor", "fold": "factor"}
# "Revenue per thousand impressions": a denominator, not a figure.
SCALES = frozenset({"hundred", "thousand", "million", "billion"})
# Words before a number that make it a result rather than a count ("two years", "five people").
RESULT_PREFIXES = ("improv", "reduc", "increas", "decreas", "drop", "fell", "fall", "cut",
                   "sav", "grew", "grow", "rose", "rais", "lift", "boost", "lower", "halv",
                   "doubl", "tripl", "went", "gain", "beat", "outperform", "achiev", "hit",
                   "reach", "shrank", "brought", "faster", "slower", "better", "fewer",
                   "precision", "recall", "accuracy", "auc", "f1", "conversion", "revenue",
                   "latenc", "loss", "rate", "error", "churn", "cost", "throughput")
# "Six percent of rows had no device id": a share of the data (a fact about the inputs), not
# a result, unless the sentence also says it changed or compares it.
DATA_SHARE = re.compile(
    r"\s+of\s+(?:the\s+|our\s+|all\s+(?:the\s+)?|those\s+|these\s+)?(?:rows?|records?|"
    r"labels?|samples?|examples?|images?|photos?|events?|logs?|data|dataset|training\s+set|"
    r"training\s+data|the\s+data|entries|fields?|columns?|features?|values?)\b")
# Words just before a number that make it a requirement rather than a result.
SPEC = frozenset({"budget", "limit", "target", "sla", "slo", "under", "below", "within",
                  "maximum", "max", "cap", "capped", "threshold"})
# Number words that are already a change ("cut it in half", "doubled"): results by themselves.
RELATIVE = frozenset({"half", "halved", "doubled", "tripled", "twice", "third", "thirds",
                      "quarter", "quarters", "fifth", "fifths", "tenth", "tenths", "tenfold",
                      "twofold", "threefold"})
PERIODS = frozenset({"day", "week", "month", "year", "hour", "minute", "second", "night",
                     "quarter", "shift", "morning", "evening", "sprint", "season"})
MONTHS = frozenset({"january", "february", "march", "april", "may", "june", "july", "august",
                    "september", "october", "november", "december"})


# Whisper writes numbers as digits or as words ("thirty percent", "a third"), so both count.
# The lookahead lists every first character a number can start with: the regex then skips
# most positions at once (three times faster on a 3-minute transcript).
NUMBER = re.compile(
    r"(?<![\w.])(?=[\d$abdefhmnostz])(?:"
    r"\$?\d+(?:[.,]\d+)*"
    r"|(?:a|one|two|three)[\s-]+(?:half|thirds?|quarters?|fifths?|tenths?)\b"
    r"|(?:half|halved|doubled|tripled|twice|tenfold|twofold|threefold)\b"
    rf"|{NUM_WORD}(?:(?:[\s-]+|\s+and\s+|\s+point\s+){NUM_WORD})*"
    r"(?:[\s-]+(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth))?\b)")
# After a number: group 1 a measure (it makes the number a result), group 2 a duration.
UNIT = re.compile(
    r"(?:\s*|-)(?:(%|percent(?:age points?)?|per cent|points?|basis points|x|times|fold|ms|"
    r"milliseconds?|seconds?|secs?|minutes?|mins?|hours?|hrs?|dollars?|euros?|pounds?|k|"
    r"million|billion|thousand)|(days?|weeks?|months?|years?|quarters?))(?!\w)")
YEAR = re.compile(r"(?:19|20)\d\d")
# A year-like number that counts things is no date, where only a count reads right: a rate
# ("reviewing 2000 alerts a day", "about 1800 a week"), an amount word before a counted noun
# ("about 2000 stores", "nearly 1900 merchants"), or the start of a change told to a figure
# ("from 2000 cases a week to 700"), a share of a group ("2000 of them"), a rank ("the 2000
# heaviest customers", "the top 1900 SKUs"), the object of a verb that counts ("we had 2000
# stores"), or a number later than any year a career story tells ("2048 features"; not "by
# 2045"). A year before a plural noun is as often a date ("2020 lockdowns", "from 2019
# levels", "by 2023 costs rose", "around 2020 teams moved"), so that alone stays one.
AMOUNT = frozenset({"about", "roughly", "nearly", "almost", "approximately", "over", "some",
                    "maybe", "like"})
# Verbs whose object is counted ("we had 2000 stores", "it handled 1900 requests").
HAVE = frozenset({"had", "have", "has", "handled", "processed", "served", "reviewed",
                  "flagged", "labelled", "labeled", "scored", "onboarded", "hired"})
# Words ending like a superlative that are none ("the 2020 test results").
NOT_SUPERLATIVE = frozenset({"test", "interest", "request", "rest", "contest", "harvest",
                             "forest", "guest", "quest", "digest", "protest", "manifest",
                             "arrest", "chest", "west", "nest", "crest", "conquest"})
# A later year-like number is a date only after these ("net zero by 2045").
UNTIL = frozenset({"by", "until", "till", "through", "since", "before"})
# Words ending in "s" after a number that are no counted noun ("2019 was", "2020 is").
NOT_COUNTED = frozenset({"was", "is", "has", "as", "its", "this", "thus", "us", "his",
                         "always", "perhaps", "across", "unless", "plus", "versus", "does",
                         "goes", "says", "gets", "makes", "takes", "comes", "means", "seems",
                         "sees", "shows", "brings", "changes", "starts", "ends", "onwards",
                         "years", "days", "months", "weeks"})
RATE = frozenset({"a", "an", "per", "every"})
GROUP_OF = frozenset({"them", "us", "those", "these", "which"})
LAST_YEAR = 2040  # a later year-like number is a count: a career story tells no such year
HEDGES = frozenset({"like", "about", "under", "around", "roughly", "just", "only", "maybe"})


@dataclass(frozen=True)
class NumberMention:
    """A figure in the answer, with its unit ("thirty percent", "20 ms", "March 2021")."""
    evidence: Evidence
    first: int  # its tokens in the AnswerText
    last: int
    result: bool  # a measured result, not a count ("two years", "five people") or a spec
    baseline: bool  # compared with something ("from 80 ms to 30 ms", "versus the old rules")
    requirement: bool  # a limit it had to meet ("a latency budget of 30 ms", "under 20 ms")
    duration: bool  # days, weeks, months, years ("after two years")
    date: bool  # a year ("in 2019", "March 2021"): never a result, not counted as a figure
    # The state before the work ("stuck at 0.3 %"): not a result; a later result of its kind
    # (`unit`) has a baseline in it.
    starting: bool = False
    unit: str | None = None  # its kind of measure (share, time, factor, money...), if any


def numbers(text: AnswerText | str) -> list[NumberMention]:
    """Every figure in the answer, in order (computed once per AnswerText).

    "one" alone is not a figure ("one project"); a year without a measure unit is a date. A
    *requirement* has a ``SPEC`` word among the 4 words before it. A *baseline* is a
    ``BASELINE`` word near it in its sentence, or a ``CLOSE_BASELINE`` word just before it.
    A *result* is not a requirement, and has a measure unit (%, ms, x...), is ``RELATIVE``
    ("halved"), has a baseline, or follows a ``RESULT_PREFIXES`` word within 6 words. A
    figure a ``STARTING`` word comes just before is the *starting point* ("stuck at 0.3 %"),
    not a result, and a baseline for every later result with a measure of its kind ("stuck
    at 0.3 %" ... "it reached 0.45 %"), however far apart the answer tells them.
    """
    t = text if isinstance(text, AnswerText) else AnswerText(text)
    return t.memo("numbers", _numbers)


def _numbers(t: AnswerText) -> list[NumberMention]:
    found = []
    for m in NUMBER.finditer(t.low):
        number = m.group()
        unit = UNIT.match(t.low, m.end())
        if number in SCALES and t.before(t.tok_range(m.start(), m.end())[0], 1) == ["per"]:
            continue
        measure = bool(unit and unit.group(1))
        if not measure and number == "one":
            continue
        if not measure and YEAR.fullmatch(number) and not _counts(t, m):
            # a date, with its month ("March 2021")
            k = t.tok_range(m.start(), m.end())[0]
            month = k > 0 and t.word[k - 1] in MONTHS and t.sent[k - 1] == t.sent[k]
            start = t.start[k - 1] if month else m.start()
            found.append(NumberMention(t.locate(start, m.end()), k - month, k,
                                       False, False, False, False, True))
            continue
        end = unit.end() if unit else m.end()
        first, last = t.tok_range(m.start(), end)
        # "from", "before" and "after" only count just before the number ("went from two
        # percent to one"): further away they are usually about something else ("it's served
        # from a small service with 20 ms latency"). And "after two years I moved" is a career
        # step: a duration needs "from" ("went from two days to four hours").
        close = t.before(first, 4)
        duration = bool(unit and unit.group(2))
        kind = _unit_kind(unit.group(1) if unit and unit.group(1) else None, number)
        relative = number.split()[-1] in RELATIVE  # "a third", "halved"
        baseline = _compared(t, first, last, kind, found, relative) or \
            ((not duration or "from" in close) and any(w in CLOSE_BASELINE for w in close))
        # "twice as long as the ones who picked a tutor", "three times as fast as the old
        # one": the comparison names what it is measured against.
        after = [t.word[k] for k in range(last + 1, min(last + 4, t.n))
                 if t.sent[k] == t.sent[last]]
        if len(after) == 3 and after[0] == after[2] == "as":
            baseline = True
        # "twice a day", "twice per week": how often, not a change.
        if number == "twice" and len(after) >= 2 and after[0] in {"a", "an", "per", "every"} \
                and after[1] in PERIODS:
            relative = False
        # "a latency budget of 30 ms", "kept it under 20 ms": a requirement met, not a result
        # that needs a baseline.
        spec = any(w in SPEC for w in close)
        # "... max fell from about 2%": a figure right after "from" starts a change, whatever
        # limit word came before it (here Whisper's "Charging Max" for "chargebacks").
        if spec and "from" in close and close.index("from") > max(
                k for k, w in enumerate(close) if w in SPEC):
            spec = False
        # "went from three hours to under forty minutes": the end of a change, a result with
        # its starting point, not a limit it had to meet.
        if spec and "from" in t.before(first, 10) and any(
                a == "to" and b in SPEC for a, b in pairwise(close)):
            spec, baseline = False, True
        changed = any(w.startswith(RESULT_PREFIXES) for w in t.before(first, 6))
        share_of_data = bool(unit and unit.group(1) and DATA_SHARE.match(t.low, unit.end()))
        # Only a measure is a starting point: "I sat with three engineers" is a count.
        starting = kind is not None and any(w in STARTING for w in close)
        # "a four-week test against the rules engine", "a two-year project": a length said
        # as a description of something, not a measured amount.
        attributive = bool(unit and unit.group(2) and not unit.group(2).endswith("s")
                           and number not in {"one", "1"})
        result = not spec and not starting and not attributive and (
            baseline or changed or (not share_of_data and (measure or relative)))
        if result and not baseline and kind in {n.unit for n in found if n.starting}:
            baseline = True  # its starting point was told before it
        found.append(NumberMention(t.locate(m.start(), end), first, last, result, baseline,
                                   spec, duration, False, starting, kind))
    return found


def _compared(t: AnswerText, first: int, last: int, kind: str | None,
              found: list[NumberMention], relative: bool = False) -> bool:
    """Whether a ``BASELINE`` word near tokens first..last (`AnswerText.near`: up to 12
    words before in the sentence, 6 after in the clause), whose measure is of ``kind``,
    compares them with something.

    One before them that sits right after an earlier figure measuring something else, in
    that figure's clause and nearer to it, is that figure's comparison ("fell from three
    days to four hours against the old process and the company saved $2 million": the
    money has no baseline); figures of the same kind share it ("60 % on the previous
    version, and now it's 85 %"), and a count or a length never takes it ("on 10 stores
    against a control group, sales rose 8 %"). "than" after "more", "fewer", ... just
    before the first figure of its sentence says how large it is ("more than three dropped
    calls"), not what it is compared with; after a figure it compares ("92 %, better than
    85 %", "40 ms, lower than 120 ms"). A ``DESCRIBING`` word compares only a figure with a
    measure (``kind``) or a ``relative`` one, and not after "of" or before a ``FORMER``
    word."""
    lo = max(first - 12, 0)
    while t.sent[lo] != t.sent[first]:
        lo += 1
    earlier = [n for n in found if not n.date and t.sent[n.last] == t.sent[first]]
    # near's words are the tokens lo, lo + 1, ...: the sentence's are contiguous.
    for at, w in enumerate(t.near(first, last, before=12, after=6), start=lo):
        if w not in BASELINE or (w in DESCRIBING and not _compares(t, at, last,
                                                                   kind or relative)):
            continue
        if w == "than" and at == first - 1 and not earlier and at > 0 \
                and t.word[at - 1] in SIZE_WORDS:
            continue
        if at >= first:
            return True
        claimed = any(n.last < at and n.unit is not None and n.unit != kind
                      and at - n.last < first - at
                      and not any(t.cend[j] for j in range(n.last, at)) for n in earlier)
        if not claimed:
            return True
    return False


def _compares(t: AnswerText, at: int, last: int, measured: bool | str) -> bool:
    """Whether the ``DESCRIBING`` word at token ``at`` compares the figure ending at token
    ``last`` with something (see ``_compared``)."""
    if not measured:
        # "two days instead of the previous two weeks": the word introduces the figure it
        # compares with, whatever is measured.
        # ("the old one" is no figure)
        return at + 1 < t.n and t.sent[at + 1] == t.sent[at] and \
            t.word[at + 1] != "one" and bool(NUMBER.fullmatch(t.word[at + 1]))
    if at + 1 < t.n and t.sent[at + 1] == t.sent[at] and t.word[at + 1] in FORMER:
        return False  # "my previous company"
    between = [t.word[k] for k in range(last + 1, at)]
    return not (between and (between[-1] == "of" or between[-2:-1] == ["of"]))


def _counts(t: AnswerText, m: re.Match[str]) -> bool:
    """Whether the year-like number matched by ``m`` counts things (see ``AMOUNT``)."""
    k = t.tok_range(m.start(), m.end())[0]
    sentence = t.sent[k]

    def word(j: int) -> str:
        return t.word[j] if 0 <= j < t.n and t.sent[j] == sentence else ""

    def rate(j: int) -> bool:  # "a day", "per week"
        return word(j) in RATE and word(j + 1) in PERIODS

    if int(m.group()) > LAST_YEAR and word(k - 1) not in UNTIL:  # "2048 features"
        return True
    if t.cend[k]:
        return False
    if word(k + 1) == "of" and word(k + 2) in GROUP_OF:  # "2000 of them"
        return True
    # A rank: "the 2000 heaviest customers", "the 1999 most active users", "the top 1900 SKUs"
    ranked = (word(k + 1).endswith("est") and word(k + 1) not in NOT_SUPERLATIVE) \
        or word(k + 1) in {"most", "least"}
    if (word(k - 1) == "the" and ranked and any(_plural(word(j)) for j in (k + 2, k + 3))) \
            or (word(k - 1) == "top" and _plural(word(k + 1))):
        return True
    counted = _plural(word(k + 1))
    if counted and word(k - 1) in HAVE:  # "we had 2000 stores"
        return True
    if rate(k + 1) or (counted and not t.cend[k + 1] and rate(k + 2)):
        return True
    if word(k - 1) in AMOUNT and (counted or _plural(word(k + 2))):  # "about 2000 open cases"
        return True
    # "from 2000 cases a week to 700", "from 2000 to like 300": a figure that is no year
    # after "to" further on in its clause ("from 2019 to 2021" are years).
    if word(k - 1) == "from":
        j = k + 1
        while j < t.n and t.sent[j] == sentence and not t.cend[j - 1] and j - k <= 8:
            if t.word[j] == "to":
                nxt = next((w for w in (word(j + 1), word(j + 2)) if w not in HEDGES), "")
                return bool(NUMBER.fullmatch(nxt)) and not YEAR.fullmatch(nxt)
            j += 1
    return False


def _plural(w: str) -> bool:
    """A word that reads as a counted noun ("cases", not "was", "its")."""
    return len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")) \
        and w not in NOT_COUNTED


def number_phrase(t: AnswerText, n: NumberMention, until: NumberMention | None = None) -> Span:
    """The phrase to quote for a figure: the words leading up to it, which say what it
    measures ("a gap went from staying about three hours"), and its unit; with ``until``,
    on to that later figure ("... to under forty minutes")."""
    return t.phrase(n.first, (until or n).last, 7, 3, whole_clause=True)


def next_figure(t: AnswerText, n: NumberMention, within: int = 8) -> NumberMention | None:
    """The figure told right after ``n`` in its sentence (at most ``within`` words on), the
    other end of a comparison ("from three hours to forty minutes", "ten stores against ten
    others"); None if there is none."""
    return next((m for m in numbers(t) if not m.date and n.last < m.first <= n.last + within
                 and t.sent[m.first] == t.sent[n.last]), None)


def _unit_kind(unit: str | None, number: str) -> str | None:
    """The kind of measure of a figure's unit (None without one): "share" for percent and
    points, "time", "factor", "money" (a currency word or a "$" figure), or the unit
    itself."""
    if number.startswith("$"):
        return "money"
    if unit is None:
        return None
    unit = " ".join(unit.split())
    if unit in {"dollar", "dollars", "euro", "euros", "pound", "pounds"}:
        return "money"
    return UNIT_KINDS.get(unit, unit)
