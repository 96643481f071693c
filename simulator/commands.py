"""The Python API behind the commands: one function per command, no printing of its own.

The CLI parses arguments, calls these, and renders what they return; everything the user
sees during an interview goes through the injected view.
"""

from __future__ import annotations

import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from audio.errors import DeviceError
from audio.transcriber import WhisperTranscriber, resolve_model
from simulator import paths
from simulator.interview.answers import FileAnswers, LiveAnswers, TurnAnswers, check_file_count, file_slots
from simulator.interview.parts import build_speaker
from simulator.errors import SimulatorError
from simulator.sessions.events import unanswered_questions
from simulator.interview.loop import Interview, InterviewView
from simulator.interview.keys import Keyboard
from simulator.interview.samples import SampleAnswerSource
from simulator.followups.writer import FollowUpWriter, build_writer
from simulator.followups.llm import LlmEndpoint, endpoint_from
from simulator.config.script import LoadedScript, Question, find_script, load_script
from simulator.sessions.store import SessionStore, SessionWriter
from simulator.interview.turns import Turn


@dataclass
class RunOptions:
    script: str | None = None
    answers: list[str] = field(default_factory=list)
    sample_answers: bool = False
    samples_if_no_mic: bool = False
    tts: str = "speak"
    model: str | None = None
    input_device: str | None = None
    output_device: str | None = None
    silence_s: float = 5.0
    grace_s: float = 30.0
    sessions_dir: str | None = None
    follow_ups: bool = True
    llm: str = "auto"  # "auto" (an endpoint when configured and answering) or "offline"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key_command: str | None = None
    llm_time_limit_s: float | None = None  # None: the script's follow_ups.time_limit_s
    # With --answers: the files also answer the follow-up questions (else they are skipped).
    answers_include_follow_ups: bool = False
    retake: list[str] = field(default_factory=list)  # resume: question ids to answer again


class RunView(InterviewView):
    """The interview view plus the set-up steps shown before the first question."""

    def starting(self, loaded: LoadedScript) -> None: ...
    def notice(self, text: str) -> None: ...
    def loading_model(self, name: str): ...
    def model_ready(self, name: str, seconds: float) -> None: ...
    def session_created(self, session: SessionWriter) -> None: ...
    def follow_ups_ready(self, description: dict) -> None: ...


SAMPLES_NOTICE = (
    "No microphone found: rehearsing on the sample answers this script ships (synthesised "
    "speech). Use --answers FILE ... for your own recordings."
)


FILES_SKIP_FOLLOW_UPS = (
    "Answers come from files: the follow-up questions are skipped (add "
    "--answers-include-follow-ups to give a file for each of them too).")


def _answer_source(options: RunOptions, loaded: LoadedScript, view: RunView):
    """Files, sample answers, or the microphone. Returns (kind, answers-or-device)."""
    if options.answers:
        return "files", None  # assigned to questions once it is known which are asked
    if options.sample_answers:
        return "sample answers", SampleAnswerSource(loaded, paths.cache_dir())
    from audio.microphone import find_input_device

    try:
        device = find_input_device(options.input_device)
    except DeviceError:
        if options.input_device or not options.samples_if_no_mic:
            raise
        view.notice(SAMPLES_NOTICE)
        return "sample answers", SampleAnswerSource(loaded, paths.cache_dir())
    return "microphone", device


def _file_answers(options: RunOptions, loaded: LoadedScript, questions: list[Question],
                  owed: list[tuple[str, int]] = ()) -> FileAnswers:
    """Assign the --answers files to the questions that will be asked (after ``owed``:
    follow-ups a resumed session still owes), refusing too few or too many before anything
    is recorded."""
    with_follow_ups = options.answers_include_follow_ups and options.follow_ups
    slots = (list(owed) if with_follow_ups else []) + file_slots(loaded.script, questions,
                                                                 with_follow_ups)
    has_follow_ups = options.follow_ups and any(
        loaded.script.follow_up_count(q) for q in loaded.script.questions)
    note = "the files answer the script's questions in order"
    if with_follow_ups:
        note += ", each followed by one file per follow-up it gets"
    elif has_follow_ups:
        note += ("; follow-up questions are skipped with --answers unless you add "
                 "--answers-include-follow-ups")
    check_file_count(options.answers, slots, loaded.script, note)
    return FileAnswers.for_slots(options.answers, slots)


