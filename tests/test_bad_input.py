"""Bad input and the ways a question used to get lost, through the installed CLI: each gets
a clear message, keeps what was recorded, and can be answered again with ``resume``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from audio.clip import Audio
from audio.io import write_wav

from audio_fixtures import answer_with_pauses, pink_noise
from conftest import mock_interview
from tests_paths import TEST_SCRIPT, saved_session

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    folder = tmp_path_factory.mktemp("good")
    first = answer_with_pauses(["librispeech_1272-128104-0000.wav"], lead_s=0.5, tail_s=0.5)
    second = answer_with_pauses(["jfk_inaugural_1961.wav"], lead_s=0.5, tail_s=0.5)
    return (write_wav(folder / "first.wav", first.audio),
            write_wav(folder / "second.wav", second.audio))


def error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:"), result.stderr
    return lines[0]


def session_doc(home: Path) -> dict:
    (path,) = (home / "sessions").glob("*/session.json")
    return saved_session(path.parent)


def bad_file(folder: Path, kind: str) -> Path:
    if kind == "noise":  # a fan, nobody speaking
        samples = pink_noise(3.0, -30.0, seed=4)
    elif kind == "short":
        samples = np.random.default_rng(1).standard_normal(1600).astype(np.float32) * 0.1
    else:
        samples = np.zeros(3 * 16000, np.float32)
    return write_wav(folder / f"{kind}.wav", Audio(samples))


@pytest.mark.parametrize("kind", ["noise", "short", "silence"])
def test_an_answer_without_speech_is_asked_again_by_resume(tmp_path, good, kind):
    home = tmp_path / "home"
    bad = bad_file(tmp_path, kind)
    result = mock_interview("run", "--script", str(TEST_SCRIPT), "--tts", "off",
                            "--answers", str(good[0]), str(bad), home=home)
    assert result.returncode == 1
    line = error_line(result)
    assert "question 2 (second)" in line and bad.name in line and "no speech found" in line
    if kind == "noise":
        assert "steady background noise" in line and "silent" not in line
    if kind == "silence":
        assert "it is silent" in line
    if kind == "short":  # 0.1 s: its sound is no "background noise"
        assert "only 0.1 s long, too short to hold an answer" in line
    doc = session_doc(home)
    assert "1 usable answer saved (and 1 attempt without one)" in line
    assert f"mock-interview resume {doc['id']} --answers FILE" in line and "second" in line
    assert doc["status"] == "incomplete" and doc["unanswered"] == ["second"]

    resumed = mock_interview("resume", doc["id"], "--tts", "off", "--json",
                             "--answers", str(good[1]), home=home)
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout.strip().splitlines()[-1])["answers"] == 2
    doc = session_doc(home)
    assert doc["status"] == "complete" and doc["unanswered"] == []
    _first, failed, second = doc["answers"]
    assert failed["status"] == "failed" and not failed["counts"]
    assert second["question_id"] == "second" and second["attempt"] == 2 and second["counts"]
    assert "country" in second["transcript"].lower()

    again = mock_interview("resume", doc["id"], "--tts", "off", home=home)
    assert again.returncode == 2 and "already complete" in error_line(again)
    assert "--retake" in again.stderr


def test_resume_retake_answers_a_question_again_and_the_new_attempt_counts(tmp_path, good):
    home = tmp_path / "home"
    done = mock_interview("run", "--script", str(TEST_SCRIPT), "--tts", "off",
                          "--answers", str(good[0]), str(good[1]), home=home)
    assert done.returncode == 0, done.stderr
    session_id = session_doc(home)["id"]
    unknown = mock_interview("resume", session_id, "--retake", "nope", home=home)
    assert unknown.returncode == 2 and "no such question" in error_line(unknown)
    retake = mock_interview("resume", session_id, "--tts", "off", "--retake", "first",
                            "--answers", str(good[1]), home=home)
    assert retake.returncode == 0, retake.stderr
    doc = session_doc(home)
    answers = {(a["question_id"], a["attempt"]): a for a in doc["answers"]}
    assert not answers[("first", 1)]["counts"] and answers[("first", 2)]["counts"]
    assert (home / "sessions" / session_id / answers[("first", 1)]["audio"]).is_file()
    report = (home / "sessions" / session_id / "report.md").read_text()
    assert "superseded by a later attempt" in report and "Attempt 2 at `first` (counts)" in report


def test_a_missing_answer_file_is_refused_before_anything_starts(tmp_path, good):
    """Found at once, with no model loaded and no empty session left behind (it was once
    found only when its question came, leaving a "0 of 2" session in the list)."""
    missing = tmp_path / "nope" / "a.wav"
    refused = mock_interview("run", "--tts", "off", "--llm", "offline",
                             "--answers", str(missing), str(good[0]), home=tmp_path)
    assert refused.returncode == 2
    line = error_line(refused)
    assert str(missing) in line and "no such file" in line
    assert not list((tmp_path / "sessions").glob("*/session.json"))
    assert "Loading" not in refused.stdout + refused.stderr
    # A folder and an empty file are refused as early, each with what is wrong with it.
    folder, empty = tmp_path / "answers.wav", tmp_path / "empty.wav"
    folder.mkdir()
    empty.write_bytes(b"")
    refused = mock_interview("run", "--tts", "off", "--llm", "offline",
                             "--answers", str(folder), str(empty), home=tmp_path)
    assert refused.returncode == 2
    line = error_line(refused)
    assert f"{folder}: is a folder" in line and f"{empty}: is empty (0 bytes)" in line
    assert not list((tmp_path / "sessions").glob("*/session.json"))


def test_options_that_contradict_each_other_are_refused(tmp_path, good):
    both = mock_interview("run", "--tts", "off", "--sample-answers",
                          "--answers", str(good[0]), str(good[1]), home=tmp_path)
    assert both.returncode == 2
    assert "--answers and --sample-answers" in error_line(both)
    alone = mock_interview("run", "--tts", "off", "--answers-include-follow-ups", home=tmp_path)
    assert alone.returncode == 2
    assert "--answers-include-follow-ups" in error_line(alone)
    assert not list((tmp_path / "sessions").glob("*/session.json"))


def test_the_screen_script_takes_one_file_per_question_and_says_so(tmp_path, good):
    """The case of the issue: 11 questions, each of the deep dive's followed up."""
    files = [str(good[i % 2]) for i in range(11)]
    screen = ("--script", "ml-engineer-screen")
    refused = mock_interview("run", *screen, "--tts", "off", "--llm", "offline",
                             "--answers-include-follow-ups", "--answers", *files, home=tmp_path)
    assert refused.returncode == 2
    line = error_line(refused)
    assert "--answers needs 20 files here" in line and "4: follow-up 1 to question 3" in line
    too_many = mock_interview("run", *screen, "--tts", "off", "--answers", *files, files[0],
                              home=tmp_path)
    assert "--answers needs 11 files here" in error_line(too_many)
    assert "follow-up questions are skipped" in too_many.stderr
    done = mock_interview("run", *screen, "--tts", "off", "--llm", "offline", "--json",
                          "--answers", *files, home=tmp_path / "ok")
    assert done.returncode == 0, done.stderr
    assert "the follow-up questions are skipped" in done.stdout
    doc = session_doc(tmp_path / "ok")
    assert [a["question_id"] for a in doc["answers"]] == doc["script"]["questions"]
    assert doc["status"] == "complete"


