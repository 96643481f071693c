"""Interview scripts: the TOML format, validation and discovery.

A script is a TOML file with a title, role, company, an optional interviewer section and an
ordered list of questions, each with an id, the spoken prompt and a speaking-time budget.
Validation is strict (unknown keys and wrong types are errors, not coerced) and every error
names the file, the key and the problem, e.g.
``configs/x.toml: questions[3].max_s: must be at least min_s (90)``.

Scripts are found in the bundled `configs` package and in the user's scripts folder
(``$MOCK_INTERVIEW_HOME/scripts``); ``--script`` also accepts a path to any TOML file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, model_validator

from simulator.config.example_answers import ExampleAnswer, load_example_answers, unknown_part
from simulator.config.loader import (
    FROM_FILE,
    Id,
    Keyword,
    Line,
    Long,
    Name,
    RequiredLine,
    RequiredName,
    Strict,
    id_from_filename,
    load_toml,
)
from simulator.config.rubric import Rubric, find_rubric
from simulator.errors import ScriptError

# The seed's screen as a real interviewer asks it: the career walk-through, then the flagship
# project as one open answer whose parts the analysis finds and times. (ml-engineer-screen asks
# one question per part.)
DEFAULT_SCRIPT_ID = "ml-engineer-open"

class Interviewer(Strict):
    name: Name = "Interviewer"
    voice: Name | None = Field(default=None, description="pyttsx3 voice id or language, e.g. en-us")
    rate: Annotated[int, Field(ge=80, le=400)] | None = None
    intro: Line | None = None
    closing: Line | None = None
    # Said when an answer runs past its budget's maximum plus the grace period.
    wrap_up: Line | None = None
    # Who the interviewer is and how hard they push: given to the LLM that writes follow-ups;
    # strictness also sets the offline coach's thresholds (e.g. how much "we" is too much).
    persona: Line | None = None
    strictness: Literal["gentle", "balanced", "strict"] = "balanced"


class FollowUpSettings(Strict):
    """The ``[follow_ups]`` table: which questions get follow-ups and how they are written."""

    rubric: Annotated[str, Field(min_length=1)]  # bundled rubric id or a path to a TOML file
    count: Annotated[int, Field(ge=0, le=3)] = 1  # per question in `sections`
    sections: list[str] = []
    min_s: Annotated[float, Field(ge=0)] = 30
    max_s: Annotated[float, Field(gt=0)] = 90
    # A rubric criterion asked at least once per session (e.g. "what would you do differently").
    always_ask: str | None = None
    # How long to wait for an LLM's first complete question before the offline coach asks.
    time_limit_s: Annotated[float, Field(gt=0, le=60)] = 4.0
    # The longest question accepted from an LLM (the coach's own stay within 40 words).
    max_words: Annotated[int, Field(ge=20, le=100)] = 40

    @model_validator(mode="after")
    def _budget_order(self) -> FollowUpSettings:
        if self.min_s > self.max_s:
            raise ValueError(f"min_s ({self.min_s:g}) is greater than max_s ({self.max_s:g})")
        return self


class Part(Strict):
    """One part of an open answer (the deep dive's "problem", "why ML", ...), in the order
    the script recommends, with its own time budget. The analysis finds where each part was
    said and times it (`simulator.analysis.parts`)."""

    id: Id
    title: RequiredName  # a short label: "The problem"
    min_s: Annotated[float, Field(ge=0)]
    max_s: Annotated[float, Field(gt=0)]
    covers: RequiredLine  # what this part is about: the analysis and the LLM read it
    # Words that show the candidate is in this part (prefix "*" allowed); with `covers`,
    # what the analysis matches the transcript against.
    cues: list[Keyword] = []
    # The candidate describes their own work here: "we" far more than "I" in these parts is
    # the seed's "team work without the individual" (`analysis.signals`).
    own_work: bool = False
    # Rubric criteria this part is where a strong answer shows them (the serving part shows
    # "production"): they always apply to the question, the part's words are quoted first,
    # and a keyword check is met by the part told for its minimum (`analysis.signals`).
    shows: list[Id] = []
    # Sentences a candidate might say in this part, in varied words: with the sentence
    # model installed, the analysis compares what was said with these (`analysis.parts`).
    # All of a question's parts have examples, or none (half a set would silently not count).
    examples: list[RequiredLine] = []

    @model_validator(mode="after")
    def _budget_order(self) -> Part:
        if self.min_s > self.max_s:
            raise ValueError(f"min_s ({self.min_s:g}) is greater than max_s ({self.max_s:g})")
        return self


class Question(Strict):
    id: Id
    prompt: RequiredLine
    min_s: Annotated[float, Field(ge=0)]
    max_s: Annotated[float, Field(gt=0)]
    section: Name | None = None
    sample_answer: Long | None = None
    # Follow-ups after this question; None = the [follow_ups] default for its section.
    follow_ups: Annotated[int, Field(ge=0, le=3)] | None = None
    # Rubric criteria most worth probing after this question, most useful first.
    follow_up_focus: list[str] = []
    # Rubric criteria its answers are judged on in the analysis ([] = all of them): a career
    # walk-through is not asked how a model was served.
    judged_on: list[str] = []
    # An open answer's parts, in the recommended order (none: the answer is one part).
    parts: list[Part] = []
    # Whole answers told part by part, whose sentences serve as examples of their parts
    # (`config.example_answers`): inline, or a file of them (the id of a bundled one, or a
    # path relative to the script). A loaded script always holds the answers themselves.
    example_answers: Annotated[str, Field(min_length=1)] | list[ExampleAnswer] = []

    @model_validator(mode="after")
    def _budget_order(self) -> Question:
        if self.min_s > self.max_s:
            raise ValueError(f"min_s ({self.min_s:g}) is greater than max_s ({self.max_s:g})")
        return self

    @model_validator(mode="after")
    def _parts_within_the_question(self, info: ValidationInfo) -> Question:
        """A part that could only be within its budget with the whole answer over its own.
        Checked when a script file is loaded (`loader.load_toml`), not when a session's saved
        copy is read: a session saved before this rule keeps its parts."""
        if not (info.context or {}).get(FROM_FILE):
            return self
        for i, part in enumerate(self.parts):
            if part.max_s > self.max_s:
                raise ValueError(f"parts[{i}] (id {part.id!r}).max_s: {part.max_s:g} s, more "
                                 f"than the whole question's max_s ({self.max_s:g} s)")
        return self

    @model_validator(mode="after")
    def _parts_fit(self) -> Question:
        seen: set[str] = set()
        for i, part in enumerate(self.parts):
            if part.id in seen:
                raise ValueError(f"parts[{i}]: duplicate part id {part.id!r}")
            seen.add(part.id)
        if self.parts and len(self.parts) < 2:
            raise ValueError("parts: an answer with parts needs at least two of them")
        low = sum(p.min_s for p in self.parts)
        if low > self.max_s:
            raise ValueError(f"parts: their minimums add up to {low:g} s, more than the "
                             f"question's max_s ({self.max_s:g} s)")
        if self.example_answers and not self.parts:
            raise ValueError("example_answers: given for a question without parts (they "
                             "label answers part by part)")
        if isinstance(self.example_answers, list):
            problem = unknown_part(self.example_answers, [p.id for p in self.parts],
                                   "example_answers")
            if problem:
                raise ValueError(problem)
        without = [p.id for p in self.parts if not p.examples]
        if without and len(without) < len(self.parts):
            raise ValueError(f"parts: examples are given for some parts but not for "
                             f"{', '.join(without)} (the analysis compares an answer with "
                             "every part's examples: give them for all parts or none)")
        return self


class Script(Strict):
    id: Id
    title: RequiredName
    role: RequiredName
    company: RequiredName
    description: Long | None = None
    interviewer: Interviewer = Interviewer()
    follow_ups: FollowUpSettings | None = None
    questions: Annotated[list[Question], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_ids(self) -> Script:
        seen: set[str] = set()
        for q in self.questions:
            if q.id in seen:
                raise ValueError(f"duplicate question id {q.id!r}")
            seen.add(q.id)
        return self

    @model_validator(mode="after")
    def _follow_ups_configured(self) -> Script:
        # Settings that would silently do nothing are errors: they are almost always typos.
        if self.follow_ups is None:
            for i, q in enumerate(self.questions):
                if q.follow_ups or q.follow_up_focus:
                    raise ValueError(f"questions[{i}] (id {q.id!r}) asks for follow-ups, but "
                                     "the script has no [follow_ups] table (it names the rubric)")
                if q.judged_on:
                    raise ValueError(f"questions[{i}] (id {q.id!r}).judged_on names rubric "
                                     "criteria, but the script has no [follow_ups] table (it "
                                     "names the rubric)")
                for j, part in enumerate(q.parts):
                    if part.shows:
                        raise ValueError(f"questions[{i}] (id {q.id!r}).parts[{j}] (id "
                                         f"{part.id!r}).shows names rubric criteria, but the "
                                         "script has no [follow_ups] table (it names the rubric)")
            return self
        known = {(q.section or "").casefold() for q in self.questions}
        for section in self.follow_ups.sections:
            if section.casefold() not in known:
                sections = sorted({q.section for q in self.questions if q.section})
                raise ValueError(f"follow_ups.sections: no question has section {section!r} "
                                 f"(sections: {', '.join(sections) or 'none'})")
        return self

    def question(self, question_id: str) -> Question | None:
        """The question with this id, if the script has one."""
        return next((q for q in self.questions if q.id == question_id), None)

    @property
    def total_budget(self) -> tuple[float, float]:
        return sum(q.min_s for q in self.questions), sum(q.max_s for q in self.questions)

    def follow_up_count(self, question: Question) -> int:
        """How many follow-ups this question gets (0 when the script has no [follow_ups])."""
        settings = self.follow_ups
        if settings is None:
            return 0
        if question.follow_ups is not None:
            return question.follow_ups
        sections = {s.casefold() for s in settings.sections}
        return settings.count if (question.section or "").casefold() in sections else 0


@dataclass(frozen=True)
class LoadedScript:
    """A validated script plus where it came from (path and content hash, for comparisons),
    and the rubric its follow-ups use (None when it has no [follow_ups] table)."""

    script: Script
    path: Path
    sha256: str
    rubric: Rubric | None = None


def load_script(path: str | Path) -> LoadedScript:
    """Read and validate one script file. Raises :class:`ScriptError` naming file and key."""
    script, path, sha256 = load_toml(path, Script, "script")
    script = _with_answer_files(script, path)
    return LoadedScript(script=script, path=path, sha256=sha256, rubric=_rubric_of(script, path))


def _with_answer_files(script: Script, path: Path) -> Script:
    """The script with every ``example_answers`` file name replaced by the answers it holds."""
    if not any(isinstance(q.example_answers, str) for q in script.questions):
        return script
    questions = []
    for i, q in enumerate(script.questions):
        if isinstance(q.example_answers, str):
            try:
                answers = load_example_answers(q.example_answers, path, [p.id for p in q.parts])
            except ScriptError as exc:
                raise ScriptError(f"{path}: questions[{i}] (id {q.id!r}).example_answers: "
                                  f"{exc.message}", exc.hint) from None
            q = q.model_copy(update={"example_answers": answers})
        questions.append(q)
    return script.model_copy(update={"questions": questions})


def _rubric_of(script: Script, path: Path) -> Rubric | None:
    """Load the follow-up rubric and check that every criterion the script names exists."""
    settings = script.follow_ups
    if settings is None:
        return None
    try:
        rubric = find_rubric(settings.rubric, relative_to=path)
    except ScriptError as exc:
        raise ScriptError(f"{path}: follow_ups.rubric: {exc.message}", exc.hint) from None
    known = [c.id for c in rubric.criteria]
    opt_in = {c.id for c in rubric.criteria if not c.by_default}

    def check(key: str, criterion: str) -> None:
        if criterion not in known:
            raise ScriptError(f"{path}: {key}: unknown rubric criterion {criterion!r} "
                              f"(rubric {rubric.id!r} has: {', '.join(known)})")

    def judged_here(key: str, q: Question, criterion: str) -> None:
        """A criterion the question is not judged on would be silently ignored there."""
        if q.judged_on and criterion not in q.judged_on:
            raise ScriptError(f"{path}: {key}: {criterion!r} is not a criterion the "
                              f"question is judged_on ({', '.join(q.judged_on)})")
        if not q.judged_on and criterion in opt_in:
            raise ScriptError(f"{path}: {key}: {criterion!r} is judged only where a "
                              "question's judged_on names it (by_default = false in rubric "
                              f"{rubric.id!r}); add a judged_on to this question")

    if settings.always_ask:
        check("follow_ups.always_ask", settings.always_ask)
    for i, q in enumerate(script.questions):
        for criterion in q.follow_up_focus:
            check(f"questions[{i}] (id {q.id!r}).follow_up_focus", criterion)
            if criterion in opt_in:
                judged_here(f"questions[{i}] (id {q.id!r}).follow_up_focus", q, criterion)
        for criterion in q.judged_on:
            check(f"questions[{i}] (id {q.id!r}).judged_on", criterion)
        for j, part in enumerate(q.parts):
            for criterion in part.shows:
                key = f"questions[{i}] (id {q.id!r}).parts[{j}] (id {part.id!r}).shows"
                check(key, criterion)
                judged_here(key, q, criterion)
    return rubric


# ----------------------------------------------------------------------------- discovery


def bundled_scripts_dir() -> Path:
    import configs

    return Path(configs.__file__).parent


def script_dirs(user_scripts_dir: Path | None) -> list[Path]:
    dirs = [bundled_scripts_dir()]
    if user_scripts_dir is not None and user_scripts_dir.is_dir():
        dirs.append(user_scripts_dir)
    return dirs


@dataclass(frozen=True)
class ScriptEntry:
    """A script found on disk; ``error`` is set when it does not validate."""

    path: Path
    loaded: LoadedScript | None
    error: str | None

    @property
    def id(self) -> str:
        return self.loaded.script.id if self.loaded else id_from_filename(self.path)


def discover_scripts(user_scripts_dir: Path | None = None) -> list[ScriptEntry]:
    entries = []
    for folder in script_dirs(user_scripts_dir):
        for path in sorted(folder.glob("*.toml")):
            try:
                entries.append(ScriptEntry(path, load_script(path), None))
            except ScriptError as exc:
                entries.append(ScriptEntry(path, None, str(exc)))
    return entries


def find_script(name_or_path: str | None, user_scripts_dir: Path | None = None) -> LoadedScript:
    """Resolve ``--script``: a path to a TOML file, or the id of a known script."""
    wanted = name_or_path or DEFAULT_SCRIPT_ID
    as_path = Path(wanted).expanduser()
    if as_path.suffix == ".toml" or as_path.exists() or "/" in wanted:
        return load_script(as_path)
    entries = discover_scripts(user_scripts_dir)
    for entry in entries:
        if entry.id == wanted:
            if entry.loaded is None:
                raise ScriptError(entry.error or f"{entry.path}: invalid script")
            return entry.loaded
    for entry in entries:
        # An invalid file whose own id is the one asked for: its error, not "unknown".
        if entry.loaded is None and _declared_id(entry.path) == wanted:
            raise ScriptError(entry.error or f"{entry.path}: invalid script")
    known = ", ".join(sorted(e.id for e in entries)) or "none"
    raise ScriptError(f"unknown script {wanted!r}", f"known scripts: {known}")


def _declared_id(path: Path) -> str | None:
    """The ``id`` a script file declares, read without validating it (None if unreadable)."""
    import tomllib

    try:
        declared = tomllib.loads(path.read_text(encoding="utf-8")).get("id")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return declared if isinstance(declared, str) else None
