"""Paths to the test data and reading saved sessions, importable from any test module and
the benchmarks."""

import json
from pathlib import Path

DATA = Path(__file__).parent / "data"
TEST_SCRIPT = DATA / "scripts" / "two_questions.toml"


def saved_session(folder: Path) -> dict:
    """A saved session as plain JSON, the way another tool would read it: session.json plus
    the event log (events.jsonl) under "events"."""
    folder = Path(folder)
    doc = json.loads((folder / "session.json").read_text())
    lines = (folder / "events.jsonl").read_text().splitlines()
    doc["events"] = [json.loads(line) for line in lines if line.strip()]
    return doc
