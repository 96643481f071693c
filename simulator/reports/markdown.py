"""The Markdown report of a session: a pure function of the saved session.

It holds a timing table (speaking time against each budget) and the transcript of every
answer with timestamps into the answer's audio. It is rendered from the session document
only, when a session ends, on ``review`` and on demand, so it can be regenerated for any
saved session, including those recorded by earlier versions.
"""

from __future__ import annotations

from simulator.reports.describe import (
    budget_range,
    clock,
    describe_verdict,
    describe_writer_setting,
    follow_up_origin,
    format_duration,
    verdict_label,
)
from simulator.sessions.records import AnswerRecord, SessionDocument


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(doc: SessionDocument) -> str:
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
    lines += _timing(doc)
    lines += ["## Transcript", ""]
    for a in doc.answers:
        lines += _transcript(a)
    return "\n".join(lines).rstrip() + "\n"


def _timing(doc: SessionDocument) -> list[str]:
    answers = doc.answers
    lines = ["## Timing", ""]
    if not answers:
        return [*lines, "No answers were recorded.", ""]
    lines.append("| # | Question | Speaking time | Budget | Verdict |")
    lines.append("|---|---|---|---|---|")
    for a in answers:
        label = a.question_id
        if a.kind == "follow_up":
            label = f"↳ follow-up: {a.follow_up.criterion if a.follow_up else ''}"
        if a.attempt > 1:
            label += f" (attempt {a.attempt})"
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
                  f"(`mock-interview resume {doc.id}` asks them again).", ""]
    return lines


def _transcript(a: AnswerRecord) -> list[str]:
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
    if a.segments:
        lines += [f"- `{clock(seg.start)}` {seg.text}" for seg in a.segments]
    elif a.status == "failed":
        lines.append(f"_No transcript: {a.error}_")
    else:
        lines.append("_Not transcribed yet (`mock-interview resume` transcribes it)._")
    lines.append("")
    return lines
