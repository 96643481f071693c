"""Reviewing many sessions: comparing the rehearsals of a script, exporting, deleting,
searching, the session index, and captions parsed back with the captions libraries.

Sessions are written by the real session writer (tests/session_factory.py) with made-up
timed transcripts, so these tests need neither Whisper nor speech and stay fast; the CLI
tests run the installed ``mock-interview`` as a user would.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import os
import pty
import random
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest
from part_answers import corpus
from session_factory import (
    Rehearsal,
    Said,
    long_session,
    make_sessions,
    record_answer,
    script,
    timed,
    told,
    write_session,
    writer_of,
)

from simulator import review
from simulator.errors import SessionNotFound, SimulatorError, StorageError
from simulator.reports.analysis import analyze_session
from simulator.reports.compare import MIN_FOR_TREND, compare_sessions
from simulator.reports.compare_html import render_comparison
from simulator.reports.describe import clock, format_duration
from simulator.reports.html import CSP
from simulator.sessions.index import INDEX_FILE, SessionIndex
from simulator.sessions.store import SessionStore, read_session

from conftest import mock_interview

SCRIPT_ID = "ml-engineer-open"
DAY = dt.datetime(2026, 2, 2, 9, 0, tzinfo=dt.UTC)
# The serving part of the story, with the speed told as a figure: the number that changes.
FIFTEEN = {"and it runs in about fifteen.": "and it runs in about fifteen milliseconds."}
THIRTY = {"and it runs in about fifteen.": "and it runs in about thirty milliseconds."}


def rehearsal(day: int, deep_dive: Said, seed: int) -> Rehearsal:
    career = told("career", "career-logistics", wpm=150, fillers_per_minute=2.0)
    return Rehearsal(DAY + dt.timedelta(days=day), (career, deep_dive), seed=seed)


def known_differences(root: Path, count: int = 3) -> list[Path]:
    """Rehearsals of the same story with known differences: the second has more fillers;
    the third drops the lessons part, says 30 ms where the others said 15, and is faster."""
    dives = [
        told("deep-dive", "search-ranking", replace_text=FIFTEEN, wpm=130,
             fillers_per_minute=1.0),
        told("deep-dive", "search-ranking", replace_text=FIFTEEN, wpm=150,
             fillers_per_minute=3.0),
        told("deep-dive", "search-ranking", replace_text=THIRTY, wpm=175, drop=["lessons"],
             fillers_per_minute=5.0),
    ]
    return [write_session(root, rehearsal(k, dive, seed=k + 1))
            for k, dive in enumerate(dives[:count])]


def comparison_of(root: Path):
    docs = [read_session(f) for f in sorted(root.iterdir()) if f.is_dir()]
    return compare_sessions(SCRIPT_ID, [(d, analyze_session(d)) for d in docs])


def question(comparison, question_id: str):
    return next(q for q in comparison.questions if q.question_id == question_id)


def test_the_summaries_name_a_follow_up_by_what_it_followed_not_by_its_id(tmp_path):
    """"What to work on" (Markdown and HTML), the glance chart and the terminal's timing
    table name a follow-up's answer by the answer it followed and what it probed, with its
    turn to find it by."""
    follow_up = Said("deep-dive", ((None, "I would start with the labels. " * 12),), 240.0,
                     0.0, kind="follow_up", question="What would you change?",
                     budget=(30.0, 90.0))
    dive = told("deep-dive", "search-ranking", wpm=150)
    folder = write_session(tmp_path, Rehearsal(DAY, (dive, follow_up), seed=2))
    analysis = analyze_session(read_session(folder))
    assert analysis[2].remarks, "the follow-up answer has a remark to work on"
    report = (folder / "report.md").read_text()
    work_on = report.split("## What to work on")[1].split("##")[0]
    assert f"- **2. follow-up to deep-dive (reflection):** {analysis[2].remarks[0]}" in work_on
    assert "deep-dive-follow-up-1" not in work_on
    page = review.html_report(read_session(folder))
    assert '<a href="#turn-2">follow-up to deep-dive (reflection)</a>' in page
    # The terminal's timing table at the end of an interview and on review too.
    from rich.console import Console

    from simulator.terminal.tables import timing_table

    console = Console(width=160, record=True, file=io.StringIO())
    console.print(timing_table(read_session(folder)))
    shown = console.export_text()
    assert "follow-up to deep-dive (reflection)" in shown and "follow-up-1" not in shown
    # Beside its bar in the chart, where a phone leaves a few characters, by what it probed.
    assert "<li title=\"follow-up to deep-dive (reflection)\">↳ reflection</li>" in page


def test_a_follow_up_about_a_criterion_judged_only_where_named_is_judged_on_it(tmp_path):
    """A follow-up asking why a career move was made (the rubric's "reasons", judged only
    where a question names it) has its answer judged on that, though the question it
    followed named no criteria."""
    from simulator.reports.analysis import analyze_answer, script_context

    follow_up = Said("deep-dive", ((None, "I left the bank after three years. Then I moved to "
                                           "a travel agency as an engineer, and I stayed."),),
                     150.0, 0.0, kind="follow_up", question="Why those moves?",
                     budget=(30.0, 90.0))
    dive = told("deep-dive", "search-ranking", wpm=150)
    doc = read_session(write_session(tmp_path, Rehearsal(DAY, (dive, follow_up), seed=2)))
    answer = doc.answers[1]
    assert answer.follow_up is not None
    asked_why = answer.model_copy(update={"follow_up": answer.follow_up.model_copy(
        update={"criterion": "reasons"})})
    analysis = analyze_answer(asked_why, script_context(doc))
    assert analysis is not None
    (shown,) = analysis.signals_in_focus
    assert shown.id == "reasons" and not shown.found and shown.detail == (
        "2 moves, none with a reason")


# ----------------------------------------------------------------------------- compare


def test_the_markdown_report_has_pace_per_part_and_over_time_and_every_pause_and_filler(
        tmp_path):
    """The issue's delivery figures, each with when: words a minute per part (a column of
    the parts table) and over time (each 30 s window from its start), every pause and every
    filler (not the first few)."""
    folder = write_session(tmp_path, rehearsal(0, told("deep-dive", "search-ranking", wpm=150,
                                                        fillers_per_minute=6.0), seed=3))
    analysis = analyze_session(read_session(folder))
    report = (folder / "report.md").read_text()
    dive = next(a for a in analysis.values() if a.question_id == "deep-dive")
    assert dive.timeline is not None and len(dive.pauses) > 1
    section = next(s for s in report.split("\n### ") if "| The problem |" in s).splitlines()
    row = next(line for line in section if line.startswith("| The problem |"))
    assert row.endswith(f"| {dive.part_wpm['problem']:.0f} |")
    delivery = next(line for line in section if line.startswith("**Delivery:** "))
    assert len(dive.pace.windows) > 1
    assert delivery.count(" from ") >= len(dive.pace.windows)
    fillers = [f for f in dive.fillers if f.kind == "filler"]
    assert len(fillers) > 5 and delivery.count("“") >= len(fillers)
    assert "..." not in delivery
    assert all(f"{p.seconds:.1f} s at " in delivery for p in dive.pauses)


def test_compare_finds_the_known_differences(tmp_path):
    s1, s2, s3 = (f.name for f in known_differences(tmp_path))
    comparison = comparison_of(tmp_path)
    assert comparison.note is None
    assert [sid for sid, _ in comparison.sessions] == [s1, s2, s3]
    dive = question(comparison, "deep-dive")

    # The part dropped in the third rehearsal, still missing in the latest: said first.
    lessons = next(d for d in dive.dropped if d.kind == "part" and d.id == "lessons")
    assert (lessons.covered_in, lessons.dropped_in, lessons.still_missing) == (s2, s3, True)
    assert (lessons.covered, lessons.of) == (2, 3)
    assert dive.dropped[0].still_missing
    assert dive.parts["lessons"][2] is None and dive.parts["lessons"][0] is not None

    # Exactly one number changed: the speed, 15 ms twice and then 30 ms. The 50 ms budget in
    # the same sentence, told the same each time, is not reported; nor is any other figure.
    assert len(dive.numbers_changed) == 1, [n.topic for n in dive.numbers_changed]
    changed = dive.numbers_changed[0]
    assert changed.unit == "ms"
    assert [(t.session_id, t.value) for t in changed.tellings] == [(s1, 15), (s2, 15), (s3, 30)]
    assert "thirty milliseconds" in changed.tellings[-1].quote
    assert all(t.start_s is not None and t.start_s > 0 for t in changed.tellings)
    assert [v for v, _, _ in changed.runs] == [15, 30]

    # Faster each time, more fillers each time: both trends drawn (three rehearsals).
    assert dive.trend("words a minute").direction == "rising"
    wpm = dive.trend("words a minute").values
    assert wpm[0] == pytest.approx(130, abs=8) and wpm[2] == pytest.approx(175, abs=8)
    assert dive.trend("fillers a minute").direction == "rising"
    # The third is shorter (faster, and a part less) but still within the deep dive's budget.
    assert dive.seconds[2] < dive.seconds[0]
    assert dive.verdicts == ("within", "within", "within")

    # Personal best: the first (no part missing; fewest fillers among those tied on faults).
    assert dive.best == s1
    career = question(comparison, "career")
    assert career.numbers_changed == () and career.dropped == ()


def test_fewer_than_three_rehearsals_draw_no_trend_and_say_so(tmp_path):
    known_differences(tmp_path, count=2)
    comparison = comparison_of(tmp_path)
    assert comparison.note is not None and f"at least {MIN_FOR_TREND}" in comparison.note
    for q in comparison.questions:
        for trend in q.trends:
            assert trend.direction is None
            assert trend.note == \
                f"2 rehearsals with a value: a trend needs at least {MIN_FOR_TREND}"
            assert None not in trend.values  # the values are still there
    # The HTML report says it too, and draws no direction.
    page = render_comparison(comparison)
    assert "trends need at least 3" in page
    assert not re.search(r"\b(rising|falling|steady|uneven)\b", page.split("</header>")[1])


def test_a_question_answered_in_fewer_than_three_rehearsals_has_no_trend(tmp_path):
    known_differences(tmp_path)
    stopped = Rehearsal(DAY + dt.timedelta(days=5), (told("career", "career-logistics"),),
                        status="incomplete", seed=9)
    write_session(tmp_path, stopped)
    comparison = comparison_of(tmp_path)
    assert comparison.note is None  # four rehearsals
    assert question(comparison, "career").trend("words a minute").direction is not None
    dive = question(comparison, "deep-dive")
    assert dive.seconds[3] is None and dive.parts["lessons"][3] is None
    assert dive.trend("speaking seconds").direction is not None  # three answers: enough


def test_a_long_first_comparison_reports_progress_and_keeps_work_done_before_ctrl_c(tmp_path):
    """Derived results are saved every few sessions: stopped midway, a comparison keeps what
    it had computed, and says how far it got while it runs."""
    from simulator.sessions.index import SAVE_EVERY, SessionIndex

    folders = make_sessions(tmp_path, SAVE_EVERY + 3, report=False)
    index = SessionIndex(SessionStore(tmp_path))
    heard: list[tuple[int, int]] = []

    def compute(folder):
        if len(heard) == SAVE_EVERY + 2:
            raise KeyboardInterrupt
        return folder.name.upper()

    with pytest.raises(KeyboardInterrupt):
        index.derived("facts-v1", folders, compute, lambda done, total: heard.append((done, total)))
    assert heard[:2] == [(0, len(folders)), (1, len(folders))]
    computed: list[str] = []
    kept = index.derived("facts-v1", folders, lambda f: computed.append(f.name) or f.name.upper())
    assert len(kept) == len(folders)
    assert computed == [f.name for f in folders[SAVE_EVERY:]]  # the first ten were kept


def test_compare_keeps_each_rehearsals_facts_in_the_index(tmp_path):
    import sqlite3

    s1, s2, s3 = (f.name for f in known_differences(tmp_path))
    first = review.compare(None, str(tmp_path))  # analyses every session, keeps the facts
    with sqlite3.connect(tmp_path / INDEX_FILE) as db:
        kept = [row[0] for row in db.execute("SELECT session FROM derived ORDER BY session")]
    assert kept == [s1, s2, s3]
    again = review.compare(None, str(tmp_path))  # from the index
    assert first.to_json() == again.to_json() == comparison_of(tmp_path).to_json()

    # The latest rehearsal retakes the deep dive with the lessons told: that session is
    # analysed again, and the lessons were never dropped.
    writer = SessionStore(tmp_path).reopen(s3)
    record_answer(writer, told("deep-dive", "search-ranking", replace_text=THIRTY, wpm=175),
                  audio=None)
    writer.close()
    after = review.compare(None, str(tmp_path))
    assert after.to_json() == comparison_of(tmp_path).to_json()
    dive = question(after, "deep-dive")
    assert "lessons" not in {d.id for d in dive.dropped} and dive.parts["lessons"][2]


def test_compare_leaves_out_the_sample_candidates_rehearsals(tmp_path):
    """A rehearsal on the shipped sample answers is the synthetic candidate's: it is never
    the personal best nor a point of a trend, and the comparison says it was left out."""
    mine = [f.name for f in known_differences(tmp_path, count=3)]
    dive = told("deep-dive", "search-ranking", replace_text=FIFTEEN, wpm=140)
    sample = write_session(tmp_path, rehearsal(3, dive, seed=9), answers_from="sample answers")
    comparison = review.compare(None, str(tmp_path))
    assert [sid for sid, _ in comparison.sessions] == mine
    assert comparison.note == ("1 rehearsal on the sample answers left out (the synthetic "
                               "candidate's, not yours)")
    assert sample.name not in json.dumps(comparison.to_json())
    # Told by its answers, not by the settings the last run or resume wrote: a sample
    # rehearsal resumed with no question to ask (settings "nothing") is still the sample's.
    meta = json.loads((sample / "session.json").read_text())
    meta["settings"]["answers_from"] = "nothing"
    (sample / "session.json").write_text(json.dumps(meta))
    assert [sid for sid, _ in review.compare(None, str(tmp_path)).sessions] == mine
    # With nothing but the sample's rehearsals there is nothing to compare, and it says so.
    for name in mine:
        shutil.rmtree(tmp_path / name)
    with pytest.raises(SimulatorError, match="only sample-answer rehearsals"):
        review.compare(None, str(tmp_path))


def test_compare_does_not_keep_what_depends_on_a_users_script_file(tmp_path):
    """An old session whose script snapshot has no example sentences (nor example answers)
    takes them from its script file as it is today. When that file is the user's own (it can
    be edited), the session is analysed again at each comparison instead of kept in the
    index; when it is a bundled script (part of the code's version) the result is kept."""
    import sqlite3

    from simulator.config.script import LoadedScript

    bundled = script()
    user_copy = tmp_path / "my_script.toml"
    user_copy.write_text(bundled.path.read_text())
    bare = bundled.script.model_copy(update={"questions": [
        q.model_copy(update={"parts": [p.model_copy(update={"examples": []}) for p in q.parts],
                             "example_answers": []})
        for q in bundled.script.questions]})
    root = tmp_path / "sessions"
    dive = told("deep-dive", "search-ranking", replace_text=FIFTEEN, wpm=140)
    mine = write_session(root, rehearsal(0, dive, seed=1), report=False,
                         loaded=LoadedScript(bare, user_copy, bundled.sha256, bundled.rubric))
    ours = write_session(root, rehearsal(1, dive, seed=1), report=False,
                         loaded=LoadedScript(bare, bundled.path, bundled.sha256, bundled.rubric))
    first = review.compare(SCRIPT_ID, str(root))
    with sqlite3.connect(root / INDEX_FILE) as db:
        kept = [row[0] for row in db.execute("SELECT session FROM derived")]
    assert kept == [ours.name]
    assert mine.name != ours.name
    # Both were analysed with the file's examples: the same story, the same parts.
    dive_parts = question(first, "deep-dive").parts
    assert all(seconds[0] == seconds[1] for seconds in dive_parts.values())


def test_compare_json_through_the_cli(tmp_path):
    root = tmp_path / "sessions"
    s1, s2, s3 = (f.name for f in known_differences(root))
    result = mock_interview("review", "--compare", "--json", "--sessions-dir", str(root),
                            home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["script_id"] == SCRIPT_ID and data["note"] is None
    assert [s["id"] for s in data["sessions"]] == [s1, s2, s3]
    assert "fewest faults" in data["definitions"]["personal_best"]
    dive = next(q for q in data["questions"] if q["question_id"] == "deep-dive")
    assert dive["budget"] == {"min_s": 180.0, "max_s": 360.0}
    assert dive["best"] == s1
    assert [n["unit"] for n in dive["numbers_changed"]] == ["ms"]
    assert [t["value"] for t in dive["numbers_changed"][0]["tellings"]] == [15, 15, 30]
    assert {"kind": "part", "id": "lessons", "what": "part lessons", "covered_in": s2,
            "dropped_in": s3, "still_missing": True, "covered": 2, "of": 3} in dive["dropped"]
    trends = {t["metric"]: t["direction"] for t in dive["trends"]}
    assert trends["words a minute"] == "rising"
    assert dive["parts"]["lessons"][2] is None
    assert dive["part_budgets"]["lessons"] == {"min_s": 15.0, "max_s": 30.0}

    # Two rehearsals of another script's id: asked for by --script, with the note.
    (root / s3).rename(tmp_path / "elsewhere")
    result = mock_interview("review", "--compare", "--script", SCRIPT_ID, "--json",
                            "--sessions-dir", str(root), home=tmp_path / "home")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert "trends need at least 3" in data["note"]
    assert all(t["direction"] is None for q in data["questions"] for t in q["trends"])
    unknown = mock_interview("review", "--compare", "--script", "nope", "--sessions-dir",
                             str(root), home=tmp_path / "home")
    assert unknown.returncode != 0
    assert "no saved sessions of script 'nope'" in unknown.stderr
    assert SCRIPT_ID in unknown.stderr  # the scripts that do have sessions


def test_compare_table_in_the_terminal(tmp_path):
    root = tmp_path / "sessions"
    known_differences(root)
    result = mock_interview("review", "--compare", "--sessions-dir", str(root),
                            home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"Rehearsals of {SCRIPT_ID}: 3" in out
    for row in ("career", "deep-dive", "lessons", "pace, wpm", "fillers/min"):
        assert row in out
    assert "02-02 09:00" in out and "02-04 09:00" in out  # columns: when each was rehearsed
    assert "★" in out and "missing" in out and "rising" in out
    assert re.search(r"told differently: 15 \(02-02 09:00, ×2\) → 30 \(02-04 09:00\)", out)
    assert "part lessons still missing since 02-04 09:00" in out
    assert "fewest faults" in out


def test_compare_table_with_many_rehearsals_shows_the_latest(tmp_path):
    from rich.console import Console

    from simulator.terminal.tables import comparison_table

    make_sessions(tmp_path, 9, report=False)
    comparison = review.compare(None, str(tmp_path))
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(comparison_table(comparison))
    text = console.export_text()
    assert "Rehearsals of ml-engineer-open: 9, the latest 6 shown" in text
    assert "personal best" in text
    assert "Trends need" not in text  # nine rehearsals have trends
    # At 80 columns, as many rehearsals as fit whole: no date, budget or trend cut short.
    narrow = Console(width=80, record=True, file=io.StringIO())
    narrow.print(comparison_table(comparison, width=80))
    text = narrow.export_text()
    header = next(line for line in text.splitlines() if "Question / part" in line)
    assert "…" not in header and "Trend" in header, text
    # ... and the trends, read over more rehearsals than are shown, say so.
    assert "the latest 2 shown (trends read up to the latest 10 with a value)" in \
        " ".join(text.split()), text


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_compare_html_is_self_contained_with_its_csp(tmp_path):
    root = tmp_path / "sessions"
    known_differences(root)
    # A transcript holding markup: rendered as text in the list of changed numbers.
    dive = told("deep-dive", "search-ranking", wpm=160,
                replace_text={"and it runs in about fifteen.":
                              "and it runs in about twenty milliseconds <b>flat</b>."})
    write_session(root, rehearsal(4, dive, seed=7))
    out = tmp_path / "compare.html"
    result = mock_interview("review", "--compare", "--html", str(out), "--sessions-dir",
                            str(root), home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    page = out.read_text()
    parser = _Page()
    parser.feed(page)
    meta = [a for t, a in parser.tags if t == "meta" and a.get("http-equiv")]
    assert meta == [{"http-equiv": "Content-Security-Policy", "content": CSP}]
    assert "default-src 'none'" in CSP and "connect-src 'none'" in CSP
    # Nothing loaded from anywhere: no src or href to another place, no script at all.
    for tag, attrs in parser.tags:
        assert tag != "script"
        for name in ("src", "href"):
            assert not attrs.get(name) or attrs[name].startswith(("#", "data:")), (tag, attrs)
    assert "<b>flat" not in page and "&lt;b&gt;flat&lt;/b&gt;" in page
    assert page.count("<svg") >= 2 + 2 * 2 + 3 + 9  # time, pace and fillers, every part
    assert "Numbers that changed between tellings" in page
    assert "part lessons: in 2026-02-03 09:00, not in 2026-02-04 09:00 (told again since)" in page
    assert "fewest faults" in page


def _told(*texts: str) -> list:
    """Each text as a telling: timed as the factory times it, read for its figures."""
    from simulator.reports.figures import Told
    from simulator.sessions.records import AnswerRecord

    out = []
    for n, text in enumerate(texts):
        t = timed(Said("deep-dive", ((None, text),), fillers_per_minute=0), random.Random(n))
        out.append(Told.of(AnswerRecord(turn=1, question_id="deep-dive", question="?",
                                        budget={"min_s": 1, "max_s": 2},
                                        transcript=t.transcript, words=t.words)))
    return out


@pytest.mark.parametrize(("said", "value"), [
    ("1,200", 1200), ("$3.5", 3.5), ("one point four", 1.4), ("zero point three", 0.3),
    ("twenty two", 22), ("two hundred thousand", 200_000), ("three million", 3_000_000),
    ("a third", 1 / 3), ("two thirds", 2 / 3), ("halved", 0.5), ("doubled", 2),
    ("a few", None)])
def test_figure_values_as_said(said, value):
    from simulator.reports.figures import value_of

    assert value_of(said) == (pytest.approx(value, abs=1e-3) if value is not None else None)


def test_numbers_changed_are_real_figures_of_the_same_story():
    from simulator.reports.figures import changed_numbers

    def changed(*texts: str) -> list[tuple[str, list[float]]]:
        found = changed_numbers([f"s{k}" for k in range(len(texts))], _told(*texts))
        return [(n.topic, [t.value for t in n.tellings]) for n in found]

    # Reworded between tellings, still the same figure.
    assert changed(
        "The p99 latency of the service was 15 ms at launch, and we kept it there.",
        "At launch the service had a p99 latency of about 30 milliseconds, which we kept.",
        "We got the latency of the service down to twenty ms at the ninety ninth percentile.",
    ) == [("latency (ms)", [15, 30, 20])]
    # Years, dates and labels are not figures; a figure told the same is not a change.
    assert changed(
        "In 2019 I joined, and in question two I said the test ran for three weeks. Step "
        "three was the hard one, in March 2020.",
        "In 2021 I joined, and as I said the test ran for three weeks. Step four was the hard "
        "one, in March 2022.") == []
    # From and to, told twice: forty is paired with forty, thirty one with twenty eight.
    assert changed(
        "Searches without a click went from about forty percent to thirty one percent.",
        "Searches without a click went from about forty percent to twenty eight percent.",
    ) == [("searches (percent)", [31, 28])]
    # Another project told for the same question: its figures are other facts.
    stories = [a for a in corpus() if a.question == "deep-dive"]
    assert changed(*(a.text for a in stories)) == []


# ----------------------------------------------------------------------------- captions


def test_captions_parse_back_with_the_captions_libraries(tmp_path):
    import srt
    import webvtt

    tricky = ("We compared A & B, and the p99 was < 30 ms & > 10 ms --> fine. "
              "Then <i>nothing</i> & more -- and a very long sentence that keeps going well past "
              "the length of one caption, so that it has to be split on a word boundary "
              "somewhere in the middle of it. Short one. " * 3).strip()
    said = Said("career", (("path", tricky),), wpm=160, fillers_per_minute=0)
    folder = write_session(tmp_path / "s", Rehearsal(DAY, (said,), "incomplete", seed=3))
    doc = read_session(folder)
    answer = doc.answers[0]
    files = review.write_captions(doc, tmp_path / "captions")
    assert sorted(p.name for p in files) == ["01-career.srt", "01-career.vtt"]

    vtt = list(webvtt.read(str(tmp_path / "captions" / "01-career.vtt")))
    subs = list(srt.parse((tmp_path / "captions" / "01-career.srt").read_text()))
    assert len(vtt) == len(subs) > 3

    def seconds(stamp: str) -> float:
        h, m, s = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    for cues in ([(seconds(c.start), seconds(c.end)) for c in vtt],
                 [(c.start.total_seconds(), c.end.total_seconds()) for c in subs]):
        assert all(a < b for a, b in cues)
        assert all(b <= c for (_, b), (c, _) in pairwise(cues))  # in order, no overlap
        assert cues[0][0] == pytest.approx(answer.words[0].start, abs=0.001)
        assert cues[-1][1] <= (answer.audio_seconds or 0)
    # The text, read back, is the transcript: WebVTT escaped (the library leaves the
    # entities), SRT as said.
    spoken = " ".join(answer.transcript.split())
    assert " ".join(html.unescape(c.text) for c in vtt) == spoken
    assert " ".join(c.content for c in subs) == spoken
    raw = (tmp_path / "captions" / "01-career.vtt").read_text()
    cue_text = [line for line in raw.splitlines()[2:] if line and "-->" in line and
                not re.match(r"\d\d:\d\d:\d\d\.\d{3} --> ", line)]
    assert cue_text == [] and "&lt;i&gt;" in raw and "&amp; B" in raw


def test_captions_write_whisper_s_word_pieces_as_one_word(tmp_path):
    """Whisper times "9.2" as " 9" and ".2", "real-time" as " real" and "-time": a caption
    reads "up to 9.2 days", not "up to 9 .2 days" (as the HTML transcript already did)."""
    from simulator.reports.captions import cues
    from simulator.sessions.records import WordRecord

    said = Said("career", (("path", "Short one."),), wpm=160, fillers_per_minute=0)
    doc = read_session(write_session(tmp_path / "s", Rehearsal(DAY, (said,), "incomplete",
                                                                seed=3)))
    pieces = [" It", " took", " up", " to", " 9", ".2", " days", " in", " real", "-time,",
              " roughly", " 2", "%", " of", " runs."]
    words = [WordRecord(word=w, start=0.3 * k, end=0.3 * k + 0.25, probability=0.9)
             for k, w in enumerate(pieces)]
    answer = doc.answers[0].model_copy(update={"words": words, "fillers_added": []})
    assert [c.text for c in cues(answer)] == [
        "It took up to 9.2 days in real-time, roughly 2% of runs."]


def test_the_worst_overrun_names_a_part_when_no_answer_ran_over(tmp_path):
    """"Worst overrun: none" at the top beside "over by 0:30" in a part's row read as a
    contradiction: with no answer over its budget, the worst part over its own is named."""
    from dataclasses import replace

    from simulator.reports.html import render_html

    path = ("path", "I started in analytics at a bank and moved into machine learning. " * 3)
    said = Said("career", (path,), wpm=160, fillers_per_minute=0, budget=(10.0, 600.0))
    doc = read_session(write_session(tmp_path / "s", Rehearsal(DAY, (said,), "complete",
                                                                seed=3)))
    analyses = analyze_session(doc)
    assert all(a.verdict != "over" for a in doc.answers)
    turn, an = next((t, a) for t, a in analyses.items() if a.timeline and a.timeline.parts)
    assert "<dt>Worst overrun</dt><dd>none</dd>" in render_html(doc, analyses)
    part = replace(an.timeline.parts[0], verdict="over", delta_s=30.0)
    over = {**analyses, turn: replace(an, timeline=replace(an.timeline, parts=(part,)))}
    title = an.timeline.title(part.id)
    page = render_html(doc, over)
    assert (f"<dt>Worst overrun</dt><dd>{title} in career: 0:30 over <small class=\"dd-note\">"
            "(a part; no answer over its budget)</small>" in page)
    # The part's verdict is the cell coloured (the pace column, added last, once took it).
    assert '<td class="verdict">over by 0:30</td>' in page
    assert "tr.over td.verdict" in page and "td:last-child" not in page


# ----------------------------------------------------------------------------- export


def test_export_writes_everything_to_share(tmp_path):
    root = tmp_path / "sessions"
    folders = make_sessions(root, 3, report=False)
    dest = tmp_path / "to-mentor"
    result = mock_interview("review", "--export", str(dest), folders[0].name,
                            folders[2].name[:15], "--sessions-dir", str(root),
                            home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in dest.iterdir()) == [folders[0].name, folders[2].name]
    for folder in (folders[0], folders[2]):
        doc = read_session(folder)
        out = dest / folder.name
        page = (out / "report.html").read_text()
        assert page.count("data:audio/ogg;base64,") == len(doc.answers)
        assert doc.answers[0].transcript.split()[5] in (out / "report.md").read_text()
        captions = sorted(p.name for p in (out / "captions").iterdir())
        audio = sorted(p.name for p in (out / "audio").iterdir())
        stems = [Path(a.audio).stem for a in doc.answers]
        assert captions == sorted([f"{s}.srt" for s in stems] + [f"{s}.vtt" for s in stems])
        assert audio == sorted(f"{s}.wav" for s in stems)
        assert (out / "audio" / f"{stems[0]}.wav").read_bytes() == \
            (folder / doc.answers[0].audio).read_bytes()


def test_the_reports_resume_hint_finds_a_session_outside_the_default_folder(tmp_path, home):
    """The reports tell how to finish what is pending (here the verbatim pass, which these
    sessions never had): for a session kept with --sessions-dir, the plain `resume ID` would
    not find it, so the hint carries the folder; in the default folder it stays plain."""
    from simulator import paths

    elsewhere = make_sessions(tmp_path / "elsewhere", 1, report=False)[0]
    default = make_sessions(paths.sessions_dir(), 1, report=False)[0]
    for folder, hint in ((elsewhere, f"mock-interview resume {elsewhere.name} --sessions-dir "
                                     f"{tmp_path / 'elsewhere'}"),
                         (default, f"mock-interview resume {default.name}`")):
        doc = read_session(folder)
        assert any(a.fillers_pending for a in doc.answers)
        assert hint in review.markdown_report(doc)
        page = review.html_report(doc, with_audio=False)
        assert hint.rstrip("`") + "</code>" in page
    # Exported for a mentor: this machine's folders would mean nothing to them.
    shared = review.markdown_report(read_session(elsewhere), shared=True)
    assert f"mock-interview resume {elsewhere.name}`" in shared and "--sessions-dir" not in shared


def test_a_recording_cut_short_since_the_session_is_said_in_the_report(tmp_path):
    """A saved answer's WAV cut after the session (a copy interrupted, a disk error) reads
    as far as it goes, without an error: the report embeds what is there and says that the
    recording is shorter than it was, so that a player stopping early is not a mystery."""
    folder = make_sessions(tmp_path / "sessions", 1, audio="tone", report=False)[0]
    doc = read_session(folder)
    whole = review.html_report(doc)
    assert "could be read (it was" not in whole
    first = doc.answers[0]
    wav = folder / first.audio
    wav.write_bytes(wav.read_bytes()[: 44 + 2 * 16000 * 3])  # the header and 3 s of samples
    page = html.unescape(review.html_report(read_session(folder)))
    assert (f"Only the first 0:03 of this answer's recording could be read (it was "
            f"{format_duration(first.audio_seconds)} when saved): {first.audio} has been cut "
            "or damaged since.") in page
    assert page.count("could be read (it was") == 1  # the other answers are whole
    assert page.count("data:audio/ogg;base64,") == len(doc.answers)


def test_export_with_an_unknown_id_writes_nothing(tmp_path):
    folders = make_sessions(tmp_path / "sessions", 1, report=False)
    with pytest.raises(SessionNotFound, match="no saved session 'nope'"):
        review.export([folders[0].name, "nope"], tmp_path / "out", str(tmp_path / "sessions"))
    assert not (tmp_path / "out").exists()


# ----------------------------------------------------------------------------- delete


def test_delete_with_yes_removes_the_session_completely(tmp_path):
    root = tmp_path / "sessions"
    folders = make_sessions(root, 2)
    assert len(SessionIndex(SessionStore(root)).summaries()) == 2  # the index knows it
    result = mock_interview("review", "--delete", folders[0].name, "--yes",
                            "--sessions-dir", str(root), home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert "Deleted" in result.stdout
    assert not folders[0].exists() and folders[1].exists()
    assert [s.id for s in SessionIndex(SessionStore(root)).summaries()] == [folders[1].name]
    assert review.search("search", str(root))  # the other is still searchable...
    assert {h.session_id for h in review.search("search", str(root))} == {folders[1].name}


def _delete_on_a_terminal(root: Path, session_id: str, home: Path, answer: bytes):
    """``review --delete ID`` with a terminal on standard input, answering the question."""
    exe = Path(sys.executable).with_name("mock-interview")
    master, slave = pty.openpty()
    env = {**os.environ, "MOCK_INTERVIEW_HOME": str(home), "COLUMNS": "200"}
    try:
        process = subprocess.Popen([str(exe), "review", "--delete", session_id,
                                    "--sessions-dir", str(root)], stdin=slave,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        os.write(master, answer)
        out, err = process.communicate(timeout=120)
    finally:
        os.close(master)
        os.close(slave)
    return process.returncode, out.decode(), err.decode()


def test_delete_asks_first_and_declining_keeps_the_session(tmp_path):
    root = tmp_path / "sessions"
    folder = make_sessions(root, 1)[0]
    code, out, _ = _delete_on_a_terminal(root, folder.name, tmp_path / "home", b"no\n")
    assert "Type 'yes' to confirm" in out and "Nothing deleted." in out
    assert code == 1 and (folder / "session.json").exists()
    code, out, _ = _delete_on_a_terminal(root, folder.name, tmp_path / "home", b"yes\n")
    assert code == 0 and not folder.exists()


def test_delete_without_a_terminal_needs_yes(tmp_path):
    root = tmp_path / "sessions"
    folder = make_sessions(root, 1)[0]
    result = mock_interview("review", "--delete", folder.name, "--sessions-dir", str(root),
                            home=tmp_path / "home", stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert "without confirmation: add --yes" in result.stderr
    assert folder.exists()


def test_delete_of_a_running_or_unknown_session_is_a_clear_error(tmp_path):
    root = tmp_path / "sessions"
    running = write_session(root, Rehearsal(DAY, (told("career", "career-logistics"),),
                                            status=None, seed=2))
    try:
        result = mock_interview("review", "--delete", running.name, "--yes", "--sessions-dir",
                                str(root), home=tmp_path / "home")
        assert result.returncode != 0
        assert f"session {running.name} is in use by another mock-interview" in result.stderr
        assert "Traceback" not in result.stderr
        assert (running / "events.jsonl").exists()
        with pytest.raises(StorageError, match="in use"):
            review.delete(running.name, str(root))
    finally:
        writer_of(running).close()
    unknown = mock_interview("review", "--delete", "20990101-nothing", "--yes",
                             "--sessions-dir", str(root), home=tmp_path / "home")
    assert unknown.returncode != 0
    assert "no saved session '20990101-nothing'" in unknown.stderr
    assert running.exists()


def test_open_while_a_run_writes_the_session_writes_a_snapshot_not_its_report(tmp_path):
    """`review ID --open` during a run must not replace the report.html the run writes when
    it ends with one rendered from an earlier moment: it writes a snapshot elsewhere."""
    root = tmp_path / "sessions"
    running = write_session(root, Rehearsal(DAY, (told("career", "career-logistics"),),
                                            status=None, seed=2))
    (tmp_path / "tmp").mkdir()
    env = {**os.environ, "BROWSER": "true", "TMPDIR": str(tmp_path / "tmp")}
    args = ("review", running.name, "--open", "--no-audio", "--sessions-dir", str(root))
    try:
        during = mock_interview(*args, home=tmp_path / "home", env=env)
        assert during.returncode == 0, during.stderr
        assert "is still being recorded by another mock-interview" in during.stderr
        assert not (running / "report.html").exists()
        snapshot = tmp_path / "tmp" / f"mock-interview-{running.name}-snapshot.html"
        assert "Career" in snapshot.read_text() or "career" in snapshot.read_text()
    finally:
        writer_of(running).close()
    after = mock_interview(*args, home=tmp_path / "home", env=env)
    assert after.returncode == 0, after.stderr
    assert "still being recorded" not in after.stderr
    assert (running / "report.html").is_file()
    assert "No browser could be opened" not in after.stderr


# ----------------------------------------------------------------------------- search


def test_search_finds_text_in_transcripts(tmp_path):
    root = tmp_path / "sessions"
    make_sessions(root, 2, report=False)
    odd = told("deep-dive", "search-ranking",
               replace_text={"a tracking bug": "a Kafka consumer bug"})
    special = write_session(root, rehearsal(30, odd, seed=5))
    hits = review.search("kafka CONSUMER", str(root))
    assert [(h.session_id, h.question_id) for h in hits] == [(special.name, "deep-dive")]
    assert "Kafka consumer bug" in hits[0].snippet and hits[0].snippet.startswith("…")
    # Cut at spaces, never inside a word ("…tured labels").
    snippet = hits[0].snippet.strip("…")
    assert f" {snippet} " in f" {' '.join(odd.text.split())} ", snippet
    # When it was said, and how often: "Kafka consumer" once, at its word's start.
    doc = read_session(special)
    answer = next(a for a in doc.answers if a.question_id == "deep-dive")
    kafka = next(w for w in answer.words if w.word.strip().lower().startswith("kafka"))
    assert hits[0].start_s == pytest.approx(kafka.start, abs=0.01) and hits[0].count == 1
    said = answer.transcript.lower().count("rank")
    rank = next(h for h in review.search("RANK", str(root))
                if (h.session_id, h.turn) == (special.name, answer.turn))
    assert rank.count == said > 1
    assert len(review.search("position", str(root))) == 3  # every telling
    assert review.search("zebra", str(root)) == []
    with pytest.raises(SimulatorError, match="needs some text"):
        review.search("  ", str(root))
    result = mock_interview("review", "--search", "kafka consumer", "--sessions-dir",
                            str(root), home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert special.name in result.stdout and "Kafka consumer bug" in result.stdout
    assert f"deep-dive at {clock(hits[0].start_s)}" in result.stdout
    none = mock_interview("review", "--search", "zebra", "--sessions-dir", str(root),
                          home=tmp_path / "home")
    assert "No transcript says zebra" in none.stdout
    as_json = mock_interview("review", "--search", "kafka consumer", "--json", "--sessions-dir",
                             str(root), home=tmp_path / "home")
    assert as_json.returncode == 0, as_json.stderr
    found = json.loads(as_json.stdout)
    assert found["query"] == "kafka consumer"
    assert [(h["session_id"], h["question_id"]) for h in found["hits"]] == [
        (special.name, "deep-dive")]
    assert "Kafka consumer bug" in found["hits"][0]["snippet"]
    assert found["hits"][0]["start_s"] == hits[0].start_s and found["hits"][0]["count"] == 1


# ----------------------------------------------------------------------------- the index


def test_the_index_follows_the_session_folders(tmp_path):
    root = tmp_path / "sessions"
    store = SessionStore(root)
    folders = make_sessions(root, 3, report=False)
    index = SessionIndex(store)
    assert [s.id for s in index.summaries()] == [f.name for f in folders]
    assert (root / INDEX_FILE).exists()

    # Added after the index was built: listed and searchable.
    running = write_session(root, Rehearsal(DAY, (told("career", "career-logistics"),),
                                            status=None, seed=4))
    summaries = {s.id: s for s in index.summaries()}
    assert summaries[running.name].status == "interrupted"  # not closed yet
    assert summaries[running.name].answers == 1

    # Changed: the same session answers its retake and the deep dive, then ends.
    writer = writer_of(running)
    record_answer(writer, Said("career", ((None, "I retook it and talked about wombats."),),
                               attempt=2))
    record_answer(writer, told("deep-dive", "search-ranking"))
    from simulator.sessions.records import SessionEnded

    writer.log.append(SessionEnded, status="complete", unanswered=[])
    writer.checkpoint()
    writer.close()
    summaries = {s.id: s for s in index.summaries()}
    assert summaries[running.name].status == "complete"
    assert summaries[running.name].answers == 2
    assert [h.session_id for h in review.search("wombats", str(root))] == [running.name]

    # Removed: gone from the listing and from search.
    import shutil

    shutil.rmtree(folders[0])
    assert folders[0].name not in {s.id for s in index.summaries()}
    assert folders[0].name not in {h.session_id for h in review.search("position", str(root))}

    # The index missing, or damaged: rebuilt from the folders.
    expected = [s.id for s in index.summaries()]
    (root / INDEX_FILE).unlink()
    assert [s.id for s in index.summaries()] == expected and (root / INDEX_FILE).exists()
    (root / INDEX_FILE).write_bytes(b"this is not a database" * 100)
    assert [s.id for s in index.summaries()] == expected
    assert [s.id for s in index.summaries()] == expected  # and rebuilt for the next time


def test_the_index_is_rebuilt_when_a_session_is_edited_in_place(tmp_path):
    """A session whose event log changed without its size changing (the same number of
    bytes) is read again: the index compares modification times too."""
    root = tmp_path / "sessions"
    folder = make_sessions(root, 1, report=False)[0]
    index = SessionIndex(SessionStore(root))
    assert review.search("wombats", str(root)) == []
    events = folder / "events.jsonl"
    text = events.read_text()
    # A word of a transcript (the script's snapshot earlier in the log may say it too).
    at = text.index("position", text.index('"transcript_ready"'))
    edited = text[:at] + "wombatss" + text[at + len("position"):]
    assert len(edited) == len(text)
    stat = events.stat()
    events.write_text(edited)
    os.utime(events, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert [h.session_id for h in review.search("wombats", str(root))] == [folder.name]
    assert [s.id for s in index.summaries()] == [folder.name]


# ----------------------------------------------------------------------------- the factory


def test_the_session_factory_writes_real_sessions(tmp_path):
    folders = make_sessions(tmp_path, 4)
    for folder in folders:
        doc = read_session(folder)
        assert doc.script.id == SCRIPT_ID and (folder / "report.md").exists()
        for a in doc.answers:
            assert a.status == "complete" and a.counts and a.words and a.verdict
            assert a.transcript == " ".join(s.text for s in a.segments)
            assert (folder / a.audio).is_file()
    # What the analysis measures is what was asked for.
    said = told("deep-dive", "search-ranking", wpm=140, fillers_per_minute=4.0)
    folder = write_session(tmp_path / "one", Rehearsal(DAY, (said,), "incomplete", seed=1))
    doc = read_session(folder)
    analysis = analyze_session(doc)[1]
    assert analysis.pace.wpm == pytest.approx(140, rel=0.05)
    fillers = sum(f.kind == "filler" for f in analysis.fillers)
    assert fillers / (analysis.speech_seconds / 60) == pytest.approx(4.0, abs=1.0)


def test_a_long_session_has_twenty_minutes_of_answers(tmp_path):
    folder = long_session(tmp_path, minutes=20, audio=None)
    doc = read_session(folder)
    total = sum(a.audio_seconds or 0 for a in doc.answers)
    assert 19 * 60 <= total <= 22 * 60
    assert [a.kind for a in doc.answers].count("follow_up") == 4
    assert [a.attempt for a in doc.answers if a.question_id == "deep-dive"] == [1, 2]
    assert all(a.counts for a in doc.answers if a.kind == "follow_up")


def test_the_personal_best_counts_only_qualities_every_rehearsal_was_judged_on():
    """A rehearsal recorded before a criterion was added to the rubric (its snapshot has
    none) is not judged on it; without this rule it would win by that alone."""
    from simulator.reports.compare import _best
    from simulator.reports.compare_facts import AnswerFacts
    from simulator.reports.figures import Told

    def answer(judged: tuple[str, ...], shown: tuple[str, ...]) -> AnswerFacts:
        return AnswerFacts(200.0, "within", (180.0, 360.0), 0.0, True, {}, (), 150.0, 1.0,
                           {f"quality:{c}": c for c in shown}, judged, Told((), frozenset()))

    old = answer(("metrics", "ownership"), ("metrics",))
    new = answer(("metrics", "ownership", "business-impact"), ("metrics", "ownership"))
    # The newer one shows ownership and lacks only the quality the older was never judged on.
    assert _best(["old", "new"], [old, new]) == "new"
    # Judged on the same qualities, the new criterion counts again.
    newer = answer(("metrics", "ownership", "business-impact"), ("metrics", "ownership",
                                                                 "business-impact"))
    assert _best(["new", "newer"], [new, newer]) == "newer"
    assert new.lacking({"metrics", "ownership", "business-impact"}) == 1
    assert new.lacking({"metrics", "ownership"}) == 0
    # An answer with no transcript was judged on nothing: it does not empty the shared set
    # (else a rehearsal lacking every quality could win on fillers).
    good = answer(("metrics", "ownership"), ("metrics", "ownership"))
    bad = AnswerFacts(200.0, "within", (180.0, 360.0), 0.0, True, {}, (), 150.0, 0.5, {},
                      ("metrics", "ownership"), Told((), frozenset()))
    unheard = AnswerFacts(400.0, "over", (180.0, 360.0), 40.0, False, {}, (), None, None, {},
                          (), Told((), frozenset()))
    assert _best(["good", "bad", "unheard"], [good, bad, unheard]) == "good"
    # Nor does it win by showing no fault it could not be judged on, within its budget.
    silent = AnswerFacts(200.0, "within", (180.0, 360.0), 0.0, False, {}, (), None, None, {},
                         (), Told((), frozenset()))
    assert _best(["bad", "silent"], [bad, silent]) == "bad"
    assert _best(["silent"], [silent]) == "silent"


def test_a_trend_is_steady_only_when_the_values_stay_close():
    """Read from the values, not only the fitted line: a flat line through values that jump
    about is uneven, and near zero a share of the mean is no measure."""
    from simulator.reports.compare import _trend

    def direction(metric: str, *values: float) -> str | None:
        return _trend(metric, values).direction

    assert direction("words a minute", 187, 233, 227, 233, 170) == "uneven"
    assert direction("fillers a minute", 0.0, 0.0, 7.5, 0.0, 0.0) == "uneven"
    assert direction("fillers a minute", 0.2, 0.0, 0.7, 0.0, 0.0) == "steady"
    assert direction("words a minute", 150, 156, 152, 149) == "steady"
    assert direction("speaking seconds", 100, 120, 135, 160) == "rising"
    assert direction("speaking seconds", 160, 150, 120, 100) == "falling"
    # A slow, steady climb whose values all stay near their mean is still a climb.
    assert direction("speaking seconds", 60, 62, 64, 66, 68, 70) == "rising"
    assert direction("words a minute", 140, 146, 152, 158, 164) == "rising"
    assert direction("fillers a minute", 0.0, 0.5, 1.0, 1.5, 2.0) == "rising"


def test_changed_figures_are_written_as_people_write_them():
    from simulator.reports.figures import figure_text

    assert [figure_text(v) for v in (2e6, 3.5e6, 1200.0, 0.125, 15.0, 1.4, 2.5e9)] == \
        ["2 million", "3.5 million", "1,200", "0.125", "15", "1.4", "2.5 billion"]
    # Never in exponents, and two different figures never read the same.
    assert [figure_text(v) for v in (12345.5, 99999.9, 1234567.0, 1234890.0, 1e5)] == \
        ["12,345.5", "99,999.9", "1,234,567", "1,234,890", "100,000"]
