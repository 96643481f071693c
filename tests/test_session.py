"""Session storage and the interview loop's bookkeeping, with test doubles for the slow parts.

These are unit tests of logic: the answer source is real (files), the transcriber is a double.
The real Whisper model is exercised in test_transcription.py and test_cli_run.py.
"""

from __future__ import annotations

import json

import pytest

from audio.io import write_wav
from audio.speaker import TextOnlySpeaker
from audio.transcriber import Segment, Transcript, Word
from simulator.config.script import find_script
from simulator.errors import InterviewIncomplete, SessionNotFound, StorageError
from simulator.interview.loop import Interview
from simulator.reports.markdown import render_markdown
from simulator.sessions.index import SessionIndex
from simulator.sessions.log import EventLog
from simulator.sessions.records import Notice, SessionDocument, event_json
from simulator.sessions.store import SessionStore, read_session

from audio_fixtures import files_for, room_noise
from conftest import mock_interview
from tests_paths import TEST_SCRIPT


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        self.now += 0.5
        return self.now


class EchoTranscriber:
    """Returns a fixed transcript; optionally raises on the n-th call."""

    name = "echo"

    def __init__(self, fail_on: int | None = None, exc: BaseException | None = None):
        self.calls = 0
        self.fail_on = fail_on
        self.exc = exc

    def transcribe(self, audio):
        self.calls += 1
        if self.fail_on == self.calls:
            raise self.exc
        return Transcript(
            text="hello there",
            words=[Word("hello", 1.0, 1.4, 0.9), Word("there", 1.5, 1.9, 0.9)],
            segments=[Segment(1.0, 1.9, "hello there")],
            model="echo",
        )


def speech_answer(tmp_path, name: str, seconds: float = 3.0):
    """Real speech framed by room noise: the VAD needs speech to time."""
    from audio.io import read_audio

    from tests_paths import speech

    clip = read_audio(speech("cmu_goforward.wav"))
    audio = room_noise(1.0).concat(clip, room_noise(1.0))
    return write_wav(tmp_path / name, audio)


def make_interview(tmp_path, answers, transcriber=None, clock=None):
    loaded = find_script(str(TEST_SCRIPT))
    store = SessionStore(tmp_path / "sessions")
    session = store.create(loaded, {"model": "echo", "tts": "off", "answers_from": "files"},
                           clock=clock or FakeClock())
    interview = Interview(loaded, speaker=TextOnlySpeaker(), answers=files_for(loaded, answers),
                          transcriber=transcriber or EchoTranscriber(), session=session)
    return store, session, interview


def test_complete_session_round_trips_through_json(tmp_path):
    answers = [speech_answer(tmp_path, "a1.wav"), speech_answer(tmp_path, "a2.wav")]
    store, session, interview = make_interview(tmp_path, answers)
    doc = interview.run()
    assert doc.status == "complete"
    on_disk = json.loads((session.dir / "session.json").read_text())
    assert on_disk["schema_version"] == 1 and "events" not in on_disk
    # What is read back equals what was written: the document, and the event log behind it.
    assert store.load(session.id).model_copy(update={"dir": None}) == \
        doc.model_copy(update={"dir": None})
    assert SessionDocument.model_validate(on_disk).answers == doc.answers
    assert [a["question_id"] for a in on_disk["answers"]] == ["first", "second"]
    first = on_disk["answers"][0]
    assert first["audio"] == "answers/01-first.wav" and (session.dir / first["audio"]).exists()
    assert first["words"][0] == {"word": "hello", "start": 1.0, "end": 1.4, "probability": 0.9}
    assert first["budget"] == {"min_s": 5.0, "max_s": 9.0}
    assert first["verdict"] == "under"
    events = [json.loads(x) for x in (session.dir / "events.jsonl").read_text().splitlines()]
    types = [e["type"] for e in events]
    assert types[0] == "session_started" and types[-1] == "session_ended"
    assert types.count("answer_ended") == 2 and types.count("transcript_ready") == 2
    times = [e["t"] for e in events]
    assert times == sorted(times)
    assert [event_json(e) for e in doc.events] == events
    assert "hello there" in render_markdown(store.load(session.id))
    assert [s.id for s in SessionIndex(store).summaries()] == [session.id]


