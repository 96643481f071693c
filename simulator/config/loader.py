"""Strict TOML loading, shared by interview scripts and rubrics: one loader, one error wording.

A file is read as UTF-8, parsed as TOML and validated by a pydantic model that forbids unknown
keys and coercion. Every problem becomes one :class:`ScriptError` line naming the file, the
key and the problem, with list entries named by their id where they have one::

    my.toml: questions[2] (id 'data').max_sec: unknown key
    rubric.toml: criteria[1] (id 'ownership').ask[0]: template has no {quote}

The building blocks of the models (the id pattern, printable text of bounded length) live
here too, so scripts and rubrics validate text the same way.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import tomllib
from pathlib import Path
from typing import Annotated, TypeVar, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from simulator.errors import ScriptError
from simulator.untrusted import CONTROL_IN_FILE

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]

# Control characters (an escape sequence, a bell) would reach the terminal and the speech
# engine as they are; tabs and line breaks are fine.
_CONTROL = CONTROL_IN_FILE


def printable(text: str) -> str:
    found = _CONTROL.search(text)
    if found:
        raise ValueError(f"holds a control character ({found.group()!r}) at position "
                         f"{found.start()}: terminal escape codes are not allowed")
    return text


Printable = AfterValidator(printable)
# Printable text of bounded length: a name or title, a line the interviewer says (about a
# minute of speech at most), a long text (a sample answer: several minutes of speech).
Name = Annotated[str, Field(max_length=200), Printable]
RequiredName = Annotated[str, Field(min_length=1, max_length=200), Printable]
Line = Annotated[str, Field(max_length=1000), Printable]
RequiredLine = Annotated[str, Field(min_length=1, max_length=1000), Printable]
Long = Annotated[str, Field(max_length=6000), Printable]
RequiredLong = Annotated[str, Field(min_length=1, max_length=6000), Printable]


def keyword(text: str) -> str:
    core = text.strip()
    if core != text or not core:
        raise ValueError(f"keyword {text!r} is empty or has spaces around it")
    if "*" in core[:-1]:
        raise ValueError(f"keyword {text!r}: '*' is only allowed at the end (prefix match)")
    if not re.search(r"\w", core):
        raise ValueError(f"keyword {text!r} has no letters or digits")
    return text


Keyword = Annotated[str, AfterValidator(keyword)]
"""A word or phrase to find in a transcript: "monitor*" matches any ending (analysis.keywords)."""


class Strict(BaseModel):
    """A configuration model: unknown keys and coerced types are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


M = TypeVar("M", bound=BaseModel)
# Validation context key: the data comes from a file being loaded now, not from a session's
# saved copy (rules added later apply to files, so old sessions still read).
FROM_FILE = "from_file"


def load_toml(path: str | Path, model: type[M], kind: str) -> tuple[M, Path, str]:
    """Read, parse and validate one TOML file as ``model``.

    ``kind`` names the file in messages ("script", "rubric"). A missing ``id`` is taken from
    the file name.
    Returns (model, path, sha256 of the file's bytes).
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScriptError(f"{path}: {kind} file not found") from None
    except IsADirectoryError:
        raise ScriptError(f"{path}: is a folder, not a {kind} file") from None
    except OSError as exc:
        raise ScriptError(f"{path}: cannot read {kind} file: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScriptError(f"{path}: not a UTF-8 text file") from None
    except tomllib.TOMLDecodeError as exc:  # the message carries the line and column
        raise ScriptError(f"{path}: invalid TOML: {exc}") from None
    data.setdefault("id", id_from_filename(path))
    try:
        validated = model.model_validate(data, context={FROM_FILE: True})
    except ValidationError as exc:
        raise ScriptError(f"{path}: {describe_validation_error(exc, data, model)}") from None
    return validated, path, hashlib.sha256(raw).hexdigest()


def find_file(ref: str, relative_to: Path | None, bundled: Path, what: str,
              plural: str) -> Path:
    """Resolve a reference to a TOML file that a script names (a rubric, example answers):
    a path (``.toml``, or with a slash), relative to the folder of ``relative_to`` (the
    script), so that a script and its files can travel together; else the id of a bundled
    file in ``bundled``, so that a copy of a bundled script keeps working. Raises
    :class:`ScriptError` for an unknown id, listing the known ones."""
    as_path = Path(ref).expanduser()
    if as_path.suffix == ".toml" or "/" in ref or "\\" in ref:
        if not as_path.is_absolute() and relative_to is not None:
            base = relative_to if relative_to.is_dir() else relative_to.parent
            as_path = base / as_path
        return as_path
    path = bundled / f"{ref}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in bundled.glob("*.toml"))) or "none"
        raise ScriptError(f"unknown {what} {ref!r}",
                          f"known {plural}: {known}; or give the path of a TOML file")
    return path


def id_from_filename(path: Path) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", path.stem.lower()).strip("-") or "file"


def _keys_at(model: type[BaseModel] | None, loc: tuple) -> list[str]:
    """The keys a table at ``loc`` (``("questions", 0, "parts", 1)``) may have, from the
    model's fields; none where the path cannot be followed."""
    node: object = model
    for item in loc:
        if isinstance(item, int):
            continue  # the list's entries: the element type was taken with the field
        if not (isinstance(node, type) and issubclass(node, BaseModel)):
            return []
        field = node.model_fields.get(str(item))
        node = _model_in(field.annotation) if field is not None else None
    if isinstance(node, type) and issubclass(node, BaseModel):
        return list(node.model_fields)
    return []


