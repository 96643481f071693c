"""The Python API behind ``mock-interview review``: one session as HTML, Markdown, JSON or
captions; exporting sessions to share; deleting one; searching transcripts; comparing the
rehearsals of a script. Everything is rendered from the saved sessions (plus the analysis
computed from them), so it works for sessions recorded by earlier versions too.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from simulator import paths
from simulator.analysis.answer import AnswerAnalysis
from simulator.errors import SimulatorError, StorageError
from simulator.reports.analysis import analyze_session, script_context
from simulator.reports.captions import cues, srt, webvtt
from simulator.reports.html import answer_audio, render_html
from simulator.reports.markdown import render_markdown
from simulator.sessions.index import SessionIndex
from simulator.sessions.records import SessionDocument
from simulator.sessions.store import SessionStore, read_session
from simulator.sessions.writer import write_atomic

JSON_FORMAT = 1


def store_of(sessions_dir: str | None) -> SessionStore:
    return SessionStore(paths.sessions_dir(sessions_dir))


def analyses_of(doc: SessionDocument) -> dict[int, AnswerAnalysis]:
    """Turn -> the analysis of each answer, against the session's script (its saved copy, or
    the user's script file of that id)."""
    return analyze_session(doc, script_context(doc, paths.user_scripts_dir()))


def prepare_analysis(doc: SessionDocument) -> None:
    """Load the sentence model and the example vectors of the session's script before the
    first analysis, so that a caller can say it is working: on a machine that has not
    encoded that script's examples yet (`mock-interview prepare`), this takes up to 40 s."""
    from simulator.analysis.parts import prepare_examples

    context = script_context(doc, paths.user_scripts_dir())
    if context.script is not None and any(a.status == "complete" for a in doc.answers):
        prepare_examples(context.script.questions)


def html_report(doc: SessionDocument, with_audio: bool = True,
                analyses: Mapping[int, AnswerAnalysis] | None = None,
                shared: bool = False) -> str:
    """The self-contained HTML report of a saved session (``shared``: for someone else,
    see `_resume`)."""
    audio = answer_audio(doc, Path(doc.dir or "")) if with_audio else {}
    return render_html(doc, analyses_of(doc) if analyses is None else analyses, audio,
                       _resume(doc, shared))


def markdown_report(doc: SessionDocument, analyses: Mapping[int, AnswerAnalysis] | None = None,
                    shared: bool = False) -> str:
    return render_markdown(doc, analyses_of(doc) if analyses is None else analyses,
                           _resume(doc, shared))


def _resume(doc: SessionDocument, shared: bool) -> str | None:
    """The resume command the reports name: with --sessions-dir when the session is not in
    the default sessions folder (the plain command would not find it); the plain one in
    reports exported for someone else, to whom this machine's folders mean nothing."""
    return paths.resume_command(doc.dir) if doc.dir and not shared else None


def write_text(path: Path, text: str) -> Path:
    """Write a report file atomically, saying clearly when the place is not writable."""
    path = Path(path).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
    except OSError as exc:
        raise StorageError(f"cannot write {path}: {exc.strerror or exc}",
                           "choose a writable folder") from None
    return path


def report_json(doc: SessionDocument) -> dict[str, Any]:
    """The session and its analysis as one JSON object (docs/review-format.md)."""
    analyses = analyses_of(doc)
    data = doc.model_dump(mode="json", exclude={"events"})
    data["format"] = JSON_FORMAT
    for answer in data["answers"]:
        analysis = analyses.get(answer["turn"])
        answer["analysis"] = analysis.to_json() if analysis is not None else None
    return data


def write_captions(doc: SessionDocument, folder: Path) -> list[Path]:
    """One WebVTT and one SRT file per transcribed answer: ``NN-<question>.vtt/.srt``."""
    written = []
    for answer in doc.answers:
        captions = cues(answer)
        if not captions:
            continue
        stem = Path(answer.audio or f"answers/{answer.turn:02d}-{answer.question_id}.wav").stem
        written.append(write_text(Path(folder) / f"{stem}.vtt", webvtt(captions)))
        written.append(write_text(Path(folder) / f"{stem}.srt", srt(captions)))
    return written


def export(session_ids: list[str], dest: Path, sessions_dir: str | None) -> list[Path]:
    """Everything about each session, to share with a mentor: the HTML report (with its
    audio), the Markdown report, captions and the answers' audio, one folder per session."""
    store = store_of(sessions_dir)
    # Every id is resolved before anything is written: a typo in the third id must not leave
    # two sessions exported and a confusing half-done folder.
    found = [store.resolve(session_id) for session_id in session_ids]
    folders = []
    for folder in dict.fromkeys(found):
        doc = read_session(folder)
        target = Path(dest).expanduser() / doc.id
        analyses = analyses_of(doc)
        write_text(target / "report.html", html_report(doc, analyses=analyses, shared=True))
        write_text(target / "report.md", markdown_report(doc, analyses, shared=True))
        write_captions(doc, target / "captions")
        source = Path(doc.dir or "")
        try:
            (target / "audio").mkdir(parents=True, exist_ok=True)
            for answer in doc.answers:
                if answer.audio and (source / answer.audio).is_file():
                    shutil.copy2(source / answer.audio, target / "audio" / Path(answer.audio).name)
        except OSError as exc:
            raise StorageError(f"cannot copy the audio to {target}: {exc.strerror or exc}",
                               "choose a writable folder with enough space") from None
        folders.append(target)
    return folders


