"""Writing one session as it happens, so that nothing is lost.

``events.jsonl`` is appended line by line as events happen and fsynced at turn boundaries
(and before a live recording starts); ``session.json`` is replaced atomically (temporary file
and rename) at every checkpoint. A crash therefore leaves the event log at least as new as
the document, and readers rebuild from it (`sessions.store`).

While a session is being written its folder is locked (:class:`SessionLock`), so two runs
(two ``resume`` of one session) never interleave their writes. Reports are not written here:
they are rendered from the saved session by `simulator.reports` when a session ends.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from audio.clip import Audio
from simulator.errors import StorageError
from simulator.sessions.log import EventLog
from simulator.sessions.records import (
    AnswerRecord,
    AnswerStarted,
    Event,
    QuestionAsked,
    QuestionSkipped,
    RetakeRequested,
    ScriptInfo,
    SessionDocument,
    SessionEnded,
    SessionResumed,
    SessionStarted,
    event_json,
)

SESSION_FILE = "session.json"
EVENTS_FILE = "events.jsonl"
REPORT_FILE = "report.md"
HTML_REPORT_FILE = "report.html"  # written when a session ends (commands.write_report)
# Events of the interview going on: after the session's last ending, they mean a resume took
# it up again (a resume that only finishes the verbatim pass does not).
_INTERVIEW_GOES_ON = (QuestionAsked, AnswerStarted, RetakeRequested, QuestionSkipped)


def storage_error(action: str, path: Path, exc: OSError, session_dir: Path | None = None,
                  resumable: bool = False) -> StorageError:
    """An OSError in words that say what to do (full disk, no permission); ``resumable``: a
    session cut short by it, which `resume` continues once the problem is fixed."""
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        hint: str | None = "the disk is full: free some space"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "choose a writable folder with --sessions-dir or MOCK_INTERVIEW_HOME"
    elif exc.errno in (errno.EEXIST, errno.ENOTDIR) and _file_in_the_way(path):
        # mkdir of a path that is a file, or that runs through one
        reason = "it is a file, or inside one, not a folder"
        hint = "choose a folder with --sessions-dir or MOCK_INTERVIEW_HOME"
    else:
        hint = None
    if session_dir is not None:
        hint = f"{hint}; " if hint else ""
        hint += f"what was recorded so far is in {session_dir}"
        if resumable:
            hint += f"; once that is fixed, continue with: mock-interview resume " \
                    f"{session_dir.name}"
    return StorageError(f"cannot {action} {path}: {reason}", hint)


def _file_in_the_way(path: Path) -> bool:
    """Whether ``path`` or a folder above it is a file."""
    return any(p.exists() and not p.is_dir() for p in (path, *path.parents))


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


def document_json(doc: SessionDocument) -> str:
    """session.json's text: the document without the events (they are in events.jsonl, the
    source of truth; repeating them doubled the file and the time to write it every turn)."""
    return doc.model_dump_json(indent=2, exclude={"events"})


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


class SessionMeta:
    """What a session knows before its first event: id, start time, script, settings."""

    def __init__(self, id: str, started_at: str | None, script: ScriptInfo,
                 settings: dict[str, Any]) -> None:
        self.id = id
        self.started_at = started_at
        self.script = script
        self.settings = settings


def build_document(meta: SessionMeta, events: Sequence[Event]) -> SessionDocument:
    """The session document: metadata plus the projections of the event log (pure)."""
    from simulator.sessions.project import answers_from_events, unanswered_questions

    ended: SessionEnded | None = None
    for e in events:
        if isinstance(e, SessionEnded):
            ended = e
        elif isinstance(e, _INTERVIEW_GOES_ON):
            # A resume asked again after the session had ended: until it ends the session in
            # turn (if it died, never), the earlier ending no longer describes it.
            ended = None
    answers = answers_from_events(events)
    return SessionDocument(
        id=meta.id, started_at=meta.started_at, script=meta.script, settings=meta.settings,
        status=ended.status if ended else "in_progress",
        incomplete_reason=ended.reason if ended else None,
        ended_at=ended.at if ended else None,
        answers=answers, unanswered=unanswered_questions(meta.script.questions, answers),
        events=list(events))


class SessionWriter:
    """Writes one session as it happens: events appended, the document replaced atomically."""

    def __init__(self, folder: Path, meta: SessionMeta, clock: Callable[[], float] | None = None,
                 events: Sequence[Event] = (), lock: SessionLock | None = None) -> None:
        self.dir = folder
        self.meta = meta
        self._document: SessionDocument | None = None
        self._document_events = -1
        self._lock = lock or SessionLock(folder)
        self._events_path = folder / EVENTS_FILE
        try:
            # Stays open for the whole session: every event is appended as it happens.
            self._events_fh = open(self._events_path, "a", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            self._lock.release()
            raise storage_error("create", self._events_path, exc) from None
        self.log = EventLog(sink=self._append_event, events=events,
                            **({"clock": clock} if clock is not None else {}))
        now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        if events:
            self.log.append(SessionResumed, at=now, settings=meta.settings)
        else:
            # The first event repeats the metadata, so the log alone can rebuild the session.
            self.log.append(SessionStarted, started_at=meta.started_at, script=meta.script,
                            settings=meta.settings)

    @property
    def id(self) -> str:
        return self.meta.id

    def _append_event(self, event: Event) -> None:
        try:
            self._events_fh.write(json.dumps(event_json(event), ensure_ascii=False) + "\n")
            self._events_fh.flush()
        except OSError as exc:
            raise storage_error("append to", self._events_path, exc, self.dir,
                                resumable=True) from None

    def answer_audio_path(self, turn: int, question_id: str) -> Path:
        return self.dir / "answers" / f"{turn:02d}-{question_id}.wav"

    def question_audio_path(self, turn: int, question_id: str) -> Path:
        folder = self.dir / "questions"
        folder.mkdir(exist_ok=True)
        return folder / f"{turn:02d}-{question_id}.wav"

    def relative(self, path: Path) -> str:
        return path.relative_to(self.dir).as_posix()

    def document(self) -> SessionDocument:
        """The session so far; rebuilt only when an event was added since the last call (the
        loop asks for it several times per turn)."""
        if self._document is None or self._document_events != len(self.log.events):
            self._document = build_document(self.meta, self.log.events).model_copy(
                update={"dir": str(self.dir)})
            self._document_events = len(self.log.events)
        return self._document

    def sync_events(self) -> None:
        """Make the event log durable now (before a long recording starts)."""
        try:
            self._events_fh.flush()
            os.fsync(self._events_fh.fileno())
        except OSError as exc:
            raise storage_error("save", self._events_path, exc, self.dir,
                                resumable=True) from None

    def checkpoint(self) -> SessionDocument:
        """Make everything so far durable: fsync the log, rewrite session.json."""
        doc = self.document()
        try:
            os.fsync(self._events_fh.fileno())
            write_atomic(self.dir / SESSION_FILE, document_json(doc))
        except OSError as exc:
            raise storage_error("save session", self.dir, exc, self.dir,
                                resumable=True) from None
        return doc

    def recorded_audio(self, answer: AnswerRecord) -> Audio:
        """The audio of a saved answer (repaired by `SessionStore.reopen` if a crash cut it)."""
        from audio.io import read_audio

        return read_audio(self.dir / (answer.audio or ""))

    def close(self) -> None:
        try:
            self._events_fh.close()
        except OSError:
            pass
        self._lock.release()
