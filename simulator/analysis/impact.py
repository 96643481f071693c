"""Results the business felt: the rubric check ``impact``.

A panel screening a machine learning engineer asks what the work changed for the business:
revenue, conversion, fraud losses, costs, hours of manual work, how long customers waited.
Many candidates answer with the model's score alone ("AUC went from 0.81 to 0.87"), which
says the model got better, not that anything else did. The numbers check
(`analysis.content.metrics`) asks for figures with a baseline; this one asks what they
measure.

Each result is read where it is told:

- a **figure** that changed: a change word in its clause ("cut", "rose", "went from", "was
  down by", "now"), a comparative right after it ("2 % more orders", "two weeks quicker"),
  "instead of", "down to", "up from", against a control ("4.4 % versus 4.1 %"), "an extra
  two million", "worth", "half as long", a factor with a comparative ("three times faster"),
  "from" before a measured figure, or a change by itself ("halved"). Not the problem's size
  ("losing two million a year") or how it stood before the work, told in the past perfect by
  others than the team ("our losses had doubled", "churn had gone up 15 %"), a test's set-up
  ("two weeks on 10 % of traffic"), a requirement ("under 30 ms"), a date, nor a goal, plan
  or guess in its clause ("the goal was to cut churn by 5 %", "it would save"; a speaker's
  hedge, "I would say", is none). What it measures: money is the business's; else a measure
  right after it ("6 points of AUC", "30 % less time spent"); else the measure words of its
  clause before it, back to a word that starts a new clause or names a cause ("which meant",
  "and", "with the higher precision", "saved"), a business one winning over a model's score;
  else after it, up to a qualifier ("chargebacks went down by 20 % *at the same recall*";
  `analysis.impact_measures`). A business measure is ``BUSINESS``, a model's score or set-up
  ``MODEL`` (accuracy, AUC, F1, batch size); neither leaves it unnamed. A figure in business
  terms told as what a model's score was worth, in its sentence or the next ("recall rose 15
  points, *which meant* two million dollars of fraud caught", or in money), counts without a
  change word.
- a **claim** without a figure: a word of change within five words of a business measure
  ("it cut chargebacks", "conversion went up", "a significant increase in revenue", "far
  less manual correction", "we could turn off the manual review step"; not "a couple of
  dropped calls", nor the problem or a goal: "we aimed to cut manual review", "asked us to
  reduce churn", "chargebacks had been rising", "less than one percent of transactions"; but
  "route planning" is a kind of work, no plan); or people's time saved, freed or got back
  ("freed up a lot of the analysts' time", "saved them a full day", "the nurses got back two
  hours a shift"; not "every time", "at the end of the day").

Met when one result is in business terms or unnamed (lenient: a business word beside a score
counts); not met when every result is about the model (quoted) or none is told. Word lists,
not meaning (`analysis.impact_words`): "precision" is a model's score even where a fraud team
reads it as fewer false alarms, so the candidate is asked what it changed, as a panel would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from simulator.analysis.content import Finding, _finding, _text, quoted_with_times
from simulator.analysis.impact_measures import (
    BEFORE,
    clause_of,
    given_back,
    measure_at,
    what_it_measures,
)
from simulator.analysis.impact_words import (
    ADJECTIVE_AFTER,
    AFTER_THE_WORK,
    AMOUNT_OF_TIME,
    BUSINESS,
    CHANGE,
    CHANGE_NOUNS,
    CHANGED,
    COMPARATIVE,
    COMPARED_WITH,
    EXTRA,
    HEDGE_PHRASES,
    HEDGES,
    LINKS,
    MEANT,
    MOMENT,
    PERFECT_BETWEEN,
    PLANNED,
    TIME_SAVED,
    TIME_UNITS,
)
from simulator.analysis.quantities import (
    RELATIVE,
    NumberMention,
    next_figure,
    number_phrase,
    numbers,
)
from simulator.analysis.text import AnswerText, Evidence, Span

CLAIM_REACH, TIME_REACH = 5, 8  # change word to business measure, "saved" to "time": apart


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
    starts = {n.first for n in numbers(t) if not n.date}
    read_to = -1  # the last token of the last figure's phrase: a figure inside it is read
    scored_in: int | None = None  # the sentence of the last model's score
    for n in numbers(t):
        if n.date or n.starting or n.requirement or n.first <= read_to or _planned(t, n.first):
            continue
        if _before_the_work(t, n.first):
            continue
        kind, measure = what_it_measures(t, n)
        # What a score was worth, in its sentence or the next: said as such ("which
        # meant"), or in money ("finance put the value at around 4 million a year").
        bought = (kind == "business" and scored_in is not None
                  and t.sent[n.first] - scored_in <= 1
                  and (_meant(t, n.first) or measure == "money"))
        if not (bought or _changed(t, n, starts)):
            continue
        until = next_figure(t, n)
        # The other end of one comparison ("from 0.81 to 0.87"), not a second result told
        # after "and" ("precision by 12 % and manual review by a third").
        between = {t.word[k] for k in range(n.last + 1, until.first)} if until else set()
        if until is not None and (between & {"and", "while", "but"}
                                  or not between & COMPARED_WITH):
            until = None
        span = (t.phrase(n.first, n.last + 2, 7, 3, whole_clause=True) if _as_much(t, n)
                else number_phrase(t, n, until))  # "half as long", whole
        read_to = max(span.last, until.last if until else n.last)
        out.append(Result(span, kind, measure, True))
        if kind == "model":
            scored_in = t.sent[n.first]
    told = [(r.span.first, r.span.last) for r in out]
    for k in range(t.n):
        back = given_back(t, k)  # "the nurses got back two hours a shift": time alone
        if any(a <= k <= b for a, b in told) or not (back or _claim_verb(t, k)) \
                or _planned(t, k):
            continue
        # A comparative names what it changed after it ("far less manual correction").
        ahead = t.word[k] in COMPARATIVE
        near = [j for j in clause_of(t, k, k, 0 if ahead else CLAIM_REACH, CLAIM_REACH)
                if j != k]
        j, measure = next(((j, m) for j in near if not back
                           and (m := measure_at(t, j, BUSINESS))), (k, None))
        if measure is None and (back or t.word[k].startswith(("sav", "free"))):
            around = [j for j in near if j < k] + clause_of(t, k, k, 0, TIME_REACH)[1:]
            j, measure = next(((j, "time saved") for j in around if _time_given(t, j, k)),
                              (k, None))
        if measure is not None:
            first, last = min(j, k), max(j, k)
            i = first  # from its subject, back to a word that links it to what came before
            while i > 0 and first - i < 3 and t.sent[i - 1] == t.sent[first] \
                    and not t.cend[i - 1] and t.word[i - 1] not in LINKS:
                i -= 1
            span = t.phrase(i, last, 0, 4)
            out.append(Result(Span(span.first, span.last, first, last), "business", measure,
                              False))
            told.append((span.first, span.last))
    return sorted(out, key=lambda r: r.span.core_first)


def _time_given(t: AnswerText, j: int, k: int) -> bool:
    """Whether token j, near "saved", "freed" or "got back" at k, is people's time: a plural
    ("hours", "time") not after a word that makes it a moment ("every time", "next time"),
    or a unit of time after a word of amount ("a full day", "an hour"); not "for days"."""
    if "for" in t.word[min(j, k):max(j, k)]:
        return False
    before = t.word[j - 1] if j > 0 else ""
    if t.word[j] in TIME_SAVED:
        return before not in MOMENT
    return t.word[j] in TIME_UNITS and before in AMOUNT_OF_TIME


def _before_the_work(t: AnswerText, first: int) -> bool:
    """A change told in the past perfect by others than the team: how things stood before
    the work ("our fraud losses had doubled", "churn had gone up like fifteen percent",
    "costs had increased by 20 percent"), not what it changed ("we had halved the queue",
    "by the end of the quarter chargebacks had dropped by 30 percent", "within two months
    manual review had fallen by half": a time after the work in its sentence)."""
    said = [w for w in t.before(first, 6) if w not in PERFECT_BETWEEN]
    if "had" not in said or AFTER_THE_WORK.search(
            " ".join(t.word[k] for k in range(t.n) if t.sent[k] == t.sent[first])):
        return False
    k = len(said) - 1 - said[::-1].index("had")
    verb = said[k + 1:]
    if len(verb) == 2 and verb[0] == "been":  # "had been cut by"
        verb = verb[1:]
    if said[k - 1:k] in (["we"], ["i"]) or len(verb) > 1:
        return False
    # Its participle before the figure, or the figure itself ("had doubled"); not "had
    # about six percent higher revenue", where "had" is no past perfect.
    return (verb[0] in CHANGE or verb[0].endswith("ed") or verb[0] in {"gone", "been"}) \
        if verb else t.word[first].endswith("ed")


def _changed(t: AnswerText, n: NumberMention, starts: set[int]) -> bool:
    """Whether the figure is told as a change (see the module's note)."""
    after = [t.word[k] for k in range(n.last + 1, min(n.last + 3, t.n))
             if t.sent[k] == t.sent[n.last]]
    if "or" in [t.word[k] for k in range(n.last + 1, min(n.last + 4, t.n))] \
            or after[:1] == ["than"]:  # "more or less", "two or more"
        after = []
    clause = clause_of(t, n.first, n.last, BEFORE, 5)
    if set(after) & COMPARATIVE or set(t.before(n.first, 2)) & EXTRA or _as_much(t, n):
        return True
    # "300 cases a day instead of 1000"; "4.1 percent, up from 3.5"; "down to four minutes";
    # a measure against its control ("4.4 percent versus 4.1 percent for control").
    later = [t.word[k] for k in range(n.last + 1, min(n.last + 8, t.n))
             if t.sent[k] == t.sent[n.last]]
    spoken = [t.word[k] for k in range(n.first - 1, max(n.first - 6, -1), -1)
              if t.sent[k] == t.sent[n.first] and t.word[k] not in HEDGES][:2]
    if "instead" in later or {("up", "from"), ("down", "from")} & set(pairwise(later)) \
            or spoken in (["to", "down"], ["of", "instead"], ["worth"]) or spoken[:1] == [
                "worth"] or (n.unit is not None and {t.word[k] for k in clause if k > n.last}
                             & {"versus", "vs", "than", "compared"}):
        return True
    if t.word[n.first] in CHANGED or (n.unit == "factor" and after[:1] and (
            after[0] in COMPARATIVE or after[0] in {"as", "the"})):  # "three times faster"
        return True
    # "from 2 % to 1.4 %"; not a baseline word alone ("two weeks on 10 % of traffic in the
    # A/B test"), nor "AUC 0.81 to 0.87" without a verb.
    if n.unit is not None and "from" in t.before(n.first, 3):
        return True
    # "was up 8 percent", "skips, down by about a third" (not "fogged up half the morning").
    k = n.first - 1
    while k > 0 and t.sent[k] == t.sent[n.first] and t.word[k] in HEDGES:
        k -= 1
    if k >= 0 and t.sent[k] == t.sent[n.first] and (
            _up_or_down(t, k) or (t.word[k] in {"up", "down"} and (
                k == 0 or t.cend[k - 1] or t.sent[k - 1] != t.sent[k]))):
        return True
    timed = n.duration or n.unit == "time"  # "got back two hours a shift", not "the top three"
    return any(t.word[k] in CHANGE or _went(t, k, starts) or _up_or_down(t, k)
               or (timed and given_back(t, k)) for k in clause)


def _as_much(t: AnswerText, n: NumberMention) -> bool:
    """ "half as long", "twice as often", "half what it was": a change measured against how
    it was."""
    if t.word[n.last] not in RELATIVE or n.last + 2 >= t.n \
            or t.sent[n.last + 2] != t.sent[n.last]:
        return False
    return t.word[n.last + 1] == "as" or (t.word[n.last + 1], t.word[n.last + 2]) in {
        ("what", "it"), ("what", "they"), ("of", "what")}  # "half what it was"


def _planned(t: AnswerText, first: int) -> bool:
    """A goal, a plan or a guess in the clause before token ``first``: "the goal was to cut
    churn by 5 %", "it would save", "we needed to cut"; not a speaker's hedge ("I would say",
    "if I remember right", "I want to say", "I might be off")."""
    before: list[str] = []
    for k in reversed(clause_of(t, first, first, 10, 0)[:-1]):
        if t.word[k] in LINKS:  # "we should have seen it earlier *but* refunds dropped"
            break
        before.insert(0, t.word[k])
    said = HEDGE_PHRASES.sub(" ", f" {' '.join(before)} ").split()
    # "planning" is a plan before "to", "on" or "for"; otherwise a kind of work ("it cut
    # route planning time by half", "demand planning errors dropped").
    return any(w in PLANNED and (w != "planning" or said[i + 1:i + 2] in (["to"], ["on"],
                                                                          ["for"]))
               for i, w in enumerate(said))


def _meant(t: AnswerText, first: int) -> bool:
    """Told as what a model's score meant: "which meant", "that's", "in dollar terms"."""
    return bool(set(t.before(first, 12)) & MEANT) or (
        first > 0 and t.sent[first - 1] != t.sent[first])


def _claim_verb(t: AnswerText, k: int) -> bool:
    """A verb of change at token k (not an adjective: "dropped calls"), or "went up"."""
    if t.word[k] in CHANGE_NOUNS:  # "a significant increase in revenue"
        return True
    if t.word[k] == "off" and k > 0 and t.word[k - 1] in {"turn", "turned", "switch",
                                                          "switched", "shut"}:
        return True  # "we could turn off the manual review step"
    if k > 0 and t.sent[k - 1] == t.sent[k] and (
            t.word[k - 1] in ADJECTIVE_AFTER  # "a couple of dropped calls"
            or t.word[k - 1] in {"to", "been", "had", "without", "not"}):  # "needed to cut"
        return False
    if t.word[k] in {"less", "fewer", "more"} and k + 1 < t.n and t.word[k + 1] in {
            "than", "about", "of", "or", "and", "like"}:
        return False  # "less than one percent of transactions", "more about customers"
    # "now" makes a figure a change ("now handles 40 % of tickets"), not a sentence a claim.
    return (t.word[k] in CHANGE and t.word[k] != "now") or t.word[k] in {
        "less", "fewer", "more"} or _went(t, k, set(), {"up", "down"})


def _went(t: AnswerText, k: int, starts: set[int],
          to: frozenset[str] | set[str] = frozenset({"up", "down", "from"})) -> bool:
    """A change said with "went", "came" or "go": "went from", "went down", "went to" a
    figure ("went to zero point five percent", not "went to production")."""
    if t.word[k] not in {"went", "go", "goes", "gone", "came", "come"} or k + 1 >= t.n \
            or t.sent[k + 1] != t.sent[k]:
        return False
    if t.word[k] in {"came", "come"} and t.word[k + 1] == "from":
        return False  # where it came from ("the data came from two years of transactions")
    nxt = t.word[k + 1]
    if nxt in {"way", "right", "significantly", "sharply", "steadily"} and k + 2 < t.n:
        nxt = t.word[k + 2]  # "went way down"
    return nxt in to or (nxt == "to" and k + 2 in starts)


def _up_or_down(t: AnswerText, k: int) -> bool:
    """ "was down by", "is up": a change said with "up" or "down" after a verb."""
    if t.word[k] not in {"up", "down"} or k == 0 or t.sent[k - 1] != t.sent[k]:
        return False
    return t.word[k - 1] in {"was", "were", "is", "are", "been", "be", "went", "came", "go",
                             "come", "gone", "goes", "comes", "way", "slightly", "well"}


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
            detail = f"{len(other)} result{'s' if len(other) > 1 else ''} beyond the model"
        return _finding(t, criterion_id, True, detail, other[0].span, other[0].span, counts,
                        basis="words")
    if scores:
        return _finding(t, criterion_id, False,
                        f"results only about the model: {_names(scores)}",
                        scores[0].span, scores[0].span, counts)
    return _finding(t, criterion_id, False, "no result told", None, None, counts)


def _names(told: list[Result], n: int = 3) -> str:
    """The measures named, in order, without repeats: "chargebacks, manual review"."""
    names = list(dict.fromkeys(r.measure for r in told if r.measure))
    return ", ".join(names[:n]) + (", ..." if len(names) > n else "")


def impact_evidence(text: AnswerText, covered: bool) -> list[Evidence | None]:
    """The quotes behind the finding: the results in business terms (then the unnamed ones)
    when there are some, else the ones about the model."""
    told = results(text)
    if not covered:
        return [text.evidence(r.span) for r in told if r.kind == "model"]
    return [text.evidence(r.span) for r in sorted(told, key=lambda r: r.kind != "business")
            if r.kind != "model"]


def impact_remark(title: str, f: Finding, evidence: Sequence[Evidence]) -> str | None:
    """The remark when every result told is a model's score: which, and when."""
    if f.covered or not evidence or not f.count("model scores"):
        return None
    verb = "is" if len(evidence) == 1 else "are"
    return (f"{title}: {quoted_with_times(evidence)} {verb} about the model; say what it "
            "changed for the business.")
