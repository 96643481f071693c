"""The interview on the terminal, as it happens: set-up lines, each question, the live answer
panel (timer against the budget, level meter, why it is still listening, the transcript so
far), the retake offer, and each answer's speaking time and transcript.

All output goes through an injected :class:`rich.console.Console`, so tests can capture it and
``--json`` can keep standard output machine-readable at its last line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from simulator.analysis.answer import AnswerAnalysis
from simulator.analysis.doubts import MAYBE_AT
from simulator.reports.describe import (
    describe_verdict,
    describe_writer,
    describe_writer_setting,
    format_duration,
)
from simulator.sessions.records import AnswerRecord
from simulator.terminal.text import plain, safe

if TYPE_CHECKING:
    from audio.sources import AnswerRequest, Recording, RecordingProgress
    from audio.speaker import Utterance
    from simulator.config.script import LoadedScript, Question
    from simulator.interview.turns import Turn
    from simulator.interview.view import ProgressSink
    from simulator.sessions.writer import SessionWriter

VERDICT_STYLE = {"under": "yellow", "within": "green", "over": "red"}


def _budget(min_s: float, max_s: float) -> str:
    return f"{format_duration(min_s)}–{format_duration(max_s)}"


class ConsoleView:
    """Implements the interview view (`simulator.interview.loop.InterviewView`, and the set-up
    steps of `simulator.interview.parts.RunView`) with rich."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.session: SessionWriter | None = None
        self._offer_shown = False
        self._noted: list[str] = []  # the notices shown, so nothing is said twice

    # -- set-up
    def starting(self, loaded: LoadedScript) -> None:
        s = loaded.script
        lo, hi = s.total_budget
        follow_ups = sum(s.follow_up_count(q) for q in s.questions)
        extra = (f" (+ up to {follow_ups} follow-up{'s' if follow_ups != 1 else ''})"
                 if follow_ups else "")
        count = f"{len(s.questions)} question{'s' if len(s.questions) != 1 else ''}"
        self.console.print(
            Panel.fit(
                Text.assemble(
                    (plain(s.title), "bold"),
                    plain(f"\n{s.role} at {s.company} · {count}{extra} · "
                          f"speaking budget {_budget(lo, hi)}"),
                ),
                title="Mock interview",
            )
        )

    def notice(self, text: str) -> None:
        self._noted.append(text)
        self.console.print(f"[yellow]note:[/] {safe(text)}")

    @contextmanager
    def loading_model(self, name: str) -> Iterator[None]:
        with self.console.status(f"Loading Whisper model {name} and warming it up…"):
            yield

    def model_ready(self, name: str, seconds: float) -> None:
        self.console.print(f"Whisper {name} ready in {seconds:.1f} s.")

    def session_created(self, session: SessionWriter) -> None:
        self.session = session
        self.console.print(f"Saving this session to [bold]{safe(str(session.dir))}[/]")

    def follow_ups_ready(self, description: dict) -> None:
        reason = description.get("reason")
        if reason and any(reason in note for note in self._noted):
            # The note above already said why the LLM is not used: once is enough.
            description = {**description, "reason": "see the note above"}
        self.console.print(f"Follow-up questions: {safe(describe_writer_setting(description))}.")

    # -- the interview
    def interviewer_line(self, text: str, utterance: Utterance) -> None:
        self.console.print(f"\n[cyan]Interviewer:[/] {safe(text)}")

    def question(self, turn: Turn, total: int) -> None:
        q = turn.question
        again = f" · attempt {turn.attempt}" if turn.attempt > 1 else ""
        if turn.kind == "follow_up":
            by = describe_writer(turn.follow_up.to_event()) if turn.follow_up else ""
            self.console.rule(
                f"[bold]Follow-up[/] to {safe(turn.follows or '')} · budget "
                f"{_budget(q.min_s, q.max_s)}{again}", align="left")
            if by:  # on its own line: in the rule's title, 80 columns cut off why it was asked
                self.console.print(f"[dim]{safe(by[0].upper() + by[1:])}[/]")
        else:
            section = f"{safe(q.section)} · " if q.section else ""
            self.console.rule(
                f"[bold]Question {turn.position or turn.number}/{total}[/] · {section}"
                f"{safe(q.id)} · budget {_budget(q.min_s, q.max_s)}{again}",
                align="left",
            )
        if turn.respeak:
            self.console.print(f"[cyan]Interviewer:[/] {safe(q.prompt)}")

    @contextmanager
    def writing_follow_up(self, turn: Turn) -> Iterator[None]:
        with self.console.status("The interviewer is thinking of a follow-up…"):
            yield

    @contextmanager
    def listening_again(self, answer: int, answers: int, audio_seconds: float,
                        left_s: float | None = None) -> Iterator[None]:
        left = f"; about {format_duration(left_s)} left" if left_s is not None else ""
        # The notice before it says what the second listen does (a live answer is first
        # transcribed again as a whole, then every answer is listened to for fillers).
        with self.console.status(f"Listening again: answer {answer} of {answers} "
                                 f"({audio_seconds:.0f} s of audio{left})…"):
            yield

    @contextmanager
    def answering(self, turn: Turn, request: AnswerRequest,
                  live: bool) -> Iterator[ProgressSink | None]:
        """For a live answer: a panel redrawn as it is recorded (the keys belong to the loop)."""
        if not live:
            yield None
            return
        from rich.live import Live

        question = turn.question
        with Live(answer_panel(question, None), console=self.console, refresh_per_second=10,
                  transient=False) as live_display:
            yield lambda progress: live_display.update(answer_panel(question, progress))
        if not self.console.is_terminal:
            self.console.print()  # rich leaves the final frame without a line end off-terminal

    def offer_retake(self, turn: Turn, seconds_left: float, unusable: bool = False) -> None:
        """Shown right after a live answer: a key to answer the same question again."""
        if seconds_left <= 0:
            if self._offer_shown:
                self._offer_shown = False
            return
        if not self._offer_shown:
            self._offer_shown = True
            if unusable:
                self.console.print("[yellow]Press r to answer again, or Enter to skip this "
                                   "question for now (resume answers it later).[/]")
            else:
                self.console.print("[dim]Press r to answer this question again (this attempt "
                                   "is kept), or Enter to go on.[/]")

    def notice_line(self, text: str) -> None:
        self.console.print(f"[dim]{safe(text)}[/]")

    def answer_received(self, turn: Turn, recording: Recording) -> None:
        if recording.source:
            self.console.print(
                f"[dim]Answer: {safe(recording.source)} "
                f"({recording.audio.duration:.1f} s of audio)[/]")
            for note in recording.notes:
                self.notice(note)
            return
        reason = END_REASONS.get(recording.end_reason, recording.end_reason)
        self.console.print(f"[dim]Answer ended ({reason}) after "
                           f"{recording.audio.duration:.1f} s.[/]")
        if recording.end_reason == "interrupted":
            self.console.print("[yellow]Ctrl-C ended this answer; press it twice to end the "
                               "whole session.[/]")
        for note in recording.notes:
            self.notice(note)

    @contextmanager
    def transcribing(self, turn: Turn, audio_seconds: float) -> Iterator[None]:
        with self.console.status(f"Transcribing {audio_seconds:.0f} s of audio…"):
            yield

    def answer_done(self, turn: Turn, answer: AnswerRecord,
                    analysis: AnswerAnalysis | None = None) -> None:
        if answer.status == "failed":
            self.console.print(f"[yellow]No usable answer: {safe(answer.error)}[/]")
            if answer.hint:
                self.console.print(f"[yellow]    → {safe(answer.hint)}[/]")
            return
        style = VERDICT_STYLE.get(answer.verdict or "", "white")
        self.console.print(
            f"Speaking time [bold]{format_duration(answer.speech_seconds)}[/] "
            f"({answer.speech_start or 0:.1f}–{answer.speech_end or 0:.1f} s into the audio) · "
            f"[{style}]{describe_verdict(answer.verdict, answer.budget_delta_s)}[/]"
        )
        text = answer.transcript or "(no words recognised)"
        self.console.print(Text(f"“{plain(text)}”", style="italic dim"))
        if analysis is not None:
            self._summary(analysis)

    def _summary(self, analysis: AnswerAnalysis) -> None:
        """The parts' timeline of an open answer and the one or two most useful remarks;
        after a follow-up that got what it asked for, a line saying so. The report has the
        rest."""
        timeline = analysis.timeline
        if timeline is not None:  # named by the script's titles, as the reports name them
            cells = []
            # "?": a stretch of it may well be another part (the report lists every doubt)
            unsure = {d.read_as for d in timeline.doubts if d.could_be_chance >= MAYBE_AT}
            for p in timeline.parts:
                style = VERDICT_STYLE.get(p.verdict or "", "white")
                late = " (out of order)" if p.id in timeline.out_of_order else ""
                cells.append(f"[{style}]{safe(timeline.title(p.id))} "
                             f"{format_duration(p.seconds)}{'?' if p.id in unsure else ''}"
                             f"{late}[/]")
            for m in timeline.missing:
                maybe = timeline.maybe_told(m)
                cells.append(f"[red]{safe(timeline.title(m))} missing[/]" if maybe is None else
                             f"[yellow]{safe(timeline.title(m))} missing, or at "
                             f"{format_duration(maybe.start_s)}?[/]")
            self.console.print("Parts: " + " · ".join(cells))
            if unsure:
                self.console.print("[dim]? the parts' boundaries there are unsure: the report "
                                   "shows where[/]")
        for remark in analysis.remarks[:2]:
            self.console.print(f"[yellow]→[/] {safe(remark)}")
        asked = next((s for s in analysis.signals
                      if s.id == analysis.focus and s.kind == "quality"), None)
        if asked is not None and asked.found:
            self.console.print(f"[green]✓[/] {safe(asked.title)}: {safe(asked.detail)}")