def _load_transcriber(options: RunOptions, view: RunView, warm_up: bool) -> WhisperTranscriber:
    """Load the model. Warm it up here only if this thread will transcribe: CTranslate2 and
    the C allocator keep per-thread buffers, so a warm-up on another thread costs memory
    (live answers are warmed up on their transcription thread instead)."""
    spec = resolve_model(options.model)
    label = spec.name + (" (preparing it once: joining the bundled parts)"
                         if spec.needs_preparing else "")
    with view.loading_model(label):
        started = time.perf_counter()
        transcriber = WhisperTranscriber.load(options.model)
        if warm_up:
            transcriber.warm_up()
    view.model_ready(transcriber.name, time.perf_counter() - started)
    return transcriber


def _live_source(device, transcriber, options: RunOptions, stack: ExitStack):
    from audio.microphone import Microphone
    from audio.recorder import LiveAnswerSource

    microphone = Microphone(device)
    # Opened once for the whole session and kept running: devices and sound servers can
    # take a second or two to deliver the first block; what it hears while the interviewer
    # speaks is dropped before each answer.
    microphone.start()
    stack.callback(microphone.close)
    source = LiveAnswerSource(microphone, transcriber, silence_s=options.silence_s,
                              grace_s=options.grace_s)
    stack.callback(source.close)
    return source


@dataclass
class _Parts:
    """The loop's parts, chosen and loaded; the microphone (if any) is opened later."""

    answers_from: str
    source: object
    speaker: object
    notices: list[str]
    transcriber: WhisperTranscriber
    follow_ups: FollowUpWriter | None
    keyboard: Keyboard = field(default_factory=Keyboard)

    def settings(self) -> dict:
        settings = {"model": self.transcriber.name, "tts": self.speaker.mode,
                    "answers_from": self.answers_from}
        if self.follow_ups is not None:
            settings["follow_ups"] = self.follow_ups.describe()
        return settings

    def interview(self, loaded: LoadedScript, answers: TurnAnswers, session: SessionWriter,
                  view: RunView) -> Interview:
        """The loop over these parts, once the session exists (its notices logged)."""
        view.session_created(session)
        for text in self.notices:
            session.log.append("notice", text=text)
        interview = Interview(loaded, speaker=self.speaker, answers=answers,
                              transcriber=self.transcriber, session=session, view=view,
                              follow_ups=self.follow_ups, keyboard=self.keyboard)
        self.use_answers(interview, answers)
        return interview

    def use_answers(self, interview: Interview, answers: TurnAnswers) -> None:
        """Where the interview's answers come from; files answer follow-ups only when they
        were given for them (else the follow-ups are skipped, and the log says so)."""
        follow_up_answers: TurnAnswers | None = answers
        if isinstance(answers, FileAnswers) and not answers.with_follow_ups:
            follow_up_answers = None
            if self.follow_ups is not None and answers.by_slot:
                interview.log.append("notice", text=FILES_SKIP_FOLLOW_UPS)
                interview.view.notice(FILES_SKIP_FOLLOW_UPS)
        interview.answers = answers
        interview.follow_up_answers = follow_up_answers

    def open_answers(self, options: RunOptions, stack: ExitStack, loaded: LoadedScript,
                     questions: list[Question], owed: list[tuple[str, int]] = ()) -> TurnAnswers:
        if self.answers_from == "microphone":
            return LiveAnswers(_live_source(self.source, self.transcriber, options, stack))
        if self.answers_from == "files":
            return _file_answers(options, loaded, questions, owed)
        return self.source


def _prepare(options: RunOptions, loaded: LoadedScript, view: RunView,
             need_answers: bool = True) -> _Parts:
    view.starting(loaded)
    endpoint = _llm_endpoint(options)  # a bad key command or URL fails before anything slow
    answers_from, source = (_answer_source(options, loaded, view) if need_answers
                            else ("nothing", None))
    speaker, notice = build_speaker(options.tts, loaded.script.interviewer, options.output_device)
    notices = [notice] if notice else []
    # The endpoint is probed while Whisper loads: neither waits for the other.
    probe = _Background(_follow_up_writer, options, loaded, endpoint)
    transcriber = _load_transcriber(options, view, warm_up=answers_from != "microphone")
    writer, llm_notice = probe.result(timeout=PROBE_LIMIT_S,
                                      late=lambda: _probe_too_slow(options, loaded, endpoint))
    if llm_notice:
        notices.append(llm_notice)
    for text in notices:
        view.notice(text)
    if writer is not None:
        view.follow_ups_ready(writer.describe())
    return _Parts(answers_from, source, speaker, notices, transcriber, writer)


# The probe's own timeouts are per phase (connect, read) and name lookup has none: this
# bounds the whole start-up wait.
PROBE_LIMIT_S = 5.0


