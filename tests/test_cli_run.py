"""The real ``mock-interview`` command on answer files: real Whisper, real TTS, real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audio.errors import AudioFileError
from audio.io import read_audio, write_wav
from bench.wer import word_error_rate

from audio_fixtures import answer_with_pauses, encode, room_noise
from conftest import mock_interview
from tests_paths import TEST_SCRIPT, saved_session

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    """Two answers in different formats, rates and channel counts, with known timing."""
    folder = tmp_path_factory.mktemp("answers")
    first = answer_with_pauses(["librispeech_1272-128104-0000.wav", "mfa_uhum.wav"])
    second = answer_with_pauses(["jfk_inaugural_1961.wav"], lead_s=1.0, tail_s=1.5)
    return {
        "first": first,
        "second": second,
        "first_path": encode(folder / "a1.flac", first.audio, rate=44_100, channels=2),
        "second_path": encode(folder / "a2.mp3", second.audio, rate=22_050, channels=1),
    }


def two_files(answers) -> list[str]:
    """The test script and one answer file per question."""
    return ["--script", str(TEST_SCRIPT), "--answers", str(answers["first_path"]),
            str(answers["second_path"])]


def last_json_line(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


def test_run_on_answer_files_saves_a_complete_session(tmp_path, answers):
    home = tmp_path / "home"
    result = mock_interview(
        "run", "--script", str(TEST_SCRIPT), "--tts", "file", "--json",
        "--answers", str(answers["first_path"]), str(answers["second_path"]), home=home,
    )
    assert result.returncode == 0, result.stderr
    summary = last_json_line(result.stdout)
    session_dir = Path(summary["session_dir"])
    assert session_dir.parent == home / "sessions"
    doc = saved_session(session_dir)
    assert doc["schema_version"] == 1 and doc["status"] == "complete"
    assert doc["id"] == summary["session_id"]
    assert doc["script"]["id"] == "two-questions" and doc["script"]["title"]
    first, second = doc["answers"]

    known = answers["first"]
    assert abs(first["speech_seconds"] - known.speech_seconds) <= 0.3
    assert abs(first["speech_start"] - known.speech_start) <= 0.3
    assert first["verdict"] == "over" and first["budget"] == {"min_s": 5.0, "max_s": 9.0}
    assert first["budget_delta_s"] == pytest.approx(first["speech_seconds"] - 9.0, abs=0.01)
    assert second["verdict"] == "within"
    assert word_error_rate([known.text], [first["transcript"]]) < 25
    assert "country" in second["transcript"].lower()

    for answer in doc["answers"]:
        assert (session_dir / answer["audio"]).is_file()
        assert answer["words"] and {"word", "start", "end"} <= set(answer["words"][0])
        assert all(0 <= w["start"] <= w["end"] for w in answer["words"])
    # Word timestamps are relative to the answer audio: speech starts after the lead-in.
    assert first["words"][0]["start"] >= known.speech_start - 0.6

    # --tts file: the interviewer's lines are written, not played.
    assert sorted(p.name for p in (session_dir / "questions").iterdir()) == [
        "01-first.wav", "02-second.wav"]
    events = doc["events"]
    kinds = [e["type"] for e in events]
    for kind in ("session_started", "question_asked", "answer_ended", "transcript_ready",
                 "answer_measured", "session_ended"):
        assert kind in kinds
    ended = [e for e in events if e["type"] == "answer_ended"]
    assert [e["reason"] for e in ended] == ["end_of_file", "end_of_file"]
    report = (session_dir / "report.md").read_text()
    assert "| 1 | first |" in report and "over by" in report

    # review lists it, and review ID prints transcript and timing.
    listing = mock_interview("review", home=home)
    assert listing.returncode == 0
    assert doc["id"] in listing.stdout and "two-questions" in listing.stdout
    assert "2/2" in listing.stdout
    shown = mock_interview("review", doc["id"][:15], home=home)
    assert shown.returncode == 0, shown.stderr
    assert "country" in shown.stdout.lower() and "over by" in shown.stdout


def test_the_summary_after_a_far_too_short_answer_says_so_first(tmp_path):
    """The live summary reads the answer with its budget, as the report does: a 1.5 s
    reading against a 5 s minimum is told "Far too short" right after the answer."""
    from tests_paths import DATA, speech

    result = mock_interview("run", "--script", str(DATA / "scripts" / "one_question.toml"),
                            "--answers", str(speech("ljspeech_LJ002-0020.wav")), "--tts", "off",
                            home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "→ Far too short: 0:01 of speaking against a minimum of 0:05." in result.stdout


def test_speak_without_an_output_device_falls_back_to_files(tmp_path, answers):
    result = mock_interview(
        "run", "--script", str(TEST_SCRIPT), "--json",
        "--answers", str(answers["first_path"]), str(answers["second_path"]), home=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "No sound output device found" in result.stdout
    session_dir = Path(last_json_line(result.stdout)["session_dir"])
    assert len(list((session_dir / "questions").glob("*.wav"))) == 2
    doc = saved_session(session_dir)
    assert doc["settings"]["tts"] == "file"


def test_python_dash_m_entry_point(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "simulator", "scripts"],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "ml-engineer-screen" in result.stdout


def test_the_scripts_table_reads_at_80_columns(tmp_path, monkeypatch):
    """The title gets the width: a file column squeezed it to a word a line. The file is
    shown once the user has scripts of their own."""
    import io

    from rich.console import Console

    from simulator.commands import list_scripts
    from simulator.terminal.tables import scripts_table

    monkeypatch.setenv("MOCK_INTERVIEW_HOME", str(tmp_path))
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(scripts_table(list_scripts()))
    text = console.export_text()
    assert "Career story and flagship ML" in text and "file" not in text.split("\n")[2], text
    assert "bundled with the program" in text
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "mine.toml").write_text(
        TEST_SCRIPT.read_text())
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(scripts_table(list_scripts()))
    assert "mine.toml" in console.export_text()


# ------------------------------------------------------------------------- bad input


def one_error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:")
    return lines[0]


def run_with_second_answer(tmp_path, second: Path, answers) -> tuple:
    result = mock_interview(
        "run", "--script", str(TEST_SCRIPT), "--tts", "off", "--json",
        "--answers", str(answers["first_path"]), str(second), home=tmp_path / "home",
    )
    return result, last_json_line(result.stdout)


# A file that is not there at all is refused before anything starts
# (tests/test_bad_input.py::test_a_missing_answer_file_is_refused_before_anything_starts).
# An empty file is refused before anything starts (test_bad_input.py), as a missing one is.
@pytest.mark.parametrize("kind", ["silent", "corrupt"])
def test_bad_answer_file_stops_the_interview_and_keeps_earlier_answers(tmp_path, answers, kind):
    bad = tmp_path / f"bad-{kind}.wav"
    if kind == "silent":
        write_wav(bad, room_noise(3.0))
    elif kind == "corrupt":
        bad.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(256)) * 8)
    result, summary = run_with_second_answer(tmp_path, bad, answers)
    assert result.returncode == 1
    line = one_error_line(result)
    assert bad.name in line
    expected = {"silent": "no speech", "corrupt": "cannot decode"}[kind]
    assert expected in line and "question 2" in line
    doc = saved_session(Path(summary["session_dir"]))
    assert doc["status"] == "incomplete" and bad.name in doc["incomplete_reason"]
    assert doc["answers"][0]["status"] == "complete"
    assert "book" not in doc["answers"][0]["transcript"].lower()  # it is the real first answer
    assert abs(doc["answers"][0]["speech_seconds"] - answers["first"].speech_seconds) <= 0.3


@pytest.mark.parametrize("count", [1, 3])
def test_too_few_or_too_many_answer_files_are_refused_before_anything_is_recorded(
        tmp_path, answers, count):
    files = [str(answers["first_path"]), str(answers["second_path"]), str(answers["first_path"])]
    result = mock_interview("run", "--script", str(TEST_SCRIPT), "--tts", "off", "--json",
                            "--answers", *files[:count], home=tmp_path)
    assert result.returncode == 2
    line = one_error_line(result)
    assert "--answers needs 2 files here" in line
    assert "1: question 1 (first), 2: question 2 (second)" in line
    assert f"{count} {'was' if count == 1 else 'were'} given" in line
    assert not (tmp_path / "sessions").exists() or not any((tmp_path / "sessions").iterdir())


def test_unknown_script_lists_known_ones(tmp_path):
    result = mock_interview("run", "--script", "no-such-script", home=tmp_path)
    assert result.returncode == 2
    line = one_error_line(result)
    assert "unknown script 'no-such-script'" in line and "ml-engineer-screen" in line
    assert not (tmp_path / "sessions").exists() or not any((tmp_path / "sessions").iterdir())


def test_broken_script_names_file_and_key(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(TEST_SCRIPT.read_text().replace("max_s = 9", "max_s = 3"))
    result = mock_interview("run", "--script", str(broken), home=tmp_path)
    assert result.returncode == 2
    line = one_error_line(result)
    assert str(broken) in line and "questions[0] (id 'first')" in line
    assert "min_s (5) is greater than max_s (3)" in line


def test_missing_model_path(tmp_path, answers):
    result = mock_interview("run", "--model", str(tmp_path / "no-model"), *two_files(answers),
                            home=tmp_path)
    assert result.returncode == 2
    assert "model path does not exist" in one_error_line(result)


def test_named_model_offline_says_how_to_supply_a_path(tmp_path, answers):
    result = mock_interview("run", "--model", "small.en", *two_files(answers), home=tmp_path)
    assert result.returncode == 2
    line = one_error_line(result)
    assert "cannot be downloaded offline" in line and "--model /path/to" in line


def test_unwritable_sessions_folder(tmp_path, answers):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = mock_interview("run", "--sessions-dir", str(blocker / "sessions"),
                            *two_files(answers), home=tmp_path)
    assert result.returncode == 2
    line = one_error_line(result)
    assert "cannot write to the sessions folder" in line and str(blocker) in line


def test_debug_shows_the_traceback(tmp_path):
    result = mock_interview("run", "--script", "no-such-script", "--debug", home=tmp_path)
    assert result.returncode == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert "ScriptError" in result.stderr


def test_review_of_unknown_session(tmp_path):
    result = mock_interview("review", "nope", home=tmp_path)
    assert result.returncode == 2
    assert "no saved session 'nope'" in one_error_line(result)


@pytest.mark.parametrize("path", ["", "  "])
def test_an_empty_audio_path_is_called_empty_not_a_folder(path):
    """`mock-interview analyze ""` read the empty path as the current folder and said
    "expected an audio file but . is a folder"."""
    with pytest.raises(AudioFileError, match="no audio file given: the path is empty"):
        read_audio(path)
