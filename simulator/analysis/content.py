"""What an answer says: the content detectors behind a rubric's checks.

Each detector is a small public function of an :class:`AnswerText` (or a plain transcript)
returning findings with located :class:`Evidence` (quotable, and playable from the
recording when the text has timed words): :func:`metrics` (on the figures that
`analysis.quantities` classifies) and :func:`ownership` give one :class:`Finding` each, as
`analysis.criteria` does for the keyword checks, where :func:`assess` runs a whole rubric;
the phrase finders pick the words most worth quoting.

Decision rules are documented where they are made; word lists are module constants. A new
signal is one more function returning a :class:`Finding` (or located mentions, like
`quantities.numbers`); a new built-in rubric check is one more entry in :data:`CHECKS`.
Pure and fast: no I/O; a 3-minute answer is assessed in about a millisecond.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from simulator.analysis.quantities import NumberMention, number_phrase, numbers
from simulator.analysis.text import PUNCT, AnswerText, Evidence, Span
from simulator.analysis.timing import format_duration

STRICTNESS = ("gentle", "balanced", "strict")

# ----------------------------------------------------------------------------- word lists

# Ownership. "our team" counts once, as the team; "my team did it" is the team, not me.
TEAM = frozenset({"team", "team's"})
SINGULAR = frozenset({"i", "i'm", "i've", "i'd", "i'll", "my", "me", "myself", "mine"})
PLURAL = frozenset({"we", "we're", "we've", "we'd", "we'll", "our", "ours", "us", "ourselves"})
# After "I", a hedge rather than a statement of work ("I think we shipped it").
HEDGE_VERBS = frozenset({"think", "guess", "mean", "believe", "suppose", "feel", "reckon",
                         "remember", "recall", "know", "say", "imagine", "assume"})
# After "my", people and things that are no work of the candidate's ("my company trained it").
NOT_MY_WORK = frozenset({"company", "employer", "manager", "boss", "colleague", "colleagues",
                         "teammate", "teammates", "director", "job", "role", "opinion", "view",
                         "mind", "background", "degree", "career", "life"})
# Subjects of a "<subject> <verb> ..." phrase.
WE_SUBJECTS = frozenset({"we", "we've", "we'd", "we'll"})
I_SUBJECTS = frozenset({"i", "i've", "i'd", "i'll"})
DID_SUBJECTS = frozenset({"i", "i've"})  # not "i'd" (would) nor "i'll"
# Skipped between a subject and its verb: "we basically just built".
ADVERBS = frozenset(["also", "then", "basically", "just", "actually", "eventually", "finally",
                     "really", "first", "initially", "quickly", "kind", "sort", "of", "all",
                     "together", "later", "originally", "mostly", "mainly", "um", "uh", "like",
                     "ultimately", "even", "did", "fine"])  # "I fine tuned"
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
                        "benchmarked", "started", "spotted", "spent"])
# Verbs of choosing: the best phrase to quote in a trade-off or reflection question.
CHOICE_VERBS = frozenset({"chose", "choose", "picked", "decided", "settled", "opted", "selected",
                          "switched", "kept", "dropped", "stuck", "replaced", "adopted", "ended",
                          "went", "moved", "bet", "committed"})

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
    # What met it, for a keyword check: "words" (its own), "plan" (a change said as a plan),
    # "part" (its part told, `analysis.signals`), "not applicable"; not met: "said nothing"
    # (its words said, saying nothing: "I wouldn't change anything"), "in passing" (said,
    # but not in its own part, which was not told: `analysis.signals`); "" otherwise.
    basis: str = ""

    def count(self, name: str) -> int:
        return dict(self.counts).get(name, 0)


def _finding(t: AnswerText, criterion: str, covered: bool, detail: str, span: Span | None,
             ask: Span | None, counts: tuple[tuple[str, int], ...] = (), basis: str = ""
             ) -> Finding:
    return Finding(criterion, covered, detail, t.evidence(span), span, ask, counts, basis)


def _text(text: AnswerText | str) -> AnswerText:
    return text if isinstance(text, AnswerText) else AnswerText(text)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def quoted_with_times(evidence: Sequence[Evidence], n: int = 2) -> str:
    """The first ``n`` quotes with when they were said, for a remark: “I left the bank”
    (0:26) and “I joined a start-up” (1:02)."""
    return " and ".join(f"“{e.quote}”" + (f" ({format_duration(e.start_s)})"
                                          if e.start_s is not None else "")
                        for e in evidence[:n])


def keyword_list(keywords: Sequence[str], n: int = 3) -> str:
    """The first ``n`` keywords as a remark shows them ("latency, drift, ..."), without their
    wildcards."""
    shown = ", ".join(k.rstrip("*") for k in keywords[:n])
    return shown + (", ..." if len(keywords) > n else "")


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
        return number_phrase(t, n)

    claim = t.first_phrase(CLAIMS, 4, 5) or t.first_phrase(METRIC_NOUNS, 4, 5)
    ask = around(unbased[0]) if unbased else claim
    if covered:
        shown = based[0] if based else (results or figures)[0]
        return _finding(t, criterion, True, detail, around(shown), ask, counts)
    if ask is not None and not unbased:
        # A quote with no number in it beside "missing numbers" needs saying what it is for.
        detail += "; quoted: a claim a number could back"
    return _finding(t, criterion, False, detail, ask, ask, counts)


# ----------------------------------------------------------------------------- ownership


def pronoun_counts(text: AnswerText | str) -> tuple[int, int]:
    """(we, I): how often the candidate speaks for the team and for themself.

    "the/our team" counts as "we" (once for "our team"); "my team" counts as "we", not "I";
    "US" in capitals is the country, not "us". A hedge ("I think", "I guess", "I mean", "I'd
    say") and "my" before what is no work of theirs ("my company", "my manager") are not
    the candidate speaking for their own work.
    """
    t = _text(text)
    singular = plural = 0
    previous = ""
    for k, w in enumerate(t.word):
        after = t.word[k + 1] if k + 1 < t.n and t.sent[k + 1] == t.sent[k] else ""
        if (w in {"i", "i'd"} and after in HEDGE_VERBS) or (w == "my" and after in NOT_MY_WORK):
            previous = w
            continue
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


def too_much_we(plural: int, singular: int, strictness: str = "balanced") -> bool:
    """Whether "we" x``plural`` against "I" x``singular`` misses the candidate's own part
    (see :func:`ownership`). No "I" at all always does, also with no "we": an answer told
    in the passive ("the model was trained and then deployed") never says who did the work,
    which is what the question is after."""
    if singular == 0:
        return True
    if strictness == "gentle":
        return False
    if strictness == "strict":
        return plural > 0 and plural >= singular
    return plural > singular


def ownership(text: AnswerText | str, strictness: str = "balanced", *,
              criterion: str = "ownership") -> Finding:
    """Does the candidate say what they did themself, not only what "we" did?

    Missing when there is no "I" at all (nor "my", "me"...), and also when: balanced, more
    "we" than "I"; strict, at least as much "we" as "I". Quotes a "we <did something>" phrase
    when missing (a work verb in the passive when there is no "we": "the model was trained"),
    else an "I <did something>" phrase (and asks, if forced, about a "we" phrase if there is
    one).
    """
    t = _text(text)
    plural, singular = pronoun_counts(t)
    missing = too_much_we(plural, singular, strictness)
    detail = f"we x{plural}, I x{singular}"
    counts = (("we", plural), ("I", singular))
    we = subject_phrase(t, WE_SUBJECTS, work_score)
    if missing:
        we = (we or t.first_phrase(("our", "the team", "us"), 3, 5)
              or next(iter(passive_work(t)), None))
        if plural == 0:
            detail += ": nobody is said to have done the work"
        return _finding(t, criterion, False, detail, we, we, counts)
    # What they did: "I built", "I've run"; "I'd pick" and "I'll say" only when nothing else.
    me = subject_phrase(t, DID_SUBJECTS, work_score) or subject_phrase(t, I_SUBJECTS, work_score)
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


# "The model was trained on ...": work told in the passive, which names no one. Quoted when
# ownership is missing and there is no "we" phrase to ask about.
PASSIVE_WORK = re.compile(
    r"\b(?:was|were|been|being|got|is|are)(?: (?:then|also|later|first|finally|eventually|"
    r"initially|quickly|mostly|all))? ((?:re)?(?:built|written|chosen|run|set up|made|led|"
    r"owned|kept|found|" + "|".join(sorted(v for v in WORK_VERBS if v.endswith("ed"))) + r"))\b")


def passive_work(t: AnswerText) -> list[Span]:
    """The phrases around the work verbs told in the passive ("the features were computed
    nightly"), in order."""
    # Its subject whole: "six months of card data were collected", the thing worked on.
    return [t.phrase(*t.tok_range(m.start(), m.end()), 5, 4, whole_clause=True)
            for m in PASSIVE_WORK.finditer(t.low)]


def subject_phrase(t: AnswerText, subjects: Collection[str], score: Callable[[str], int],
                   min_score: int = 0) -> Span | None:
    """The best "<subject> <verb> ..." phrase (see :func:`subject_phrases`), or None."""
    return next(iter(subject_phrases(t, subjects, score, min_score)), None)


def subject_phrases(t: AnswerText, subjects: Collection[str], score: Callable[[str], int],
                    min_score: int = 0) -> list[Span]:
    """Every "<subject> <verb> ..." phrase, best first: the highest-scoring verb (adverbs
    between are skipped), then the most technical words, then the earliest. "if I ..." is
    skipped: "if I started again I would..." is not something they did."""
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
    ranked = [(-s, -richness(t, span), span[0], span)
              for s, k, v in candidates for span in [t.phrase(k, v, 0, 10)]]
    return [span for *_, span in sorted(ranked)]