class _Background:
    """Run a function on a daemon thread; take its result, or give up on it after a while."""

    def __init__(self, fn, *args) -> None:
        self._result = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn, args), daemon=True,
                                        name="llm-probe")
        self._thread.start()

    def _run(self, fn, args) -> None:
        try:
            self._result = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            self._error = exc

    def result(self, timeout: float, late):
        self._thread.join(timeout)
        if self._thread.is_alive():
            return late()
        if self._error is not None:
            raise self._error
        return self._result


def _llm_endpoint(options: RunOptions) -> LlmEndpoint | None:
    if options.llm == "offline" or not options.follow_ups:
        return None
    return endpoint_from(options.llm_base_url, options.llm_model, options.llm_api_key_command)


def _probe_too_slow(options: RunOptions, loaded: LoadedScript, endpoint: LlmEndpoint):
    reason = (f"LLM endpoint {endpoint.display_url} did not answer within {PROBE_LIMIT_S:g} s "
              "(name lookup or connection)")
    writer, _ = build_writer(loaded, "offline", None, options.llm_time_limit_s)
    if writer is not None:
        writer.unavailable = reason
    return writer, f"{reason}. Follow-up questions come from the offline coach."


def _follow_up_writer(options: RunOptions, loaded: LoadedScript, endpoint: LlmEndpoint | None):
    if not options.follow_ups:
        return None, None
    return build_writer(loaded, options.llm, endpoint, options.llm_time_limit_s)


def run_interview(options: RunOptions, view: RunView) -> tuple[SessionWriter, dict]:
    """Check everything that can be checked cheaply, load the model, then run the interview.

    Returns the session writer and final document; raises the errors of the error funnel.
    The session is created only once the model is loaded, so a set-up failure leaves no
    empty session behind.
    """
    loaded = find_script(options.script, paths.user_scripts_dir())
    questions = list(loaded.script.questions)
    if options.answers:
        _file_answers(options, loaded, questions)  # too few or too many: say so right away
    store = SessionStore(paths.sessions_dir(options.sessions_dir))
    store.ensure_writable()
    resolve_model(options.model)  # a bad --model fails here, before anything slow
    parts = _prepare(options, loaded, view)
    with ExitStack() as stack:
        answers = parts.open_answers(options, stack, loaded, questions)
        session = store.create(loaded, parts.settings())
        stack.callback(session.close)
        interview = parts.interview(loaded, answers, session, view)
        return session, interview.run()


def resume_interview(session_id: str, options: RunOptions, view: RunView) -> tuple[SessionWriter, dict]:
    """Continue a saved session: every question without a usable answer is asked again
    (plus those named by ``options.retake``).

    Answers a crash cut off (audio on disk, never transcribed) are measured and transcribed
    first, so every recorded second ends up in the report; the session's folder is locked
    while it runs, so two resumes cannot write it at once.
    """
    store = SessionStore(paths.sessions_dir(options.sessions_dir))
    doc = store.load(session_id)
    loaded = _script_of(doc, view)
    by_id = {q.id: q for q in loaded.script.questions}
    unknown = [q for q in options.retake if q not in by_id]
    if unknown:
        raise SimulatorError(f"--retake {unknown[0]!r}: no such question in script "
                             f"{loaded.script.id!r}", "its questions: " + ", ".join(by_id))
    if doc.get("status") == "complete" and not options.retake:
        raise SimulatorError(
            f"session {doc['id']} is already complete (every question has a usable answer)",
            f"answer a question again with: mock-interview resume {doc['id']} --retake "
            f"QUESTION_ID, or start a new rehearsal with: mock-interview run")
    answers = doc.get("answers", [])
    unfinished = [a for a in answers if a["status"] in ("recording", "recorded")
                  and (a["question_id"] in by_id or a.get("follows") in by_id)]
    # The thread the session stopped in may still owe follow-ups (the session ended by
    # Ctrl-C after its main answer, or a crash while one was being written or answered).
    last = answers[-1] if answers and (answers[-1]["question_id"] in by_id
                                       or answers[-1].get("follows") in by_id) else None
    open_thread = _turn_of(last, by_id, answers) if last else None
    owes_follow_up = open_thread is not None and options.follow_ups and \
        loaded.script.follow_up_count(by_id[open_thread.thread]) > open_thread.depth
    if options.answers:
        owes_follow_up = owes_follow_up and options.answers_include_follow_ups
    resolve_model(options.model)
    need_answers = bool(unanswered_questions(doc)) or bool(options.retake) or owes_follow_up
    parts = _prepare(options, loaded, view, need_answers=need_answers)
    with ExitStack() as stack:
        session = store.reopen(doc["id"], parts.settings())
        stack.callback(session.close)
        source_answers: TurnAnswers | None = None
        if parts.answers_from != "files" and need_answers:
            source_answers = parts.open_answers(options, stack, loaded, [])
        interview = parts.interview(loaded, source_answers or FileAnswers({}), session, view)
        for answer in unfinished:
            interview.recover(_turn_of(answer, by_id, answers), session.recorded_audio(answer))
        missing = set(unanswered_questions(session.document())) | set(options.retake)
        questions = [q for q in loaded.script.questions if q.id in missing]
        if parts.answers_from == "files":
            owed = []
            if owes_follow_up and open_thread is not None:
                count = loaded.script.follow_up_count(by_id[open_thread.thread])
                owed = [(open_thread.thread, d) for d in range(open_thread.depth + 1, count + 1)]
            parts.use_answers(interview,
                              parts.open_answers(options, stack, loaded, questions, owed))
        first_turn = max((a["turn"] for a in session.document()["answers"]), default=0) + 1
        return session, interview.run(questions, first_turn=first_turn, resumed=True,
                                      open_thread=open_thread if owes_follow_up else None)


