"""A fast list of saved sessions: a SQLite index beside the session folders.

Listing used to read every session in full (300 sessions: 2.3 s). The index keeps one row
per session with what a listing shows, and the size and modification time of the two files
it was built from; a listing stats the folders (cheap) and reads again only the sessions that
changed, appeared or were removed. It also keeps what others derive from a session and ask it
to keep (`derived`: the comparison's facts of each rehearsal), under the same rule. The
folders stay the source of truth: the index is a cache that is rebuilt whenever it is
missing, stale, of an older layout or unreadable, and a sessions folder that cannot be
written is simply listed without one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from simulator.errors import StorageError
from simulator.sessions.records import SessionDocument
from simulator.sessions.store import SessionStore, read_session
from simulator.sessions.writer import EVENTS_FILE, SESSION_FILE, storage_error

INDEX_FILE = ".index.sqlite3"
# A session's settings["answers_from"] when the project's synthetic candidate answered, and
# the source its answers are saved with.
SAMPLE_ANSWERS = "sample answers"
SAMPLE_SOURCE = "sample answer"
INDEX_VERSION = 6  # bump when what is stored changes: old indexes are rebuilt
SAVE_EVERY = 10  # derived results written at once (a long first comparison keeps its work)


@dataclass(frozen=True)
class SessionSummary:
    id: str
    dir: str
    started_at: str | None
    script_id: str | None
    script_title: str | None
    status: str
    answers: int  # script questions with a usable answer
    questions: int
    speaking_seconds: float  # of the answers that count
    over_budget: int
    error: str | None = None
    # Every recorded answer came from the project's synthetic candidate (told by each
    # answer's own source: the settings say only what the last run or resume used).
    sample_only: bool = False

    @classmethod
    def of(cls, doc: SessionDocument) -> SessionSummary:
        counting = [a for a in doc.answers if a.counts]
        return cls(
            id=doc.id, dir=doc.dir or "", started_at=doc.started_at, script_id=doc.script.id,
            script_title=doc.script.title, status=doc.status,
            answers=sum(1 for a in counting if a.kind == "main"),
            questions=len(doc.script.questions),
            speaking_seconds=round(sum(a.speech_seconds or 0 for a in counting), 1),
            over_budget=sum(1 for a in counting if a.verdict == "over"),
            sample_only=_sample_only(doc))

    @classmethod
    def broken(cls, folder: Path, error: str) -> SessionSummary:
        return cls(folder.name, str(folder), None, None, None, "unreadable", 0, 0, 0.0, 0, error)


def _stamp(folder: Path) -> str:
    """What changes when a session changes: size and mtime of its two files."""
    parts = []
    for name in (SESSION_FILE, EVENTS_FILE):
        try:
            st = (folder / name).stat()
            parts.append(f"{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append("-")
    return "|".join(parts)


def _summarise(folder: Path) -> tuple[SessionSummary, list[tuple[int, str, str, str]]]:
    """A session's summary and its transcripts for searching: (turn, question id, text, the
    start of each of the text's words as JSON: "[]" where Whisper's words are not the text's
    words one for one, as in older sessions)."""
    try:
        doc = read_session(folder)
    except StorageError as exc:
        return SessionSummary.broken(folder, str(exc)), []
    return SessionSummary.of(doc), [
        (a.turn, a.question_id, a.transcript or "",
         json.dumps([round(w.start, 2) for w in a.words]
                    if len(a.words) == len((a.transcript or "").split()) else []))
        for a in doc.answers if a.transcript]


def _sample_only(doc: SessionDocument) -> bool:
    """Whether every answer with a recording came from the sample candidate."""
    sources = {a.source for a in doc.answers if a.audio or a.source}
    return bool(sources) and sources == {SAMPLE_SOURCE}


class SessionIndex:
    """Summaries of every session under a store's root, kept up to date on each listing."""

    def __init__(self, store: SessionStore) -> None:
        self.store = store
        self.path = store.root / INDEX_FILE

    def summaries(self) -> list[SessionSummary]:
        folders = {p.name: p for p in self.store.session_dirs()}
        try:
            db = self._open()
        except sqlite3.Error:
            return [_summarise(f)[0] for f in folders.values()]  # read-only folder: no cache
        try:
            self._refresh(db, folders)
            rows = db.execute("SELECT summary FROM sessions ORDER BY id").fetchall()
            return [SessionSummary(**json.loads(row[0])) for row in rows]
        except (sqlite3.Error, TypeError, ValueError):
            # A damaged index is only a cache: drop it and list without it this time.
            self.path.unlink(missing_ok=True)
            return [_summarise(f)[0] for f in folders.values()]
        finally:
            db.close()

    def search(self, text: str, limit: int = 50
               ) -> list[tuple[str, int, str, str, float | None, int]]:
        """(session id, turn, question id, snippet, when the first match was said (s into the
        answer's audio, None when not known), how many times it was said) of the transcripts
        holding ``text``, newest session first."""
        folders = {p.name: p for p in self.store.session_dirs()}
        needle = text.strip().lower()
        try:
            db = self._open()
        except sqlite3.Error:
            rows = [(name, *t) for name, f in folders.items() for t in _summarise(f)[1]
                    if needle in t[2].lower()]
        else:
            try:
                self._refresh(db, folders)
                rows = db.execute(
                    "SELECT session, turn, question, transcript, starts FROM answers "
                    "WHERE instr(lower(transcript), ?) > 0 ORDER BY session DESC, turn",
                    (needle,)).fetchall()
            finally:
                db.close()
        rows = sorted(rows, key=lambda r: (r[0], -r[1]), reverse=True)[:limit]
        return [(sid, turn, qid, _snippet(transcript, needle),
                 _said_at(transcript, json.loads(starts), needle),
                 transcript.lower().count(needle))
                for sid, turn, qid, transcript, starts in rows]

    def derived(self, kind: str, folders: Sequence[Path],
                compute: Callable[[Path], str | None],
                progress: Callable[[int, int], None] | None = None) -> dict[str, str]:
        """folder name -> ``compute(folder)`` for each of ``folders``, kept in the index until
        the session changes (or ``kind`` does: put a version in it). ``compute`` returns None
        for a result that must not be kept; it is computed again the next time.
        ``progress(done, total)`` is told before each computation (``total``: the folders with
        nothing kept); results are saved every few folders, so an interrupted run keeps them."""
        out: dict[str, str] = {}
        try:
            db = self._open()
        except sqlite3.Error:
            db = None
        try:
            stored = {} if db is None else {
                name: (stamp, data) for name, stamp, data in db.execute(
                    "SELECT session, stamp, data FROM derived WHERE kind = ?", (kind,))}
            stale = []
            for folder in folders:
                stamp = _stamp(folder)
                if stored.get(folder.name, ("", ""))[0] == stamp:
                    out[folder.name] = stored[folder.name][1]
                else:
                    stale.append((folder, stamp))
            if db is not None and stale:
                with db:  # results of other kinds (an older version of the code) go
                    db.execute("DELETE FROM derived WHERE kind != ?", (kind,))
            fresh = []
            for done, (folder, stamp) in enumerate(stale):
                if progress is not None:
                    progress(done, len(stale))
                data = compute(folder)
                if data is not None:
                    out[folder.name] = data
                    fresh.append((folder.name, kind, stamp, data))
                last = done + 1 == len(stale)
                if db is not None and fresh and (len(fresh) >= SAVE_EVERY or last):
                    with db:
                        db.executemany("INSERT OR REPLACE INTO derived (session, kind, stamp, "
                                       "data) VALUES (?, ?, ?, ?)", fresh)
                    fresh = []
        except sqlite3.Error:
            self.path.unlink(missing_ok=True)  # only a cache: rebuilt next time
        finally:
            if db is not None:
                db.close()
        return out

    def _refresh(self, db: sqlite3.Connection, folders: dict[str, Path]) -> None:
        """Bring the index up to date with the folders: read again only what changed."""
        with db:
            known = dict(db.execute("SELECT id, stamp FROM sessions").fetchall())
            for gone in set(known) - set(folders):
                db.execute("DELETE FROM sessions WHERE id = ?", (gone,))
                db.execute("DELETE FROM answers WHERE session = ?", (gone,))
                db.execute("DELETE FROM derived WHERE session = ?", (gone,))
            for name, folder in folders.items():
                stamp = _stamp(folder)
                if known.get(name) == stamp:
                    continue
                summary, transcripts = _summarise(folder)
                db.execute("INSERT OR REPLACE INTO sessions (id, stamp, summary) VALUES (?, ?, ?)",
                           (name, stamp, json.dumps(asdict(summary))))
                db.execute("DELETE FROM answers WHERE session = ?", (name,))
                db.executemany("INSERT INTO answers (session, turn, question, transcript, "
                               "starts) VALUES (?, ?, ?, ?, ?)",
                               [(name, *t) for t in transcripts])

    def _open(self) -> sqlite3.Connection:
        try:
            self.store.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error("open the sessions folder", self.store.root, exc) from None
        db = sqlite3.connect(self.path)
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != INDEX_VERSION:
            with db:
                db.execute("DROP TABLE IF EXISTS sessions")
                db.execute("DROP TABLE IF EXISTS answers")
                db.execute("DROP TABLE IF EXISTS derived")
                db.execute("CREATE TABLE sessions (id TEXT PRIMARY KEY, stamp TEXT NOT NULL, "
                           "summary TEXT NOT NULL)")
                db.execute("CREATE TABLE answers (session TEXT NOT NULL, turn INTEGER NOT NULL, "
                           "question TEXT NOT NULL, transcript TEXT NOT NULL, "
                           "starts TEXT NOT NULL)")
                db.execute("CREATE INDEX answers_session ON answers (session)")
                db.execute("CREATE TABLE derived (session TEXT NOT NULL, kind TEXT NOT NULL, "
                           "stamp TEXT NOT NULL, data TEXT NOT NULL, "
                           "PRIMARY KEY (session, kind))")
                db.execute(f"PRAGMA user_version = {INDEX_VERSION}")
        return db


def _said_at(transcript: str, starts: Sequence[float], needle: str) -> float | None:
    """When the first match began: the start of the word it falls in (the text's words are
    Whisper's words, one for one, where ``starts`` is given)."""
    at = transcript.lower().find(needle)
    if at < 0 or not starts:
        return None
    word = len(transcript[:at].split()) - (0 if at == 0 or transcript[at - 1].isspace() else 1)
    return starts[min(max(word, 0), len(starts) - 1)]


def _snippet(transcript: str, needle: str, width: int = 60) -> str:
    """The words around the first match, about ``width`` characters either side, cut at
    spaces ("…tured labels" read as a typo)."""
    at = transcript.lower().find(needle)
    if at < 0:
        at = 0
    start, end = max(0, at - width), min(len(transcript), at + len(needle) + width)
    if start:
        space = transcript.find(" ", start, at)
        start = space + 1 if space >= 0 else start
    if end < len(transcript):
        space = transcript.rfind(" ", at + len(needle), end)
        end = space if space >= 0 else end
    return ("…" if start else "") + transcript[start:end] + ("…" if end < len(transcript) else "")
