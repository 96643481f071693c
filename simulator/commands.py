"""The Python API behind the commands: one function per command, no printing of its own.

The CLI parses arguments, calls these, and renders what they return; everything the user
sees during an interview goes through the injected view.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from audio.transcriber import WhisperTranscriber, resolve_model
from simulator import paths
from simulator.config.rubric import judged
from simulator.config.script import LoadedScript, Question, find_script, load_script
from simulator.errors import InterviewIncomplete, ScriptError, SimulatorError
from simulator.interview.answers import FileAnswers, TurnAnswers
from simulator.interview.parts import (
    FILES_SKIP_FOLLOW_UPS,
    RunOptions,
    RunView,
    file_answers,
    prepare,
)
from simulator.interview.turns import Turn
from simulator.sessions.records import AnswerRecord, Notice, SessionDocument
from simulator.sessions.store import SessionStore
from simulator.sessions.writer import SessionWriter


@dataclass(frozen=True)
class Outcome:
    """How a run or resume ended: the session as saved, and what stopped it early (an
    :class:`InterviewIncomplete` or a KeyboardInterrupt), if anything did."""

    session_dir: Path
    document: SessionDocument
    stopped: BaseException | None = None


def _finish(session: SessionWriter, run) -> Outcome:
    try:
        return Outcome(session.dir, run())
    except (InterviewIncomplete, KeyboardInterrupt) as exc:
        return Outcome(session.dir, session.document(), exc)


def refuse_conflicts(options: RunOptions) -> None:
    """Options that contradict each other, refused before anything starts (they were once
    silently ignored: --sample-answers beside --answers used the files)."""
    if options.answers and options.sample_answers:
        raise SimulatorError("--answers and --sample-answers both say where the answers come "
                             "from", "give one of them")
    if options.answers_include_follow_ups and not options.answers:
        raise SimulatorError("--answers-include-follow-ups is about --answers files, and none "
                             "was given", "add --answers FILE ..., or leave it out")


def run_interview(options: RunOptions, view: RunView) -> Outcome:
    """Check everything that can be checked cheaply, load the model, then run the interview.

    Returns how it ended; raises the errors of the error funnel.
    The session is created only once the model is loaded, so a set-up failure leaves no
    empty session behind. The report is written when the session ends, however it ends.
    """
    refuse_conflicts(options)
    loaded = find_script(options.script, paths.user_scripts_dir())
    questions = list(loaded.script.questions)
    if options.answers:
        file_answers(options, loaded, questions)  # too few or too many: say so right away
    store = SessionStore(paths.sessions_dir(options.sessions_dir))
    store.ensure_writable()
    resolve_model(options.model)  # a bad --model fails here, before anything slow
    parts = prepare(options, loaded, view)
    with ExitStack() as stack:
        answers = parts.open_answers(options, stack, loaded, questions)
        session = store.create(loaded, parts.settings())
        stack.callback(session.close)
        stack.callback(write_report, session)
        interview = parts.interview(loaded, answers, session, view)
        return _finish(session, interview.run)


def resume_interview(session_id: str, options: RunOptions, view: RunView) -> Outcome:
    """Continue a saved session: every question without a usable answer is asked again
    (plus those named by ``options.retake``).

    Answers a crash cut off (audio on disk, never transcribed) are measured and transcribed
    first, so every recorded second ends up in the report; the session's folder is locked
    while it runs, so two resumes cannot write it at once.
    """
    store = SessionStore(paths.sessions_dir(options.sessions_dir))
    refuse_conflicts(options)
    doc = store.load(session_id)
    loaded = _script_of(doc, view)
    by_id = {q.id: q for q in loaded.script.questions}
    unknown = [q for q in options.retake if q not in by_id]
    if unknown:
        raise SimulatorError(f"--retake {unknown[0]!r}: no such question in script "
                             f"{loaded.script.id!r}", "its questions: " + ", ".join(by_id))
    if doc.status == "complete" and not options.retake:
        if any(a.fillers_pending and a.audio for a in doc.answers):
            return _listen_only(doc, store, options, view)
        raise SimulatorError(
            f"session {doc.id} is already complete (every question has a usable answer)",
            f"answer a question again with: "
            f"{paths.command_line('resume', doc.id, options.sessions_dir)} --retake "
            f"QUESTION_ID, or start a new rehearsal with: mock-interview run")
    answers = doc.answers
    unfinished = [a for a in answers if a.status in ("recording", "recorded")
                  and (a.question_id in by_id or a.follows in by_id)]
    # The thread the session stopped in may still owe follow-ups (the session ended by
    # Ctrl-C after its main answer, or a crash while one was being written or answered).
    last = answers[-1] if answers and (answers[-1].question_id in by_id
                                       or answers[-1].follows in by_id) else None
    open_thread = _turn_of(last, by_id, answers) if last else None
    owes_follow_up = open_thread is not None and options.follow_ups and \
        loaded.script.follow_up_count(by_id[open_thread.thread]) > open_thread.depth
    if options.answers:
        owes_follow_up = owes_follow_up and options.answers_include_follow_ups
    elif not (options.sample_answers or options.samples_if_no_mic) and any(
            isinstance(e, Notice) and e.text == FILES_SKIP_FOLLOW_UPS for e in doc.events):
        # The session was run on files that answer no follow-up, so it skipped them: a
        # resume without files owes none (it would otherwise ask them on a microphone the
        # run never used, or fail for want of one). Sample answers answer follow-ups.
        owes_follow_up = False
    resolve_model(options.model)
    need_answers = bool(doc.unanswered) or bool(options.retake) or owes_follow_up
    parts = prepare(options, loaded, view, need_answers=need_answers)
    with ExitStack() as stack:
        session = store.reopen(doc.id, parts.settings())
        stack.callback(session.close)
        stack.callback(write_report, session)
        source_answers: TurnAnswers | None = None
        if parts.answers_from != "files" and need_answers:
            source_answers = parts.open_answers(options, stack, loaded, [])
        interview = parts.interview(loaded, source_answers or FileAnswers({}), session, view)
        for answer in unfinished:
            interview.recover(_turn_of(answer, by_id, answers), session.recorded_audio(answer))
        missing = set(session.document().unanswered) | set(options.retake)
        questions = [q for q in loaded.script.questions if q.id in missing]
        if parts.answers_from == "files":
            owed: list[tuple[str, int]] = []
            if owes_follow_up and open_thread is not None:
                count = loaded.script.follow_up_count(by_id[open_thread.thread])
                owed = [(open_thread.thread, d) for d in range(open_thread.depth + 1, count + 1)]
            parts.use_answers(interview,
                              parts.open_answers(options, stack, loaded, questions, owed))
        first_turn = max((a.turn for a in session.document().answers), default=0) + 1
        return _finish(session, lambda: interview.run(
            questions, first_turn=first_turn, resumed=True,
            open_thread=open_thread if owes_follow_up else None))


def _listen_only(doc: SessionDocument, store: SessionStore, options: RunOptions,
                 view: RunView) -> Outcome:
    """Resume of a complete session whose verbatim pass was cut short: run only the pass."""
    from simulator.interview.parts import load_transcriber
    from simulator.interview.signals import stopped_like_ctrl_c
    from simulator.interview.verbatim import listen_again

    if options.model is None and doc.settings.get("model"):
        # The pass aligns its decoding with the saved one: the same model agrees best.
        options = replace(options, model=str(doc.settings["model"]))
    transcriber = load_transcriber(options, view)
    with ExitStack() as stack:
        session = store.reopen(doc.id, {**doc.settings, "resumed_for": "verbatim pass"})
        stack.callback(session.close)
        stack.callback(write_report, session)
        try:
            with stopped_like_ctrl_c() as stop:
                listen_again(session, transcriber, view, stop)
        except KeyboardInterrupt as exc:
            return Outcome(session.dir, session.document(), exc)
        return Outcome(session.dir, session.document())


def write_report(session: SessionWriter) -> None:
    """report.md and report.html beside the session, rendered from what was saved (best
    effort: a full disk must not hide the error that stopped the session).

    The HTML report embeds the answers' audio (Opus): about 0.4 s per minute of answers, so
    it is written once, when the session ends, never at a checkpoint.
    """
    from simulator.review import analyses_of, html_report, markdown_report
    from simulator.sessions.writer import HTML_REPORT_FILE, REPORT_FILE, write_atomic

    doc = session.document()
    analyses = analyses_of(doc)  # once, for both reports
    reports = [(REPORT_FILE, lambda: markdown_report(doc, analyses)),
               (HTML_REPORT_FILE, lambda: html_report(doc, analyses=analyses))]
    for name, render in reports:
        try:
            write_atomic(session.dir / name, render())
        except OSError:
            # A report an earlier run of this session left would now be announced as this
            # one's: it goes (derived data; `review ID --open` writes it again).
            try:
                (session.dir / name).unlink(missing_ok=True)
            except OSError:
                pass


def _turn_of(answer: AnswerRecord, by_id: dict[str, Question],
             answers: list[AnswerRecord]) -> Turn:
    """The turn a saved answer belongs to; follow-ups are rebuilt from what was asked."""
    if answer.kind == "main":
        return Turn(answer.turn, by_id[answer.question_id], attempt=answer.attempt)
    question = Question(id=answer.question_id, prompt=answer.question,
                        min_s=float(answer.budget.min_s),
                        max_s=float(answer.budget.max_s) or 1.0)
    depth = (answer.follow_up.depth if answer.follow_up else None) or sum(
        1 for a in answers if a.follows == answer.follows and a.turn <= answer.turn)
    return Turn(answer.turn, question, kind="follow_up", follows=answer.follows,
                depth=depth, thread_turn=answer.thread_turn)


def _script_of(doc: SessionDocument, view: RunView) -> LoadedScript:
    info = doc.script
    path = Path(info.path or "")
    try:
        loaded = load_script(path) if path.is_file() else find_script(
            info.id, paths.user_scripts_dir())
    except ScriptError as exc:
        # Resume asks the script's questions from its file: say it is the session's.
        if path.is_file() or not info.path:
            raise ScriptError(f"session {doc.id}'s script cannot be loaded: {exc.message}",
                              exc.hint) from None
        # Gone, or (sessions saved before paths were absolute) relative to another folder:
        # the session saved the script as it was, which is what it was asking anyway.
        saved = _saved_script(doc)
        if saved is not None:
            view.notice(f"the script file {info.path} is not there any more; resuming with "
                        "the copy of it saved in the session")
            return saved
        where = "" if path.is_absolute() else ", or resume from the folder it was run in"
        raise ScriptError(f"session {doc.id}'s script file {info.path} is not there, and no "
                          f"script has its id {info.id!r}",
                          f"put the file back{where}") from None
    if info.sha256 and loaded.sha256 != info.sha256:
        view.notice(f"the script {loaded.path} changed since this session started; "
                    "continuing with its current questions")
    return loaded


def _saved_script(doc: SessionDocument) -> LoadedScript | None:
    """The script (and rubric) as the session saved them when it started, as the reports
    read it; None for a session saved before scripts were, or a copy this version cannot
    read."""
    from simulator.reports.analysis import script_context

    if doc.script.definition is None:
        return None
    context = script_context(doc, paths.user_scripts_dir())
    if context.script is None:
        return None
    return LoadedScript(script=context.script, path=Path(doc.script.path or ""),
                        sha256=doc.script.sha256 or "", rubric=context.rubric)


def list_scripts():
    from simulator.config.script import discover_scripts

    return discover_scripts(paths.user_scripts_dir())


def prepare_scripts() -> tuple[int, int]:
    """Encode the example sentences of every script that loads (bundled and the user's) with
    every core: (scripts, sentences ready; 0 without the sentence model)."""
    import os

    from simulator.analysis.parts import prepare_examples

    loaded = [e.loaded for e in list_scripts() if e.loaded is not None]
    questions = [q for script in loaded for q in script.script.questions]
    return len(loaded), prepare_examples(questions, threads=os.cpu_count() or 1)


def session_store(sessions_dir: str | None) -> SessionStore:
    return SessionStore(paths.sessions_dir(sessions_dir))


def list_sessions(sessions_dir: str | None):
    from simulator.sessions.index import SessionIndex

    store = session_store(sessions_dir)
    return store, SessionIndex(store).summaries()


def review_document(session_id: str, sessions_dir: str | None, model: str | None = None,
                    on_transcribing=None, repair: bool = False,
                    on_repaired=None) -> SessionDocument:
    """A saved session, ready to show. Answers a crash left untranscribed (the program died
    while recording, or before transcribing) are measured and transcribed here, in memory:
    the review shows everything up to the last saved second, and the session is not changed
    (``resume`` saves it; ``repair`` fixes the files a crash left without continuing).
    ``on_transcribing`` wraps the slow part (model load and work); ``on_repaired`` receives
    what ``repair`` repaired, in words."""
    from contextlib import nullcontext

    from audio.wavstream import read_recorded
    from simulator.analysis.timing import Budget, measure_audio

    store = session_store(sessions_dir)
    if repair:
        doc, repairs = store.repair(session_id)
        if on_repaired is not None:
            on_repaired(repairs)
    else:
        doc = store.load(session_id)
    pending = [a for a in doc.answers if a.status in ("recording", "recorded") and a.audio]
    if not pending:
        return doc
    folder = Path(doc.dir or "")
    seconds = sum(a.audio_seconds or 0 for a in pending)
    reviewed: dict[int, AnswerRecord] = {}
    with (on_transcribing(len(pending), seconds) if on_transcribing else nullcontext()):
        transcriber = WhisperTranscriber.load(model)
        for answer in pending:
            try:
                audio = read_recorded(folder / (answer.audio or ""))
            except (OSError, ValueError) as exc:
                reviewed[answer.turn] = answer.model_copy(
                    update={"review_note": f"its audio cannot be read: {exc}"})
                continue
            measured = measure_audio(audio.samples, Budget(answer.budget.min_s,
                                                            answer.budget.max_s))
            update: dict = {"audio_seconds": round(audio.duration, 3)}
            if measured.timing is None:
                update["review_note"] = "no speech in the audio on disk"
            else:
                transcript = transcriber.transcribe(audio).to_dict()
                update.update(measured.timing.to_dict(), transcript=transcript["text"],
                              words=transcript["words"], segments=transcript["segments"],
                              review_note="transcribed for this review from the audio on disk "
                                          "(to save it: "
                                          f"{paths.command_line('resume', doc.id, sessions_dir)})")
            reviewed[answer.turn] = AnswerRecord.model_validate(
                {**answer.model_dump(), **update})
    return doc.model_copy(update={"answers": [reviewed.get(a.turn, a) for a in doc.answers]})


def analyze_recording(path: str, script: str | None, question_id: str | None,
                      model: str | None = None, on_transcribing=None, verbatim: bool = True,
                      on_listening=None, on_analysing=None, on_note=None):
    """The coaching analysis of a recording made elsewhere, against a script's question,
    without an interview: the same analysis a session's report gives, the verbatim pass's
    fillers included (``verbatim=False`` skips that second decode, and fillers may then be
    undercounted; so does Ctrl-C during it). Returns (question, timing of the recording,
    analysis, the pass's result or None when it did not run, Whisper's transcript)."""
    from contextlib import nullcontext

    from audio.io import read_audio
    from audio.sources import Recording
    from simulator.analysis.answer import AnswerInput, analyze
    from simulator.analysis.parts import parts_of
    from simulator.analysis.timing import Budget, measure_audio
    from simulator.interview.answers import truncation_note
    from simulator.interview.outcomes import no_speech

    loaded = find_script(script, paths.user_scripts_dir())
    questions = {q.id: q for q in loaded.script.questions}
    wanted = question_id or next((q.id for q in loaded.script.questions if q.parts),
                                 loaded.script.questions[0].id)
    question = questions.get(wanted)
    if question is None:
        raise SimulatorError(f"--question {wanted!r}: no such question in script "
                             f"{loaded.script.id!r}", "its questions: " + ", ".join(questions))
    resolve_model(model)
    audio = read_audio(path)
    note = truncation_note(Path(path))
    if note and on_note:
        on_note(note)  # as a session says it of a file answer
    measured = measure_audio(audio.samples, Budget(question.min_s, question.max_s))
    if measured.timing is None:
        raise no_speech(Recording(audio=audio, end_reason="end_of_file", source=str(path)),
                        measured.activity)
    # The decodings run on a worker thread (`audio.interruptible`): Ctrl-C is answered at
    # once, not when the decoder's current call returns.
    from audio.interruptible import interruptible

    def telling(text: str):
        return (lambda: on_note(text)) if on_note else None

    with (on_transcribing(audio.duration) if on_transcribing else nullcontext()):
        transcriber = WhisperTranscriber.load(model)
        transcript = interruptible(lambda: transcriber.transcribe(audio),
                                   telling("Stopping: ending the decoding under way…"))
    timing = measured.timing
    heard = None
    words = list(transcript.words)
    if verbatim and words:
        from audio.fillers import listen_for_fillers
        from audio.hesitations import with_fillers

        try:
            with (on_listening(audio.duration) if on_listening else nullcontext()):
                heard = interruptible(
                    lambda: listen_for_fillers(transcriber, audio, words),
                    telling("Skipping the second listen: stopping the decoding under way…"))
        except KeyboardInterrupt:
            pass  # Ctrl-C skips the second listen, as in a session: the analysis still comes
        else:
            words = with_fillers(words, heard.added)
    # The transcript stays Whisper's default text, as in a session (`verbatim_words`).
    answer = AnswerInput(transcript.text, [asdict(w) for w in words],
                         [[s.start, s.end] for s in measured.spans],
                         timing.speech_start, timing.speech_end, question.id, question.min_s,
                         question.max_s, segments=[asdict(s) for s in transcript.segments])
    # Loads the sentence model, and on a machine that has not encoded this script's example
    # sentences yet (`prepare`), encodes them: up to 40 s for the deep dive, not in silence.
    with (on_analysing() if on_analysing else nullcontext()):
        analysis = analyze(answer, parts_of(question), judged(loaded.rubric, question.judged_on),
                           loaded.script.interviewer.strictness)
    return question, timing, analysis, heard, transcript
