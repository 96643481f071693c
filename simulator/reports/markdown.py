"""The Markdown report of a session: a pure function of the saved session.

It holds a timing table (speaking time against each budget) and the transcript of every
answer with timestamps into the answer's audio. It is rendered from the session document
only, when a session ends, on ``review`` and on demand, so it can be regenerated for any
saved session, including those recorded by earlier versions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from simulator.analysis.answer import AnswerAnalysis
from simulator.analysis.doubts import MAYBE_AT
from simulator.analysis.sentences import paragraphs
from simulator.reports.describe import (
    answer_label,
    budget_range,
    clock,
    describe_doubt,
    describe_verdict,
    describe_writer_setting,
    follow_up_origin,
    format_duration,
    resume_hint,
    verdict_label,
)
from simulator.sessions.records import AnswerRecord, SessionDocument


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(doc: SessionDocument,
                    analyses: Mapping[int, AnswerAnalysis] | None = None,
                    resume: str | None = None) -> str:
    """The report; ``analyses`` (turn -> coaching analysis, `reports.analysis`) adds each
    answer's parts, delivery and content signals. ``resume``: the command that resumes the
    session, as its hints name it (`mock-interview resume ID` when not given; the caller
    knows whether it needs --sessions-dir)."""
    analyses = analyses or {}
    resume = resume or resume_hint(doc)
    script = doc.script
    lines = [f"# Mock interview: {script.title or 'untitled'}", ""]
    lines.append(f"- **Role:** {script.role or '—'} at {script.company or '—'}  "
                 f"\n- **Session:** `{doc.id}`, started {doc.started_at or '—'}")
    status = doc.status + (f": {doc.incomplete_reason}" if doc.incomplete_reason else "")
    lines.append(f"- **Status:** {status}")
    settings = doc.settings
    if settings:
        lines.append(f"- **Transcribed with:** Whisper {settings.get('model', '?')}; "
                     f"answers from {settings.get('answers_from', '?')}")
        if settings.get("follow_ups"):
            lines.append(f"- **Follow-ups:** {describe_writer_setting(settings['follow_ups'])}")
    lines.append("")
    lines += _timing(doc, resume)
    lines += _highlights(doc, analyses)
    lines += ["## Transcript", ""]
    for a in doc.answers:
        lines += _transcript(a, resume, analyses.get(a.turn))
    return "\n".join(lines).rstrip() + "\n"


def _highlights(doc: SessionDocument, analyses: Mapping[int, AnswerAnalysis]) -> list[str]:
    """The most useful remarks of the session: the first of each counting answer."""
    picked = []
    for a in doc.answers:
        analysis = analyses.get(a.turn)
        if a.counts and analysis is not None and analysis.remarks:
            picked.append(f"- **{a.turn}. {answer_label(a)}:** {analysis.remarks[0]}")
    if not picked:
        return []
    return ["## What to work on", "", *picked[:3], ""]


def _timing(doc: SessionDocument, resume: str) -> list[str]:
    answers = doc.answers
    lines = ["## Timing", ""]
    if not answers:
        return [*lines, "No answers were recorded.", ""]
    lines.append("| # | Question | Speaking time | Budget | Verdict |")
    lines.append("|---|---|---|---|---|")
    for a in answers:
        # As every other view names an answer ("follow-up to deep-dive (depth)").
        label = answer_label(a)  # with its attempt, when not the first
        lines.append(f"| {a.turn} | {_cell(label)} | {format_duration(a.speech_seconds)} "
                     f"| {budget_range(a.budget)} | {_cell(verdict_label(a))} |")
    counting = [a for a in answers if a.counts]
    total = sum(a.speech_seconds or 0 for a in counting)
    over = sum(1 for a in counting if a.verdict == "over")
    under = sum(1 for a in counting if a.verdict == "under")
    questions = len(doc.script.questions)
    mains = sum(1 for a in counting if a.kind == "main")
    follow_ups = len(counting) - mains
    extra = f" and {follow_ups} follow-up{'s' if follow_ups != 1 else ''}" if follow_ups else ""
    lines += ["", f"Total speaking time **{format_duration(total)}** over {mains} of "
                  f"{questions or mains} questions{extra}; {over} over budget, {under} under.", ""]
    if doc.unanswered:
        lines += [f"**Without a usable answer:** {', '.join(doc.unanswered)} "
                  f"(`{resume}` asks them again).", ""]
    return lines


def _transcript(a: AnswerRecord, resume: str,
                analysis: AnswerAnalysis | None = None) -> list[str]:
    lines = []
    if a.kind == "follow_up":
        lines += [f"### {a.turn}. Follow-up: {a.question}", ""]
        if a.follow_up is not None:
            lines.append(f"*Asked after `{a.follows}`; {follow_up_origin(a.follow_up)}*")
    else:
        lines.append(f"### {a.turn}. {a.question}")
    if a.attempt > 1 or not a.counts:
        which = "counts" if a.counts else "does not count"
        lines += ["", f"*Attempt {a.attempt} at `{a.question_id}` ({which}).*"]
    lines.append("")
    details = [f"audio `{a.audio}`"]
    if a.speech_start is not None and a.speech_end is not None:
        details.append(f"speech {clock(a.speech_start)}–{clock(a.speech_end)} "
                       f"({format_duration(a.speech_seconds)}, budget {budget_range(a.budget)}, "
                       f"{describe_verdict(a.verdict, a.budget_delta_s)})")
    if a.end_reason:
        details.append(f"ended by {a.end_reason.replace('_', ' ')}")
    elif a.status == "recording":
        details.append(f"recording stopped by a crash after {a.audio_seconds or 0:.1f} s")
    if a.review_note:
        details.append(a.review_note)
    lines += ["*" + "; ".join(details) + "*", ""]
    if analysis is not None:
        lines += analysis_lines(analysis)
        if a.revision_pending:
            lines += ["_Transcript: this is the live draft, written while the candidate spoke; "
                      "the whole answer has not been transcribed again yet, so some words and "
                      f"the parts' timeline may be off; `{resume}` does it._", ""]
        if a.fillers_pending:
            lines += ["_Fillers may be undercounted: the verbatim pass (listening again for "
                      f"“um” and “uh”) has not run for this answer yet; `{resume}` runs it._",
                      ""]
    if a.segments:
        lines += transcript_lines(a.segments)
    elif a.status == "failed":
        lines.append(f"_No transcript: {a.error}_")
    else:
        lines.append(f"_Not transcribed yet (`{resume}` transcribes it)._")
    lines.append("")
    return lines


def transcript_lines(segments: Sequence[Any]) -> list[str]:
    """A transcript as Markdown bullets, one per paragraph of whole sentences (not the
    decoder's pieces: `analysis.sentences.paragraphs`), each with when it began."""
    return [f"- `{clock(segments[group[0]].start)}` "
            + " ".join(segments[i].text.strip() for i in group)
            for group in paragraphs(segments)]


def analysis_lines(an: AnswerAnalysis) -> list[str]:
    """An answer's coaching analysis as Markdown lines: parts, delivery, content signals."""
    lines: list[str] = []
    if an.timeline is not None:
        lines += ["| Part | From | To | Seconds | Budget | Verdict | Words a minute |",
                  "|---|---|---|---|---|---|---|"]
        title = an.timeline.title  # parts by their titles, as the remarks name them
        for p in an.timeline.parts:
            wpm = an.part_wpm.get(p.id)
            lines.append(f"| {title(p.id)} | {clock(p.start_s)} | {clock(p.end_s)} "
                         f"| {p.seconds:.0f} | {p.min_s:.0f}–{p.max_s:.0f} | "
                         f"{describe_verdict(p.verdict, p.delta_s)} | "
                         f"{'—' if wpm is None else f'{wpm:.0f}'} |")
        notes = []
        if an.timeline.missing:
            notes.append("missing: " + ", ".join(map(title, an.timeline.missing)))
        if an.timeline.out_of_order:
            notes.append("out of the recommended order: "
                         + ", ".join(map(title, an.timeline.out_of_order)))
        # "Every part, in order" beside a stretch that may well be another part (a chance of
        # MAYBE_AT or more, which may leave a part untold) would state as fact what is not.
        unsure = any(d.could_be_chance >= MAYBE_AT for d in an.timeline.doubts)
        whole = ("*Every part found, in order, as far as the stretches below allow.*" if unsure
                 else "*Every part, in order.*")
        lines += ["", f"*Parts {'; '.join(notes)}.*" if notes else whole, ""]
        if an.timeline.doubts:  # where the table above may be wrong, and how
            lines += ["*Unsure where the parts are:* "
                      + "; ".join(describe_doubt(d, title, clock) for d in an.timeline.doubts)
                      + ".",
                      ""]
    # The whole of it, each with when: the report is where the candidate looks it all up.
    delivery = []
    if an.pace.wpm is not None:
        over_time = ""
        if len(an.pace.windows) > 1:
            over_time = " (over time: " + ", ".join(f"{w:.0f} from {clock(a)}"
                                                    for a, _, w in an.pace.windows) + ")"
        delivery.append(f"{an.pace.wpm:.0f} words a minute{over_time}")
    longest = an.longest_pause
    if an.pauses and longest is not None:
        delivery.append(f"{len(an.pauses)} pause{'s' if len(an.pauses) != 1 else ''} of 0.5 s "
                        f"or more, the longest {longest.seconds:.1f} s at {clock(longest.start_s)}"
                        + (" (" + ", ".join(f"{p.seconds:.1f} s at {clock(p.start_s)}"
                                            for p in an.pauses) + ")"
                           if len(an.pauses) > 1 else ""))
    fillers = [f for f in an.fillers if f.kind == "filler"]
    hedges = [f for f in an.fillers if f.kind == "hedge"]
    if fillers:
        delivery.append(f"{len(fillers)} filler{'s' if len(fillers) != 1 else ''} ("
                        + ", ".join(f"“{f.text}” {clock(f.start_s)}" for f in fillers) + ")")
    if hedges:
        delivery.append(f"{len(hedges)} hedge{'s' if len(hedges) != 1 else ''} ("
                        + ", ".join(f"“{f.text}” {clock(f.start_s)}" for f in hedges) + ")")
    if delivery:
        lines += ["**Delivery:** " + "; ".join(delivery) + ".", ""]
    for sig in an.signals_in_focus:
        good = sig.found != (sig.kind == "mistake")
        mark = "✓" if good else "✗"
        text = f"- {mark} **{sig.title}:** {sig.detail}"
        if sig.missing and not good:
            text += f". Missing: {sig.missing}"
        if sig.evidence:
            text += " — " + ", ".join(f"“{e.quote}” ({clock(e.start_s)})" for e in sig.evidence[:2])
        if not good and sig.why:
            text += f"  \n  *Why it matters:* {sig.why}"  # a line break inside the item
        lines.append(text)
    if an.signals_in_focus:
        lines.append("")
    return lines
