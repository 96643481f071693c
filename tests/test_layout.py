"""The code's layout keeps its promises: audio/ knows nothing of the interview, the folders
of simulator/ import each other only in the documented directions (docs/architecture.md), no
import cycle between folders, and no module grows past about 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Who may import whom (folders of simulator/, plus audio); docs/architecture.md says why.
ALLOWED = {
    "audio": set(),
    "config": {"errors", "untrusted"},
    "analysis": {"config", "audio", "errors"},
    "sessions": {"config", "errors", "audio", "analysis"},
    "followups": {"analysis", "config", "errors", "sessions"},
    "reports": {"analysis", "sessions", "config", "errors", "audio", "untrusted"},
    "terminal": {"reports", "sessions", "analysis", "config", "interview", "audio",
                 "untrusted"},
    "interview": {"analysis", "audio", "config", "errors", "followups", "sessions", "paths"},
}
MAX_LINES = 420


def folder_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "audio":
        return "audio"
    return parts[1] if len(parts) > 1 else parts[0]


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "simulator":  # from simulator import paths, __version__
                found.update(f"simulator.{alias.name}" for alias in node.names
                             if not alias.name.startswith("__"))
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m.split(".")[0] in ("audio", "simulator")}


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for package in ("audio", "simulator"):
        for path in (ROOT / package).rglob("*.py"):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            here = folder_of(module)
            edges.setdefault(here, set()).update(
                folder_of(m) for m in imports(path) if folder_of(m) != here)
    return edges


def test_audio_never_imports_the_interview():
    offending = [str(p.relative_to(ROOT)) for p in (ROOT / "audio").rglob("*.py")
                 if any(m.startswith("simulator") for m in imports(p))]
    assert offending == []


def test_folders_import_each_other_only_as_documented():
    edges = graph()
    for folder, allowed in ALLOWED.items():
        assert edges.get(folder, set()) <= allowed, (folder, edges.get(folder, set()) - allowed)


def test_no_import_cycle_between_folders():
    edges = graph()
    seen: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        seen[node] = 1
        for nxt in sorted(edges.get(node, ())):
            assert seen.get(nxt) != 1, " -> ".join([*path, node, nxt])
            if nxt not in seen:
                visit(nxt, [*path, node])
        seen[node] = 2

    for node in sorted(edges):
        if node not in seen:
            visit(node, [])


def test_no_module_is_over_about_400_lines():
    long = {str(p.relative_to(ROOT)): n for package in ("audio", "simulator")
            for p in (ROOT / package).rglob("*.py")
            if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}