END_REASONS = {
    "key": "you pressed a key",
    "silence": "silence after you stopped",
    "max_time": "time limit reached",
    "no_speech": "nothing was said",
    "device_lost": "the microphone disappeared",
    "interrupted": "Ctrl-C",
    "retake": "you asked to answer again",
    "end_of_file": "end of file",
}

BAR_WIDTH = 48


def _bar(elapsed: float, min_s: float, max_s: float) -> Text:
    """Elapsed time against the budget: yellow before the minimum, green inside the budget,
    red past the maximum; the minimum and maximum are marked on the bar."""
    scale = max_s * 1.25 or 1.0
    cells = []
    min_at, max_at = round(min_s / scale * BAR_WIDTH), round(max_s / scale * BAR_WIDTH)
    filled = min(BAR_WIDTH, round(elapsed / scale * BAR_WIDTH))
    colour = "yellow" if elapsed < min_s else ("green" if elapsed <= max_s else "red")
    for i in range(BAR_WIDTH):
        if i in (min_at, max_at):
            cells.append(("│", "bold white"))
        elif i < filled:
            cells.append(("━", colour))
        else:
            cells.append(("━", "grey35"))
    return Text.assemble(*cells)


def _meter(level_db: float, width: int = 16) -> Text:
    filled = max(0, min(width, round((level_db + 60) / 60 * width)))
    colour = "red" if level_db > -3 else "green"
    return Text.assemble(("▮" * filled, colour), ("▯" * (width - filled), "grey35"))