def _turn_of(answer: dict, by_id: dict[str, Question], answers: list[dict]) -> Turn:
    """The turn a saved answer belongs to; follow-ups are rebuilt from what was asked."""
    if answer.get("kind", "main") == "main":
        return Turn(answer["turn"], by_id[answer["question_id"]], attempt=answer.get("attempt", 1))
    budget = answer.get("budget") or {}
    question = Question(id=answer["question_id"], prompt=answer["question"],
                        min_s=float(budget.get("min_s", 0)),
                        max_s=float(budget.get("max_s", 1)) or 1.0)
    depth = (answer.get("follow_up") or {}).get("depth") or sum(
        1 for a in answers if a.get("follows") == answer.get("follows")
        and a["turn"] <= answer["turn"])
    return Turn(answer["turn"], question, kind="follow_up", follows=answer.get("follows"),
                depth=depth, thread_turn=answer.get("thread_turn"))


def _script_of(doc: dict, view: RunView) -> LoadedScript:
    info = doc.get("script") or {}
    path = Path(info.get("path", ""))
    loaded = load_script(path) if path.is_file() else find_script(info.get("id"),
                                                                   paths.user_scripts_dir())
    if info.get("sha256") and loaded.sha256 != info["sha256"]:
        view.notice(f"the script {loaded.path} changed since this session started; "
                    "continuing with its current questions")
    return loaded


def list_scripts():
    from simulator.config.script import discover_scripts

    return discover_scripts(paths.user_scripts_dir())


def session_store(sessions_dir: str | None) -> SessionStore:
    return SessionStore(paths.sessions_dir(sessions_dir))


def review_document(session_id: str, sessions_dir: str | None, model: str | None = None,
                    on_transcribing=None) -> dict:
    """A saved session, ready to show. Answers a crash left untranscribed (the program died
    while recording, or before transcribing) are measured and transcribed here, in memory:
    the review shows everything up to the last saved second, and the session is not changed
    (``resume`` saves it). ``on_transcribing`` wraps the slow part (model load and work)."""
    from contextlib import nullcontext

    from audio.wavstream import read_recorded
    from simulator.analysis.timing import Budget, measure_audio

    doc = session_store(sessions_dir).load(session_id)
    pending = [a for a in doc.get("answers", [])
               if a.get("status") in ("recording", "recorded") and a.get("audio")]
    if not pending:
        return doc
    folder = Path(doc["dir"])
    seconds = sum(a.get("audio_seconds") or 0 for a in pending)
    with (on_transcribing(len(pending), seconds) if on_transcribing else nullcontext()):
        transcriber = WhisperTranscriber.load(model)
        for answer in pending:
            try:
                audio = read_recorded(folder / answer["audio"])
            except (OSError, ValueError) as exc:
                answer["review_note"] = f"its audio cannot be read: {exc}"
                continue
            budget = answer.get("budget") or {}
            measured = measure_audio(audio.samples, Budget(budget.get("min_s", 0),
                                                            budget.get("max_s", 0)))
            answer["audio_seconds"] = round(audio.duration, 3)
            answer["review_note"] = ("transcribed for this review from the audio on disk; "
                                     f"'mock-interview resume {doc['id']}' saves it")
            if measured.timing is None:
                answer["review_note"] = "no speech in the audio on disk"
                continue
            transcript = transcriber.transcribe(audio)
            answer.update(measured.timing.to_dict())
            answer.update(transcript=transcript.text,
                          words=transcript.to_dict()["words"],
                          segments=transcript.to_dict()["segments"])
    return doc