def _model_in(annotation: object) -> object:
    """The model class inside ``list[X]``, ``X | None``, ``Annotated[X, ...]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for m in map(_model_in, get_args(annotation)) if m is not None), None)


def describe_validation_error(exc: ValidationError, data: dict,
                              model: type[BaseModel] | None = None) -> str:
    """One line naming the key (with the entry's id where there is one) and the problem; an
    unknown key gets the nearest key that table may have ("did you mean 'cues'?")."""
    errors = exc.errors()
    # A typo ("max_sec") is an unknown key and a missing one ("max_s") at once: the unknown
    # key is what the user wrote, so it leads, with the missing key beside it as the likely
    # meaning.
    missing = {(tuple(e["loc"][:-1]), str(e["loc"][-1])) for e in errors
               if e["type"] == "missing" and e["loc"]}
    problems = []
    meant: set[tuple[tuple, str]] = set()  # missing keys a typo already names
    for err in sorted(errors, key=lambda e: e["type"] != "extra_forbidden"):
        key = _format_loc(err["loc"], data)
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
            parent = tuple(err["loc"][:-1])
            # A missing key first (the typo is most likely it), else any key of that table.
            near = difflib.get_close_matches(
                str(err["loc"][-1]), [k for loc, k in missing if loc == parent], n=1,
                cutoff=0.5) or difflib.get_close_matches(
                str(err["loc"][-1]), _keys_at(model, parent), n=1, cutoff=0.6)
            if near:
                msg += f" (did you mean {near[0]!r}?)"
                meant.add((parent, near[0]))
        elif err["type"] == "missing":
            if (tuple(err["loc"][:-1]), str(err["loc"][-1])) in meant:
                continue  # "max_s is missing" says again what the hint just said
            msg = "required key is missing"
        elif msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        elif isinstance(err.get("input"), (str, int, float, bool)) and len(repr(err["input"])) < 40:
            msg += f", not {err['input']!r}"  # "Input should be a valid number, not 'ninety'"
            if isinstance(err["input"], str) and err["type"].startswith(("float", "int")) \
                    and _number(err["input"]) is not None:
                msg += f" (write the number without quotes: {_number(err['input'])})"
        elif isinstance(err.get("input"), (list, dict)):
            msg += f", not a {'list' if isinstance(err['input'], list) else 'table'}"
        problems.append(f"{key}: {msg}" if key else msg)
    head = problems[0]
    if len(problems) > 1:
        head += f" (and {len(problems) - 1} more: " + "; ".join(problems[1:4]) + ")"
    return head


def _number(text: str) -> str | None:
    """``text`` as TOML would write it unquoted, if it is a number ("60", " 1.5 ")."""
    try:
        float(text)
    except ValueError:
        return None
    return text.strip()


def _format_loc(loc: tuple, data: dict) -> str:
    """``questions[3] (id 'data').parts[1] (id 'why-ml').max_s``: every list entry on the way
    that has an id is named by it, so a key is easy to find in the file."""
    parts: list[str] = []
    node: object = data
    for item in loc:
        if isinstance(item, int):
            entry = node[item] if isinstance(node, list) and item < len(node) else None
            label = f"[{item}]"
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                label += f" (id {entry['id']!r})"
            parts[-1] = parts[-1] + label if parts else label
            node = entry
        else:
            parts.append(str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts)
