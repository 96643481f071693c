"""What the interview is built from, chosen from the command-line options and loaded.

Kept apart from the loop so the loop never decides which devices or models exist, and from
the CLI so the same choices can be made from Python: the interviewer's voice, where answers
come from (files assigned to questions, sample answers, the microphone), the Whisper model,
and who writes follow-ups (an LLM endpoint probed while the model loads, or the coach).
All heavy loading happens here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from audio.devices import Device
from audio.errors import DeviceError, UnknownVoiceError
from audio.playback import find_output_device
from audio.speaker import Speaker, TextOnlySpeaker, TtsSpeaker
from audio.transcriber import WhisperTranscriber, resolve_model
from audio.tts import Pyttsx3Synthesizer, Voice
from simulator import paths
from simulator.analysis.parts import prepare_examples
from simulator.config.script import Interviewer, LoadedScript, Question
from simulator.errors import ScriptError, SimulatorError
from simulator.followups.llm import LlmEndpoint, endpoint_from
from simulator.followups.writer import FollowUpWriter, build_writer
from simulator.interview.answers import (
    FileAnswers,
    LiveAnswers,
    TurnAnswers,
    check_file_count,
    file_slots,
)
from simulator.interview.keys import Keyboard
from simulator.interview.loop import Interview
from simulator.interview.samples import SampleAnswerSource
from simulator.interview.view import InterviewView
from simulator.sessions.index import SAMPLE_ANSWERS
from simulator.sessions.records import Notice
from simulator.sessions.writer import SessionWriter


def build_speaker(
    mode: str, interviewer: Interviewer, output_device: str | None = None
) -> tuple[Speaker, str | None]:
    """The interviewer's voice for ``--tts MODE``, and a one-line notice if it fell back."""
    if mode == "off":
        return TextOnlySpeaker(), None
    synth = Pyttsx3Synthesizer(Voice(interviewer.voice, interviewer.rate))
    synth.check_voice()  # a voice the system lacks fails now, before a session is created
    if mode == "file":
        return TtsSpeaker(synth, None), None
    device = find_output_device(output_device)
    if device is None:
        notice = (
            "No sound output device found: the interviewer's questions are written to the "
            "session folder instead of played (--tts file)."
        )
        return TtsSpeaker(synth, None), notice
    return TtsSpeaker(synth, device), None


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


class RunView(InterviewView, Protocol):
    """The interview view plus the set-up steps shown before the first question."""

    def starting(self, loaded: LoadedScript) -> None: ...
    def notice(self, text: str) -> None: ...
    def loading_model(self, name: str) -> AbstractContextManager[None]: ...
    def model_ready(self, name: str, seconds: float) -> None: ...
    def session_created(self, session: SessionWriter) -> None: ...
    def follow_ups_ready(self, description: dict) -> None: ...


# Measured on round trips of the shipped sample answers (espeak, then Whisper base): 10-11 %
# word error rate whichever espeak voice or rate (docs/architecture.md). Its mishearings are
# odd words in an otherwise fluent answer ("flawed" for "fraud"), which the candidate would
# otherwise take for the coach's.
SAMPLES_VOICE = ("Sample answers are said by a synthetic voice that Whisper mishears about "
                 "one word in ten, so expect some odd words in their transcripts.")
SAMPLES_NOTICE = ("No microphone found: rehearsing on the sample answers this script ships. "
                  + SAMPLES_VOICE + " Use --answers FILE ... for your own recordings.")


FILES_SKIP_FOLLOW_UPS = (
    "Answers come from files: the follow-up questions are skipped (add "
    "--answers-include-follow-ups to give a file for each of them too).")


def _answer_source(options: RunOptions, loaded: LoadedScript, view: RunView):
    """Files, sample answers, or the microphone. Returns (kind, answers-or-device)."""
    if options.answers:
        return "files", None  # assigned to questions once it is known which are asked
    if options.sample_answers:
        view.notice(SAMPLES_VOICE)
        return SAMPLE_ANSWERS, SampleAnswerSource(loaded, paths.cache_dir())
    from audio.microphone import find_input_device

    try:
        device = find_input_device(options.input_device)
    except DeviceError:
        if options.input_device or not options.samples_if_no_mic:
            raise
        view.notice(SAMPLES_NOTICE)
        return SAMPLE_ANSWERS, SampleAnswerSource(loaded, paths.cache_dir())
    return "microphone", device


def file_answers(options: RunOptions, loaded: LoadedScript, questions: list[Question],
                 owed: Sequence[tuple[str, int]] = ()) -> FileAnswers:
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
    # A file that is not there, a folder or an empty file is found now, not after the model
    # loaded and a session was created for it (it left an empty "0 of 2" session behind).
    # Files that are there but do not decode are found when their question comes.
    unusable = [f"{p}: {why}" for p in options.answers if (why := _unusable(Path(p)))]
    if unusable:
        raise SimulatorError(
            f"--answers: {'; '.join(unusable)}",
            "check the path (the files answer the questions in order); nothing was recorded")
    return FileAnswers.for_slots(options.answers, slots)


