"""Follow-up rubrics: the TOML format, validation and discovery.

A rubric lists, in priority order, what a strong answer shows (its criteria). Each criterion
says how a transcript is checked for it (`simulator.analysis.content`), which follow-up
questions the offline coach asks when it is missing (templates that quote the candidate with
``{quote}``), and the line an LLM is given as the rubric. This module owns the format and
loading; the checking lives in the analysis, the choice of question in the coach.

Rubrics are found by id in the bundled ``configs/rubrics`` folder, or by path (absolute, or
relative to the script that names them). Errors name the file, the key and the problem, like
script errors do: ``x.toml: criteria[1] (id 'ownership').ask[0]: template has no {quote}``.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from simulator.config.loader import (
    Id,
    Keyword,
    Line,
    Long,
    RequiredLine,
    RequiredLong,
    RequiredName,
    Strict,
    find_file,
    load_toml,
)

# ----------------------------------------------------------------------------- validators


def _placeholders(text: str) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:  # a lone "{" or "}"
        raise ValueError(f"not a valid template ({exc}); write {{{{ or }}}} for a brace") from None


def _one_question(text: str) -> None:
    # The interviewer asks one thing at a time; a second "?" would be a second question.
    if not text.rstrip().endswith("?") or text.count("?") != 1:
        raise ValueError("must be one question: exactly one '?', at the end")


def _template(text: str) -> str:
    names = _placeholders(text)
    if "quote" not in names:
        raise ValueError("template has no {quote} (the candidate's words go there)")
    others = sorted({n for n in names if n != "quote"})
    if others:
        raise ValueError(f"unknown placeholder {{{others[0]}}}; only {{quote}} is filled in")
    _one_question(text)
    return text


def _plain(text: str) -> str:
    if _placeholders(text):
        raise ValueError("ask_plain is used when nothing can be quoted: it takes no placeholders")
    _one_question(text)
    return text


Template = Annotated[str, AfterValidator(_template)]


# ----------------------------------------------------------------------------- models


class Aspect(Strict):
    """One of the things a criterion is made of ("latency" of running a model in
    production): the signal says which were named, with a quote for each, and which not."""

    title: RequiredName  # how the signal names it: "latency"
    covered_by: Annotated[list[Keyword], Field(min_length=1)]


class Criterion(Strict):
    id: Id
    title: RequiredName  # e.g. "Numbers with a baseline"
    look_for: RequiredLine  # the rubric line an LLM is given
    # "metrics" and "ownership" have built-in detectors; "keywords" uses the two lists below;
    # "reflection" is the keyword check plus a change of approach said as a plan ("I would
    # bring the analysts in from the start"; simulator.analysis.criteria).
    # "moves" finds each career move told and the reason given for it (analysis.moves);
    # "impact" whether a result is told in business terms, not only as a model's score
    # (analysis.impact); "collaboration" whether anyone the candidate worked with is named
    # (analysis.partners); "trade-offs" the keyword check with its hits read as choices
    # between options (analysis.tradeoffs).
    check: Literal["metrics", "ownership", "reflection", "keywords", "trade-offs", "moves",
                   "impact", "collaboration"] = "keywords"
    covered_by: list[Keyword] = []  # phrases showing the answer covers it
    applies_when: list[Keyword] = []  # assess only if one of these appears ([] = always)
    # covered_by phrases that only name the thing ("some trade-offs"): they count only with
    # something specific in their sentence (simulator.analysis.criteria)
    in_passing: list[Keyword] = []
    # For a keyword check: the things it is made of, each with its own words; the signal
    # lists which the answer named and which it did not (the check itself is unchanged).
    aspects: list[Aspect] = []
    # What a remark says the answer lacks when the check finds nothing, said to the candidate
    # ("Trade-offs and alternatives: missing <this>."); "" = a built-in line for the metrics
    # and ownership checks, else look_for.
    missing: Line = ""
    # Why it matters for the role, said to the candidate beside a signal that falls short;
    # "" = look_for.
    why: Line = ""
    # False: judged only where a question's judged_on names it, not on every question of a
    # script that names none (a career move's reason is no question for a deep dive).
    by_default: bool = True
    ask: Annotated[list[Template], Field(min_length=1)]  # coach questions quoting {quote}
    ask_plain: Annotated[str, AfterValidator(_plain)]  # when nothing can be quoted
    sample_answer: RequiredLong  # the sample candidate's reply

    @model_validator(mode="after")
    def _keywords_needed(self) -> Criterion:
        if self.check in ("keywords", "reflection", "trade-offs") and not self.covered_by:
            raise ValueError(f"covered_by: a {self.check} check needs at least one phrase")
        stray = [k for k in self.in_passing if k not in self.covered_by]
        if stray:
            raise ValueError(f"in_passing: {stray[0]!r} is not one of covered_by (list it "
                             "there too)")
        return self


def judged(rubric: Rubric | None, criteria: Sequence[str],
           also: str | None = None) -> Rubric | None:
    """The rubric a question's answers are judged on: only ``criteria`` (its ``judged_on``),
    in rubric order; when that is empty, every criterion judged by default (`by_default`).
    ``also``: one more criterion whatever the others (a follow-up the script always asks)."""
    if rubric is None:
        return rubric
    if not criteria and also is None and all(c.by_default for c in rubric.criteria):
        return rubric

    def kept(c: Criterion) -> bool:
        return c.id == also or (c.id in criteria if criteria else c.by_default)

    return rubric.model_copy(update={"criteria": [c for c in rubric.criteria if kept(c)]})


class Rubric(Strict):
    id: Id
    title: RequiredName
    description: Long | None = None
    criteria: Annotated[list[Criterion], Field(min_length=1)]

    @field_validator("criteria")
    @classmethod
    def _unique_ids(cls, criteria: list[Criterion]) -> list[Criterion]:
        seen: set[str] = set()
        for c in criteria:
            if c.id in seen:
                raise ValueError(f"duplicate criterion id {c.id!r}")
            seen.add(c.id)
        return criteria

    def criterion(self, id: str) -> Criterion:
        for c in self.criteria:
            if c.id == id:
                return c
        raise KeyError(f"rubric {self.id!r} has no criterion {id!r} "
                       f"(it has: {', '.join(c.id for c in self.criteria)})")


# ----------------------------------------------------------------------------- loading


def load_rubric(path: str | Path) -> Rubric:
    """Read and validate one rubric file. Raises :class:`ScriptError` naming file and key."""
    rubric, _, _ = load_toml(path, Rubric, "rubric")
    return rubric


def bundled_rubrics_dir() -> Path:
    import configs

    return Path(configs.__file__).parent / "rubrics"


def find_rubric(ref: str, relative_to: Path | None = None) -> Rubric:
    """Resolve a rubric reference: the id of a bundled rubric, or a path to a TOML file
    (relative to the folder of ``relative_to``, the script naming it)."""
    return load_rubric(find_file(ref, relative_to, bundled_rubrics_dir(), "rubric", "rubrics"))