def test_ctrl_c_mid_session_keeps_what_was_recorded(tmp_path):
    answers = [speech_answer(tmp_path, "a1.wav"), speech_answer(tmp_path, "a2.wav")]
    store, session, interview = make_interview(
        tmp_path, answers, EchoTranscriber(fail_on=2, exc=KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        interview.run()
    doc = store.load(session.id)
    assert doc.status == "incomplete"
    assert "interrupted" in (doc.incomplete_reason or "")
    assert doc.answers[0].status == "complete"
    # The second answer's audio was saved before transcription was interrupted.
    assert doc.answers[1].status == "recorded"
    assert (session.dir / (doc.answers[1].audio or "")).exists()


def test_running_out_of_answers_is_incomplete_but_saved(tmp_path):
    store, session, interview = make_interview(tmp_path, [speech_answer(tmp_path, "a1.wav")])
    with pytest.raises(InterviewIncomplete, match="no answer for question 2"):
        interview.run()
    doc = store.load(session.id)
    assert doc.status == "incomplete" and len(doc.answers) == 1


def test_crash_leaves_a_reviewable_session_rebuilt_from_the_event_log(tmp_path):
    answers = [speech_answer(tmp_path, "a1.wav"), speech_answer(tmp_path, "a2.wav")]
    _store, session, interview = make_interview(tmp_path, answers)
    interview.run()
    # Simulate a crash after the first answer: session.json is older than the log, and the
    # log's last line was cut in half.
    events = [json.loads(x) for x in (session.dir / "events.jsonl").read_text().splitlines()]
    cut = next(i for i, e in enumerate(events) if e["type"] == "question_asked" and e["turn"] == 2)
    old = json.loads((session.dir / "session.json").read_text())
    old["events"] = events[:3]
    (session.dir / "session.json").write_text(json.dumps(old))
    lines = [json.dumps(e) for e in events[: cut + 1]]
    (session.dir / "events.jsonl").write_text("\n".join(lines) + '\n{"t": 9, "type": "answ')
    before = {p: p.read_bytes() for p in session.dir.rglob("*") if p.is_file()}
    doc = read_session(session.dir)
    assert doc.status == "interrupted"
    assert len(doc.answers) == 1 and doc.answers[0].transcript == "hello there"
    # Reading changed nothing on disk.
    assert {p: p.read_bytes() for p in session.dir.rglob("*") if p.is_file()} == before


def test_a_resume_that_dies_leaves_the_session_interrupted_not_its_earlier_ending(tmp_path):
    store, session, interview = make_interview(tmp_path, [speech_answer(tmp_path, "a1.wav")])
    with pytest.raises(InterviewIncomplete):
        interview.run()
    log = session.dir / "events.jsonl"
    events = [json.loads(x) for x in log.read_text().splitlines()]
    assert events[-1]["type"] == "session_ended"
    t = events[-1]["t"]
    # A resume that only finished the verbatim pass (no question asked) changes no status.
    with log.open("a") as fh:
        fh.write(json.dumps({"t": t + 1, "type": "session_resumed", "settings": {}}) + "\n")
        fh.write(json.dumps({"t": t + 2, "type": "fillers_heard", "turn": 1}) + "\n")
    doc = store.load(session.id)
    assert doc.status == "incomplete" and doc.incomplete_reason
    # A resume that asked question 2 again and died (kill -9: no session_ended after it).
    asked = next(e for e in reversed(events) if e["type"] == "question_asked")
    with log.open("a") as fh:
        fh.write(json.dumps({"t": t + 3, "type": "session_resumed", "settings": {}}) + "\n")
        fh.write(json.dumps({**asked, "t": t + 4}) + "\n")
    doc = store.load(session.id)
    assert doc.status == "interrupted"
    assert doc.incomplete_reason == "the program stopped before the session was closed"
    assert len(doc.answers) == 1 and doc.answers[0].transcript == "hello there"


def test_events_are_timed_on_the_injected_clock():
    clock = FakeClock()
    log = EventLog(clock=clock)
    first = log.append(Notice, text="a")
    second = log.append(Notice, text="b", turn=1)
    assert second.t - first.t == 0.5 and second.turn == 1
    resumed = EventLog(clock=clock, events=log.events)
    assert resumed.append(Notice, text="c").t > second.t


def test_a_session_names_its_script_by_an_absolute_path(tmp_path, monkeypatch):
    """`resume` reloads the script from the path the session saved, so a script given as
    a relative --script path is saved as an absolute one (a resume from another folder
    once failed with "unknown script")."""
    monkeypatch.chdir(TEST_SCRIPT.parent)
    loaded = find_script(TEST_SCRIPT.name)
    assert not loaded.path.is_absolute()
    session = SessionStore(tmp_path).create(loaded, {}, clock=FakeClock())
    assert session.document().script.path == str(TEST_SCRIPT.absolute())
    session.close()


def test_unwritable_sessions_folder_is_reported(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="cannot write to the sessions folder"):
        SessionStore(blocker / "sessions").ensure_writable()
    # A sessions folder that is a file: one line saying so, for writing and for reading
    # (the session list's index once stopped on it with an internal error).
    with pytest.raises(StorageError, match="it is a file, or inside one, not a folder"):
        SessionStore(blocker).ensure_writable()
    listed = mock_interview("--sessions-dir", str(blocker), "review", home=tmp_path)
    assert listed.returncode == 2, listed.stderr
    assert f"cannot open the sessions folder {blocker}: it is a file" in listed.stderr


def test_unknown_and_ambiguous_session_ids(tmp_path):
    store = SessionStore(tmp_path)
    for name in ("20260101-100000-x", "20260101-110000-x"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "session.json").write_text(
            json.dumps({"id": name, "answers": [], "events": []}))
    assert store.load("20260101-10").id == "20260101-100000-x"
    with pytest.raises(SessionNotFound, match="matches 2 sessions"):
        store.load("20260101")
    with pytest.raises(SessionNotFound, match="no saved session"):
        store.load("nope")


def test_a_session_cut_short_by_a_full_disk_says_how_to_continue(tmp_path):
    """A write that fails mid-session says where the recording is and the resume that
    continues it once there is room; one outside a session (the sessions folder) does not."""
    import errno

    from simulator.sessions.writer import storage_error

    full = OSError(errno.ENOSPC, "No space left on device")
    session = tmp_path / "20260101-100000-x"
    cut = str(storage_error("save session", session, full, session, resumable=True))
    assert "free some space" in cut and f"what was recorded so far is in {session}" in cut
    assert cut.endswith("once that is fixed, continue with: mock-interview resume "
                        "20260101-100000-x)")
    assert "resume" not in str(storage_error("write to the sessions folder", tmp_path, full))


def test_a_report_that_cannot_be_rewritten_is_not_left_from_an_earlier_run(tmp_path,
                                                                             monkeypatch):
    """A resume on a full disk: the HTML report the first run wrote would be announced as
    this run's; it is removed (`review ID --open` writes it again), the Markdown one that
    could be written stays."""
    import errno

    import simulator.review
    from simulator.commands import write_report

    session = SessionStore(tmp_path).create(find_script(str(TEST_SCRIPT)), {},
                                            clock=FakeClock())
    (session.dir / "report.html").write_text("from the first run")

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(simulator.review, "html_report", full)
    write_report(session)
    session.close()
    assert (session.dir / "report.md").is_file()
    assert not (session.dir / "report.html").exists()


def test_a_resume_whose_script_file_is_gone_uses_the_copy_the_session_saved(tmp_path, home):
    """`resume` asks the script's questions from the file the session was run with; when it
    is gone (moved, deleted), the copy the session saved when it started is the script it
    was asking, and resume goes on with it, saying so. A session with no such copy (saved
    by an old version) gets an error naming the file and what to do."""
    from simulator.commands import _script_of
    from simulator.errors import ScriptError

    copy = tmp_path / "mine.toml"
    copy.write_text(TEST_SCRIPT.read_text().replace('id = "two-questions"', 'id = "mine-x"'))
    loaded = find_script(str(copy))
    assert loaded.script.id == "mine-x"
    session = SessionStore(tmp_path / "sessions").create(loaded, {}, clock=FakeClock())
    doc = session.document()
    session.close()
    copy.unlink()
    notices: list[str] = []
    view = type("View", (), {"notice": staticmethod(notices.append)})()
    saved = _script_of(doc, view=view)
    assert saved.script == loaded.script and saved.sha256 == loaded.sha256
    assert notices == [f"the script file {copy} is not there any more; resuming with the "
                       "copy of it saved in the session"]
    old = doc.model_copy(update={"script": doc.script.model_copy(update={"definition": None})})
    with pytest.raises(ScriptError) as info:
        _script_of(old, view=view)
    assert str(info.value) == (f"session {doc.id}'s script file {copy} is not there, and no "
                               "script has its id 'mine-x' (put the file back)")


def test_repair_says_what_it_repaired(tmp_path):
    """`review ID --repair` fixes what a crash left and says what that was, or that nothing
    needed it (it once printed nothing either way)."""
    answers = [speech_answer(tmp_path, "a1.wav"), speech_answer(tmp_path, "a2.wav")]
    store, session, interview = make_interview(tmp_path, answers)
    interview.run()
    with open(session.dir / "events.jsonl", "a", encoding="utf-8") as log:
        log.write('{"type": "notice", "t": 9.9, "te')  # the crash cut this line
    (session.dir / "session.json").unlink()

    def repair() -> list[str]:
        done = mock_interview("--sessions-dir", str(store.root), "review", session.id,
                              "--repair", "--json", home=tmp_path)
        assert done.returncode == 0, done.stderr
        return [line for line in done.stderr.splitlines() if line.startswith("Repair")]

    assert repair() == ["Repaired: events.jsonl: its last line, cut short, left out",
                        "Repaired: session.json: written (missing)"]
    assert (session.dir / "session.json").is_file()
    assert repair() == ["Repair: nothing needed repairing"]


def test_the_resume_command_finds_the_session_again(tmp_path, home):
    """What the program tells to type: plain in the default sessions folder, with
    --sessions-dir (shell-quoted) elsewhere, or the command would not find the session."""
    from simulator.paths import resume_command, sessions_dir

    assert resume_command(sessions_dir() / "20260101-x") == "mock-interview resume 20260101-x"
    elsewhere = tmp_path / "my sessions" / "20260101-x"
    assert resume_command(elsewhere) == (
        f"mock-interview resume 20260101-x --sessions-dir '{tmp_path}/my sessions'")
