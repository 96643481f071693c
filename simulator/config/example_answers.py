"""Labelled example answers: whole answers to an open question, told part by part.

A question with parts may give, besides each part's example sentences, example answers whose
text is labelled with the part each stretch tells: a story told the way candidates tell it,
continuations and asides included. The parts locator takes every sentence of them as an
example of its part (`analysis.parts.parts_of`); on three corpora of answers with known
parts this raised the share of time given to the right part (docs/architecture.md).

They are given either inline (``[[questions.example_answers]]``) or, as a set too long to
sit in the script, as a TOML file of ``[[answers]]``: the id of a bundled one
(configs/example_answers/) or a path (relative to the script):
:func:`load_example_answers` reads the file, and the loaded script holds the answers
themselves, so a session's snapshot of its script is complete on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

from pydantic import Field

from simulator.config.loader import Id, Long, RequiredLong, Strict, find_file, load_toml
from simulator.errors import ScriptError


class ToldPart(Strict):
    """One stretch of an example answer and the part it tells."""

    part: Id
    text: RequiredLong


class ExampleAnswer(Strict):
    id: Id
    parts: Annotated[list[ToldPart], Field(min_length=1)]


class ExampleAnswersFile(Strict):
    """A file of example answers (``example_answers = "answers/x.toml"`` in a script)."""

    id: Id
    description: Long | None = None
    answers: Annotated[list[ExampleAnswer], Field(min_length=1)]


def unknown_part(answers: Sequence[ExampleAnswer], part_ids: Sequence[str],
                 key: str = "answers") -> str | None:
    """The first stretch labelled with a part the question does not have, as a one-line
    problem (``answers[2] (id 'x').parts[4].part: ...``), or None when all are known."""
    for i, answer in enumerate(answers):
        for j, told in enumerate(answer.parts):
            if told.part not in part_ids:
                return (f"{key}[{i}] (id {answer.id!r}).parts[{j}].part: unknown part "
                        f"{told.part!r} (the question's parts: {', '.join(part_ids)})")
    return None


def bundled_example_answers_dir() -> Path:
    import configs

    return Path(configs.__file__).parent / "example_answers"


def load_example_answers(ref: str, script_path: Path,
                         part_ids: Sequence[str]) -> list[ExampleAnswer]:
    """The answers ``ref`` names: the id of a bundled file (configs/example_answers/, so a
    copy of a bundled script keeps its answers) or a path to a TOML file, relative to the
    script's folder. Raises :class:`ScriptError` naming the file, the key and the problem."""
    path = find_file(ref, script_path, bundled_example_answers_dir(), "example answers",
                     "example answers")
    loaded, path, _sha = load_toml(path, ExampleAnswersFile, "example answers")
    problem = unknown_part(loaded.answers, part_ids)
    if problem:
        raise ScriptError(f"{path}: {problem}")
    return list(loaded.answers)
