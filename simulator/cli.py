"""The ``mock-interview`` command line: parse, call one function of `simulator.app`, render.

argparse (standard library) rather than click/typer: ``--answers a1.wav a2.wav ...`` takes a
variable number of values for one option, which click does not support.

Errors from the error funnel become one line on standard error and a non-zero exit
(2 for bad input/set-up, 1 for an interview that stopped early, 130 for Ctrl-C);
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback

from rich.console import Console

from simulator import __version__
from simulator.errors import InterviewIncomplete, SimulatorError, UserFacingError


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

    run = sub.add_parser("run", parents=[common], help="run a mock interview",
                         description="Run a mock interview of a script.")
    run.add_argument("--script", metavar="NAME|PATH",
                     help="interview script id (see 'mock-interview scripts') or a TOML file")
    run.add_argument("--answers", nargs="+", metavar="FILE", default=[],
                     help="answer recordings, in question order (WAV/FLAC/MP3/M4A, any rate)")
    run.add_argument("--tts", choices=("speak", "file", "off"), default="speak",
                     help="speak questions aloud (default), write them to the session folder, "
                          "or only print them")
    run.add_argument("--model", metavar="NAME|PATH",
                     help="Whisper model: a folder with a CTranslate2 model, or a name such as "
                          "small.en (downloads need internet). Default: bundled tiny.en")
    run.add_argument("--output-device", metavar="NAME|INDEX",
                     help="sound output device for the interviewer's voice")
    run.add_argument("--json", action="store_true",
                     help="print a JSON summary as the last line of standard output")

    sub.add_parser("scripts", parents=[common], help="list interview scripts")

    review = sub.add_parser("review", parents=[common],
                            help="list saved sessions, or show one session's report")
    review.add_argument("session_id", nargs="?", metavar="ID",
                        help="session id (or a unique prefix) to show")
    return parser


def main(argv: list[str] | None = None) -> None:
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
        if args.command == "run":
            return _run(args, console, sessions_dir)
        if args.command == "scripts":
            return _scripts(console)
        if args.command == "review":
            return _review(args, console, sessions_dir)
    except KeyboardInterrupt:
        err.print("Interrupted. Everything recorded so far is saved.")
        return 130
    except UserFacingError as exc:
        if debug:
            traceback.print_exc()
        err.print(f"[red]error:[/] {exc}", markup=True, soft_wrap=True)
        return getattr(exc, "exit_code", 2)
    except Exception:
        if debug:
            raise
        err.print("[red]internal error:[/] " + traceback.format_exc().strip().splitlines()[-1],
                  soft_wrap=True)
        err.print("Run again with --debug for the full traceback.")
        return 3
    return 0


def _run(args, console: Console, sessions_dir: str | None) -> int:
    from simulator.app import RunOptions, run_interview
    from simulator.view import ConsoleView, timing_table

    view = ConsoleView(console)
    options = RunOptions(
        script=args.script,
        answers=list(args.answers),
        tts=args.tts,
        model=args.model,
        output_device=args.output_device,
        sessions_dir=sessions_dir,
    )
    code = 0
    try:
        _session, doc = run_interview(options, view)
    except (InterviewIncomplete, KeyboardInterrupt) as exc:
        if view.session is None:
            raise
        doc = view.session.document()
        code = 130 if isinstance(exc, KeyboardInterrupt) else exc.exit_code
        message = "interrupted" if isinstance(exc, KeyboardInterrupt) else str(exc)
        Console(stderr=True, highlight=False).print(
            f"[red]error:[/] {message}; the interview stopped at question "
            f"{_stopped_at(doc)}, and the {len(doc['answers'])} answer(s) before it are saved "
            f"in {view.session.dir}",
            soft_wrap=True,
        )
    if doc["answers"]:
        console.print()
        console.print(timing_table(doc))
    session_dir = view.session.dir
    console.print(f"Report: {session_dir / 'report.md'}")
    console.print(f"Review it later with: mock-interview review {doc['id']}")
    if args.json:
        summary = {
            "session_id": doc["id"],
            "session_dir": str(session_dir),
            "status": doc["status"],
            "answers": len(doc["answers"]),
            "over_budget": sum(1 for a in doc["answers"] if a.get("verdict") == "over"),
        }
        # Plain print, not rich: the JSON must not be wrapped or styled.
        print(json.dumps(summary), flush=True)
    return code


def _stopped_at(doc: dict) -> int:
    return len([a for a in doc["answers"] if a.get("status") == "complete"]) + 1


def _scripts(console: Console) -> int:
    from simulator.app import list_scripts
    from simulator.view import scripts_table

    console.print(scripts_table(list_scripts()))
    return 0


def _review(args, console: Console, sessions_dir: str | None) -> int:
    from simulator.app import session_store
    from simulator.view import render_review, sessions_table

    store = session_store(sessions_dir)
    if args.session_id:
        render_review(console, store.load(args.session_id))
        return 0
    summaries = store.summaries()
    if not summaries:
        console.print(f"No saved sessions in {store.root} yet. Start one with: mock-interview run")
        return 0
    console.print(sessions_table(summaries))
    console.print("Show one with: mock-interview review ID")
    return 0
