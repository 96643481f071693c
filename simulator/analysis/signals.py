"""Content signals for an answer: what a strong answer for the role shows, found or missing,
each with the candidate's words quoted and when they were said.

The signals come from the script's rubric (one per criterion: numbers with a baseline,
personal ownership, trade-offs, production, reflection, whatever the rubric lists) plus the
common mistakes the seed document warns about, detected on the same evidence:

- **time balance**: parts of the answer over their budget while others are short or missing
  (the biography taking over a career answer, the context eating the deep dive);
- **accuracy without deployment**: model quality talked about, the production path not;
- **team work without the individual**: "we" far more than "I" where the candidate's own
  work is described (the parts the script marks ``own_work``);
- **no metrics**: results claimed without numbers (the metrics signal).

Each :class:`Signal` says what was found, what is missing and why it matters for this
question; ``found`` is whether the thing described was observed (for a mistake, that is
bad). Every quote is located (`analysis.text.Evidence`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from simulator.analysis.content import numbers, pronoun_counts
from simulator.analysis.criteria import assess
from simulator.analysis.parts import Timeline
from simulator.analysis.text import AnswerText, Evidence
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


def signals(text: AnswerText, rubric: Rubric | None, strictness: str = "balanced",
            timeline: Timeline | None = None) -> list[Signal]:
    """Every signal for one answer (``text`` built with its timed words)."""
    out: list[Signal] = []
    if rubric is not None:
        findings = {f.criterion: f for f in assess(text, rubric, strictness)}
        for criterion in rubric.criteria:
            f = findings[criterion.id]
            evidence = _evidence_for(text, criterion.check, criterion.covered_by, f.evidence)
            out.append(Signal(
                criterion.id, criterion.title, "quality", f.covered, f.detail,
                None if f.covered else _missing(criterion),
                criterion.look_for, evidence))
        production = next((c for c in rubric.criteria if c.id == "production"), None)
        if production is not None and not findings["production"].covered:
            out += _accuracy_without_deployment(text)
        if "ownership" in findings and timeline is not None:
            out += _team_without_individual(text, timeline)
    if timeline is not None:
        out += _time_balance(timeline)
    return out


def _evidence_for(text: AnswerText, check: str, keywords: Sequence[str],
                  first: Evidence | None) -> tuple[Evidence, ...]:
    """Up to a few located quotes supporting a finding (the finding's own quote first)."""
    found: list[Evidence] = [first] if first is not None else []
    if check == "metrics":
        found += [n.evidence for n in numbers(text) if n.result]
    elif keywords:
        found += [text.locate(m.start(), m.end()) for m in text.find(keywords)]
    out: list[Evidence] = []
    for e in found:
        if all(not _overlap(e, o) for o in out):
            out.append(e)
    return tuple(out[:MAX_EVIDENCE])


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
        tuple(text.locate(m.start(), m.end()) for m in hits[:MAX_EVIDENCE]))]


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
    we_hits = [m for m in text.find(["we", "our", "the team"])
               if any(a <= (text.locate(m.start(), m.end()).start_s or -1) <= b for a, b in own)]
    return [Signal(
        "team-without-individual", "Team work without your part", "mistake", True,
        f"in the parts about the work: we x{we}, I x{i}",
        "which parts you did yourself",
        "the interviewer is hiring you, not the team: without \"I\" they cannot tell what you "
        "would bring",
        tuple(text.locate(m.start(), m.end()) for m in we_hits[:MAX_EVIDENCE]))]


def _time_balance(timeline: Timeline) -> list[Signal]:
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
        "in a timed screen the parts that prove impact and engineering need their share: "
        "an interviewer notices where the time went",
        ())]
