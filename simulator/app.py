"""The Python API behind the commands: one function per command, no printing of its own.

The CLI parses arguments, calls these, and renders what they return; everything the user
sees during an interview goes through the injected view.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from audio.sources import FileAnswerSource
from audio.transcriber import WhisperTranscriber, resolve_model
from simulator import paths
from simulator.components import build_speaker
from simulator.interview import Interview, InterviewView
from simulator.samples import sample_answer_files
from simulator.script import LoadedScript, find_script
from simulator.session import SessionStore, SessionWriter


@dataclass
class RunOptions:
    script: str | None = None
    answers: list[str] = field(default_factory=list)
    tts: str = "speak"
    model: str | None = None
    output_device: str | None = None
    sessions_dir: str | None = None


class RunView(InterviewView):
    """The interview view plus the set-up steps shown before the first question."""

    def starting(self, loaded: LoadedScript) -> None: ...
    def notice(self, text: str) -> None: ...
    def loading_model(self, name: str): ...
    def model_ready(self, name: str, seconds: float) -> None: ...
    def session_created(self, session: SessionWriter) -> None: ...


def run_interview(options: RunOptions, view: RunView) -> tuple[SessionWriter, dict]:
    """Check everything that can be checked cheaply, load the model, then run the interview.

    Returns the session writer and final document; raises the errors of the error funnel.
    The session is created only once the model is loaded, so a set-up failure leaves no
    empty session behind.
    """
    loaded = find_script(options.script, paths.user_scripts_dir())
    store = SessionStore(paths.sessions_dir(options.sessions_dir))
    store.ensure_writable()
    resolve_model(options.model)  # a bad --model fails here, before anything slow
    view.starting(loaded)

    if options.answers:
        source = FileAnswerSource(options.answers)
        answers_from = "files"
    else:
        view.notice(
            "Live microphone capture is not available yet: rehearsing on the sample answers "
            "this script ships (synthesised speech). Use --answers FILE ... for your own "
            "recordings."
        )
        source = FileAnswerSource(sample_answer_files(loaded, paths.cache_dir()))
        answers_from = "sample answers"

    speaker, notice = build_speaker(options.tts, loaded.script.interviewer, options.output_device)
    if notice:
        view.notice(notice)

    with view.loading_model(options.model or "tiny.en"):
        started = time.perf_counter()
        transcriber = WhisperTranscriber.load(options.model)
        transcriber.warm_up()
    view.model_ready(transcriber.name, time.perf_counter() - started)

    settings = {
        "model": transcriber.name,
        "tts": speaker.mode,
        "answers_from": answers_from,
    }
    session = store.create(loaded, settings)
    view.session_created(session)
    if notice:
        session.log.append("notice", text=notice)
    interview = Interview(
        loaded, speaker=speaker, answers=source, transcriber=transcriber, session=session, view=view
    )
    return session, interview.run()


def list_scripts():
    from simulator.script import discover_scripts

    return discover_scripts(paths.user_scripts_dir())


def session_store(sessions_dir: str | None) -> SessionStore:
    return SessionStore(paths.sessions_dir(sessions_dir))


def sessions_root(sessions_dir: str | None) -> Path:
    return paths.sessions_dir(sessions_dir)
