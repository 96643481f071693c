"""Results the business felt: the rubric check ``impact``.

A panel screening a machine learning engineer asks what the work changed for the business:
revenue, conversion, fraud losses, costs, hours of manual work, how long customers waited.
Many candidates answer with the model's score alone ("AUC went from 0.81 to 0.87"), which
says the model got better, not that anything else did. The numbers check
(`analysis.content.metrics`) asks for figures with a baseline; this one asks what they
measure.

Each result is read where it is told:

- a **figure** the numbers detector calls a result (`analysis.quantities.numbers`) that
  changed something (a baseline, a change word such as "cut" or "rose" in its clause, or a
  change by itself such as "halved"; "we were losing two million a year" is the problem's
  size, not a result), measured in money or named by the nearest measure word in its clause
  (up to 8 words before it and 5 after): a business measure (``BUSINESS``) or a model's score
  (``MODEL_SCORES``); a figure with neither ("improved it by 20 percent") is left unnamed;
- a **claim** without a figure: a change verb with a business measure in its clause, within a
  few words ("it cut chargebacks", "conversion went up"); the numbers check asks for the
  figure.

Met when one result is in business terms; not met when every result is a model's score
(the remark quotes them) or no result is told at all. Word lists, not meaning: "precision"
is a model's score even where a fraud team reads it as fewer false alarms, so a candidate who
says only that is asked what it changed, which is the question a panel would ask too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from simulator.analysis.content import Finding, _finding, _text, quoted_with_times
from simulator.analysis.quantities import (
    RELATIVE,
    next_figure,
    number_phrase,
    numbers,
)
from simulator.analysis.text import AnswerText, Evidence, Span

# Measures the business feels (word stems, matched at a token's start). "order" is left out
# ("in order to"); "orders" is in. "loss" alone is a model's training loss; "losses" is money.
BUSINESS = (
    "revenue", "sales", "orders", "conversion", "converted", "bookings", "booking", "signup",
    "sign-up", "subscri", "retention", "churn", "customer", "client", "shopper", "buyer",
    "user", "visitor", "traffic", "click", "ctr", "engagement", "basket", "gmv", "margin",
    "profit", "cost", "spend", "saving", "money", "dollar", "euro", "pound", "losses",
    "fraud", "chargeback", "refund", "returns", "complaint", "ticket", "escalation",
    "manual", "analyst", "workload", "headcount", "overtime", "waste", "stock-out",
    "stockout", "overstock", "inventory", "downtime", "outage", "incident", "on-time",
    "delay", "deliver", "readmission", "no-show", "decline", "approval", "default",
    "write-off", "abandon", "bounce", "bill", "latenc", "response time", "wait", "page load",
    "false alarm", "calls", "staff", "hours of", "purchases", "streams", "listening",
    "watch time", "renewal", "upsell", "claims", "payout",
)
# A model's scores, and words that make a figure one ("offline", "validation").
MODEL_SCORES = (
    "accuracy", "precision", "recall", "auc", "roc", "f1", "f-score", "f-measure", "rmse",
    "mae", "mape", "mse", "r2", "r-squared", "log-loss", "logloss", "ndcg", "mrr", "bleu",
    "rouge", "perplexity", "brier", "calibration", "top-1", "top-5", "offline", "validation",
    "test set", "held-out", "holdout set", "error rate", "forecast error", "loss",
    "mean average precision", "map@", "hit rate", "accurate",
)
# Words that make a figure in their clause a change ("cut", "rose", "from ... to" is the
# figure's baseline), and the verbs that make a claim without one ("it cut chargebacks").
CHANGE = ("improv", "reduc", "increas", "decreas", "drop", "fell", "fall", "cut", "sav",
          "grew", "grow", "rose", "rais", "lift", "boost", "lower", "halv", "doubl", "tripl",
          "add", "gain", "beat", "outperform", "shrank", "brought", "fewer", "jump", "climb",
          "slash")
WENT_TO = frozenset({"up", "down", "from", "to"})
# Figures that are a change by themselves, without a change word ("it halved").
CHANGED = frozenset({"halved", "doubled", "tripled"})
# Before a claim's verb, words that make it an adjective ("a couple of dropped calls").
ADJECTIVE_AFTER = frozenset({"of", "a", "an", "the", "some", "many", "few", "more", "fewer",
                             "our", "their", "any", "no"})
CLAIM_VERBS = frozenset({
    "improved", "improves", "improving", "reduced", "reduces", "reducing", "cut", "cuts",
    "increased", "increases", "increasing", "decreased", "decreases", "lowered", "raised",
    "lifted", "boosted", "grew", "doubled", "halved", "tripled", "dropped", "fell", "rose",
    "saved", "saves", "slashed", "shrank", "shrunk", "brought",
})
# Nouns that finish a measure word before them ("manual review", "support calls").
NOUNS_AFTER = frozenset({"review", "reviews", "work", "rate", "time", "hours", "costs",
                         "cost", "volume", "value", "share", "spend", "load", "queue"})
# Words right after a count that make it a change ("four hundred fewer orders").
COUNT_CHANGE = frozenset({"fewer", "more", "less", "extra", "additional"})
# Words between the two figures of one comparison.
COMPARED_WITH = frozenset({"to", "against", "versus", "vs", "than", "compared", "from"})
# A claim's change word and its business measure: at most this many words apart in a clause.
CLAIM_REACH = 4
BEFORE, AFTER = 8, 5  # where a figure's measure word is looked for


@dataclass(frozen=True)
class Result:
    """A result told: its phrase, what it measures ("business", "model" or None), the measure
    word that says so ("chargebacks"), and whether it is a figure."""
    span: Span
    kind: str | None
    measure: str | None
    figure: bool


def results(text: AnswerText | str) -> list[Result]:
    """Every result told, in order (computed once per text)."""
    return _text(text).memo("impact", _results)


def _results(t: AnswerText) -> list[Result]:
    out: list[Result] = []
    taken: set[int] = set()  # tokens inside a figure's clause: no claim is read there
    ends: set[int] = set()  # the far ends of comparisons already read ("... to 1.4 %")
    for n in numbers(t):
        if n.starting or n.date or n.first in ends:
            continue
        clause = _clause(t, n.first, n.last)
        # "four hundred fewer fraudulent orders": a count told as a change is a result.
        counted = not n.result and not n.requirement and any(
            t.word[k] in COUNT_CHANGE for k in range(n.last + 1, min(n.last + 3, t.n)))
        if not n.result and not counted:
            continue
        # A comparison of plain counts ("ten stores against ten others") is a test's set-up
        # unless a change is said with it.
        # "half as long", "twice as often": a change measured against how it was.
        as_much = (t.word[n.last] in RELATIVE and n.last + 2 < t.n
                   and t.word[n.last + 1] == "as" and t.sent[n.last + 2] == t.sent[n.last])
        changed = counted or as_much or (n.baseline and (n.unit is not None or n.duration)) \
            or n.unit == "factor" or bool({"up", "down"} & set(t.before(n.first, 3))) \
            or any(t.word[k].startswith(CHANGE) or _went(t, k) or _up_or_down(t, k)
                   for k in clause)
        if not changed and t.word[n.first] not in CHANGED:
            continue
        kind, measure = ("business", "money") if n.unit == "money" else (None, None)
        if kind is None:
            kind, measure = _nearest_measure(t, n.first, n.last, clause)
        until = next_figure(t, n)
        # The other end of one comparison ("from 0.81 to 0.87"), not a second result told
        # after "and" ("precision by 12 % and manual review by a third").
        between = {t.word[k] for k in range(n.last + 1, until.first)} if until else set()
        if until is not None and (between & {"and", "while", "but"}
                                  or not between & COMPARED_WITH):
            until = None
        if until is not None:
            ends.add(until.first)
        span = (t.phrase(n.first, n.last + 2, 7, 3, whole_clause=True) if as_much
                else number_phrase(t, n, until))  # "half as long", whole
        out.append(Result(span, kind, measure, True))
        taken.update(clause)
    for k in range(t.n):
        if k in taken or not _claim_verb(t, k):
            continue
        clause = _clause(t, k, k)
        near = [j for j in clause if abs(j - k) <= CLAIM_REACH and j != k]
        measure = next((m for j in near if (m := _measure(t, j, BUSINESS))), None)
        if measure is not None:
            out.append(Result(t.phrase(min(near[0], k), k, 4, 4), "business", measure, False))
            taken.update(clause)
    return sorted(out, key=lambda r: r.span.core_first)


def _claim_verb(t: AnswerText, k: int) -> bool:
    """A verb of change at token k: one of ``CLAIM_VERBS``, or "went up", "came down"."""
    word = t.word[k]
    if k > 0 and t.word[k - 1] in ADJECTIVE_AFTER and t.sent[k - 1] == t.sent[k]:
        return False
    if word in CLAIM_VERBS:
        return True
    return _went(t, k, {"up", "down"})


def _went(t: AnswerText, k: int, to: frozenset[str] | set[str] = WENT_TO) -> bool:
    """A change said with "went", "came" or "go": "went from", "went down", "came down to"."""
    return (t.word[k] in {"went", "go", "goes", "gone", "came", "come"} and k + 1 < t.n
            and t.word[k + 1] in to and t.sent[k + 1] == t.sent[k])


def _up_or_down(t: AnswerText, k: int) -> bool:
    """ "was down by", "up two percent": a change said with "up" or "down" after a verb."""
    if t.word[k] not in {"up", "down"} or k == 0 or t.sent[k - 1] != t.sent[k]:
        return False
    return t.word[k - 1] in {"was", "were", "is", "are", "been", "be", "went", "came", "go",
                             "come", "gone", "goes", "comes", "way", "slightly", "well"}


def _clause(t: AnswerText, first: int, last: int) -> list[int]:
    """The tokens of the clause around first..last (up to ``BEFORE`` words before and
    ``AFTER`` after, inside the sentence; a clause end stops it)."""
    i = first
    while i > 0 and first - i < BEFORE and t.sent[i - 1] == t.sent[first] \
            and not t.cend[i - 1]:
        i -= 1
    j = last
    while j + 1 < t.n and j - last < AFTER and not t.cend[j] \
            and t.sent[j + 1] == t.sent[last]:
        j += 1
    return list(range(i, j + 1))


def _measure(t: AnswerText, k: int, stems: tuple[str, ...]) -> str | None:
    """The measure word of ``stems`` said at token k (also as its first of two words:
    "response time", "log loss"), as said; None if there is none."""
    word = t.word[k]
    two = f"{word} {t.word[k + 1]}" if k + 1 < t.n and t.sent[k + 1] == t.sent[k] else word
    if word == "log" and two == "log loss":
        return "log loss" if stems is MODEL_SCORES else None
    if word == "loss" and k > 0 and t.word[k - 1] in {"fraud", "revenue", "credit", "log"}:
        if t.word[k - 1] == "log":
            return "log loss" if stems is MODEL_SCORES else None
        return None if stems is MODEL_SCORES else f"{t.word[k - 1]} loss"
    for stem in stems:
        if " " in stem and two.startswith(stem):
            return two
        if " " not in stem and word.startswith(stem):
            # "fraudulent orders", "manual review": the measure is the two words together.
            after = two.split()[-1]
            if after != word and (after.startswith(stems) or after in NOUNS_AFTER):
                return two
            return word
    return None


def _nearest_measure(t: AnswerText, first: int, last: int,
                     clause: list[int]) -> tuple[str | None, str | None]:
    """What a figure at first..last measures: the kind of the nearest measure word in its
    clause (a business measure wins a tie), and that word."""
    best: tuple[int, int, str, str] | None = None
    for j in clause:
        if first <= j <= last:
            continue
        distance = first - j if j < first else j - last
        for rank, (kind, stems) in enumerate((("business", BUSINESS), ("model", MODEL_SCORES))):
            measure = _measure(t, j, stems)
            if measure is not None and (best is None or (distance, rank) < best[:2]):
                best = (distance, rank, kind, measure)
    return (best[2], best[3]) if best else (None, None)


def impact_criterion(text: AnswerText | str, criterion_id: str) -> Finding:
    """Not met when every result told is a model's score, or no result is told; met by one
    result in business terms or whose measure the word lists do not name (lenient: a remark
    that the answer spoke only of the model is then rarely wrong). The quote is the first
    such result, else the first model's score (what the coach asks about)."""
    t = _text(text)
    told = results(t)
    business = [r for r in told if r.kind == "business"]
    scores = [r for r in told if r.kind == "model"]
    other = business + [r for r in told if r.kind is None]
    counts = (("business", len(business)), ("model scores", len(scores)),
              ("results", len(told)))
    if other:
        if business:
            detail = f"in business terms: {_names(business)}" + (
                "" if any(r.figure for r in business) else ", without a figure")
        else:
            detail = f"{len(other)} result{'s' if len(other) > 1 else ''} beyond the model's score"
        return _finding(t, criterion_id, True, detail, other[0].span, other[0].span, counts,
                        basis="words")
    if scores:
        return _finding(t, criterion_id, False,
                        f"results only as the model's score: {_names(scores)}",
                        scores[0].span, scores[0].span, counts)
    return _finding(t, criterion_id, False, "no result told", None, None, counts)


def _names(told: list[Result], n: int = 3) -> str:
    """The measures named, in order, without repeats: "chargebacks, manual review"."""
    names = list(dict.fromkeys(r.measure for r in told if r.measure))
    return ", ".join(names[:n]) + (", ..." if len(names) > n else "")


def impact_evidence(text: AnswerText, covered: bool) -> list[Evidence | None]:
    """The quotes behind the finding: the results in business terms when there are some,
    else the ones told as a model's score."""
    told = results(text)
    if not covered:
        return [text.evidence(r.span) for r in told if r.kind == "model"]
    return [text.evidence(r.span) for r in sorted(told, key=lambda r: r.kind != "business")
            if r.kind != "model"]


def impact_remark(title: str, f: Finding, evidence: Sequence[Evidence]) -> str | None:
    """The remark when every result told is a model's score: which, and when."""
    if f.covered or not evidence or not f.count("model scores"):
        return None
    return (f"{title}: {quoted_with_times(evidence)} measure the model; say what it changed "
            "for the business.")
