"""The ``mock-interview`` command line: parse, call one function of `simulator.commands`, render.

argparse (standard library) rather than click/typer: ``--answers a1.wav a2.wav ...`` takes a
variable number of values for one option, which click does not support.

Errors from the error funnel become one line on standard error and a non-zero exit
(2 for bad input/set-up, 1 for an interview that stopped early, 130 for Ctrl-C);
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import traceback
from dataclasses import fields

from rich.console import Console

from audio.models import DEFAULT_MODEL
from simulator import __version__
from simulator.cli_analyze import add_analyze_parser, run_analyze
from simulator.cli_review import add_review_parser, run_review
from simulator.errors import UserFacingError
from simulator.paths import command_line
from simulator.terminal.text import safe

DOCTOR_DESCRIPTION = ("Check that this machine can run an interview: the microphone (it "
                      "listens a few seconds), speaker, speech engine, Whisper model, sentence "
                      "model and LLM endpoint, each with what to do when it fails.")
PREPARE_HELP = ("encode the scripts' example sentences now (once per machine; make does it), "
                "so that no interview or analysis waits for it")


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show full tracebacks on errors")
    common.add_argument("--sessions-dir", metavar="DIR", default=argparse.SUPPRESS,
                        help="where sessions are saved (default: $MOCK_INTERVIEW_HOME/sessions "
                             "or the user data folder)")

    parser = argparse.ArgumentParser(
        prog="mock-interview",
        description="Rehearse spoken interview answers offline: questions are spoken, answers "
                    "transcribed locally with Whisper and timed against their budgets.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    interview = argparse.ArgumentParser(add_help=False)
    interview.add_argument("--answers", nargs="+", metavar="FILE", default=[],
                           help="answer recordings instead of the microphone, one per script "
                                "question in order (WAV/FLAC/MP3/M4A, any rate); follow-up "
                                "questions are skipped")
    interview.add_argument("--answers-include-follow-ups", action="store_true",
                           help="with --answers: the files also answer the follow-ups (each "
                                "question's file followed by one per follow-up it gets)")
    interview.add_argument("--sample-answers", action="store_true",
                           help="answer with the sample answers the script ships")
    interview.add_argument("--samples-if-no-mic", action="store_true",
                           help="use the sample answers when there is no microphone")
    interview.add_argument("--tts", choices=("speak", "file", "off"), default="speak",
                           help="speak questions aloud (default), write them to the session "
                                "folder, or only print them")
    interview.add_argument("--model", metavar="NAME|PATH",
                           help="Whisper model: bundled base or tiny.en, a folder with a "
                                "CTranslate2 model, or a name such as small.en (downloads "
                                f"need internet). Default: bundled {DEFAULT_MODEL}")
    interview.add_argument("--input-device", metavar="NAME|INDEX",
                           help="microphone to record from (see 'mock-interview devices')")
    interview.add_argument("--output-device", metavar="NAME|INDEX",
                           help="sound output device for the interviewer's voice")
    interview.add_argument("--silence-end", dest="silence_s", type=_seconds, default=5.0,
                           metavar="SECONDS",
                           help="end a live answer after this much silence following speech "
                                "(default 5)")
    interview.add_argument("--grace", dest="grace_s", type=_seconds, default=30.0,
                           metavar="SECONDS",
                           help="end a live answer this long after its budget's maximum "
                                "(default 30)")
    interview.add_argument("--json", action="store_true",
                           help="print a JSON summary as the last line of standard output")
    _llm_arguments(interview)
    interview.add_argument("--no-follow-ups", dest="follow_ups", action="store_false",
                           help="ask only the script's own questions")

    run = sub.add_parser("run", parents=[common, interview], help="run a mock interview",
                         description="Run a mock interview of a script: live on the "
                                     "microphone, or on recordings with --answers.")
    run.add_argument("--script", metavar="NAME|PATH",
                     help="interview script id (see 'mock-interview scripts') or a TOML file")

    resume = sub.add_parser("resume", parents=[common, interview],
                            help="continue an unfinished session",
                            description="Continue a saved session: every question without "
                                        "a usable answer is asked (and those given with "
                                        "--retake).")
    resume.add_argument("session_id", metavar="ID", help="session id (or a unique prefix)")
    resume.add_argument("--retake", action="append", default=[], metavar="QUESTION_ID",
                        help="answer this question again even if it has an answer (the "
                             "earlier attempt is kept; the new one counts); repeatable")

    sub.add_parser("devices", parents=[common], help="list sound input and output devices",
                   description="List the sound input and output devices, with the names and "
                               "numbers --input-device and --output-device take.")
    doctor = sub.add_parser("doctor", parents=[common],
                            help="check microphone, speaker, speech engine and Whisper model",
                            description=DOCTOR_DESCRIPTION)
    doctor.add_argument("--input-device", metavar="NAME|INDEX",
                        help="the microphone to check (default: the system's)")
    doctor.add_argument("--output-device", metavar="NAME|INDEX",
                        help="the speaker to check (default: the system's)")
    doctor.add_argument("--model", metavar="NAME|PATH",
                        help="the Whisper model to load (default: base, bundled)")
    doctor.add_argument("--seconds", type=_seconds, default=4.0,
                        help="how long to listen to the microphone (default 4)")
    _llm_arguments(doctor)

    sub.add_parser("scripts", parents=[common], help="list interview scripts",
                   description="List the interview scripts: the bundled ones and yours, with "
                               "the id --script takes and the file each comes from.")
    sub.add_parser("prepare", parents=[common], help=PREPARE_HELP,
                   description=PREPARE_HELP[0].upper() + PREPARE_HELP[1:] + ".")

    add_analyze_parser(sub, common)
    add_review_parser(sub, common)
    return parser


def _llm_arguments(parser: argparse.ArgumentParser) -> None:
    """Where follow-up questions come from; the same flags for run, resume and doctor."""
    parser.add_argument("--llm", choices=("auto", "offline"), default="auto",
                        help="auto (default): an OpenAI-compatible endpoint when one is "
                             "configured and answers, else the offline coach; offline: always "
                             "the offline coach")
    parser.add_argument("--llm-base-url", metavar="URL",
                        help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 "
                             "(default: $OPENAI_BASE_URL; OpenAI itself when only "
                             "$OPENAI_API_KEY is set)")
    parser.add_argument("--llm-model", metavar="NAME",
                        help="model name (default: the endpoint's first model; gpt-4o-mini "
                             "on OpenAI)")
    parser.add_argument("--llm-api-key-command", metavar="COMMAND",
                        help="command that prints the API key, e.g. 'secret-tool lookup "
                             "service openai' (default: $OPENAI_API_KEY; local servers need "
                             "none)")
    parser.add_argument("--llm-timeout", dest="llm_time_limit_s", type=_llm_seconds,
                        metavar="SECONDS",
                        help="how long to wait for the LLM's question before the offline "
                             "coach asks instead (default: the script's, usually 4)")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0: {text!r}")
    return value


def _llm_seconds(text: str) -> float:
    value = _seconds(text)
    if value > 60:
        raise argparse.ArgumentTypeError(f"at most 60 seconds: {text!r}")
    return value


def _limit_malloc_arenas() -> None:
    """glibc gives every thread that allocates its own memory arena and rarely returns freed
    memory to the system; with the audio, VAD and transcription threads that added ~100 MB
    of peak memory on long answers. Two arenas are plenty for this program. Done at start-up
    of the command, not at import, and only where glibc is the C library."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        # A fixed M_MMAP_THRESHOLD as well was tried: 5-20 % less peak memory but every
        # large buffer mapped and unmapped again made the transcript ~0.3 s later.
        ctypes.CDLL("libc.so.6").mallopt(-8, 2)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> None:
    _limit_malloc_arenas()
    sys.exit(run_cli(argv))