def write_report_beside(doc: SessionDocument, with_audio: bool = True) -> tuple[Path, bool]:
    """The HTML report written as the session's own ``report.html``; returns its path and
    whether it is a snapshot instead.

    While a run or resume is writing the session (its lock is held), the report goes to a
    snapshot file in the temporary folder: the run writes the final ``report.html`` when it
    ends, and a report rendered from an earlier moment must never replace it."""
    import tempfile

    from simulator.sessions.writer import HTML_REPORT_FILE, SessionLock

    folder = Path(doc.dir or ".")
    html = html_report(doc, with_audio=with_audio)
    try:
        lock = SessionLock(folder)
    except StorageError:
        snapshot = Path(tempfile.gettempdir()) / f"mock-interview-{doc.id}-snapshot.html"
        return write_text(snapshot, html), True
    try:
        return write_text(folder / HTML_REPORT_FILE, html), False
    finally:
        lock.release()


def ensure_not_in_use(folder: Path) -> None:
    """Raise the clear error of a session a run or resume is writing (before asking the user
    to confirm its deletion, so the answer is not wasted)."""
    from simulator.sessions.writer import SessionLock

    SessionLock(folder).release()


def delete(session_id: str, sessions_dir: str | None) -> Path:
    """Remove a session's folder completely (after the caller asked for confirmation)."""
    from simulator.sessions.writer import SessionLock

    store = store_of(sessions_dir)
    folder = store.resolve(session_id)
    lock = SessionLock(folder)  # not while a run or resume writes it
    try:
        shutil.rmtree(folder)
    except OSError as exc:
        raise StorageError(f"cannot delete {folder}: {exc.strerror or exc}") from None
    finally:
        lock.release()
    return folder


@dataclass(frozen=True)
class Hit:
    session_id: str
    turn: int
    question_id: str
    snippet: str
    start_s: float | None = None  # when the first match was said, in the answer's audio
    count: int = 1  # how many times the answer said it


def search(text: str, sessions_dir: str | None, limit: int = 50) -> list[Hit]:
    """Sessions whose transcripts contain ``text`` (case-insensitive), newest first."""
    if not text.strip():
        raise SimulatorError("--search needs some text to look for")
    index = SessionIndex(store_of(sessions_dir))
    return [Hit(*row) for row in index.search(text, limit)]


def compare(script_id: str | None, sessions_dir: str | None,
            progress: Callable[[int, int], None] | None = None):
    """The rehearsals of one script compared (see `reports.compare`). What each session's
    analysis says is kept in the session index (`reports.compare_facts`), so a comparison
    analyses again only the sessions that changed since the last one (or all of them after
    the analysis code changed: about half a second a session; ``progress(done, total)``
    hears of each)."""
    from simulator.reports.compare import compare_rehearsals
    from simulator.reports.compare_facts import RehearsalFacts, code_version, rehearsal_facts

    store = store_of(sessions_dir)
    index = SessionIndex(store)
    summaries = index.summaries()
    if script_id is None:
        counts: dict[str, int] = {}
        # The script of the most rehearsals of one's own (a sample rehearsal is not one).
        own = [s for s in summaries if not s.sample_only] or summaries
        for s in own:
            if s.script_id:
                counts[s.script_id] = counts.get(s.script_id, 0) + 1
        if not counts:
            raise SimulatorError(f"no saved sessions in {store.root} to compare",
                                 "rehearse first: mock-interview run")
        script_id = max(counts, key=lambda k: (counts[k], k))
    of_script = [s for s in summaries if s.script_id == script_id and s.status != "unreadable"]
    # The synthetic candidate's rehearsals are not the candidate's: left out, or one of them
    # would be "your personal best" and bend the trends.
    chosen = [Path(s.dir) for s in of_script if not s.sample_only]
    samples = len(of_script) - len(chosen)
    if not chosen and samples:
        raise SimulatorError(f"only sample-answer rehearsals of script {script_id!r} so far: "
                             "they are the synthetic candidate's, not yours, so there is "
                             "nothing of yours to compare",
                             f"rehearse with your microphone: mock-interview run --script "
                             f"{script_id}")
    if not chosen:
        known = sorted({s.script_id for s in summaries if s.script_id})
        raise SimulatorError(f"no saved sessions of script {script_id!r}",
                             "scripts with sessions: " + (", ".join(known) or "none"))
    uncached: dict[str, RehearsalFacts] = {}

    def facts_of(folder: Path) -> str | None:
        try:
            doc = read_session(folder)
        except StorageError:
            return None  # unreadable since it was listed: left out
        context = script_context(doc, paths.user_scripts_dir())
        facts = rehearsal_facts(doc, analyze_session(doc, context))
        if not doc.script.definition or context.reads_user_file:
            # Analysed with (part of) a script file as it is today, not only the session's
            # own copy of the script (or with no script found, which a script of that id
            # added later changes): not kept, as the file may change.
            uncached[folder.name] = facts
            return None
        return dump_json(facts.to_json())

    stored = index.derived(f"compare-facts-{code_version()}", chosen, facts_of, progress)
    rehearsals = []
    for folder in chosen:
        if folder.name in uncached:
            rehearsals.append(uncached[folder.name])
        elif folder.name in stored:
            rehearsals.append(RehearsalFacts.from_json(json.loads(stored[folder.name])))
    comparison = compare_rehearsals(script_id, rehearsals)
    if samples:
        left_out = (f"{samples} rehearsal{'s' if samples != 1 else ''} on the sample answers "
                    "left out (the synthetic candidate's, not yours)")
        comparison = replace(comparison, note="; ".join(filter(None, [comparison.note,
                                                                       left_out])))
    return comparison


def dump_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)