def _listening_state(progress: RecordingProgress) -> Text:
    """Why the program is still listening, or how soon it will stop: ending by silence must
    never be a surprise."""
    if not progress.speech_started:
        if progress.state == "sound":
            return Text("hearing sound, not yet clearly speech: listening", style="dim")
        return Text("waiting for you to start: the timer starts at your first word", style="dim")
    if progress.state == "speech":
        return Text("speaking", style="green")
    if progress.state == "sound":
        return Text("hearing sound that may be speech: still listening", style="yellow")
    quiet = progress.silence_s
    left = progress.silence_end_s - quiet
    if quiet < 1.0:
        return Text("pause", style="dim")
    return Text(f"{quiet:.0f} s of silence: the answer ends in {max(left, 0):.0f} s unless you "
                "go on; Enter to finish now", style="yellow" if left < 2.5 else "dim")


def answer_panel(question: Question, progress: RecordingProgress | None) -> Panel:
    """The live answer display: timer and budget bar (counting from the first word, like the
    verdict), time left, input level, why it is still listening, transcript so far."""
    elapsed = progress.speaking_s if progress else 0.0
    lo, hi = question.min_s, question.max_s
    left: str | Text
    if elapsed <= hi:
        left = f"{format_duration(hi - elapsed)} left"
        if elapsed < lo:
            left += f" · {format_duration(lo - elapsed)} to the minimum"
    else:
        left = Text(f"over the maximum by {format_duration(elapsed - hi)}: wrap up",
                    style="bold red")
    timer = Text.assemble((f"{format_duration(elapsed)} ", "bold"), _bar(elapsed, lo, hi),
                          f"  budget {_budget(lo, hi)}")
    lines = [timer, Text.assemble("   ", left)]
    if progress is None:
        lines.append(Text("Listening… start when you are ready: the timer starts at your first "
                          "word.", style="dim"))
    else:
        lines.append(Text.assemble("mic ", _meter(progress.level_db),
                                   f" {progress.level_db:5.0f} dB  ", _listening_state(progress)))
        if progress.partial_text:
            text = progress.partial_text
            text = plain(text)
            lines.append(Text(("…" + text[-240:]) if len(text) > 240 else text, style="italic"))
    lines.append(Text("Enter or space: finish · r: start this answer again · Ctrl-C: end it now",
                      style="dim"))
    return Panel(Text("\n").join(lines), title="Your answer", title_align="left")


