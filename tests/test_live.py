"""Live rehearsal through a real audio stack: PortAudio -> ALSA -> a private PulseAudio
server with a virtual microphone (fed real speech) and a virtual speaker (recorded).

These run the installed ``mock-interview`` program as a user would, with real Whisper,
real espeak-ng speech and real devices; nothing in the program knows it is being tested.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audio.io import read_audio, write_wav
from bench.wer import normalise, word_error_rate

from audio_fixtures import answer_with_pauses, weak_vad_answer
from soundserver import PulseServer
from tests_paths import DATA, saved_session

pytestmark = pytest.mark.slow

ONE = DATA / "scripts" / "one_question.toml"
TWO = DATA / "scripts" / "two_questions.toml"
EXE = Path(sys.executable).with_name("mock-interview")


@pytest.fixture(scope="module")
def pulse(tmp_path_factory):
    server = PulseServer(tmp_path_factory.mktemp("pulse")).start()
    yield server
    server.stop()


class LiveRun:
    """The program running in the background against the virtual devices."""

    def __init__(self, home: Path, server: PulseServer, *args: str) -> None:
        self.home = home
        # The program's output files, written while it runs in the background.
        self.out = open(home.parent / f"{home.name}-stdout.txt", "w+")  # noqa: SIM115
        self.err = open(home.parent / f"{home.name}-stderr.txt", "w+")  # noqa: SIM115
        # PYTHONFAULTHANDLER: a crash, or the SIGABRT `wait_for` sends a hung run, prints
        # every thread's stack on stderr for the failure message.
        env = {**os.environ, **server.env, "MOCK_INTERVIEW_HOME": str(home), "COLUMNS": "120",
               "PYTHONFAULTHANDLER": "1"}
        self.process = subprocess.Popen([str(EXE), *args, "--json"], stdin=subprocess.PIPE,
                                        stdout=self.out, stderr=self.err, env=env)

    def events(self) -> list[dict]:
        logs = list((self.home / "sessions").glob("*/events.jsonl"))
        if not logs:
            return []
        lines = logs[0].read_text().splitlines()
        return [json.loads(line) for line in lines if line.endswith("}")]

    def wait_for(self, kind: str, count: int = 1, timeout: float = 90) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [e for e in self.events() if e["type"] == kind]
            if len(found) >= count:
                return found[count - 1]
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"no {kind!r} event #{count}; {self.post_mortem()}")

    def post_mortem(self) -> str:
        """What the run did, for a failure message: its exit (a hung run is made to print
        its threads' stacks first), its events and the end of its output."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGABRT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            state = "hung (stacks below)"
        else:
            state = f"exited with {self.process.returncode}"
        kinds = [e["type"] for e in self.events()]
        return (f"the run {state}; events: {kinds}; stdout ends: {self.stdout()[-1500:]!r}; "
                f"stderr: {self.stderr()[-6000:]}")

    def press(self, key: str = "\n") -> None:
        self.process.stdin.write(key.encode())
        self.process.stdin.flush()

    def finish(self, timeout: float = 120) -> int:
        return self.process.wait(timeout=timeout)

    def stdout(self) -> str:
        self.out.seek(0)
        return self.out.read()

    def stderr(self) -> str:
        self.err.seek(0)
        return self.err.read()

    def document(self) -> dict:
        summary = json.loads(self.stdout().strip().splitlines()[-1])
        return saved_session(Path(summary["session_dir"]))


def speak_into_mic(server: PulseServer, tmp_path: Path, known, name: str) -> None:
    path = write_wav(tmp_path / name, known.audio)
    assert server.feed(path).wait(timeout=120) == 0


def test_answer_with_thinking_pauses_ends_by_silence(pulse, tmp_path, transcriber):
    known = answer_with_pauses(
        ["librispeech_1272-128104-0000.wav", "jfk_inaugural_1961.wav", "mfa_uhum.wav"],
        pause_s=3.0, lead_s=1.0, tail_s=0.5)
    heard_by_speaker = pulse.record_speaker(tmp_path / "speaker.wav")
    run = LiveRun(tmp_path / "home", pulse, "run", "--script", str(ONE), "--tts", "speak")
    run.wait_for("answer_started")
    speak_into_mic(pulse, tmp_path, known, "answer.wav")
    assert run.finish() == 0, run.stderr()
    heard_by_speaker.terminate()
    heard_by_speaker.wait()

    doc = run.document()
    answer = doc["answers"][0]
    assert answer["end_reason"] == "silence"
    # 3-second thinking pauses did not cut the answer: every part of it is there.
    assert abs(answer["speech_seconds"] - known.speech_seconds) <= 0.3
    assert answer["longest_pause"] >= 2.5
    words = normalise(answer["transcript"]).split()
    for word in ("gospel", "americans", "country"):
        assert word in words
    # The last clip (the MFA speaker: "montreal forced uh um ... forced aligner") is in the
    # transcript too, timed to its end. Its words themselves are not checked: base hears them
    # differently with each cut ("on trail forced ... forest aligner", "... for a still liner").
    after = words[len(words) - words[::-1].index("country"):]
    assert len(after) >= 4, answer["transcript"]
    speech_end = known.speech_start + known.speech_seconds
    assert answer["words"][-1]["end"] >= speech_end - 1.0, (answer["words"][-1], speech_end)
    assert word_error_rate([known.text], [answer["transcript"]]) < 25
    # Ended by 5 s of silence after the last word (plus the 0.5 s tail), not earlier.
    assert answer["audio_seconds"] - answer["speech_end"] >= 4.5
    ended = next(e for e in doc["events"] if e["type"] == "answer_ended")
    ready = next(e for e in doc["events"] if e["type"] == "transcript_ready")
    assert ready["t"] >= ended["t"]
    # The live draft stays in the log; at the session's end the whole recording was
    # transcribed again, and that is the transcript checked above and the report reads.
    assert ready["live"] is True and word_error_rate([known.text], [ready["text"]]) < 25
    revised = next(e for e in doc["events"] if e["type"] == "transcript_revised")
    assert revised["t"] > ready["t"] and answer["revised"]
    assert answer["transcript"] == revised["text"]
    # The answer's audio on disk is exactly what was transcribed.
    saved = read_audio(next((run.home / "sessions").glob("*/answers/01-only.wav")))
    assert abs(saved.duration - answer["audio_seconds"]) < 0.05
    # What the program said arrived on the (virtual) speaker.
    spoken = transcriber.transcribe(read_audio(tmp_path / "speaker.wav")).text
    assert {"sentences", "book"} <= set(normalise(spoken).split()), spoken


def test_answer_ends_by_key(pulse, tmp_path):
    # A clip whose edges are unambiguous, so its known speaking time is exact.
    known = answer_with_pauses(["librispeech_1272-128104-0000.wav"], lead_s=0.5, tail_s=0.3)
    run = LiveRun(tmp_path / "home", pulse, "run", "--script", str(ONE), "--tts", "file")
    run.wait_for("answer_started")
    speak_into_mic(pulse, tmp_path, known, "answer.wav")
    time.sleep(1.0)
    run.press("\n")
    assert run.finish() == 0, run.stderr()
    answer = run.document()["answers"][0]
    assert answer["end_reason"] == "key"
    assert answer["audio_seconds"] < known.audio.duration + 3.0  # well before 5 s of silence
    assert abs(answer["speech_seconds"] - known.speech_seconds) <= 0.3
    assert "gospel" in normalise(answer["transcript"]).split()


def test_answer_ends_at_the_maximum_plus_grace_with_a_wrap_up_line(pulse, tmp_path):
    script = tmp_path / "short.toml"
    script.write_text(ONE.read_text().replace("max_s = 40", "max_s = 4")
                      .replace("min_s = 5", "min_s = 2"))
    known = answer_with_pauses(["jfk_inaugural_1961.wav", "mfa_uhum.wav"], lead_s=0.2)
    run = LiveRun(tmp_path / "home", pulse, "run", "--script", str(script), "--tts", "file",
                  "--grace", "2")
    run.wait_for("answer_started")
    feeder = pulse.feed(write_wav(tmp_path / "answer.wav", known.audio))
    assert run.finish() == 0, run.stderr()
    feeder.terminate()
    doc = run.document()
    answer = doc["answers"][0]
    assert answer["end_reason"] == "max_time"
    # 4 s maximum + 2 s grace of speaking time, counted from the first word like the verdict.
    assert 5.7 <= answer["speech_seconds"] <= 6.3
    assert answer["verdict"] == "over"
    wrap_up = [e for e in doc["events"]
               if e["type"] == "interviewer_said" and e["what"] == "wrap_up"]
    assert wrap_up and wrap_up[0]["text"] == "Thank you, let us stop there."


def test_the_interviewers_voice_does_not_end_up_in_the_answer(pulse, tmp_path, transcriber):
    """Laptop speakers heard by the laptop's microphone: the speaker is looped into the mic."""
    pulse.leak_speaker_into_mic()
    try:
        mic_tap = subprocess.Popen(
            ["parec", "--device=virtual_mic", "--file-format=wav", "--channels=1",
             "--rate=16000", str(tmp_path / "mic.wav")], env={**os.environ, **pulse.env})
        known = answer_with_pauses(["librispeech_1272-128104-0000.wav"], lead_s=0.5, tail_s=0.3)
        run = LiveRun(tmp_path / "home", pulse, "run", "--script", str(ONE), "--tts", "speak")
        run.wait_for("answer_started")
        speak_into_mic(pulse, tmp_path, known, "answer.wav")
        time.sleep(0.8)
        run.press(" ")
        assert run.finish() == 0, run.stderr()
        mic_tap.terminate()
        mic_tap.wait()
    finally:
        pulse.stop_leak()
    # The leak is real: the microphone did hear the question...
    mic_heard = normalise(transcriber.transcribe(read_audio(tmp_path / "mic.wav")).text).split()
    assert "book" in mic_heard, mic_heard
    # ...but the answer holds only the candidate.
    answer = run.document()["answers"][0]
    # ("aligner" is the last word; base hears the first, "montreal", as "on trail" here.)
    words = normalise(answer["transcript"]).split()
    assert "book" not in words and "sentences" not in words
    assert "quilter" in words or "gospel" in words


def test_ctrl_c_once_ends_the_answer_twice_ends_the_session(pulse, tmp_path):
    known = answer_with_pauses(["jfk_inaugural_1961.wav"], lead_s=0.3)
    wav = write_wav(tmp_path / "answer.wav", known.audio)
    run = LiveRun(tmp_path / "home", pulse, "run", "--script", str(TWO), "--tts", "file")
    run.wait_for("answer_started")
    feeder = pulse.feed(wav)
    time.sleep(4.0)
    run.process.send_signal(signal.SIGINT)
    feeder.terminate()
    run.wait_for("answer_started", count=2)  # the interview went on to question 2
    feeder = pulse.feed(wav)
    time.sleep(3.0)
    run.process.send_signal(signal.SIGINT)
    time.sleep(0.2)
    run.process.send_signal(signal.SIGINT)
    assert run.finish() == 130, run.stderr()
    feeder.terminate()
    doc = run.document()
    assert doc["status"] == "incomplete" and "Ctrl-C" in doc["incomplete_reason"]
    first, second = doc["answers"]
    for answer in (first, second):
        assert answer["end_reason"] == "interrupted" and answer["status"] == "complete"
        assert 2.5 <= answer["audio_seconds"] <= 5.5
        assert answer["transcript"]


def test_microphone_disappearing_mid_answer_keeps_the_audio(tmp_path):
    server = PulseServer(tmp_path / "pulse").start()
    try:
        known = answer_with_pauses(["jfk_inaugural_1961.wav"], lead_s=0.3)
        run = LiveRun(tmp_path / "home", server, "run", "--script", str(ONE), "--tts", "file")
        run.wait_for("answer_started")
        server.feed(write_wav(tmp_path / "answer.wav", known.audio))
        time.sleep(4.0)
        server.kill()
        code = run.finish(timeout=60)
    finally:
        server.stop()
    assert code == 1
    assert "microphone stopped delivering audio" in run.stderr()
    assert "mock-interview resume" in run.stderr()
    doc = run.document()
    answer = doc["answers"][0]
    assert answer["end_reason"] == "device_lost"
    assert 3.0 <= answer["audio_seconds"] <= 5.5
    assert answer["transcript"] and "americans" in normalise(answer["transcript"]).split()
    assert doc["status"] == "incomplete"


def test_kill_9_mid_answer_then_review_and_resume(pulse, tmp_path):
    home = tmp_path / "home"
    known = answer_with_pauses(["jfk_inaugural_1961.wav"], lead_s=0.3)
    run = LiveRun(home, pulse, "run", "--script", str(TWO), "--tts", "file")
    run.wait_for("answer_started")
    feeder = pulse.feed(write_wav(tmp_path / "answer.wav", known.audio))
    time.sleep(5.0)
    run.process.kill()
    run.finish()
    feeder.wait()
    session_id = next((home / "sessions").iterdir()).name
    env = {**os.environ, **pulse.env, "MOCK_INTERVIEW_HOME": str(home), "COLUMNS": "200"}

    listing = subprocess.run([str(EXE), "review"], env=env, capture_output=True, text=True)
    assert session_id in listing.stdout and "interrupted" in listing.stdout
    folder = home / "sessions" / session_id
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    shown = subprocess.run([str(EXE), "review", session_id], env=env, capture_output=True,
                           text=True)
    assert shown.returncode == 0, shown.stderr
    assert "interrupted" in shown.stdout
    # Everything up to the last saved second is shown, transcribed for the review...
    assert "americans" in normalise(shown.stdout).split(), shown.stdout
    assert "transcribed for this review" in shown.stdout
    # ...and reading the session changed nothing in it.
    after = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert after == before

    second = answer_with_pauses(["librispeech_1272-128104-0000.wav"], lead_s=0.5)
    resumed = subprocess.run(
        [str(EXE), "resume", session_id, "--tts", "off", "--json", "--answers",
         str(write_wav(tmp_path / "second.wav", second.audio))],
        env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    doc = saved_session(home / "sessions" / session_id)
    assert doc["status"] == "complete"
    answer_wav = home / "sessions" / session_id / "answers" / "01-first.wav"
    recorded = read_audio(answer_wav)  # repaired by resume, and readable
    assert 4.0 <= recorded.duration <= 5.5  # everything up to the last second
    first, answer2 = doc["answers"]
    assert first["question_id"] == "first" and first["end_reason"] == "recovered"
    assert "americans" in normalise(first["transcript"]).split()
    assert answer2["question_id"] == "second" and "gospel" in answer2["transcript"].lower()
    assert [e["type"] for e in doc["events"]].count("session_resumed") == 1


def test_no_microphone_is_explained(tmp_path):
    env = {**os.environ, "PULSE_SERVER": f"unix:{tmp_path}/none",
           "MOCK_INTERVIEW_HOME": str(tmp_path)}
    result = subprocess.run([str(EXE), "run", "--script", str(ONE), "--tts", "off"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "no microphone" in result.stderr and "--answers" in result.stderr
    fallback = subprocess.run([str(EXE), "run", "--script", str(ONE), "--tts", "off",
                               "--samples-if-no-mic", "--json"], env=env,
                              capture_output=True, text=True, timeout=300)
    assert fallback.returncode == 0, fallback.stderr
    assert "No microphone found: rehearsing on the sample answers" in fallback.stdout
    # Warned that the synthetic voice is misheard (wrapped to the console's width).
    assert "mishears about one word in ten" in " ".join(fallback.stdout.split())
    summary = json.loads(fallback.stdout.strip().splitlines()[-1])
    doc = saved_session(Path(summary["session_dir"]))
    said = set(normalise(doc["answers"][0]["transcript"]).split())
    # (Whisper base hears espeak's "punched cards" as "punched can't": not a word to test on.)
    assert {"history", "computing", "punched"} <= said


def test_unknown_input_device_lists_devices(pulse, tmp_path):
    env = {**os.environ, **pulse.env, "MOCK_INTERVIEW_HOME": str(tmp_path)}
    result = subprocess.run([str(EXE), "run", "--script", str(ONE), "--input-device", "nope"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "no input device matches 'nope'" in result.stderr and "default" in result.stderr
    listing = subprocess.run([str(EXE), "devices"], env=env, capture_output=True, text=True)
    assert listing.returncode == 0 and "default" in listing.stdout


def test_live_follow_up_is_spoken_in_time_when_the_llm_stalls(pulse, tmp_path, transcriber):
    """Through the real audio stack: the candidate answers on the microphone, the LLM server
    stalls, and the offline coach's follow-up is played on the speaker within the limit."""
    from fake_openai_server import FakeOpenAIServer

    script = DATA / "scripts" / "follow_up.toml"
    limit = 2.0
    first = answer_with_pauses(["jfk_inaugural_1961.wav"], lead_s=0.5, tail_s=0.3)
    second = answer_with_pauses(["librispeech_1272-128104-0000.wav"], lead_s=0.5, tail_s=0.3)
    heard_by_speaker = pulse.record_speaker(tmp_path / "speaker.wav")
    with FakeOpenAIServer("stall") as llm:
        run = LiveRun(tmp_path / "home", pulse, "run", "--script", str(script), "--tts",
                      "speak", "--silence-end", "2", "--llm-base-url", llm.base_url)
        run.wait_for("answer_started")
        speak_into_mic(pulse, tmp_path, first, "first.wav")
        run.wait_for("answer_started", count=2, timeout=60)
        speak_into_mic(pulse, tmp_path, second, "second.wav")
        assert run.finish() == 0, run.stderr()
    heard_by_speaker.terminate()
    heard_by_speaker.wait()
    doc = run.document()
    asked = [e for e in doc["events"] if e["type"] == "question_asked"]
    follow_up = asked[1]
    assert follow_up["kind"] == "follow_up" and follow_up["writer"] == {"kind": "offline"}
    assert "no complete question within the 2 s limit" in follow_up["fallback"]
    assert limit <= follow_up["delay_s"] <= limit + 0.5
    assert follow_up["tts"] == "speak"
    answer = doc["answers"][1]
    assert answer["kind"] == "follow_up" and "gospel" in normalise(answer["transcript"]).split()
    # The follow-up really came out of the speaker.
    heard = transcriber.transcribe(read_audio(tmp_path / "speaker.wav"))
    spoken = set(normalise(heard.text).split())
    expected = {w for w in normalise(follow_up["question"]).split() if len(w) > 4}
    assert len(spoken & expected) >= len(expected) // 2, (spoken, expected)


def test_a_soft_voice_the_vad_misses_is_one_answer_timed_from_its_first_word(pulse, tmp_path):
    """A soft speaker over a fan, a pause, then a loud one: Silero hears no speech for 8 s
    (a VAD-only timer would end the answer there), yet it is one answer, nothing is lost, the
    speaking time is right, and real silence after the last word ends it on time."""
    known = weak_vad_answer()
    run = LiveRun(tmp_path / "home", pulse, "run", "--script", str(ONE), "--tts", "file")
    run.wait_for("answer_started")
    speak_into_mic(pulse, tmp_path, known, "answer.wav")
    assert run.finish() == 0, run.stderr()
    doc = run.document()
    assert len(doc["answers"]) == 1
    answer = doc["answers"][0]
    assert answer["end_reason"] == "silence"
    assert abs(answer["speech_seconds"] - known.speech_seconds) <= 0.3
    assert "americans" in normalise(answer["transcript"]).split()
    # The answer ended 5 s (the default --silence-end) after the last word, within 0.5 s.
    ended = answer["audio_seconds"] - answer["speech_end"]
    assert 4.9 <= ended <= 5.5, ended
    measured = next(e for e in doc["events"] if e["type"] == "answer_measured")
    assert measured["spans"] and measured["activity"]["sound_db"] > 0


def test_ctrl_c_while_the_interviewer_speaks_cuts_only_the_question(pulse, tmp_path):
    known = answer_with_pauses(["librispeech_1272-128104-0000.wav"], lead_s=0.5, tail_s=0.3)
    script = tmp_path / "long-question.toml"
    script.write_text(ONE.read_text().replace(
        'prompt = "', 'prompt = "' + "Take your time with this one, there is a lot to it. " * 6, 1
    ).replace("[interviewer]\n", '[interviewer]\nintro = "Hello, let us begin."\n'))
    run = LiveRun(tmp_path / "home", pulse, "run", "--script", str(script), "--tts", "speak")
    run.wait_for("interviewer_said")  # the intro has been said
    time.sleep(2.0)  # the long question is being spoken now
    run.process.send_signal(signal.SIGINT)
    run.wait_for("answer_started")
    speak_into_mic(pulse, tmp_path, known, "answer.wav")
    time.sleep(0.8)
    run.press("\n")
    assert run.finish() == 0, run.stderr()
    doc = run.document()
    asked = next(e for e in doc["events"] if e["type"] == "question_asked")
    assert asked["cut_short"] is True
    assert doc["status"] == "complete" and doc["answers"][0]["status"] == "complete"
    assert "Ctrl-C cut the question short" in run.stdout()


def test_enter_before_speaking_then_r_answers_again(pulse, tmp_path):
    known = answer_with_pauses(["librispeech_1272-128104-0000.wav"], lead_s=0.5, tail_s=0.3)
    run = LiveRun(tmp_path / "home", pulse, "run", "--script", str(ONE), "--tts", "file")
    run.wait_for("answer_started")
    time.sleep(0.5)
    run.press("\n")  # by mistake, before saying anything
    run.wait_for("answer_failed")
    run.press("r")
    run.wait_for("answer_started", count=2)
    speak_into_mic(pulse, tmp_path, known, "answer.wav")
    time.sleep(0.8)
    run.press("\n")
    assert run.finish() == 0, run.stderr()
    doc = run.document()
    first, second = doc["answers"]
    assert first["status"] == "failed" and "Enter was pressed before anything" in first["error"]
    assert not first["counts"]
    assert second["attempt"] == 2 and second["counts"] and "gospel" in second["transcript"].lower()
    assert doc["status"] == "complete"
    assert "No usable answer" in run.stdout() and "Press r to answer again" in run.stdout()


def test_r_during_an_answer_starts_it_again_and_keeps_the_first_attempt(pulse, tmp_path):
    first = answer_with_pauses(["jfk_inaugural_1961.wav"], lead_s=0.3)
    second = answer_with_pauses(["librispeech_1272-128104-0000.wav"], lead_s=0.5, tail_s=0.3)
    run = LiveRun(tmp_path / "home", pulse, "run", "--script", str(ONE), "--tts", "file")
    run.wait_for("answer_started")
    feeder = pulse.feed(write_wav(tmp_path / "first.wav", first.audio))
    time.sleep(4.0)
    run.press("r")
    feeder.terminate()
    run.wait_for("answer_started", count=2)
    speak_into_mic(pulse, tmp_path, second, "second.wav")
    time.sleep(0.8)
    run.press("\n")
    assert run.finish() == 0, run.stderr()
    doc = run.document()
    a1, a2 = doc["answers"]
    assert a1["end_reason"] == "retake" and a1["status"] == "complete" and not a1["counts"]
    assert "americans" in normalise(a1["transcript"]).split()  # the first attempt is kept
    assert a2["attempt"] == 2 and a2["counts"] and "gospel" in a2["transcript"].lower()
    assert a1["audio"] != a2["audio"]
    assert all((run.home / "sessions" / doc["id"] / a["audio"]).is_file() for a in (a1, a2))
    assert doc["status"] == "complete"


def test_a_silent_interview_is_not_complete(pulse, tmp_path):
    script = tmp_path / "short.toml"
    script.write_text(TWO.read_text().replace("max_s = 9", "max_s = 3").replace(
        "min_s = 5", "min_s = 1").replace("max_s = 20", "max_s = 3"))
    run = LiveRun(tmp_path / "home", pulse, "run", "--script", str(script), "--tts", "off",
                  "--grace", "1")
    assert run.finish(timeout=120) == 1, run.stderr()
    doc = run.document()
    assert doc["status"] == "incomplete"
    assert doc["unanswered"] == ["first", "second"]
    assert all(a["status"] == "failed" and a["end_reason"] == "no_speech" for a in doc["answers"])
    assert "2 questions without a usable answer" in doc["incomplete_reason"]
    assert "is the microphone muted" in doc["answers"][0]["hint"]
    skipped = [e for e in doc["events"] if e["type"] == "question_skipped"]
    assert len(skipped) == 2
