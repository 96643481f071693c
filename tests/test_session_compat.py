"""Sessions written by earlier versions still load, review and list (a committed fixture)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from simulator.reports.markdown import render_markdown
from simulator.sessions.index import SessionIndex
from simulator.sessions.records import QuestionAsked, TranscriptReady
from simulator.sessions.store import SessionStore, read_session

from tests_paths import DATA

OLD = DATA / "sessions" / "20261202-154440-follow-up"


@pytest.fixture
def old_session(tmp_path) -> Path:
    folder = tmp_path / "sessions" / OLD.name
    shutil.copytree(OLD, folder)
    return folder


def test_a_session_from_before_the_reshape_loads_with_typed_records(old_session):
    before = {p: p.read_bytes() for p in old_session.rglob("*") if p.is_file()}
    doc = read_session(old_session)
    assert doc.status == "complete" and doc.id == OLD.name
    main, follow_up = doc.answers
    assert main.kind == "main" and main.question_id == "project" and main.counts
    assert main.attempt == 1 and main.transcript and "fraud" in main.transcript.lower()
    assert main.words and main.words[0].start <= main.words[-1].end
    assert main.spans == [] and main.speech_seconds  # no spans were saved then
    # The follow-up's thread is found from what it follows (old events have no thread_turn).
    assert follow_up.kind == "follow_up" and follow_up.thread_turn == main.turn
    assert follow_up.counts and follow_up.follow_up and follow_up.follow_up.criterion
    assert doc.unanswered == []
    assert isinstance(doc.events_of(QuestionAsked)[0], QuestionAsked)
    assert len(doc.events_of(TranscriptReady)) == 2
    # Reading changed nothing.
    assert {p: p.read_bytes() for p in old_session.rglob("*") if p.is_file()} == before


def test_its_report_renders_and_it_is_listed(old_session):
    doc = read_session(old_session)
    report = render_markdown(doc)
    assert "| 1 | project |" in report and "Follow-up:" in report and "fraud" in report.lower()
    (summary,) = SessionIndex(SessionStore(old_session.parent)).summaries()
    assert summary.id == OLD.name and summary.status == "complete" and summary.answers == 1


def test_a_malformed_event_is_named_by_file_and_line(old_session):
    log = old_session / "events.jsonl"
    lines = log.read_text().splitlines()
    bad = json.loads(lines[3])
    bad["turn"] = "three"
    lines[3] = json.dumps(bad)
    log.write_text("\n".join(lines) + "\n")
    from simulator.errors import StorageError

    with pytest.raises(StorageError, match=r"events.jsonl: line 4: turn"):
        read_session(old_session)
