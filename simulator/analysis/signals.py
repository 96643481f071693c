"""Content signals for an answer: what a strong answer for the role shows, found or missing,
each with the candidate's words quoted and when they were said.

The signals come from the script's rubric (one per criterion the question is judged on:
numbers with a baseline, personal ownership, trade-offs, production, reflection, whatever
the rubric lists), read with the located parts: a criterion is quoted first from the part
the script says shows it, met by that part told in plain words, and not met by its words
said in passing when that part was never told; ownership is counted where the candidate's
own work is told (`analysis.ownership`). Then the common mistakes the seed document warns
about, detected on the
same evidence:

- **time balance**: parts of the answer over their budget while others are short or missing
  (the biography taking over a career answer, the context eating the deep dive);
- **accuracy without deployment**: model quality talked about, the production path not;
- **team work without the individual**: "we" far more than "I" where the candidate's own
  work is described (the parts the script marks ``own_work``);
- **no metrics**: results claimed without numbers (the metrics signal).

Each :class:`Signal` says what was found (for a criterion made of aspects, which were
named), what is missing and why it matters for the role; ``found`` is whether the thing
described was observed (for a mistake, that is bad). Every quote is located
(`analysis.text.Evidence`) and reads on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from simulator.analysis.content import (
    DID_SUBJECTS,
    WE_SUBJECTS,
    Finding,
    keyword_list,
    pronoun_counts,
    subject_phrases,
    work_score,
)
from simulator.analysis.criteria import assess, said_specifically
from simulator.analysis.impact import impact_evidence, impact_remark
from simulator.analysis.moves import move_evidence, moves_remark
from simulator.analysis.ownership import ownership_in_own_work
from simulator.analysis.partners import partners
from simulator.analysis.parts import PartTiming, Timeline, within
from simulator.analysis.quantities import NumberMention, next_figure, number_phrase, numbers
from simulator.analysis.text import AnswerText, Evidence
from simulator.analysis.timing import format_duration
from simulator.config.rubric import Criterion, Rubric

MAX_EVIDENCE = 4
# Model-quality words that, without any production language, make an answer sound like a
# notebook exercise.
ACCURACY_WORDS = ("accuracy", "precision", "recall", "auc", "f1", "f-score", "offline metric*",
                  "validation set", "test set", "cross-validat*", "held-out", "holdout")


@dataclass(frozen=True)
class Signal:
    id: str
    title: str
    kind: str  # "quality" (something a strong answer shows) or "mistake"
    found: bool
    detail: str  # what was found, in a few words
    missing: str | None  # what is missing, when something is
    why: str  # why it matters for this question
    evidence: tuple[Evidence, ...] = ()
    # What the remarks say when it falls short, where that is more than "missing <missing>":
    # a move told without a reason names the move.
    remark: str | None = None
    # Its words, said outside the part the script says shows it, which was not found: the
    # parts finder may have read that part as another (the missing part's remark says so).
    said_elsewhere: Evidence | None = None


# What a built-in check's remark says when it falls short, beyond "missing <missing>".
REMARKS: dict[str, Callable[[str, Finding, Sequence[Evidence]], str | None]] = {
    "moves": moves_remark, "impact": impact_remark}


def signals(text: AnswerText, rubric: Rubric | None, strictness: str = "balanced",
            timeline: Timeline | None = None) -> list[Signal]:
    """Every signal for one answer (``text`` built with its timed words)."""
    out: list[Signal] = []
    if rubric is not None:
        # A criterion a part of the question shows always applies to it (see `Part.shows`).
        declared = {part_criterion for _, part_criterion in timeline.shows} if timeline else set()
        findings = {f.criterion: f for f in assess(text, rubric, strictness, declared)}
        for criterion in rubric.criteria:
            home = _told_homes(timeline, criterion.id)
            f = findings[criterion.id] = _judged_with_its_part(text, criterion,
                                                                findings[criterion.id], home,
                                                                timeline)
            if criterion.check == "ownership" and timeline is not None:
                f = findings[criterion.id] = ownership_in_own_work(text, f, timeline, home,
                                                                   strictness)
            evidence = _evidence_for(text, criterion, f, home)
            named = None
            if criterion.aspects and f.basis != "not applicable":
                named, evidence = _with_aspects(text, criterion, home, evidence)
            detail = f.detail
            if named and f.basis == "words":  # the list says more than "mentions 'api'"
                detail = named
            elif named:
                detail = f"{f.detail}; {named}"
            elif f.basis == "part" and criterion.covered_by:
                detail += f", without the usual words ({keyword_list(criterion.covered_by)})"
            # (the opening is read only for a criterion that fell short with one quote)
            opening = text.evidence(text.span_between(*home[0].segments[0])) \
                if home and not f.covered and len(evidence) == 1 else None
            if (timeline is not None and opening is not None and "; quoted:" not in detail
                    and evidence[0].char_start == opening.char_start):
                # Nothing to quote but the opening of its part: say why that is quoted, or it
                # reads as the evidence ("no numbers" beside a sentence).
                detail += (f"; quoted: the opening of {timeline.title(home[0].id)}, the part "
                           "where the script puts it")
            out.append(Signal(
                criterion.id, criterion.title, "quality", f.covered, detail,
                None if f.covered else _missing(criterion),
                criterion.why or criterion.look_for, evidence,
                REMARKS[criterion.check](criterion.title, f, evidence)
                if criterion.check in REMARKS else None,
                text.evidence(f.span) if f.basis == "in passing" else None))
        production = next((c for c in rubric.criteria if c.id == "production"), None)
        if production is not None and not findings["production"].covered:
            out += _accuracy_without_deployment(text)
        # Their part stated in its own words is the individual contribution the mistake is
        # about, however much "we" the rest of the work has.
        if ("ownership" in findings and timeline is not None
                and findings["ownership"].basis != "part"):
            out += _team_without_individual(text, timeline)
    if timeline is not None:
        out += _time_balance(text, timeline)
    return out


def _told_homes(timeline: Timeline | None, criterion: str) -> list[PartTiming]:
    """The parts the script says show ``criterion`` that the answer told, in spoken order."""
    if timeline is None:
        return []
    homes = set(timeline.homes(criterion))
    return [p for p in timeline.parts if p.id in homes]


def _judged_with_its_part(text: AnswerText, criterion: Criterion, f: Finding,
                          home: Sequence[PartTiming], timeline: Timeline | None) -> Finding:
    """A keyword criterion read with the part the script says shows it (`Part.shows`).

    Not met by its words, it is met by that part told for at least its minimum (unless the
    words it does say there say nothing: "I wouldn't change anything"): a candidate
    who spends 40 s on how the model ran, in words of their own ("a little box in each
    store's back office"), has told it. Met by its words while no such part was told at
    all, it is not met: the words came in passing inside another part ("listings that were
    actually bad *instead of* neighbour squabbles" in the impact; "which *would have* been
    much nicer" in the trade-offs), and on the development corpora every such hit was one
    (7 of 7, text and spoken). The built-in checks (numbers, "I" against "we") measure
    something a part's length cannot show, so they stay as found."""
    if criterion.check not in ("keywords", "reflection", "trade-offs") or timeline is None:
        return f
    homes = timeline.homes(criterion.id)
    if f.covered:
        if homes and not home and f.basis == "words":
            titles = " or ".join(timeline.title(h) for h in homes)
            said = f.detail.removeprefix("mentions ")  # the phrase, quoted: "'instead of'"
            return replace(f, covered=False, detail=f"{said} only in passing, with no part "
                           f"of its own ({titles} not told)", basis="in passing")
        if home and f.basis == "words":
            return _words_of_its_part(text, criterion, f, home, timeline)
        return f
    told = next((p for p in home if p.verdict in ("within", "over")), None)
    if told is None:
        return f
    if f.basis == "said nothing" and f.evidence is not None and within(f.evidence, told.segments):
        # The part's own words say there is nothing to tell ("I wouldn't change anything",
        # said at length): its length is not a lesson.
        return f
    span = text.span_between(told.segments[0][0], told.segments[0][1])
    detail = (f"told in its own part, {timeline.title(told.id)} ({told.seconds:.0f} s from "
              f"{format_duration(told.start_s)})")
    return replace(f, covered=True, detail=detail, evidence=text.evidence(span), span=span,
                   basis="part")


def _words_of_its_part(text: AnswerText, criterion: Criterion, f: Finding,
                       home: Sequence[PartTiming], timeline: Timeline) -> Finding:
    """A criterion met by its words, told in the part that shows it: the finding names the
    words said in that part, whose phrase is then its first quote (the report reads
    "mentions 'instead of'" beside a quote that says it). Said only elsewhere, the finding
    leads with the part, whose opening is then the first quote, and says where the words
    came: "told in its own part, Trade-offs (31 s from 2:05); mentions 'versus' at 0:48"."""
    segments = [seg for p in home for seg in p.segments]
    hits = said_specifically(text, criterion)
    for m in hits:
        if within(text.locate(m.start(), m.end()), segments):
            return replace(f, detail=f"mentions {m.group()!r}",
                           span=text.phrase_around(m.start(), m.end(), 4, 4))
    told = home[0]
    at = text.locate(hits[0].start(), hits[0].end()).start_s if hits else None
    where = f" at {format_duration(at)}" if at is not None else ""
    return replace(f, detail=f"told in its own part, {timeline.title(told.id)} "
                   f"({told.seconds:.0f} s from {format_duration(told.start_s)}); "
                   f"{f.detail}{where}")


def _evidence_for(text: AnswerText, criterion: Criterion, finding: Finding,
                  home: Sequence[PartTiming]) -> tuple[Evidence, ...]:
    """Up to a few located quotes behind a finding, each a phrase that reads on its own:
    for the numbers check, when met, its results with a baseline (a measured change first),
    else its results, those missing a baseline first; for
    ownership the finding's quote and then every "I <did something>" (or "we ..."), best
    first; else the finding's own quote, the criterion's words in context and the opening of
    the part that shows it. Quotes from the parts where the script says the criterion is
    shown come before the rest (that opening after the criterion's words there), the order
    otherwise kept."""
    found: list[Evidence | None]
    opening: Evidence | None = None
    results = [n for n in numbers(text) if n.result] if criterion.check == "metrics" else []
    if results:
        # Met: the results it was met by ("saved $2 million a year" is no result with a
        # baseline, so it is not quoted as one). Not met: the results missing their
        # baseline first, what the remark asks about.
        based = [n for n in results if n.baseline]
        shown = sorted(based or results, key=_result_strength) if finding.covered else \
            sorted(results, key=lambda n: (n.baseline, _result_strength(n)))
        found = [text.evidence(number_phrase(text, n, next_figure(text, n))) for n in shown]
    elif criterion.check == "moves":
        found = move_evidence(text, finding.covered)
    elif criterion.check == "impact":
        found = impact_evidence(text, finding.covered)
    elif criterion.check == "collaboration":  # each partner named, when some were
        found = [text.evidence(text.readable(s, min_words=5)) for s in partners(text)] \
            if finding.covered else []
    elif criterion.check == "ownership":
        # Their "I did ..." phrases (a "we did ..." when "we" is what they said), best first.
        subjects = DID_SUBJECTS if finding.covered else WE_SUBJECTS
        found = [finding.evidence, *(e for span in subject_phrases(text, subjects, work_score, 1)
                                     if (e := text.evidence(span)) and len(e.quote.split()) > 2)]
    else:
        # A keyword's phrase grows to read on its own; the numbers check's phrase is a claim
        # cut to leave out the dates around it ("on March 3rd 2021 we launched ...").
        found = [text.evidence(text.readable(finding.span))
                 if finding.span is not None and criterion.check != "metrics"
                 else finding.evidence]
        # Trade-offs: the choices read (analysis.tradeoffs), not "instead of" said of others;
        # reflection: the words said as a lesson (analysis.reflection), not "next time the
        # model retrains".
        said = said_specifically(text, criterion) \
            if criterion.check in ("trade-offs", "reflection") \
            else text.find(criterion.covered_by)
        found += [_keyword_quote(text, m.start(), m.end()) for m in said]
        if home:  # the part's own opening, after its keywords and before those elsewhere
            opening = text.evidence(text.span_between(*home[0].segments[0]))
            found.append(opening)
    segments = [seg for p in home for seg in p.segments]

    def rank(e: Evidence) -> tuple[bool, bool]:
        return not within(e, segments), e is opening

    return _apart(sorted((e for e in found if e is not None), key=rank))


def _with_aspects(text: AnswerText, criterion: Criterion, home: Sequence[PartTiming],
                  evidence: tuple[Evidence, ...]) -> tuple[str | None, tuple[Evidence, ...]]:
    """Which aspects of the criterion (`Aspect`) were named (by their words) and which not,
    said in a few words (None: none was named), and the quotes with one for each named
    aspect first (from the part that shows it, if any)."""
    segments = [seg for p in home for seg in p.segments]

    def outside(e: Evidence) -> bool:
        return not within(e, segments)

    told: list[tuple[str, Evidence]] = []
    for aspect in criterion.aspects:
        hits = [_keyword_quote(text, m.start(), m.end()) for m in text.find(aspect.covered_by)]
        if hits:
            told.append((aspect.title, min(hits, key=outside)))  # the first in its part
    if not told:
        return None, evidence
    heard = {title for title, _ in told}
    missed = [a.title for a in criterion.aspects if a.title not in heard]
    summary = (f"named {len(told)} of {len(criterion.aspects)}: "
               + ", ".join(title for title, _ in told)
               + (f" (not named: {', '.join(missed)})" if missed else ""))
    return summary, _apart(sorted([e for _, e in told] + list(evidence), key=outside))  # stable


def _keyword_quote(text: AnswerText, char_start: int, char_end: int) -> Evidence:
    """A keyword said, quoted with the words around it in its clause, and with the next
    clause of its sentence when that leaves it too short to read ("In production, the
    model runs as a small scoring service", not "In production")."""
    span = text.readable(text.phrase_around(char_start, char_end, 4, 4))
    return text.evidence(span) or text.locate(char_start, char_end)


def _apart(quotes: Iterable[Evidence]) -> tuple[Evidence, ...]:
    """The quotes in order, without those overlapping one kept, at most ``MAX_EVIDENCE``."""
    out: list[Evidence] = []
    for e in quotes:
        if len(out) < MAX_EVIDENCE and all(not _overlap(e, o) for o in out):
            out.append(e)
    return tuple(out)


def _result_strength(n: NumberMention) -> int:
    """0 for a measured change against its baseline ("from three hours to forty minutes"),
    1 for a baseline without a unit ("ten stores against ten others"), 2 for a measured
    result alone, 3 for the rest ("twice")."""
    return (0 if n.unit else 1) if n.baseline else (2 if n.unit else 3)


def _overlap(a: Evidence, b: Evidence) -> bool:
    return a.char_start < b.char_end and b.char_start < a.char_end


def _missing(criterion: Criterion) -> str:
    """What the answer lacks, for a remark: the rubric's line, else a built-in one; never the
    criterion's title again ("Trade-offs: missing trade-offs" tells the candidate nothing)."""
    if criterion.missing:
        return criterion.missing.rstrip(".")
    if criterion.check == "metrics":
        return "results as numbers, each against a baseline (before and after, or a control)"
    if criterion.check == "ownership":
        return "what you did yourself, in the first person, apart from the team"
    look_for = criterion.look_for.rstrip(".")
    return look_for[0].lower() + look_for[1:]


def _accuracy_without_deployment(text: AnswerText) -> list[Signal]:
    hits = text.find(ACCURACY_WORDS)
    if not hits:
        return []
    return [Signal(
        "accuracy-without-deployment", "Model accuracy without deployment", "mistake", True,
        f"model quality mentioned {len(hits)} time{'s' if len(hits) != 1 else ''}, "
        "the production path not at all",
        "how the model was served, monitored and retrained",
        "an interviewer for an engineering role hears a data-science exercise: accuracy "
        "alone does not show you can run a model",
        _apart(_keyword_quote(text, m.start(), m.end()) for m in hits))]


def _team_without_individual(text: AnswerText, timeline: Timeline) -> list[Signal]:
    """"We" without "I" in the parts about the candidate's own work: those the script marks
    ``own_work``; in a script that marks none (or one saved before parts could say so), the
    whole answer."""
    marked = set(timeline.own_work)
    mine = [u for pid, u in timeline.units if not marked or pid in marked]
    if not mine:
        return []
    own = [(u.start_s, u.end_s) for u in mine]
    units_text = " ".join(u.text for u in mine)
    we, i = pronoun_counts(units_text)
    if we <= max(2, 2 * i):
        return []
    # What "we" did there ("We chose boosted trees"), else each "we" with its clause.
    said = [e for span in subject_phrases(text, WE_SUBJECTS, work_score, 1)
            if (e := text.evidence(span)) is not None and within(e, own)]
    said += [_keyword_quote(text, m.start(), m.end()) for m in text.find(["we", "our", "the team"])]
    return [Signal(
        "team-without-individual", "Team work without your part", "mistake", True,
        f"in the parts about the work: we x{we}, I x{i}",
        "which parts you did yourself",
        "the interviewer is hiring you, not the team: without \"I\" they cannot tell what you "
        "would bring",
        _apart(e for e in said if within(e, own)))]


def _time_balance(text: AnswerText, timeline: Timeline) -> list[Signal]:
    over = [p for p in timeline.parts if p.verdict == "over"]
    short = [p for p in timeline.parts if p.verdict == "under"]
    if not over or not (short or timeline.missing):
        return []
    worst = max(over, key=lambda p: p.delta_s)
    title = timeline.title
    lacking = [f"{title(p.id)} ({p.seconds:.0f} s of at least {p.min_s:.0f})" for p in short]
    lacking += [f"{title(m)} (missing)" for m in timeline.missing]
    return [Signal(
        "time-balance", "Time spent where it matters", "mistake", True,
        f"{title(worst.id)} ran {worst.seconds:.0f} s, {worst.delta_s:.0f} s over its budget",
        "time for " + ", ".join(lacking[:3]),
        "In a timed screen the parts that prove impact and engineering need their share: "
        "an interviewer notices where the time went.",
        # The opening of the part that ran over: where the time went, to play.
        tuple(e for e in [text.evidence(text.span_between(*worst.segments[0]))] if e))]
