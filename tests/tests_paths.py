"""Paths to the test data and reading saved sessions, importable from any test module and
the benchmarks."""

import json
import os
from pathlib import Path

DATA = Path(__file__).parent / "data"
TEST_SCRIPT = DATA / "scripts" / "two_questions.toml"
# Real speech from public repositories may not be committed: it is read from the shared folder
# beside the checkout (CI has it there). MOCK_INTERVIEW_SPEECH_DIR points elsewhere.
SHARED = Path(__file__).resolve().parents[2] / "shared"
SPEECH_DIR = Path(os.environ.get("MOCK_INTERVIEW_SPEECH_DIR") or SHARED / "speech")


def speech(name: str) -> Path:
    """A real recording from the development speech set; the test is skipped, saying where
    the recordings were looked for, when the set is not there."""
    path = SPEECH_DIR / name
    if not path.is_file():
        import pytest

        pytest.skip(f"real speech not found: {path} (the shared speech folder "
                    f"{SPEECH_DIR} is not beside this checkout; set MOCK_INTERVIEW_SPEECH_DIR)")
    return path


def saved_session(folder: Path) -> dict:
    """A saved session as plain JSON, the way another tool would read it: session.json plus
    the event log (events.jsonl) under "events"."""
    folder = Path(folder)
    doc = json.loads((folder / "session.json").read_text())
    lines = (folder / "events.jsonl").read_text().splitlines()
    doc["events"] = [json.loads(line) for line in lines if line.strip()]
    return doc
