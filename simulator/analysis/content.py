"""What an answer says: the content detectors behind a rubric's checks.

Each detector is a small public function of an :class:`AnswerText` (or a plain transcript)
returning findings with located :class:`Evidence` (quotable, and playable from the
recording when the text has timed words): :func:`numbers` classifies every figure (result?
baseline? requirement? year?); :func:`metrics`, :func:`ownership` and
:func:`keyword_criterion` give one :class:`Finding` for each kind of rubric check, and
:func:`assess` runs a whole rubric; the phrase finders pick the words most worth quoting.

Decision rules are documented where they are made; word lists are module constants. A new
signal is one more function returning a :class:`Finding` (or located mentions, like
:func:`numbers`); a new built-in rubric check is one more entry in :data:`CHECKS`.
Pure and fast: no I/O; a 3-minute answer is assessed in about a millisecond.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from simulator.analysis.text import NUM_WORD, PUNCT, AnswerText, Evidence, Span

STRICTNESS = ("gentle", "balanced", "strict")

# ----------------------------------------------------------------------------- word lists

# Ownership. "our team" counts once, as the team; "my team did it" is the team, not me.
TEAM = frozenset({"team", "team's"})
SINGULAR = frozenset({"i", "i'm", "i've", "i'd", "i'll", "my", "me", "myself", "mine"})
PLURAL = frozenset({"we", "we're", "we've", "we'd", "we'll", "our", "ours", "us", "ourselves"})
# Subjects of a "<subject> <verb> ..." phrase.
WE_SUBJECTS = frozenset({"we", "we've", "we'd", "we'll"})
I_SUBJECTS = frozenset({"i", "i've", "i'd", "i'll"})
# Skipped between a subject and its verb: "we basically just built".
ADVERBS = frozenset(["also", "then", "basically", "just", "actually", "eventually", "finally",
                     "really", "first", "initially", "quickly", "kind", "sort", "of", "all",
                     "together", "later", "originally", "mostly", "mainly", "um", "uh", "like",
                     "ultimately", "even", "did"])
WEAK_VERBS = frozenset(["were", "was", "are", "is", "had", "have", "has", "got", "get", "did", "do",
                        "could", "would", "should", "can", "will", "need", "needed", "wanted",
                        "want", "know", "think", "thought", "mean", "said", "say", "felt", "feel",
                        "saw", "see", "be", "been", "being", "might", "must"])
# Verbs that make a "we ..." phrase worth quoting in an ownership question.
WORK_VERBS = frozenset(["built", "build", "chose", "choose", "decided", "decide", "trained",
                        "train", "designed", "design", "wrote", "write", "created", "developed",
                        "implemented", "deployed", "shipped", "launched", "migrated", "picked",
                        "added", "set", "ran", "rewrote", "replaced", "introduced", "switched",
                        "used", "tuned", "collected", "labelled", "labeled", "cleaned",
                        "engineered", "came", "found", "fixed", "settled", "selected", "automated",
                        "integrated", "refactored", "scaled", "reduced", "improved", "cut",
                        "optimized", "optimised", "evaluated", "tested", "measured", "monitored",
                        "retrained", "served", "defined", "led", "owned", "drove", "delivered",
                        "prototyped", "compared", "tried", "figured", "made", "went", "moved",
                        "kept", "dropped", "adopted", "opted", "stuck", "ended", "argued",
                        "proposed", "pushed", "convinced", "recommended", "suggested",
                        "investigated", "analysed", "analyzed", "debugged", "profiled",
                        "benchmarked"])
# Verbs of choosing: the best phrase to quote in a trade-off or reflection question.
CHOICE_VERBS = frozenset({"chose", "choose", "picked", "decided", "settled", "opted", "selected",
                          "switched", "kept", "dropped", "stuck", "replaced", "adopted", "ended",
                          "went", "moved", "bet", "committed"})

# Words near a number that make it a comparison (same sentence). Bare "to" is not one: it is
# in most sentences ("we wanted to"); "from X to Y" counts through "from".
BASELINE = frozenset({"compared", "comparing", "comparison", "baseline", "baselines", "versus",
                      "vs", "than", "previous", "previously", "prior", "against", "old",
                      "existing", "legacy", "control", "holdout", "relative", "a/b"})
CLOSE_BASELINE = frozenset({"from", "before", "after"})
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
MONTHS = frozenset({"january", "february", "march", "april", "may", "june", "july", "august",
                    "september", "october", "november", "december"})
# Vague result claims, quoted when an answer has no numbers at all.
# ("dropped" alone is left out: "we dropped a feature" is a decision, not a result.)
CLAIMS = ("improv*", "reduc*", "increas*", "decreas*", "cut", "cutting", "saved", "saving*",
          "faster", "quicker", "better", "best", "fewer", "lower*", "dropped by", "dropped to",
          "went down", "went up", "fell", "halved", "doubled", "impact*", "success*",
          "significant*", "dramatic*", "helped")
# Second choice when there is no claim: a metric named without a value.
METRIC_NOUNS = ("precision", "recall", "accuracy", "auc", "conversion", "revenue", "latency",
                "false positive*", "false decline*", "error rate*")
# Technical words: a phrase with them is specific (worth quoting, worth probing deeper).
TECH = frozenset(["model", "models", "feature", "features", "pipeline", "pipelines", "latency",
                  "service", "serving", "embedding", "embeddings", "threshold", "thresholds",
                  "precision", "recall", "drift", "label", "labels", "labelling", "labeling",
                  "store", "streaming", "stream", "batch", "gradient", "boosted", "trees",
                  "regression", "network", "neural", "inference", "cache", "kafka", "spark",
                  "airflow", "kubernetes", "api", "schema", "percentile", "milliseconds",
                  "distribution", "holdout", "validation", "training", "retraining", "accuracy",
                  "auc", "loss", "calibration", "sampling", "dataset", "data", "queue", "sql",
                  "index", "vector", "transformer", "xgboost", "lightgbm", "pytorch", "tensorflow",
                  "gpu", "cluster", "shard", "rollout", "monitoring", "alerts", "dashboard",
                  "evaluation", "metric", "metrics", "loop"])

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
    r"\s*(?:(%|percent(?:age points?)?|per cent|points?|basis points|x|times|fold|ms|"
    r"milliseconds?|seconds?|secs?|minutes?|mins?|hours?|hrs?|dollars?|euros?|pounds?|k|"
    r"million|billion|thousand)|(days?|weeks?|months?|years?|quarters?))(?!\w)")
YEAR = re.compile(r"(?:19|20)\d\d")
ACRONYM = re.compile(r"\b[A-Z][A-Za-z]*[A-Z]\w*")  # XGBoost, API, AUC: technical names


@dataclass(frozen=True)
class Finding:
    """One rubric criterion read in an answer."""
    criterion: str  # criterion id
    covered: bool
    detail: str  # short reason, e.g. "3 result numbers, none with a baseline", "we x7, I x1"
    evidence: Evidence | None  # what covers it, or what to quote when it is missing
    span: Span | None  # the phrase `evidence` was quoted from (a question may quote less)
    ask: Span | None  # what to quote when it must be asked anyway, covered or not
    counts: tuple[tuple[str, int], ...] = ()  # what was counted, e.g. (("we", 7), ("I", 1))

    def count(self, name: str) -> int:
        return dict(self.counts).get(name, 0)


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


def _finding(t: AnswerText, criterion: str, covered: bool, detail: str, span: Span | None,
             ask: Span | None, counts: tuple[tuple[str, int], ...] = ()) -> Finding:
    return Finding(criterion, covered, detail, t.evidence(span), span, ask, counts)


def _text(text: AnswerText | str) -> AnswerText:
    return text if isinstance(text, AnswerText) else AnswerText(text)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _listing(keywords: Sequence[str], n: int = 3) -> str:
    shown = ", ".join(k.rstrip("*") for k in keywords[:n])
    return shown + (", ..." if len(keywords) > n else "")


# ----------------------------------------------------------------------------- numbers


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
    return _text(text).memo("numbers", _numbers)


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
        if not measure and YEAR.fullmatch(number):  # a date, with its month ("March 2021")
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
        baseline = any(w in BASELINE for w in t.near(first, last, before=12, after=6)) or \
            ((not duration or "from" in close) and any(w in CLOSE_BASELINE for w in close))
        relative = number.split()[-1] in RELATIVE  # "a third", "halved"
        # "a latency budget of 30 ms", "kept it under 20 ms": a requirement met, not a result
        # that needs a baseline.
        spec = any(w in SPEC for w in close)
        changed = any(w.startswith(RESULT_PREFIXES) for w in t.before(first, 6))
        share_of_data = bool(unit and unit.group(1) and DATA_SHARE.match(t.low, unit.end()))
        kind = _unit_kind(unit.group(1) if unit and unit.group(1) else None, number)
        # Only a measure is a starting point: "I sat with three engineers" is a count.
        starting = kind is not None and any(w in STARTING for w in close)
        result = not spec and not starting and (baseline or changed or
                                                (not share_of_data and (measure or relative)))
        if result and not baseline and kind in {n.unit for n in found if n.starting}:
            baseline = True  # its starting point was told before it
        found.append(NumberMention(t.locate(m.start(), end), first, last, result, baseline,
                                   spec, duration, False, starting, kind))
    return found


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


def metrics(text: AnswerText | str, strictness: str = "balanced", *,
            criterion: str = "metrics") -> Finding:
    """Are there measured results, and are they compared with something?

    Covered when: gentle, any figure at all; balanced, a result with a baseline; strict,
    results and every one with a baseline. Quotes a result missing its baseline, else a vague
    claim ("it improved a lot") or a metric named without a value; never a count like "after
    two years", which nobody could give a baseline for.
    """
    t = _text(text)
    figures = [n for n in numbers(t) if not n.date]
    results = [n for n in figures if n.result]
    based = [n for n in results if n.baseline]
    unbased = [n for n in results if not n.baseline]
    if strictness == "gentle":
        covered = bool(figures)
    elif strictness == "strict":
        covered = bool(results) and not unbased
    else:
        covered = bool(based)
    if not figures:
        detail = "no numbers"
    elif not results:
        detail = f"{_count(len(figures), 'number')}, none a measured result"
    else:
        detail = f"{_count(len(results), 'result number')}, " + \
            (f"{len(based)} with a baseline" if based else "none with a baseline")
    counts = (("numbers", len(figures)), ("results", len(results)), ("with_baseline", len(based)))

    def around(n: NumberMention) -> Span:
        return t.phrase(n.first, n.last, 7, 3)

    claim = t.first_phrase(CLAIMS, 4, 5) or t.first_phrase(METRIC_NOUNS, 4, 5)
    ask = around(unbased[0]) if unbased else claim
    if covered:
        shown = based[0] if based else (results or figures)[0]
        return _finding(t, criterion, True, detail, around(shown), ask, counts)
    return _finding(t, criterion, False, detail, ask, ask, counts)


# ----------------------------------------------------------------------------- ownership


def pronoun_counts(text: AnswerText | str) -> tuple[int, int]:
    """(we, I): how often the candidate speaks for the team and for themself.

    "the/our team" counts as "we" (once for "our team"); "my team" counts as "we", not "I";
    "US" in capitals is the country, not "us".
    """
    t = _text(text)
    singular = plural = 0
    previous = ""
    for k, w in enumerate(t.word):
        if w in TEAM and previous in {"the", "my", "our"}:
            plural += 1
            if previous == "my":  # "my team did it" is the team, not me
                singular -= 1
            elif previous == "our":
                plural -= 1  # counted once, as "the team"
        elif w in SINGULAR:
            singular += 1
        elif w in PLURAL and not (w == "us" and t.text[t.start[k]:t.end[k]].strip(PUNCT) == "US"):
            plural += 1  # "the US" is a country
        previous = w
    return plural, singular


def ownership(text: AnswerText | str, strictness: str = "balanced", *,
              criterion: str = "ownership") -> Finding:
    """Does the candidate say what they did themself, not only what "we" did?

    Missing when: gentle, "we" but never "I"; balanced, more "we" than "I"; strict, no "I",
    or at least as much "we" as "I". Quotes a "we <did something>" phrase when missing, else
    an "I <did something>" phrase (and asks, if forced, about a "we" phrase if there is one).
    """
    t = _text(text)
    plural, singular = pronoun_counts(t)
    if strictness == "gentle":
        missing = singular == 0 and plural > 0
    elif strictness == "strict":
        missing = singular == 0 or (plural > 0 and plural >= singular)
    else:
        missing = plural > singular
    detail = f"we x{plural}, I x{singular}"
    counts = (("we", plural), ("I", singular))
    we = subject_phrase(t, WE_SUBJECTS, work_score)
    if missing:
        we = we or t.first_phrase(("our", "the team", "us"), 3, 5)
        return _finding(t, criterion, False, detail, we, we, counts)
    me = subject_phrase(t, I_SUBJECTS, work_score)
    return _finding(t, criterion, True, detail, me, we or me, counts)


# ----------------------------------------------------------------------------- keywords


# ----------------------------------------------------------------------------- phrase finders


def richness(t: AnswerText, span: Span) -> int:
    """How specific a phrase is: technical nouns, plus two for a verb of doing something."""
    words = set(t.word[span[0]: span[1] + 1])
    return len(words & TECH) + (2 if words & WORK_VERBS else 0)


def work_score(verb: str) -> int:
    """2 for a verb of doing work ("built"), 0 for a weak one ("was"), else 1."""
    return 2 if verb in WORK_VERBS else 0 if verb in WEAK_VERBS else 1


def choice_score(verb: str) -> int:
    """3 for a verb of choosing ("chose", "went"), else :func:`work_score`."""
    return 3 if verb in CHOICE_VERBS else work_score(verb)


def subject_phrase(t: AnswerText, subjects: Collection[str], score: Callable[[str], int],
                   min_score: int = 0) -> Span | None:
    """The best "<subject> <verb> ..." phrase: the highest-scoring verb (adverbs between
    are skipped), then the most technical words, then the earliest. "if I ..." is skipped:
    "if I started again I would..." is not something they did."""
    word, sent = t.word, t.sent
    candidates = []
    for k, w in enumerate(word):
        if w not in subjects or t.cend[k] or (k and word[k - 1] == "if"):
            continue
        v = k + 1
        while v < t.n and v - k <= 3 and word[v] in ADVERBS:
            v += 1
        if v < t.n and sent[v] == sent[k]:
            s = score(word[v])
            if s >= min_score:
                candidates.append((s, k, v))
    if not candidates:
        return None
    top = max(s for s, _, _ in candidates)
    spans = [t.phrase(k, v, 0, 10) for s, k, v in candidates if s == top]
    return max(spans, key=lambda span: (richness(t, span), -span[0]))

