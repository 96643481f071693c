"""Tables and reviews on the terminal: timing, scripts, sessions, devices, set-up checks."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group, JustifyMethod
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from simulator.reports.describe import (
    answer_label,
    budget_range,
    format_duration,
    verdict_label,
)
from simulator.reports.markdown import render_markdown
from simulator.sessions.records import SessionDocument
from simulator.terminal.text import plain, safe

VERDICT_STYLE = {"under": "yellow", "within": "green", "over": "red"}


def timing_table(doc: SessionDocument) -> Table:
    table = Table(title="Timing", title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("#", "right"), ("Question", "left"), ("Speaking", "right"), ("Budget", "right"),
        ("Verdict", "left"))
    for col, justify in columns:
        table.add_column(col, justify=justify)
    for a in doc.answers:
        superseded = a.status == "complete" and not a.counts
        table.add_row(
            str(a.turn),
            answer_label(a),
            format_duration(a.speech_seconds),
            budget_range(a.budget),
            Text(plain(verdict_label(a)),
                 style="dim" if superseded else VERDICT_STYLE.get(a.verdict or "", "")),
        )
    missing = doc.unanswered
    if missing:
        table.caption = ("Without a usable answer: " + ", ".join(missing)
                         + " (mock-interview resume asks them again)")
    return table


def scripts_table(entries) -> Table:
    """The scripts, the title given the width the others leave (at 80 columns a file column
    squeezed it to one word a line); the file is shown where a script is the user's own."""
    from simulator.config.script import bundled_scripts_dir

    bundled = bundled_scripts_dir().resolve()
    own = any(e.path.resolve().parent != bundled for e in entries)
    table = Table(title="Interview scripts", box=box.SIMPLE_HEAD,
                  caption=None if own else f"bundled with the program ({bundled})",
                  caption_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("title (role, company)", overflow="fold", ratio=1)
    table.add_column("questions", justify="right", no_wrap=True)
    table.add_column("budget", no_wrap=True)
    if own:
        table.add_column("file", overflow="fold")
    for e in entries:
        file = [e.path.name] if own else []
        if e.loaded is None:
            table.add_row(e.id, Text(plain(f"invalid: {e.error}"), style="red"), "", "", *file)
            continue
        s = e.loaded.script
        lo, hi = s.total_budget
        table.add_row(s.id, f"{s.title} ({s.role}, {s.company})", str(len(s.questions)),
                      f"{format_duration(lo)}–{format_duration(hi)}", *file)
    return table


def sessions_table(summaries) -> Table:
    # The id already names the script (<date>-<time>-<script id>), so no separate column.
    table = Table(title="Saved sessions", box=box.SIMPLE_HEAD, pad_edge=False,
                  collapse_padding=True)
    table.add_column("id", no_wrap=True)
    table.add_column("date", no_wrap=True)
    for col in ("answers", "time", "over"):
        table.add_column(col, justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for s in summaries:
        date = (s.started_at or "")[5:16].replace("T", " ")  # MM-DD HH:MM; the id has the year
        status_style = {"complete": "green", "unreadable": "red"}.get(s.status, "yellow")
        table.add_row(
            s.id, date, f"{s.answers}/{s.questions}", format_duration(s.speaking_seconds),
            str(s.over_budget),
            Text(plain(s.status if not s.error else f"{s.status}: {s.error}"), style=status_style),
        )
    return table


def devices_table(devices) -> Table:
    table = Table(title="Sound devices", box=box.SIMPLE_HEAD, pad_edge=False)
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("#", "right"), ("name", "left"), ("in", "right"), ("out", "right"), ("rate", "right"),
        ("default", "left"))
    for col, justify in columns:
        table.add_column(col, justify=justify)
    for d in devices:
        default = ", ".join(x for x, flag in (("input", d.is_default_input),
                                              ("output", d.is_default_output)) if flag)
        table.add_row(str(d.index), d.name, str(d.inputs), str(d.outputs), str(d.default_rate),
                      default)
    return table


CHECK_MARK = {"ok": "[green]✓[/]", "warning": "[yellow]![/]", "problem": "[red]✗[/]"}


def render_check(console: Console, check) -> None:
    console.print(f"{CHECK_MARK[check.status]} [bold]{check.name}[/]: {safe(check.found)}",
                  soft_wrap=True)
    if check.fix:
        console.print(f"    → {safe(check.fix)}", soft_wrap=True)


def render_review(console: Console, doc: SessionDocument) -> None:
    from simulator.reports.analysis import analyze_session

    console.print(Markdown(plain(render_markdown(doc, analyze_session(doc)))))
    console.print(f"\nSession folder: {safe(doc.dir)}")


def render_analysis(console: Console, question, timing, analysis) -> None:
    """One analysed recording: its timing against the question, then the analysis as in the
    report."""
    from simulator.reports.describe import describe_verdict
    from simulator.reports.markdown import analysis_lines

    console.print(f"[bold]{safe(question.id)}[/]: {safe(question.prompt)}")
    console.print(f"Speaking time {format_duration(timing.speech_seconds)} "
                  f"({timing.speech_start:.1f}–{timing.speech_end:.1f} s into the recording), "
                  f"budget {format_duration(question.min_s)}–{format_duration(question.max_s)}: "
                  f"{describe_verdict(timing.verdict, timing.budget_delta_s)}")
    if analysis.remarks:
        console.print("\n[bold]Most useful:[/] " + safe(" ".join(analysis.remarks[:2])))
    console.print(Markdown(plain("\n".join(analysis_lines(analysis)))))


def render_transcript(console: Console, segments) -> None:
    """What Whisper heard, in paragraphs of whole sentences with their times: a part found
    missing can be checked against what was heard."""
    from simulator.reports.markdown import transcript_lines

    if segments:
        console.print(Markdown(plain("\n".join(["## Transcript", "",
                                                *transcript_lines(segments)]))))


# Columns of the comparison: the question, budget and trend take about this many characters,
# and a rehearsal's column this many ("12-07 02:38" and its padding).
COMPARE_FIXED_COLUMNS, COMPARE_COLUMN = 42, 14


def comparison_table(comparison, shown: int = 6, width: int | None = None) -> Group:
    """Rehearsals of a script side by side, the latest ``shown`` (fewer when a terminal
    ``width`` fits fewer: at 80 columns six broke every cell over two lines): each question's
    and part's speaking time, pace and fillers per rehearsal, the trends where there are
    enough rehearsals; below, what changed between them and which rehearsal was the best."""
    if width is not None:
        shown = max(2, min(shown, (width - COMPARE_FIXED_COLUMNS) // COMPARE_COLUMN))
    sessions = comparison.sessions[-shown:]
    offset = len(comparison.sessions) - len(sessions)
    total = len(comparison.sessions)
    from simulator.reports.compare import TREND_WINDOW

    # The trend column reads more rehearsals than a narrow terminal shows (up to the latest
    # TREND_WINDOW values of each row): say so, or a shown 233 -> 227 "rising" looks wrong.
    title = f"Rehearsals of {comparison.script_id}: {total}" + \
        (f", the latest {len(sessions)} shown (trends read up to the latest "
         f"{TREND_WINDOW} with a value)" if offset else "")
    table = Table(title=plain(title), title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("Question / part", no_wrap=True, overflow="ellipsis", width=16)
    table.add_column("Budget", justify="right", no_wrap=True, min_width=9)
    for sid, started in sessions:
        table.add_column(_when(sid, started), justify="right", no_wrap=True, min_width=11)
    table.add_column("Trend", no_wrap=True, min_width=7)
    for q in comparison.questions:
        answered = q.seconds[offset:]
        cells = [_cell(v, q.min_s, q.max_s, sid == q.best)
                 for v, (sid, _) in zip(answered, sessions)]
        table.add_row(Text(plain(q.question_id), style="bold"),
                      f"{format_duration(q.min_s)}–{format_duration(q.max_s)}", *cells,
                      _direction(q.trend("speaking seconds")))
        for part, values in q.parts.items():
            lo, hi = q.part_budgets.get(part, (0.0, 0.0))
            table.add_row(f"  {plain(part)}", f"{lo:.0f}–{hi:.0f} s",
                          *[_cell(v, lo, hi, False, missing=a is not None)
                            for v, a in zip(values[offset:], answered)], "")
        for metric, label, fmt in (("words a minute", "  pace, wpm", "{:.0f}"),
                                   ("fillers a minute", "  fillers/min", "{:.1f}")):
            trend = q.trend(metric)
            table.add_row(Text(label, style="dim"), "",
                          *[Text("—" if v is None else fmt.format(v), style="dim")
                            for v in trend.values[offset:]], _direction(trend))
    # The notes below at the console's width, not as the table's caption (wrapped to the
    # table, which is only as wide as its columns).
    notes = Text(plain("\n".join(_comparison_notes(comparison, {s for s, _ in sessions}))),
                 style="dim")
    return Group(table, notes)


def _when(session_id: str, started: str | None) -> str:
    """A rehearsal's column: its start as MM-DD HH:MM (the id's date when it has none)."""
    return started[5:16].replace("T", " ") if started and len(started) >= 16 else session_id[:13]


def _direction(trend) -> Text:
    if trend.direction is None:
        return Text("too few", style="dim")
    return Text(trend.direction)


def _comparison_notes(comparison, shown: set[str]) -> list[str]:
    from simulator.reports.compare import BEST_RULE, MIN_FOR_TREND
    from simulator.reports.figures import figure_text

    started = dict(comparison.sessions)

    def when(sid: str) -> str:
        return _when(sid, started.get(sid))

    notes = [comparison.note] if comparison.note else []
    for q in comparison.questions:
        if q.best:
            notes.append(f"{q.question_id}: personal best {when(q.best)} ({q.best})"
                         + ("" if q.best in shown else ", not among the columns"))
        for n in q.numbers_changed:
            runs = n.runs[-4:]
            told = " → ".join(f"{figure_text(v)} ({when(t.session_id)}"
                              + (f", ×{k})" if k > 1 else ")") for v, t, k in runs)
            notes.append(f"{q.question_id}: {n.topic} told differently: "
                         + ("… " if len(n.runs) > len(runs) else "") + told
                         + f"; latest: “{n.tellings[-1].quote}”")
        for d in q.dropped[:4]:
            notes.append(f"{q.question_id}: {d.what} " + (
                f"still missing since {when(d.dropped_in)} (last in {when(d.covered_in)})"
                if d.still_missing else
                f"dropped in {when(d.dropped_in)} (was in {when(d.covered_in)}), back since")
                + f"; covered in {d.covered} of {d.of}")
        if len(q.dropped) > 4:
            notes.append(f"{q.question_id}: {len(q.dropped) - 4} more points dropped at "
                         "some time (--json or --html lists them)")
    if len(comparison.sessions) < MIN_FOR_TREND:
        notes.append(f"Trends need {MIN_FOR_TREND} rehearsals.")
    notes.append(f"Personal best (★): {BEST_RULE}.")
    return notes


def _cell(value: float | None, lo: float, hi: float, best: bool, missing: bool = False) -> Text:
    if value is None:
        return Text("missing" if missing else "—", style="red" if missing else "dim")
    style = "green" if lo <= value <= hi else ("red" if value > hi else "yellow")
    return Text(format_duration(value) + (" ★" if best else ""), style=style)