def _unusable(path: Path) -> str | None:
    """Why an answer file cannot be an answer before it is even read, or None."""
    import stat

    try:
        mode, size = (info := path.stat()).st_mode, info.st_size
    except FileNotFoundError:
        return "no such file"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISDIR(mode):
        return "is a folder, not an audio file"
    if stat.S_ISREG(mode) and size == 0:
        return "is empty (0 bytes)"
    return None  # a file, or a pipe or device the reader may still read


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


def load_transcriber(options: RunOptions, view: RunView) -> WhisperTranscriber:
    """The model alone, for work on this thread after an interview (the verbatim pass)."""
    return _load_transcriber(options, view, warm_up=False)


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
class Parts:
    """The loop's parts, chosen and loaded; the microphone (if any) is opened later."""

    answers_from: str
    source: Device | SampleAnswerSource | None  # the microphone's device, or sample answers
    speaker: Speaker
    notices: list[str]
    transcriber: WhisperTranscriber
    follow_ups: FollowUpWriter | None
    keyboard: Keyboard = field(default_factory=Keyboard)

    def settings(self) -> dict:
        settings: dict[str, object] = {"model": self.transcriber.name,
                                       "compute_type": self.transcriber.compute_type,
                                       "tts": self.speaker.mode,
                                       "answers_from": self.answers_from}
        if self.follow_ups is not None:
            settings["follow_ups"] = self.follow_ups.describe()
        return settings

    def interview(self, loaded: LoadedScript, answers: TurnAnswers, session: SessionWriter,
                  view: RunView) -> Interview:
        """The loop over these parts, once the session exists (its notices logged)."""
        view.session_created(session)
        for text in self.notices:
            session.log.append(Notice, text=text)
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
                interview.log.append(Notice, text=FILES_SKIP_FOLLOW_UPS)
                interview.view.notice(FILES_SKIP_FOLLOW_UPS)
        interview.answers = answers
        interview.follow_up_answers = follow_up_answers

    def open_answers(self, options: RunOptions, stack: ExitStack, loaded: LoadedScript,
                     questions: list[Question],
                     owed: Sequence[tuple[str, int]] = ()) -> TurnAnswers:
        # prepare() pairs each kind of answers with its source (see _answer_source).
        if self.answers_from == "microphone":
            assert isinstance(self.source, Device)
            return LiveAnswers(_live_source(self.source, self.transcriber, options, stack))
        if self.answers_from == "files":
            return file_answers(options, loaded, questions, owed)
        assert isinstance(self.source, SampleAnswerSource)
        return self.source


def prepare(options: RunOptions, loaded: LoadedScript, view: RunView,
             need_answers: bool = True) -> Parts:
    view.starting(loaded)
    endpoint = _llm_endpoint(options)  # a bad key command or URL fails before anything slow
    answers_from, source = (_answer_source(options, loaded, view) if need_answers
                            else ("nothing", None))
    try:
        speaker, notice = build_speaker(options.tts, loaded.script.interviewer,
                                        options.output_device)
    except UnknownVoiceError as exc:  # a typo in the script: name the file and the key
        raise ScriptError(f"{loaded.path}: interviewer.voice: {exc.message}",
                          f"{exc.hint}; or remove the key for the system's default voice"
                          ) from None
    notices = [notice] if notice else []
    # The endpoint is probed while Whisper loads: neither waits for the other.
    probe = _Background(_follow_up_writer, options, loaded, endpoint)
    transcriber = _load_transcriber(options, view, warm_up=answers_from != "microphone")
    # The sentence model for the parts of open answers: loaded while the interviewer asks
    # the first question (started after Whisper, so as not to delay the first word).
    threading.Thread(target=prepare_examples, args=(loaded.script.questions,), daemon=True,
                     name="sentence-model").start()
    writer, llm_notice = probe.result(timeout=PROBE_LIMIT_S,
                                      late=lambda: _probe_too_slow(options, loaded, endpoint))
    if llm_notice:
        notices.append(llm_notice)
    for text in notices:
        view.notice(text)
    if writer is not None:
        view.follow_ups_ready(writer.describe())
    return Parts(answers_from, source, speaker, notices, transcriber, writer)


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
        except BaseException as exc:
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


def _probe_too_slow(options: RunOptions, loaded: LoadedScript, endpoint: LlmEndpoint | None):
    # Only probing an endpoint can take this long: without one the writer is built at once.
    assert endpoint is not None
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
