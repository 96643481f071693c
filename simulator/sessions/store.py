"""Session storage: one plain folder per rehearsal.

Layout (documented in docs/session-format.md)::

    <sessions>/<id>/session.json    the document: script, settings, answers, events
    <sessions>/<id>/events.jsonl    the event log, appended as it grows (crash-safe)
    <sessions>/<id>/answers/*.wav   each answer's audio, 16 kHz mono
    <sessions>/<id>/questions/*.wav the interviewer's lines, when --tts speak or file
    <sessions>/<id>/report.md       transcript and timing report

``session.json`` is rewritten atomically (temporary file + rename) at every turn boundary;
``events.jsonl`` is appended line by line and fsynced at turn boundaries. If the program dies,
the events file is the newer truth and :func:`SessionStore.load` rebuilds the document from it.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.errors import SessionNotFound, StorageError
from simulator.sessions.events import Event, EventLog, answers_from_events, unanswered_questions
from simulator.reports.markdown import render_markdown
from simulator.config.script import LoadedScript

SCHEMA_VERSION = 1
SESSION_FILE = "session.json"
EVENTS_FILE = "events.jsonl"
REPORT_FILE = "report.md"


def _storage_error(action: str, path: Path, exc: OSError, session_dir: Path | None = None):
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        hint = "the disk is full: free some space"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "choose a writable folder with --sessions-dir or MOCK_INTERVIEW_HOME"
    else:
        hint = None
    if session_dir is not None:
        hint = f"{hint}; " if hint else ""
        hint += f"what was recorded so far is in {session_dir}"
    return StorageError(f"cannot {action} {path}: {reason}", hint)


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        # A full disk must not leave a hidden half-written file behind, keeping it full.
        tmp.unlink(missing_ok=True)
        raise


class SessionLock:
    """Only one program writes a session at a time: an exclusive lock on its folder, held
    while a run or resume is going on (released by the OS if the program dies)."""

    def __init__(self, folder: Path) -> None:
        import fcntl

        self._fd = os.open(folder, os.O_RDONLY)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self._fd)
            raise StorageError(
                f"session {folder.name} is in use by another mock-interview (a run or resume "
                "still going on)", "wait for it to finish, or stop it first") from None

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = -1


class SessionStore:
    """All sessions under one root folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def ensure_writable(self) -> None:
        """Fail before the interview starts, not after the first answer."""
        probe = self.root / f".write-test-{os.getpid()}"
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            probe.write_bytes(b"ok")
        except OSError as exc:
            raise _storage_error("write to the sessions folder", self.root, exc) from None
        finally:
            try:
                probe.unlink(missing_ok=True)
            except OSError:
                pass

    def create(
        self, loaded: LoadedScript, settings: dict[str, Any], clock=None
    ) -> SessionWriter:
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
            raise _storage_error("create session folder", folder, exc) from None
        meta = {
            "schema_version": SCHEMA_VERSION,
            "id": session_id,
            "started_at": started.isoformat(timespec="seconds"),
            "script": {
                "id": loaded.script.id,
                "title": loaded.script.title,
                "role": loaded.script.role,
                "company": loaded.script.company,
                "path": str(loaded.path),
                "sha256": loaded.sha256,
                "questions": [q.id for q in loaded.script.questions],
            },
            "settings": settings,
        }
        return SessionWriter(folder, meta, clock=clock)

    # ------------------------------------------------------------------ reading

    def session_dirs(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(
            (p for p in self.root.iterdir() if p.is_dir() and (
                (p / SESSION_FILE).exists() or (p / EVENTS_FILE).exists()
            )),
            key=lambda p: p.name,
        )

    def resolve(self, session_id: str) -> Path:
        exact = self.root / session_id
        if exact.is_dir():
            return exact
        matches = [p for p in self.session_dirs() if p.name.startswith(session_id)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise SessionNotFound(
                f"no saved session {session_id!r} in {self.root}",
                "run 'mock-interview review' to list sessions",
            )
        raise SessionNotFound(
            f"{session_id!r} matches {len(matches)} sessions",
            "give more of the id: " + ", ".join(p.name for p in matches[:5]),
        )

    def load(self, session_id: str) -> dict:
        return load_session_dir(self.resolve(session_id))

    def reopen(self, session_id: str, settings: dict[str, Any] | None = None) -> SessionWriter:
        """Continue a saved session: its event log goes on where it stopped. Answer audio a
        crash left with stale WAV headers is repaired here (reading never changes a
        session)."""
        folder = self.resolve(session_id)
        lock = SessionLock(folder)
        try:
            doc = load_session_dir(folder)
            for answer in doc.get("answers", []):
                if answer.get("status") == "recording" and answer.get("audio"):
                    _repair_audio(folder / answer["audio"])
        except BaseException:
            lock.release()
            raise
        events = doc["events"]
        meta = {k: v for k, v in doc.items()
                if k not in ("answers", "events", "status", "incomplete_reason", "ended_at", "dir",
                             "unanswered")}
        if settings:
            meta["settings"] = {**meta.get("settings", {}), **settings}
        # Rewrite the log from the rebuilt events: a crash may have left half a line at its end.
        try:
            write_atomic(folder / EVENTS_FILE,
                         "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events))
        except OSError as exc:
            lock.release()
            raise _storage_error("rewrite", folder / EVENTS_FILE, exc, folder) from None
        return SessionWriter(folder, meta, events=events, lock=lock)

    def summaries(self) -> list[SessionSummary]:
        out = []
        for folder in self.session_dirs():
            try:
                out.append(SessionSummary.of(load_session_dir(folder)))
            except StorageError as exc:
                out.append(SessionSummary.broken(folder, str(exc)))
        return out


def load_session_dir(folder: Path) -> dict:
    """Read a session; if its event log is ahead of session.json (a crash), rebuild from it."""
    doc: dict | None = None
    session_path = folder / SESSION_FILE
    if session_path.exists():
        try:
            doc = json.loads(session_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            doc = None
            if not (folder / EVENTS_FILE).exists():
                raise StorageError(f"cannot read {session_path}: {exc}") from None
    events = _read_events(folder / EVENTS_FILE)
    if doc is None and not events:
        raise StorageError(f"{folder} holds no session data")
    if doc is None:
        doc = {"schema_version": SCHEMA_VERSION, "id": folder.name, "script": {}, "settings": {}}
        started = next((e for e in events if e["type"] == "session_started"), None)
        if started:
            doc.update({k: started.get(k) for k in ("started_at", "script", "settings") if k in started})
    if len(events) > len(doc.get("events", [])):
        doc = build_document(doc, events)
        if doc.get("status") == "in_progress":
            doc["status"] = "interrupted"
            doc["incomplete_reason"] = "the program stopped before the session was closed"
    for answer in doc.get("answers", []):
        if answer.get("status") == "recording" and answer.get("audio"):
            # Cut off by a crash: how much audio is on disk (the file's header may lag).
            try:
                from audio.wavstream import recorded_seconds

                answer["audio_seconds"] = round(recorded_seconds(folder / answer["audio"]), 3)
            except OSError:
                pass
    doc["dir"] = str(folder)
    return doc


def _repair_audio(path: Path) -> None:
    from audio.wavstream import repair_wav

    try:
        if path.exists():
            repair_wav(path)
    except OSError as exc:
        raise _storage_error("repair", path, exc, path.parent.parent) from None


def _read_events(path: Path) -> list[Event]:
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            break  # a line cut short by a crash: everything before it is intact
    return events


def build_document(meta: dict, events: list[Event]) -> dict:
    """The session.json document: metadata plus projections of the event log (pure)."""
    ended = next((e for e in reversed(events) if e["type"] == "session_ended"), None)
    doc = {k: v for k, v in meta.items()
           if k not in ("answers", "events", "status", "dir", "unanswered")}
    doc["status"] = ended["status"] if ended else "in_progress"
    doc["incomplete_reason"] = ended.get("reason") if ended else None
    doc["ended_at"] = ended.get("at") if ended else None
    doc["answers"] = answers_from_events(events)
    doc["unanswered"] = unanswered_questions(doc)
    doc["events"] = events
    return doc


class SessionWriter:
    """Writes one session as it happens: events appended, the document replaced atomically."""

    def __init__(self, folder: Path, meta: dict, clock=None,
                 events: list[Event] | None = None, lock: SessionLock | None = None) -> None:
        self.dir = folder
        self.meta = meta
        self._lock = lock or SessionLock(folder)
        self._events_path = folder / EVENTS_FILE
        try:
            self._events_fh = open(self._events_path, "a", encoding="utf-8")
        except OSError as exc:
            self._lock.release()
            raise _storage_error("create", self._events_path, exc) from None
        kwargs = {"clock": clock} if clock is not None else {}
        self.log = EventLog(sink=self._append_event, events=events, **kwargs)
        if events:
            self.log.append("session_resumed",
                            at=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                            settings=meta.get("settings"))
        else:
            # The first event repeats the metadata, so the log alone can rebuild the session.
            self.log.append(
                "session_started",
                started_at=meta["started_at"],
                script=meta["script"],
                settings=meta["settings"],
            )

    @property
    def id(self) -> str:
        return self.meta["id"]

    def _append_event(self, event: Event) -> None:
        try:
            self._events_fh.write(json.dumps(event, ensure_ascii=False) + "\n")
            self._events_fh.flush()
        except OSError as exc:
            raise _storage_error("append to", self._events_path, exc, self.dir) from None

    def answer_audio_path(self, turn: int, question_id: str) -> Path:
        return self.dir / "answers" / f"{turn:02d}-{question_id}.wav"

    def question_audio_path(self, turn: int, question_id: str) -> Path:
        folder = self.dir / "questions"
        folder.mkdir(exist_ok=True)
        return folder / f"{turn:02d}-{question_id}.wav"

    def relative(self, path: Path) -> str:
        return path.relative_to(self.dir).as_posix()

    def document(self) -> dict:
        return build_document(self.meta, self.log.events)

    def sync_events(self) -> None:
        """Make the event log durable now (before a long recording starts)."""
        try:
            self._events_fh.flush()
            os.fsync(self._events_fh.fileno())
        except OSError as exc:
            raise _storage_error("save", self._events_path, exc, self.dir) from None

    def checkpoint(self) -> dict:
        """Make everything so far durable: fsync the log, rewrite session.json and the report."""
        doc = self.document()
        try:
            os.fsync(self._events_fh.fileno())
            write_atomic(self.dir / SESSION_FILE, json.dumps(doc, indent=2, ensure_ascii=False))
            write_atomic(self.dir / REPORT_FILE, render_markdown(doc))
        except OSError as exc:
            raise _storage_error("save session", self.dir, exc, self.dir) from None
        return doc

    def recorded_audio(self, answer: dict):
        """The audio of a saved answer (repaired by :meth:`SessionStore.reopen` if a crash
        cut it off)."""
        from audio.io import read_audio

        return read_audio(self.dir / answer["audio"])

    def close(self) -> None:
        try:
            self._events_fh.close()
        except OSError:
            pass
        self._lock.release()


@dataclass(frozen=True)
class SessionSummary:
    id: str
    dir: str
    started_at: str | None
    script_id: str | None
    status: str
    answers: int
    questions: int
    speaking_seconds: float
    over_budget: int
    error: str | None = None

    @classmethod
    def of(cls, doc: dict) -> SessionSummary:
        answers = doc.get("answers", [])
        return cls(
            id=doc.get("id", ""),
            dir=doc.get("dir", ""),
            started_at=doc.get("started_at"),
            script_id=(doc.get("script") or {}).get("id"),
            status=doc.get("status", "unknown"),
            answers=sum(1 for a in answers if a.get("status") == "complete"),
            questions=len((doc.get("script") or {}).get("questions", [])),
            speaking_seconds=round(sum(a.get("speech_seconds") or 0 for a in answers), 1),
            over_budget=sum(1 for a in answers if a.get("verdict") == "over"),
        )

    @classmethod
    def broken(cls, folder: Path, error: str) -> SessionSummary:
        return cls(folder.name, str(folder), None, None, "unreadable", 0, 0, 0.0, 0, error)

