"""``mock-interview review``: list, show, export, delete, search and compare sessions.

One session is shown in the terminal (default), written as a self-contained HTML report
(``--html PATH``, or ``--open`` to write it beside the session and open it in the browser),
as Markdown (``--md PATH``), as JSON (``--json``) or as captions (``--captions DIR``).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console

from simulator.terminal.text import safe


def add_review_parser(sub, common: argparse.ArgumentParser) -> None:
    review = sub.add_parser(
        "review", parents=[common], help="list, show, compare, export or delete sessions",
        description="List saved sessions, or show one (in the terminal, as HTML, Markdown, "
                    "JSON or captions); compare the rehearsals of a script; export, delete "
                    "or search sessions.")
    review.add_argument("session_ids", nargs="*", metavar="ID",
                        help="session id (or a unique prefix); several with --export")
    shown = review.add_argument_group("one session")
    shown.add_argument("--open", action="store_true",
                       help="write the HTML report beside the session and open it in the browser")
    shown.add_argument("--html", metavar="PATH", type=Path,
                       help="write the self-contained HTML report there (one file, with audio)")
    shown.add_argument("--md", metavar="PATH", type=Path, help="write the Markdown report there")
    shown.add_argument("--json", action="store_true",
                       help="print the session and its analysis as JSON (docs/review-format.md)")
    shown.add_argument("--captions", metavar="DIR", type=Path,
                       help="write captions of every answer there (WebVTT and SRT)")
    shown.add_argument("--no-audio", action="store_true",
                       help="leave the audio out of the HTML report (a much smaller file)")
    shown.add_argument("--repair", action="store_true",
                       help="fix what a crash left in the session's files (audio headers, the "
                            "session document) without continuing it; reading alone never "
                            "changes a session")
    many = review.add_argument_group("many sessions")
    many.add_argument("--compare", action="store_true",
                      help="compare the rehearsals of a script (--script; default: the script "
                           "rehearsed most); with --html/--open/--json")
    many.add_argument("--script", metavar="ID", help="with --compare: which script")
    many.add_argument("--export", metavar="DIR", type=Path,
                      help="write everything about the given sessions there, to share")
    many.add_argument("--delete", action="store_true",
                      help="remove the given session completely (asks first)")
    many.add_argument("--yes", action="store_true", help="with --delete: do not ask")
    many.add_argument("--search", metavar="TEXT", help="find sessions whose transcripts say TEXT")


def run_review(args, console: Console, err: Console, sessions_dir: str | None) -> int:
    ids = args.session_ids
    if not (ids or args.compare or args.search or args.export or args.delete):
        return _list(console, sessions_dir)  # first: the listing needs none of the reports
    from simulator import review

    if args.compare:
        return _compare(args, console, err, sessions_dir)
    if args.search:
        from simulator.reports.describe import clock

        hits = review.search(args.search, sessions_dir)
        if args.json:
            # Plain print, not rich: the JSON must not be wrapped or styled.
            print(review.dump_json({"query": args.search,
                                    "hits": [dataclasses.asdict(h) for h in hits]}))
            return 0
        if not hits:
            console.print(f"No transcript says {safe(args.search)!s}.")
            return 0
        for hit in hits:
            at = f" at {clock(hit.start_s)}" if hit.start_s is not None else ""
            times = f" ({hit.count} times)" if hit.count > 1 else ""
            console.print(f"[bold]{safe(hit.session_id)}[/] · {safe(hit.question_id)}{at}"
                          f"{times}: {safe(hit.snippet)}")
        return 0
    if args.export:
        if not ids:
            err.print("[red]error:[/] --export needs the ids of the sessions to export")
            return 2
        for folder in review.export(ids, args.export, sessions_dir):
            console.print(f"Exported to {safe(folder)}")
        return 0
    if args.delete:
        return _delete(args, console, err, sessions_dir)
    if len(ids) > 1:
        err.print("[red]error:[/] show one session at a time (several ids go with --export)")
        return 2
    return _show(args, ids[0], console, err, sessions_dir)


def _list(console: Console, sessions_dir: str | None) -> int:
    # Not through simulator.commands: it imports the interview (0.2 s more before the list).
    from simulator import paths
    from simulator.sessions.index import SessionIndex
    from simulator.sessions.store import SessionStore
    from simulator.terminal.tables import sessions_table

    store = SessionStore(paths.sessions_dir(sessions_dir))
    summaries = SessionIndex(store).summaries()
    if not summaries:
        console.print(f"No saved sessions in {safe(store.root)} yet. Start one with: "
                      "mock-interview run")
        return 0
    console.print(sessions_table(summaries))
    console.print(f"Show one with: {safe(paths.command_line('review', 'ID', sessions_dir))} "
                  "(--open for the HTML report)")
    return 0


def _show(args, session_id: str, console: Console, err: Console,
          sessions_dir: str | None) -> int:
    from simulator import review
    from simulator.commands import review_document
    from simulator.terminal.tables import render_review

    @contextmanager
    def transcribing(count: int, seconds: float):
        with err.status(f"Transcribing {seconds:.0f} s of audio that was recorded but not "
                        "transcribed (the session itself is not changed)…"):
            yield

    def repaired(repairs: list[str]) -> None:
        for line in repairs or ["nothing needed repairing"]:
            err.print(f"Repaired: {safe(line)}" if repairs else f"Repair: {line}",
                      soft_wrap=True)

    doc = review_document(session_id, sessions_dir, on_transcribing=transcribing,
                          repair=args.repair, on_repaired=repaired)
    with err.status("Loading the sentence model for the analysis (slower the first time: "
                    "the script's example sentences are encoded once)…"):
        review.prepare_analysis(doc)
    wrote = False
    if args.html or args.open:
        snapshot = False
        with err.status("Writing the HTML report (compressing the audio)…"):
            if args.html:
                path = review.write_text(args.html,
                                         review.html_report(doc, with_audio=not args.no_audio))
            else:
                path, snapshot = review.write_report_beside(doc, with_audio=not args.no_audio)
        console.print(f"HTML report: {safe(path)}")
        if snapshot:
            err.print(f"Session {safe(doc.id)} is still being recorded by another mock-interview:"
                      " this report is a snapshot of what is saved so far; its report.html is "
                      "written when that run ends.")
        if args.open:
            _open_in_browser(path, err)
        wrote = True
    if args.md:
        written = review.write_text(args.md, review.markdown_report(doc))
        console.print(f"Markdown report: {safe(written)}")
        wrote = True
    if args.captions:
        files = review.write_captions(doc, args.captions)
        console.print(f"{len(files)} caption files in {safe(args.captions)}")
        wrote = True
    if args.json:
        print(review.dump_json(review.report_json(doc)), flush=True)
        return 0
    if not wrote:
        render_review(console, doc)
    return 0


def _open_in_browser(path: Path, err: Console) -> None:
    import webbrowser

    try:
        opened = webbrowser.open(Path(path).resolve().as_uri())
    except webbrowser.Error:
        opened = False
    if not opened:
        err.print("No browser could be opened here: open the file above yourself.")


def _delete(args, console: Console, err: Console, sessions_dir: str | None) -> int:
    from simulator import review

    if len(args.session_ids) != 1:
        err.print("[red]error:[/] --delete takes exactly one session id")
        return 2
    folder = review.store_of(sessions_dir).resolve(args.session_ids[0])
    review.ensure_not_in_use(folder)
    if not args.yes:
        if not sys.stdin.isatty():
            err.print(f"[red]error:[/] not deleting {safe(folder.name)} without confirmation: "
                      "add --yes")
            return 2
        answer = console.input(f"Delete session {safe(folder.name)} and all its audio? "
                               "Type 'yes' to confirm: ")
        if answer.strip().lower() not in ("yes", "y"):
            console.print("Nothing deleted.")
            return 1
    review.delete(folder.name, sessions_dir)
    console.print(f"Deleted {safe(folder)}")
    return 0


def _compare(args, console: Console, err: Console, sessions_dir: str | None) -> int:
    from simulator import review
    from simulator.terminal.tables import comparison_table

    # Analysing every rehearsal again (the first comparison, or after an update) takes about
    # half a second a session: said on standard error, so --json stays clean.
    with err.status("Reading the rehearsals…") as status:
        def progress(done: int, total: int) -> None:
            status.update(f"Analysing rehearsal {done + 1} of {total} for the comparison "
                          "(kept for next time)…")

        comparison = review.compare(args.script, sessions_dir, progress)
    if args.json:
        print(review.dump_json(comparison.to_json()), flush=True)
        return 0
    if args.html or args.open:
        from simulator.reports.compare_html import render_comparison

        default = review.store_of(sessions_dir).root / f"compare-{comparison.script_id}.html"
        path = args.html or default
        review.write_text(path, render_comparison(comparison))
        console.print(f"Comparison report: {safe(path)}")
        if args.open:
            _open_in_browser(path, console)
        return 0
    console.print(comparison_table(comparison, width=console.width))
    return 0
