"""What the comparison of rehearsals needs from one session, computed once and cacheable.

Comparing rehearsals reads, per session, only a few facts of each answer: speaking time and
verdict, the parts located and their seconds, pace, fillers, the points covered (parts and
rubric qualities), and the figures told. Those come from the coaching analysis, which costs
a few milliseconds per answer; for hundreds of sessions that is most of the time, so the
facts are a small JSON document the session index keeps beside its summaries (see
`review.compare`), computed again only when the session or the analysis code changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.analysis.answer import AnswerAnalysis
from simulator.reports.figures import Told
from simulator.sessions.records import AnswerRecord, SessionDocument

FACTS_VERSION = 2  # bump when the facts change shape (2: `judged` for `lacking`)


@dataclass(frozen=True)
class AnswerFacts:
    """The answer that counts for one question of one rehearsal."""

    seconds: float | None
    verdict: str | None
    budget: tuple[float, float]
    outside_s: float  # seconds outside the budget (0 when within)
    analysed: bool  # False: no transcript to analyse (the rest below is empty)
    parts: dict[str, float]  # part located -> seconds
    missing: tuple[str, ...]  # parts not located
    wpm: float | None
    fillers: float | None  # a minute of speaking time
    points: dict[str, str]  # "part:<id>" or "quality:<id>" -> how it is named
    # The rubric qualities it was judged on: a rehearsal recorded before a criterion was
    # added is not judged on it, so the personal best counts only the ones all share.
    judged: tuple[str, ...]
    told: Told

    @classmethod
    def of(cls, answer: AnswerRecord, analysis: AnswerAnalysis | None) -> AnswerFacts:
        timeline = analysis.timeline if analysis is not None else None
        points: dict[str, str] = {}
        if timeline is not None:
            points.update({f"part:{p.id}": f"part {p.id}" for p in timeline.parts})
        if analysis is not None:
            points.update({f"quality:{s.id}": s.title for s in analysis.signals
                           if s.kind == "quality" and s.found})
        return cls(
            answer.speech_seconds, answer.verdict, (answer.budget.min_s, answer.budget.max_s),
            abs(answer.budget_delta_s or 0.0), analysis is not None,
            {p.id: p.seconds for p in timeline.parts} if timeline else {},
            tuple(timeline.missing) if timeline else (),
            analysis.pace.wpm if analysis is not None else None,
            fillers_a_minute(analysis), points,
            tuple(s.id for s in analysis.signals if s.kind == "quality")
            if analysis is not None else (),
            Told.of(answer))

    def lacking(self, among: Collection[str]) -> int:
        """How many of the rubric qualities ``among`` it was judged on and did not show."""
        return sum(1 for c in self.judged if c in among and f"quality:{c}" not in self.points)

    def to_json(self) -> dict[str, Any]:
        return {"seconds": self.seconds, "verdict": self.verdict, "budget": list(self.budget),
                "outside_s": self.outside_s, "analysed": self.analysed, "parts": self.parts,
                "missing": list(self.missing), "wpm": self.wpm, "fillers": self.fillers,
                "points": self.points, "judged": list(self.judged),
                "told": self.told.to_json()}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> AnswerFacts:
        lo, hi = d["budget"]
        return cls(d["seconds"], d["verdict"], (lo, hi), d["outside_s"], d["analysed"],
                   dict(d["parts"]), tuple(d["missing"]), d["wpm"], d["fillers"],
                   dict(d["points"]), tuple(d["judged"]), Told.from_json(d["told"]))


@dataclass(frozen=True)
class RehearsalFacts:
    id: str
    started_at: str | None
    questions: tuple[str, ...]  # the script's questions, in order
    declared: dict[str, dict[str, tuple[float, float]]]  # question -> part -> budget
    answers: dict[str, AnswerFacts]  # question -> its answer that counts

    def to_json(self) -> dict[str, Any]:
        return {"version": FACTS_VERSION, "id": self.id, "started_at": self.started_at,
                "questions": list(self.questions),
                "declared": {q: {p: list(b) for p, b in parts.items()}
                             for q, parts in self.declared.items()},
                "answers": {q: a.to_json() for q, a in self.answers.items()}}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> RehearsalFacts:
        if d.get("version") != FACTS_VERSION:
            raise ValueError("facts of another version")
        return cls(d["id"], d["started_at"], tuple(d["questions"]),
                   {q: {p: (b[0], b[1]) for p, b in parts.items()}
                    for q, parts in d["declared"].items()},
                   {q: AnswerFacts.from_json(a) for q, a in d["answers"].items()})


def rehearsal_facts(doc: SessionDocument, analyses: Mapping[int, AnswerAnalysis]
                    ) -> RehearsalFacts:
    answers = {}
    for qid in doc.script.questions:
        answer = next((a for a in doc.answers
                       if a.question_id == qid and a.kind == "main" and a.counts), None)
        if answer is not None:
            answers[qid] = AnswerFacts.of(answer, analyses.get(answer.turn))
    return RehearsalFacts(doc.id, doc.started_at, tuple(doc.script.questions),
                          _declared(doc), answers)


def _declared(doc: SessionDocument) -> dict[str, dict[str, tuple[float, float]]]:
    """Each question's parts and their budgets, as the session's script declared them."""
    out = {}
    for q in (doc.script.definition or {}).get("questions", []):
        if isinstance(q, dict) and q.get("parts"):
            out[str(q.get("id"))] = {p["id"]: (float(p["min_s"]), float(p["max_s"]))
                                     for p in q["parts"]}
    return out


def fillers_a_minute(analysis: AnswerAnalysis | None) -> float | None:
    if analysis is None or not analysis.speech_seconds:
        return None
    return round(sum(f.kind == "filler" for f in analysis.fillers)
                 / (analysis.speech_seconds / 60), 2)


def code_version() -> str:
    """A short hash of the code the facts come from (the analysis, the comparison's own
    modules, the script and rubric models, the bundled scripts, whether the sentence model is
    installed): cached facts of other code are computed again."""
    import simulator.analysis
    import simulator.config

    digest = hashlib.sha256(str(FACTS_VERSION).encode())
    here = Path(__file__).parent
    files = [*sorted(Path(simulator.analysis.__file__).parent.glob("*.py")),
             *sorted(Path(simulator.config.__file__).parent.glob("*.py")),
             here / "analysis.py", here / "figures.py", Path(__file__)]
    # The bundled scripts too: old sessions take their parts' example sentences from them.
    import configs

    files += sorted(Path(configs.__file__).parent.rglob("*.toml"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    # With or without the sentence model, the same answer's parts can differ.
    from simulator.analysis.embedding import model_dir

    digest.update(b"sentence model" if model_dir() is not None else b"cues only")
    return digest.hexdigest()[:16]