def test_a_truncated_wav_is_used_with_a_warning(tmp_path, good):
    data = bytearray(good[1].read_bytes())
    promised = int.from_bytes(data[40:44], "little") * 2
    data[40:44] = promised.to_bytes(4, "little")
    cut = tmp_path / "cut.wav"
    cut.write_bytes(bytes(data))
    result = mock_interview("run", "--script", str(TEST_SCRIPT), "--tts", "off",
                            "--answers", str(good[0]), str(cut), home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert "cut.wav is cut short" in result.stdout
    doc = session_doc(tmp_path / "home")
    notices = [e["text"] for e in doc["events"] if e["type"] == "notice"]
    assert any("cut.wav is cut short" in n for n in notices)
    # `analyze` says so too (it once read the file in silence).
    analysed = mock_interview("analyze", str(cut), "--script", str(TEST_SCRIPT),
                              "--no-verbatim", "--json", home=tmp_path / "home")
    assert analysed.returncode == 0, analysed.stderr
    assert "note: cut.wav is cut short" in analysed.stderr
    json.loads(analysed.stdout.strip().splitlines()[-1])  # standard output stays the JSON


def test_hints_keep_the_sessions_dir(tmp_path, good):
    elsewhere = tmp_path / "elsewhere"
    result = mock_interview("run", "--script", str(TEST_SCRIPT), "--tts", "off",
                            "--sessions-dir", str(elsewhere),
                            "--answers", str(good[0]), str(good[1]), home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    (folder,) = elsewhere.iterdir()
    assert f"mock-interview review {folder.name} --sessions-dir {elsewhere}" in result.stdout


def test_an_invalid_llm_port_is_a_clear_error_in_run_and_doctor(tmp_path, good):
    url = "http://127.0.0.1:99999/v1"
    run = mock_interview("run", "--script", str(TEST_SCRIPT), "--tts", "off", "--llm-base-url",
                         url, "--answers", str(good[0]), str(good[1]), home=tmp_path)
    assert run.returncode == 2
    assert "invalid port '99999'" in error_line(run)
    doctor = mock_interview("doctor", "--llm-base-url", url, "--seconds", "0.3", home=tmp_path)
    assert "invalid port '99999'" in doctor.stdout
    assert "internal error" not in doctor.stdout + doctor.stderr


def test_two_runs_cannot_write_one_session_at_once(tmp_path, good):
    home = tmp_path / "home"
    first = mock_interview("run", "--script", str(TEST_SCRIPT), "--tts", "off",
                           "--answers", str(good[0]), str(bad_file(tmp_path, "silence")),
                           home=home)
    assert first.returncode == 1
    doc = session_doc(home)
    folder = home / "sessions" / doc["id"]
    # Another mock-interview resuming this session holds its lock (the program's own lock).
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from simulator.sessions.store import SessionLock; SessionLock(Path(sys.argv[1])); "
         "print('locked', flush=True); time.sleep(120)", str(folder)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        second = mock_interview("resume", doc["id"], "--tts", "off", "--answers", str(good[1]),
                                home=home)
        assert second.returncode == 2
        assert "in use by another mock-interview" in error_line(second)
    finally:
        holder.kill()
        holder.wait()
    after = mock_interview("resume", doc["id"], "--tts", "off", "--answers", str(good[1]),
                           home=home)
    assert after.returncode == 0, after.stderr


@pytest.mark.parametrize("prompt, problem", [
    ("x" * 1_000_000, "String should have at most 1000 characters"),
    ("Tell me \x1b]0;pwned\x07 about it.", "holds a control character"),
])
def test_script_text_that_would_hang_speech_or_reach_the_terminal_is_refused(tmp_path, prompt,
                                                                             problem):
    script = tmp_path / "bad.toml"
    text = TEST_SCRIPT.read_text()
    start = text.index('prompt = "') + len('prompt = "')
    end = text.index('"', start)
    script.write_text(text[:start] + prompt.replace("\x1b", "\\u001b").replace("\x07", "\\u0007")
                      + text[end:])
    result = mock_interview("run", "--script", str(script), "--tts", "file", home=tmp_path)
    assert result.returncode == 2
    line = error_line(result)
    assert str(script) in line and "questions[0] (id 'first').prompt" in line and problem in line
    assert "\x1b" not in result.stderr + result.stdout


def test_a_voice_the_system_lacks_is_a_script_error_before_anything_starts(tmp_path, good):
    """The script's interviewer voice is looked up in the real text-to-speech engine before
    the session is created: a typo names the file, the key and the voices there are (it was
    found at the first question, leaving an empty session whose resume failed the same way)."""
    script = tmp_path / "voice.toml"
    script.write_text(TEST_SCRIPT.read_text().replace('voice = "en-us"', 'voice = "en-uss"'))
    result = mock_interview("run", "--script", str(script), "--tts", "file", "--llm", "offline",
                            "--answers", str(good[0]), str(good[1]), home=tmp_path)
    assert result.returncode == 2
    line = error_line(result)
    assert f"{script}: interviewer.voice: no text-to-speech voice called 'en-uss'" in line
    assert "en-us" in line.split("English voices here:")[1]
    assert not list((tmp_path / "sessions").glob("*/session.json"))


def test_doctor_advice_fits_the_error(tmp_path):
    from fake_openai_server import FakeOpenAIServer

    with FakeOpenAIServer("status", status=500) as server:
        doctor = mock_interview("doctor", "--llm-base-url", server.base_url, "--seconds", "0.3",
                                home=tmp_path)
    assert "HTTP 500" in doctor.stdout
    assert "--llm-timeout" not in doctor.stdout and "server answered with an error" in doctor.stdout


def _mount_tmpfs(folder: Path, size: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                              capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def test_a_full_disk_keeps_what_was_recorded_and_leaves_nothing_hidden(tmp_path, good):
    disk = tmp_path / "small-disk"
    if not _mount_tmpfs(disk, "400k"):
        pytest.skip("cannot mount a small tmpfs here (needs root): the full-disk case is "
                    "covered by test_live_logic's /dev/full test only")
    try:
        long = answer_with_pauses(["jfk_inaugural_1961.wav"] * 2, lead_s=0.5, tail_s=0.5)
        big = write_wav(tmp_path / "long.wav", long.audio)  # ~700 KB as 16-bit WAV
        result = mock_interview("run", "--script", str(TEST_SCRIPT), "--tts", "off", "--json",
                                "--sessions-dir", str(disk), "--answers", str(good[0]), str(big),
                                home=tmp_path / "home")
        assert result.returncode == 1, result.stderr
        line = error_line(result)
        assert "No space left on device" in line and "free some disk space" in line
        hidden = [p for p in disk.rglob(".*") if p.name.endswith(".tmp")]
        assert hidden == []
        (folder,) = disk.iterdir()
        doc = saved_session(folder)
        assert doc["answers"][0]["status"] == "complete" and doc["answers"][0]["transcript"]
        assert doc["status"] == "incomplete"
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