def run_cli(argv: list[str] | None = None, console: Console | None = None,
            err_console: Console | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    console = console or Console(highlight=False)
    err = err_console or Console(stderr=True, highlight=False)
    debug = getattr(args, "debug", False)
    sessions_dir = getattr(args, "sessions_dir", None)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        if args.command in ("run", "resume"):
            return _run(args, console, err, sessions_dir)
        if args.command == "devices":
            return _devices(console)
        if args.command == "doctor":
            return _doctor(args, console)
        if args.command == "scripts":
            return _scripts(console)
        if args.command == "prepare":
            return _prepare(console)
        if args.command == "analyze":
            return run_analyze(args, console, err)
        if args.command == "review":
            return run_review(args, console, err, sessions_dir)
    except KeyboardInterrupt:
        # Only an interview records anything; the other commands change no saved file.
        err.print("Interrupted. Everything recorded so far is saved."
                  if args.command in ("run", "resume") else "Interrupted.")
        return 130
    except UserFacingError as exc:
        if debug:
            traceback.print_exc()
        err.print(f"[red]error:[/] {safe(exc)}", markup=True, soft_wrap=True)
        return exc.exit_code
    except Exception:
        if debug:
            raise
        err.print("[red]internal error:[/] " + traceback.format_exc().strip().splitlines()[-1],
                  soft_wrap=True)
        err.print("Run again with --debug for the full traceback.")
        return 3
    return 0


def _run(args, console: Console, err: Console, sessions_dir: str | None) -> int:
    from simulator.commands import RunOptions, resume_interview, run_interview
    from simulator.terminal.live import ConsoleView
    from simulator.terminal.tables import timing_table

    view = ConsoleView(console)
    # The options' names are the arguments' destinations, so none can be forgotten here.
    options = RunOptions(**{f.name: getattr(args, f.name) for f in fields(RunOptions)
                            if hasattr(args, f.name)})
    options.sessions_dir = sessions_dir
    if args.command == "resume":
        outcome = resume_interview(args.session_id, options, view)
    else:
        outcome = run_interview(options, view)
    doc, code = outcome.document, 0
    if outcome.stopped is not None:
        exc = outcome.stopped
        where = f"{_saved(doc)} in {outcome.session_dir}"
        if isinstance(exc, KeyboardInterrupt):
            code, message = 130, f"interrupted (Ctrl-C); {where}"
        else:
            code = getattr(exc, "exit_code", 1)
            message = f"{exc}; {where}"
        message += f"; continue with: {command_line('resume', doc.id, sessions_dir)}"
        if doc.settings.get("answers_from") == "files" and doc.unanswered:
            message += (f" --answers FILE{' ...' if len(doc.unanswered) > 1 else ''} (one per "
                        f"question still without a usable answer: {', '.join(doc.unanswered)})")
        err.print(f"[red]error:[/] {safe(message)}", soft_wrap=True)
    if doc.answers:
        console.print()
        console.print(timing_table(doc))
    html = outcome.session_dir / "report.html"
    if html.exists():
        console.print(f"Report: {safe(html)} (open it in a browser; Markdown beside it: "
                      "report.md)", soft_wrap=True)
    elif (outcome.session_dir / "report.md").exists():
        console.print(f"Report: {safe(outcome.session_dir / 'report.md')}", soft_wrap=True)
    else:  # a full disk: the session is saved, its reports could not be written
        console.print("No report could be written; once the problem above is fixed, "
                      f"{safe(command_line('review', doc.id, sessions_dir))} --open writes it",
                      soft_wrap=True)
    console.print(f"Review it later with: {safe(command_line('review', doc.id, sessions_dir))}")
    if args.json:
        summary = {
            "session_id": doc.id,
            "session_dir": str(outcome.session_dir),
            "status": doc.status,
            "answers": sum(1 for a in doc.answers if a.usable),
            "attempts": len(doc.answers),
            "unanswered": doc.unanswered,
            "over_budget": sum(1 for a in doc.answers if a.counts and a.verdict == "over"),
        }
        # Plain print, not rich: the JSON must not be wrapped or styled.
        print(json.dumps(summary), flush=True)
    return code


def _saved(doc) -> str:
    """How many usable answers the session holds (failed attempts are not answers)."""
    usable = sum(1 for a in doc.answers if a.usable)
    text = f"{usable} usable answer{'s' if usable != 1 else ''} saved"
    failed = len(doc.answers) - usable
    if failed:
        text += f" (and {failed} attempt{'s' if failed != 1 else ''} without one)"
    return text


def _devices(console: Console) -> int:
    from audio.devices import list_devices
    from simulator.terminal.tables import devices_table

    devices = list_devices()
    if not devices:
        console.print("PortAudio sees no sound devices. Is a sound server running? "
                      "Run 'mock-interview doctor' for details.")
        return 1
    console.print(devices_table(devices))
    return 0


def _doctor(args, console: Console) -> int:
    from simulator.doctor import PROBLEM, run_checks
    from simulator.terminal.tables import render_check

    problems = 0
    for check in run_checks(model=args.model, input_device=args.input_device,
                            output_device=args.output_device, mic_seconds=args.seconds,
                            announce=lambda text: console.print(f"[cyan]{text}[/]"),
                            llm=args.llm, llm_base_url=args.llm_base_url,
                            llm_model=args.llm_model,
                            llm_api_key_command=args.llm_api_key_command,
                            llm_timeout=args.llm_time_limit_s):
        render_check(console, check)
        problems += check.status == PROBLEM
    console.print("All good." if not problems else f"{problems} problem(s) found.")
    return 1 if problems else 0


def _scripts(console: Console) -> int:
    from simulator.commands import list_scripts
    from simulator.terminal.tables import scripts_table

    console.print(scripts_table(list_scripts()))
    return 0


def _prepare(console: Console) -> int:
    import time

    from simulator.commands import prepare_scripts

    started = time.perf_counter()
    with console.status("Encoding the scripts' example sentences for the sentence model…"):
        scripts, sentences = prepare_scripts()
    if not sentences:
        console.print("Nothing to encode: no script gives example sentences, or the sentence "
                      "model is not installed (`mock-interview doctor` says which).")
    else:
        console.print(f"{sentences} example sentences of {scripts} scripts ready "
                      f"({time.perf_counter() - started:.0f} s; kept in the models cache).")
    return 0
