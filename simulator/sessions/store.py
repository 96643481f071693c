"""Session storage: one plain folder per rehearsal, found by id, read without side effects.

Layout (documented in docs/session-format.md)::

    <sessions>/<id>/session.json    the document: script, settings, answers
    <sessions>/<id>/events.jsonl    the event log, appended as it grows (crash-safe)
    <sessions>/<id>/answers/*.wav   each answer's audio, 16 kHz mono
    <sessions>/<id>/questions/*.wav the interviewer's lines, when --tts speak or file
    <sessions>/<id>/report.md       the Markdown report, rendered when the session ends
    <sessions>/<id>/report.html     the HTML report with the answers' audio, likewise

Reading a session never changes it. If the program died, ``events.jsonl`` is the newer
truth and the document is rebuilt from it in memory; the answer a crash cut off is measured
from the length of its file. Repairs (WAV headers, a session.json behind its log) happen
only on ``resume`` or an explicit ``review --repair``, under the session's lock.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from simulator.config.script import LoadedScript
from simulator.errors import SessionNotFound, StorageError
from simulator.sessions.records import (
    SCHEMA_VERSION,
    Event,
    ScriptInfo,
    SessionDocument,
    SessionResumed,
    SessionStarted,
    parse_event,
)
from simulator.sessions.writer import (
    EVENTS_FILE,
    SESSION_FILE,
    SessionLock,
    SessionMeta,
    SessionWriter,
    build_document,
    document_json,
    storage_error,
    write_atomic,
)


class SessionStore:
    """All sessions under one root folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def ensure_writable(self) -> None:
        """Fail before the interview starts, not after the first answer."""
        import os

        probe = self.root / f".write-test-{os.getpid()}"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            probe.write_bytes(b"ok")
        except OSError as exc:
            raise storage_error("write to the sessions folder", self.root, exc) from None
        finally:
            try:
                probe.unlink(missing_ok=True)
            except OSError:
                pass

    def create(self, loaded: LoadedScript, settings: dict[str, Any],
               clock=None) -> SessionWriter:
        self.ensure_writable()
        started = dt.datetime.now().astimezone()
        base = f"{started:%Y%m%d-%H%M%S}-{loaded.script.id}"
        session_id, n = base, 1
        while (self.root / session_id).exists():
            n += 1
            session_id = f"{base}-{n}"
        folder = self.root / session_id
        try:
            (folder / "answers").mkdir(parents=True)
        except OSError as exc:
            raise storage_error("create session folder", folder, exc) from None
        script = ScriptInfo(id=loaded.script.id, title=loaded.script.title,
                            role=loaded.script.role, company=loaded.script.company,
                            path=str(Path(loaded.path).absolute()), sha256=loaded.sha256,
                            questions=[q.id for q in loaded.script.questions],
                            definition=loaded.script.model_dump(mode="json"),
                            rubric=loaded.rubric.model_dump(mode="json") if loaded.rubric else None)
        meta = SessionMeta(session_id, started.isoformat(timespec="seconds"), script, settings)
        return SessionWriter(folder, meta, clock=clock)

    # ------------------------------------------------------------------ finding

    def session_dirs(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted((p for p in self.root.iterdir() if p.is_dir() and (
            (p / SESSION_FILE).exists() or (p / EVENTS_FILE).exists())), key=lambda p: p.name)

    def resolve(self, session_id: str) -> Path:
        exact = self.root / session_id
        if exact.is_dir() and "/" not in session_id:
            return exact
        matches = [p for p in self.session_dirs() if p.name.startswith(session_id)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise SessionNotFound(f"no saved session {session_id!r} in {self.root}",
                                  "run 'mock-interview review' to list sessions")
        raise SessionNotFound(f"{session_id!r} matches {len(matches)} sessions",
                              "give more of the id: " + ", ".join(p.name for p in matches[:5]))

    # ------------------------------------------------------------------ reading

    def load(self, session_id: str) -> SessionDocument:
        return read_session(self.resolve(session_id))

    # ------------------------------------------------------------------ writing again

    def reopen(self, session_id: str, settings: dict[str, Any] | None = None) -> SessionWriter:
        """Continue a saved session: its event log goes on where it stopped. Answer audio a
        crash left with stale WAV headers is repaired here, under the session's lock."""
        folder = self.resolve(session_id)
        lock = SessionLock(folder)
        try:
            doc = repair_session(folder)
        except BaseException:
            lock.release()
            raise
        meta = SessionMeta(doc.id, doc.started_at, doc.script,
                           {**doc.settings, **(settings or {})})
        return SessionWriter(folder, meta, events=doc.events, lock=lock)

    def repair(self, session_id: str) -> tuple[SessionDocument, list[str]]:
        """``review --repair``: fix what a crash left (WAV headers, a half line at the end of
        the log, a session.json behind it), without continuing the session. Returns the
        session and what was repaired, in words (empty: nothing needed it)."""
        folder = self.resolve(session_id)
        lock = SessionLock(folder)
        try:
            repairs: list[str] = []
            doc = repair_session(folder, repairs)
            text = document_json(doc)
            path = folder / SESSION_FILE
            try:
                before = path.read_text(encoding="utf-8") if path.exists() else None
            except (OSError, UnicodeDecodeError):
                before = ""
            if before != text:
                repairs.append(f"{SESSION_FILE}: written again from the event log"
                               if before is not None else f"{SESSION_FILE}: written (missing)")
                try:
                    write_atomic(path, text)
                except OSError as exc:
                    raise storage_error("rewrite", path, exc, folder) from None
            return doc, repairs
        finally:
            lock.release()


def read_session(folder: Path) -> SessionDocument:
    """Read a session, rebuilt from its event log (the source of truth: session.json may be
    a turn behind after a crash). Changes nothing on disk."""
    events = read_events(folder / EVENTS_FILE)
    raw = _read_document(folder, required=not events)
    if events:
        settings: dict[str, Any] = {}
        for e in events:
            if isinstance(e, SessionStarted | SessionResumed) and e.settings:
                settings.update(e.settings)
        started = next((e for e in events if isinstance(e, SessionStarted)), None)
        meta = SessionMeta(folder.name, started.started_at if started else None,
                           started.script if started else ScriptInfo(), settings)
        doc = build_document(meta, events)
    else:
        assert raw is not None
        try:
            doc = SessionDocument.model_validate(raw)
        except ValidationError as exc:
            raise StorageError(f"{folder / SESSION_FILE}: {_problem(exc)}") from None
        if doc.events:  # a session.json from before the reshape carries its events
            doc = build_document(SessionMeta(doc.id, doc.started_at, doc.script, doc.settings),
                                 doc.events)
    if doc.status == "in_progress":
        doc = doc.model_copy(update={
            "status": "interrupted",
            "incomplete_reason": "the program stopped before the session was closed"})
    return _with_recorded_lengths(doc, folder).model_copy(update={"dir": str(folder)})


def _read_document(folder: Path, required: bool) -> dict | None:
    """session.json as data: its schema version is checked even when the log is used."""
    path = folder / SESSION_FILE
    if not path.exists():
        if required:
            raise StorageError(f"{folder} holds no session data")
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        if required:
            raise StorageError(f"cannot read {path}: {exc}") from None
        return None  # a half-written file after a crash: the log is enough
    version = raw.get("schema_version", SCHEMA_VERSION) if isinstance(raw, dict) else None
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise StorageError(f"{path}: schema_version {version!r} is not one this program reads "
                           f"(up to {SCHEMA_VERSION})", "update mock-interview")
    return raw


def read_events(path: Path) -> list[Event]:
    """The event log's events; a last line cut short by a crash is left out, any other
    malformed line is an error naming the line."""
    if not path.exists():
        return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise StorageError(f"cannot read {path}: {exc}") from None
    events = []
    for number, line in enumerate(lines, 1):
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines):
                break  # the line a crash cut short: everything before it is intact
            raise StorageError(f"{path}: line {number} is not JSON") from None
        try:
            events.append(parse_event(data))
        except ValidationError as exc:
            raise StorageError(f"{path}: line {number}: {_problem(exc)}") from None
    return events


def repair_session(folder: Path, repairs: list[str] | None = None) -> SessionDocument:
    """Under the lock: repair the WAV of every answer a crash cut off and rewrite the log
    from its intact lines. Returns the session as read; ``repairs`` receives what was
    repaired, in words."""
    from audio.wavstream import repair_wav

    repairs = [] if repairs is None else repairs
    if _cut_last_line(folder / EVENTS_FILE):
        repairs.append(f"{EVENTS_FILE}: its last line, cut short, left out")
    doc = read_session(folder)
    for answer in doc.answers:
        if answer.status == "recording" and answer.audio and (folder / answer.audio).exists():
            try:
                if repair_wav(folder / answer.audio):
                    repairs.append(f"{answer.audio}: header set to the audio it holds")
            except OSError as exc:
                raise storage_error("repair", folder / answer.audio, exc, folder) from None
    from simulator.sessions.records import event_json

    try:
        write_atomic(folder / EVENTS_FILE, "".join(
            json.dumps(event_json(e), ensure_ascii=False) + "\n" for e in doc.events))
    except OSError as exc:
        raise storage_error("rewrite", folder / EVENTS_FILE, exc, folder) from None
    return doc


def _cut_last_line(path: Path) -> bool:
    """Whether the event log ends with a line a crash cut short (see `read_events`)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    try:
        json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        return True
    return False


def _with_recorded_lengths(doc: SessionDocument, folder: Path) -> SessionDocument:
    """An answer cut off by a crash: how much audio is on disk (its header may lag)."""
    from audio.wavstream import recorded_seconds

    answers = []
    changed = False
    for answer in doc.answers:
        if answer.status == "recording" and answer.audio:
            try:
                seconds = round(recorded_seconds(folder / answer.audio), 3)
                answer = answer.model_copy(update={"audio_seconds": seconds})
                changed = True
            except OSError:
                pass
        answers.append(answer)
    return doc.model_copy(update={"answers": answers}) if changed else doc


def _problem(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {err['msg']}" if where else err["msg"]
