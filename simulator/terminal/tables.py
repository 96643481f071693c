"""Tables and reviews on the terminal: timing, scripts, sessions, devices, set-up checks."""

from __future__ import annotations

from rich import box
from rich.console import Console, JustifyMethod
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from simulator.reports.describe import budget_range, format_duration, verdict_label
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
            a.question_id + (f" (attempt {a.attempt})" if a.attempt > 1 else ""),
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
    table = Table(title="Interview scripts")
    table.add_column("id", no_wrap=True)
    for col in ("title", "questions", "budget", "file"):
        table.add_column(col, overflow="fold")
    for e in entries:
        if e.loaded is None:
            table.add_row(e.id, Text(plain(f"invalid: {e.error}"), style="red"), "", "",
                          e.path.name)
            continue
        s = e.loaded.script
        lo, hi = s.total_budget
        table.add_row(s.id, f"{s.title} ({s.role}, {s.company})", str(len(s.questions)),
                      f"{format_duration(lo)}–{format_duration(hi)}", e.path.name)
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


def comparison_table(comparison) -> Table:
    """Rehearsals of a script side by side: each question's (and part's) speaking time per
    rehearsal, the trends where there are enough rehearsals, what changed between them."""
    sessions = comparison.sessions[-6:]  # the latest six fit a terminal
    offset = len(comparison.sessions) - len(sessions)
    title = f"Rehearsals of {comparison.script_id}"
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("Question / part")
    table.add_column("Budget", justify="right")
    for sid, _started in sessions:
        table.add_column(sid[4:13].replace("-", " "), justify="right")
    table.add_column("Trend")
    for q in comparison.questions:
        trend = next((t for t in q.trends if t.metric == "speaking seconds"), None)
        cells = [_cell(v, q.min_s, q.max_s, sid == q.best)
                 for v, (sid, _) in zip(q.seconds[offset:], sessions)]
        table.add_row(Text(plain(q.question_id), style="bold"),
                      f"{format_duration(q.min_s)}–{format_duration(q.max_s)}", *cells,
                      (trend.direction if trend and trend.direction else "—"))
        for part, values in q.parts.items():
            lo, hi = q.part_budgets.get(part, (0.0, 0.0))
            table.add_row(f"  {plain(part)}", f"{lo:.0f}–{hi:.0f} s",
                          *[_cell(v, lo, hi, False, missing=True) for v in values[offset:]], "")
    notes = []
    if comparison.note:
        notes.append(comparison.note)
    for q in comparison.questions:
        for n in q.numbers_changed:
            told = ", ".join(f"{t.value:g} ({t.session_id[4:13]})" for t in n.tellings)
            notes.append(f"{q.question_id}: {n.topic} changed between tellings: {told}")
        for what, covered, dropped in q.dropped[:4]:
            notes.append(f"{q.question_id}: {what} in {covered[4:13]}, dropped in {dropped[4:13]}")
    if notes:
        table.caption = plain("\n".join(notes))
        table.caption_justify = "left"
    return table


def _cell(value: float | None, lo: float, hi: float, best: bool, missing: bool = False) -> Text:
    if value is None:
        return Text("missing" if missing else "—", style="red" if missing else "dim")
    style = "green" if lo <= value <= hi else ("red" if value > hi else "yellow")
    return Text(format_duration(value) + (" ★" if best else ""), style=style)
