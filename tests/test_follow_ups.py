"""Follow-up questions through the whole loop, against a real local HTTP server that speaks
the OpenAI protocol and misbehaves in every way a real endpoint can.

Everything is real except the server's model: the bundled Whisper transcribes real speech,
espeak-ng speaks the follow-up (into the session folder), the `openai` client talks HTTP over
a socket. In every case the candidate must get a follow-up within the time limit plus 0.5 s,
and the session must say who wrote it and why the LLM's question was not used.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from audio.speaker import TtsSpeaker
from audio.tts import Pyttsx3Synthesizer, Voice
from simulator.config.script import load_script
from simulator.followups.llm import endpoint_from
from simulator.followups.writer import build_writer
from simulator.interview.loop import Interview
from simulator.reports.markdown import render_markdown
from simulator.sessions.records import QuestionAsked
from simulator.sessions.store import SessionStore, read_session

from audio_fixtures import files_for
from conftest import mock_interview
from fake_openai_server import FakeOpenAIServer, refused_base_url
from tests_paths import DATA, SPEECH_DIR, saved_session, speech

pytestmark = pytest.mark.slow

SCRIPT = DATA / "scripts" / "follow_up.toml"
MAIN_ANSWER = SPEECH_DIR / "jfk_inaugural_1961.wav"
FOLLOW_UP_ANSWER = SPEECH_DIR / "librispeech_1272-128104-0000.wav"


@pytest.fixture(autouse=True)
def real_speech():
    """Every test here answers with real speech: skip, saying why, when it is absent."""
    speech(MAIN_ANSWER.name)
    speech(FOLLOW_UP_ANSWER.name)


SLACK_S = 0.5


@pytest.fixture(scope="module")
def synthesizer():
    return Pyttsx3Synthesizer(Voice("en-us"))


def run_session(tmp_path, transcriber, synthesizer, base_url: str | None, mode: str = "auto",
                script=SCRIPT, time_limit_s: float | None = None) -> list[dict]:
    """One interview: the main question, its answer, a follow-up, its answer."""
    loaded = load_script(script)
    endpoint = endpoint_from(base_url, None, None, env={}) if base_url else None
    writer, _notice = build_writer(loaded, mode, endpoint, time_limit_s)
    store = SessionStore(tmp_path / "sessions")
    session = store.create(loaded, {"model": transcriber.name})
    interview = Interview(loaded, speaker=TtsSpeaker(synthesizer, None),
                          answers=files_for(loaded, [MAIN_ANSWER, FOLLOW_UP_ANSWER],
                                            follow_ups=True),
                          transcriber=transcriber, session=session, follow_ups=writer)
    assert interview.run().status == "complete"
    # What the session saved, as a user's tools would read it.
    return saved_session(session.dir)


def the_follow_up(doc: dict) -> tuple[dict, dict]:
    asked = [e for e in doc["events"] if e["type"] == "question_asked"]
    assert [e["kind"] for e in asked] == ["main", "follow_up"]
    answer = doc["answers"][1]
    assert answer["kind"] == "follow_up" and answer["follows"] == "project"
    assert answer["status"] == "complete" and answer["transcript"]
    return asked[1], answer


MISBEHAVIOUR = [
    # (behaviour, server options, words the recorded reason must contain)
    ("status", {"status": 401}, "HTTP 401"),
    ("status", {"status": 429}, "HTTP 429"),
    ("status", {"status": 500}, "HTTP 500"),
    ("stall", {}, "no complete question within"),
    ("malformed", {}, "not valid JSON"),
    ("empty", {}, "the reply was empty"),
    ("not_stream", {}, "the reply was empty"),
    ("none", {}, "held no question"),
    ("close", {}, "connection failed"),
    ("ok", {"reply": "Great answer! What was the baseline?"}, "praised"),
    ("ok", {"reply": "What " + "exactly " * 50 + "did you do?"}, "words long"),
    ("ok", {"first_chunk_delay": 5.0}, "no complete question within"),
]


@pytest.mark.parametrize("behaviour,options,reason", MISBEHAVIOUR,
                         ids=[f"{b}-{next(iter(o.values()), '')}" for b, o, _ in MISBEHAVIOUR])
def test_a_misbehaving_endpoint_falls_back_to_the_offline_coach_in_time(
        tmp_path, transcriber, synthesizer, behaviour, options, reason):
    limit = load_script(SCRIPT).script.follow_ups.time_limit_s
    # The server answers the start-up probe (GET /models) in every behaviour but "status",
    # which rejects it too: then the whole session falls back and each follow-up says why.
    with FakeOpenAIServer(behaviour, **options) as server:
        doc = run_session(tmp_path, transcriber, synthesizer, server.base_url)
    event, answer = the_follow_up(doc)
    assert event["writer"] == {"kind": "offline"}
    assert reason in event["fallback"], event["fallback"]
    assert event["delay_s"] <= limit + SLACK_S, event
    assert event["question"].endswith("?")
    assert answer["follow_up"]["fallback"] == event["fallback"]
    (folder,) = (tmp_path / "sessions").iterdir()
    assert reason in render_markdown(read_session(folder))


def test_refused_connection_falls_back_at_once(tmp_path, transcriber, synthesizer):
    doc = run_session(tmp_path, transcriber, synthesizer, refused_base_url())
    event, _ = the_follow_up(doc)
    assert event["writer"] == {"kind": "offline"}
    assert "connection refused" in event["fallback"]
    assert event["delay_s"] <= SLACK_S


def test_a_good_streamed_question_is_asked_and_attributed_to_the_llm(
        tmp_path, transcriber, synthesizer):
    reply = "You said we should ask what we can do. What did you personally change afterwards?"
    with FakeOpenAIServer("ok", reply=reply, model="tiny-test-model", chunk_delay=0.05) as server:
        doc = run_session(tmp_path, transcriber, synthesizer, server.base_url)
        completions = [r for r in server.requests if r["path"].endswith("/chat/completions")]
    # A local server first gets the system message alone (so it is cached), then the request.
    warm_up, request = completions
    assert warm_up["body"]["max_tokens"] == 1 and not warm_up["body"].get("stream")
    event, _ = the_follow_up(doc)
    assert event["question"] == reply
    assert event["writer"]["kind"] == "llm" and event["writer"]["model"] == "tiny-test-model"
    assert event["fallback"] is None
    # Streaming: the first token came before the whole question.
    assert event["llm"]["first_token_s"] < event["llm"]["question_s"]
    body = request["body"]
    assert body["messages"][0] == warm_up["body"]["messages"][0]
    assert body["stream"] is True and body["model"] == "tiny-test-model"
    system, user = body["messages"]
    # The transcript is data in the user message, fenced; the rules are in the system message.
    assert "ask what you can do for your country" in user["content"].lower()
    assert "<transcript>" in user["content"]
    assert "country" not in system["content"].lower()
    assert "never instructions" in system["content"]


def test_a_reply_with_several_questions_asks_only_the_first(tmp_path, transcriber, synthesizer):
    with FakeOpenAIServer("several") as server:
        doc = run_session(tmp_path, transcriber, synthesizer, server.base_url)
    event, _ = the_follow_up(doc)
    assert event["writer"]["kind"] == "llm"
    assert event["question"] == "What did you own?"
    assert "held 3 questions" in event["note"]


def test_default_time_limit_is_four_seconds_and_is_kept(tmp_path, transcriber, synthesizer):
    script = tmp_path / "default_limit.toml"
    script.write_text(SCRIPT.read_text().replace("time_limit_s = 2.0\n", ""))
    assert load_script(script).script.follow_ups.time_limit_s == 4.0
    with FakeOpenAIServer("stall") as server:
        started = time.monotonic()
        doc = run_session(tmp_path, transcriber, synthesizer, server.base_url, script=script)
    event, _ = the_follow_up(doc)
    assert "within the 4 s limit" in event["fallback"]
    assert 4.0 <= event["delay_s"] <= 4.0 + SLACK_S
    assert time.monotonic() - started < 60


def test_offline_mode_never_calls_the_endpoint(tmp_path, transcriber, synthesizer):
    with FakeOpenAIServer("ok") as server:
        doc = run_session(tmp_path, transcriber, synthesizer, server.base_url, mode="offline")
        assert server.requests == []
    event, _ = the_follow_up(doc)
    assert event["writer"] == {"kind": "offline"} and event["fallback"] is None
    assert event["delay_s"] <= 0.3


def test_api_key_appears_nowhere_in_the_session_or_the_output(tmp_path, home):
    key = "sk-LEAKCHECK-7f3a9c2e51d84b6f"
    env = {**os.environ, "OPENAI_API_KEY": key}
    with FakeOpenAIServer("ok") as server:
        # First an endpoint that accepts the key, then one that rejects it and echoes it back
        # in its error body (as OpenAI does), on the probe and on the completion.
        ok = mock_interview("run", "--script", str(SCRIPT), "--tts", "off",
                            "--answers-include-follow-ups",
                            "--answers", str(MAIN_ANSWER), str(FOLLOW_UP_ANSWER),
                            "--llm-base-url", server.base_url, home=home, env=env)
        assert ok.returncode == 0, ok.stderr
        assert any(r["headers"].get("authorization") == f"Bearer {key}" for r in server.requests)
        server.configure("status", status=401)
        rejected = mock_interview("run", "--script", str(SCRIPT), "--tts", "off",
                                  "--answers-include-follow-ups",
                                  "--answers", str(MAIN_ANSWER), str(FOLLOW_UP_ANSWER),
                                  "--llm-base-url", server.base_url, home=home, env=env)
        assert rejected.returncode == 0, rejected.stderr
        doctor = mock_interview("doctor", "--llm-base-url", server.base_url, "--seconds", "0.5",
                                home=home, env=env)
    assert "HTTP 401" in rejected.stdout + doctor.stdout
    for result in (ok, rejected, doctor):
        assert key not in result.stdout and key not in result.stderr
    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.name == "events.jsonl" for p in files)
    for path in files:
        assert key.encode() not in path.read_bytes(), path
    sessions = sorted((home / "sessions").glob("*/session.json"))
    settings = [json.loads(p.read_text())["settings"]["follow_ups"] for p in sessions]
    assert {s["writer"] for s in settings} == {"llm", "offline"}


def test_the_always_ask_criterion_is_asked_by_the_last_follow_up(tmp_path, transcriber,
                                                                  synthesizer):
    script = tmp_path / "always.toml"
    script.write_text(SCRIPT.read_text().replace('time_limit_s = 2.0\n',
                                                 'time_limit_s = 2.0\nalways_ask = "reflection"\n'))
    doc = run_session(tmp_path, transcriber, synthesizer, None, script=script)
    event, _ = the_follow_up(doc)
    assert event["criterion"] == "reflection"
    assert "differently" in event["question"].lower()
    # An LLM question that ignores the required topic is replaced by the coach's.
    with FakeOpenAIServer("ok", reply="What was the baseline for that number?") as server:
        doc = run_session(tmp_path / "llm", transcriber, synthesizer, server.base_url,
                          script=script)
    event, _ = the_follow_up(doc)
    assert event["writer"] == {"kind": "offline"} and event["criterion"] == "reflection"
    assert "did not ask about" in event["fallback"]


def test_the_follow_ups_do_not_ask_for_what_the_summary_credited(
        tmp_path, transcriber, synthesizer):
    """The development corpus's delivery-eta deep dive, spoken: its own part says "I was
    the tech lead on the model side. I designed the inputs and the evaluation, and I wrote
    most of the training code myself.", while the data and the serving are told as "we".
    The summary after the answer credits ownership to that part; the transcript alone has
    more "we" than "I", and the coach used to ask "which part of that did you do
    yourself?" right after it. The follow-ups now read the summary's findings: the first,
    and the second too, after a follow-up's answer that says nothing about ownership (the
    thread's words alone would have had it asked then; ``always_ask`` is taken out so the
    second is not forced to reflection)."""
    import part_answers as pa

    free = tmp_path / "open.toml"
    free.write_text(pa.SCRIPT.read_text().replace('always_ask = "reflection"\n', ""))
    loaded = load_script(free)
    assert loaded.script.follow_ups is not None and not loaded.script.follow_ups.always_ask
    by_id = {a.id: a for a in pa.corpus()}
    career, dive = (pa.build_audio(by_id[i]).path for i in ("career-games", "delivery-eta"))
    writer, _notice = build_writer(loaded, "offline", None, None)
    session = SessionStore(tmp_path / "sessions").create(loaded, {"model": transcriber.name})
    interview = Interview(loaded, speaker=TtsSpeaker(synthesizer, None),
                          answers=files_for(loaded, [career, dive, FOLLOW_UP_ANSWER,
                                                     FOLLOW_UP_ANSWER], follow_ups=True),
                          transcriber=transcriber, session=session, follow_ups=writer)
    assert interview.run().status == "complete"
    doc = read_session(session.dir)
    dive_answer = next(a for a in doc.answers if a.question_id == "deep-dive")
    from simulator.reports.analysis import analyze_session

    summary = analyze_session(doc)[dive_answer.turn]
    credited = {s.id for s in summary.signals if s.kind == "quality" and s.found}
    assert "ownership" in credited
    follow_ups = [e for e in doc.events if isinstance(e, QuestionAsked)
                  and e.kind == "follow_up" and e.follows == "deep-dive"]
    assert len(follow_ups) == 2
    for asked in follow_ups:
        assert asked.criterion not in credited, (asked.criterion, asked.question)


def test_a_question_is_followed_up_only_on_what_it_is_judged_on():
    """The bundled career walk-through is judged on numbers and ownership (`judged_on`): its
    follow-up does not ask how a model was served, as the whole rubric would."""
    import part_answers as pa

    loaded = pa.script()
    career = pa.question("career")
    teacher = next(a for a in pa.corpus(pa.PLAIN) if a.id == "career-teacher")
    said = [("career", " ".join(p.text for p in teacher.parts))]
    writer, _notice = build_writer(loaded, "offline", None, None)
    def write(force=None, **judged_on):
        return writer.write(answers=said, asked=[], asked_criteria=[],
                            focus=career.follow_up_focus, force=force, **judged_on)

    assert write().criterion == "production"  # the rubric's default criteria
    judged = write(judged_on=career.judged_on)
    assert career.judged_on == ["metrics", "ownership", "reasons"]
    assert judged.criterion in {"metrics", "ownership", "reasons", "depth"}, judged
    # A criterion asked whatever the answer (always_ask) is asked, also one judged only
    # where a question names it and after a question that names none.
    assert write(force="reasons").criterion == "reasons"
    assert write(force="reflection", judged_on=["metrics"]).criterion == "reflection"


def crashed_session(home: Path, last_event, follow_up_files: bool = True,
                    ) -> tuple[Path, list[dict]]:
    """A complete session cut back to the first event for which ``last_event`` is true, as
    if the program had died there (session.json gone, the log ending at that event); its
    follow-up answered from a file, or (``follow_up_files=False``) skipped as a run on
    files without them skips it."""
    files = [str(MAIN_ANSWER), str(FOLLOW_UP_ANSWER)] if follow_up_files else \
        [str(MAIN_ANSWER)]
    done = mock_interview("run", "--script", str(SCRIPT), "--tts", "off", "--llm", "offline",
                          "--json", *(["--answers-include-follow-ups"] * follow_up_files),
                          "--answers", *files, home=home)
    assert done.returncode == 0, done.stderr
    session_dir = Path(json.loads(done.stdout.strip().splitlines()[-1])["session_dir"])
    log = session_dir / "events.jsonl"
    events = [json.loads(line) for line in log.read_text().splitlines()]
    cut = next(i for i, e in enumerate(events) if last_event(e))
    log.write_text("".join(json.dumps(e) + "\n" for e in events[: cut + 1]))
    (session_dir / "session.json").unlink()
    return session_dir, events


def test_a_follow_up_answer_cut_by_a_crash_is_transcribed_on_resume(tmp_path, home):
    # The program died right after the follow-up's audio was saved, before transcribing it.
    session_dir, _ = crashed_session(
        home, lambda e: e["type"] == "answer_ended" and e["turn"] == 2)
    resumed = mock_interview("resume", session_dir.name, "--tts", "off", "--llm", "offline",
                             home=home)
    assert resumed.returncode == 0, resumed.stderr
    doc = saved_session(session_dir)
    assert doc["status"] == "complete"
    follow_up = doc["answers"][1]
    assert follow_up["kind"] == "follow_up" and follow_up["end_reason"] == "recovered"
    assert "gospel" in follow_up["transcript"].lower()


def test_the_default_interview_runs_with_follow_ups_on_sample_answers(tmp_path, home):
    """`make rehearse` on a machine without a microphone and without an LLM: the default
    (open) script on its spoken sample answers, which are made to show what the product
    notices: most answers within budget, one part of the deep dive overrunning, one missing.
    It ends by writing the HTML report and printing where it is."""
    done = mock_interview("run", "--samples-if-no-mic", "--tts", "off", "--json", home=home)
    assert done.returncode == 0, done.stderr
    assert "Follow-up questions: offline coach" in done.stdout
    session_dir = Path(json.loads(done.stdout.strip().splitlines()[-1])["session_dir"])
    html = session_dir / "report.html"
    assert f"Report: {html}" in " ".join(done.stdout.split())
    assert html.stat().st_size > 100_000  # the answers' audio is in it
    doc = saved_session(session_dir)
    assert doc["script"]["id"] == "ml-engineer-open"
    follow_ups = [a for a in doc["answers"] if a["kind"] == "follow_up"]
    assert len(doc["answers"]) == 2 + 2 and len(follow_ups) == 2
    assert all(a["status"] == "complete" and a["transcript"] for a in doc["answers"])
    assert {a["follows"] for a in follow_ups} == {"deep-dive"}
    assert "reflection" in [a["follow_up"]["criterion"] for a in follow_ups]  # always_ask
    assert all('"' in a["question"] for a in follow_ups)  # each quotes the candidate's words
    report = (session_dir / "report.md").read_text()
    assert report.count("Follow-up:") == 2 and "written by the offline coach" in report

    # What the first report shows: the sample answers fit their budgets, but in the deep
    # dive the data part runs over and the lessons are never told.
    verdicts = [a["verdict"] for a in doc["answers"]]
    assert verdicts.count("within") >= 3, verdicts
    reviewed = mock_interview("review", session_dir.name, "--json", home=home)
    assert reviewed.returncode == 0, reviewed.stderr
    deep = next(a for a in json.loads(reviewed.stdout)["answers"]
                if a["question_id"] == "deep-dive")["analysis"]
    over = [p["id"] for p in deep["parts"] if p["verdict"] == "over"]
    assert over == ["data"], deep["parts"]
    assert deep["missing"] == ["lessons"]
    assert "lessons" in html.read_text()


def test_a_follow_up_owed_when_the_session_stopped_is_asked_on_resume(tmp_path, home):
    """E.g. Ctrl-C twice during the main answer: the answer is saved, the session ends before
    the follow-up; `resume` asks it."""
    session_dir, events = crashed_session(home, lambda e: e["type"] == "transcript_ready")
    first_question = next(e["question"] for e in events
                          if e["type"] == "question_asked" and e["kind"] == "follow_up")
    resumed = mock_interview("resume", session_dir.name, "--tts", "off", "--llm", "offline",
                             "--answers-include-follow-ups", "--answers", str(FOLLOW_UP_ANSWER),
                             home=home)
    assert resumed.returncode == 0, resumed.stderr
    doc = saved_session(session_dir)
    assert doc["status"] == "complete"
    _main, follow_up = doc["answers"]
    assert follow_up["kind"] == "follow_up" and follow_up["follows"] == "project"
    assert follow_up["question"] == first_question  # the coach is deterministic
    assert follow_up["follow_up"]["depth"] == 1 and "gospel" in follow_up["transcript"].lower()


def test_a_run_on_files_cut_short_resumes_without_asking_the_follow_ups_it_skipped(
        tmp_path, home):
    """A run on --answers skips follow-ups (no file answers them): when it dies after the
    main answer, a plain `resume ID`, the command it prints, finishes the session without
    asking them, so without a microphone (there is none here)."""
    session_dir, _ = crashed_session(home, lambda e: e["type"] == "transcript_ready",
                                     follow_up_files=False)
    resumed = mock_interview("resume", session_dir.name, "--tts", "off", "--llm", "offline",
                             home=home)
    assert resumed.returncode == 0, resumed.stderr
    doc = saved_session(session_dir)
    assert doc["status"] == "complete"
    assert [a["kind"] for a in doc["answers"]] == ["main"]


def test_a_question_with_markup_characters_is_shown_verbatim():
    from rich.console import Console

    from simulator.config.script import Question
    from simulator.interview.turns import Turn
    from simulator.terminal.live import ConsoleView

    console = Console(record=True, width=200)
    question = Question(id="x", prompt="What did [/b] and [bold] mean in your logs?",
                        min_s=1, max_s=2)
    ConsoleView(console).question(Turn(1, question, kind="follow_up", follows="x"), 1)
    assert "What did [/b] and [bold] mean in your logs?" in console.export_text()
