"""The Markdown report of a session: a pure function of the session document.

It holds a timing table (speaking time against each budget) and the transcript of every
answer with timestamps into the answer's audio. Because it is derived from session.json, it
can be regenerated for any saved session, and later richer reports can sit beside it.
"""

from __future__ import annotations

from simulator.analysis.timing import describe_verdict, format_duration


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes, secs = divmod(max(0.0, seconds), 60)
    return f"{int(minutes)}:{secs:04.1f}"


def _budget(budget: dict | None) -> str:
    if not budget:
        return "—"
    return f"{format_duration(budget['min_s'])}–{format_duration(budget['max_s'])}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def describe_writer_setting(description: dict) -> str:
    """The session's follow-up writer, for the set-up lines."""
    if description.get("writer") == "llm":
        return (f"{description.get('model')} at {description.get('endpoint')} "
                f"(offline coach after {description.get('time_limit_s'):g} s)")
    return "offline coach" + (f" ({description['reason']})" if description.get("reason") else "")


def describe_writer(follow_up: dict) -> str:
    """Who wrote one follow-up and, when an LLM's question was not used, why."""
    writer = follow_up.get("writer") or {}
    criterion = follow_up.get("criterion")
    probing = f" (probing {criterion})" if criterion and criterion != "other" else ""
    if writer.get("kind") == "llm":
        return f"written by the LLM {writer.get('model')}{probing}"
    text = f"written by the offline coach{probing}"
    if follow_up.get("fallback"):
        text += f"; LLM not used: {follow_up['fallback']}"
    return text


def _follow_up_origin(info: dict) -> str:
    text = describe_writer(info)
    if info.get("note"):
        text += f"; {info['note']}"
    if info.get("delay_s") is not None:
        text += f"; asked {info['delay_s']:.1f} s after the answer was transcribed"
    return text


def render_markdown(doc: dict) -> str:
    script = doc.get("script") or {}
    answers = doc.get("answers") or []
    lines = [f"# Mock interview: {script.get('title', 'untitled')}", ""]
    lines.append(
        f"- **Role:** {script.get('role', '—')} at {script.get('company', '—')}  "
        f"\n- **Session:** `{doc.get('id', '')}`, started {doc.get('started_at', '—')}"
    )
    status = doc.get("status", "unknown")
    if doc.get("incomplete_reason"):
        status += f": {doc['incomplete_reason']}"
    lines.append(f"- **Status:** {status}")
    settings = doc.get("settings") or {}
    if settings:
        lines.append(
            f"- **Transcribed with:** Whisper {settings.get('model', '?')}; "
            f"answers from {settings.get('answers_from', '?')}"
        )
        if settings.get("follow_ups"):
            lines.append(f"- **Follow-ups:** {describe_writer_setting(settings['follow_ups'])}")
    lines.append("")

    lines += ["## Timing", ""]
    if not answers:
        lines += ["No answers were recorded.", ""]
    else:
        lines.append("| # | Question | Speaking time | Budget | Verdict |")
        lines.append("|---|---|---|---|---|")
        for a in answers:
            verdict = describe_verdict(a.get("verdict"), a.get("budget_delta_s"))
            if a.get("status") == "failed":
                verdict = f"no usable answer: {a.get('error')}"
            elif a.get("status") in ("recording", "recorded"):
                verdict = "not transcribed yet"
            elif not a.get("counts", True):
                verdict += " (superseded by a later attempt)"
            label = a["question_id"]
            if a.get("kind") == "follow_up":
                label = f"↳ follow-up: {(a.get('follow_up') or {}).get('criterion', '')}"
            if a.get("attempt", 1) > 1:
                label += f" (attempt {a['attempt']})"
            lines.append(
                f"| {a['turn']} | {_cell(label)} | {format_duration(a.get('speech_seconds'))} "
                f"| {_budget(a.get('budget'))} | {_cell(verdict)} |"
            )
        counting = [a for a in answers if a.get("counts", True) and a.get("status") == "complete"]
        total = sum(a.get("speech_seconds") or 0 for a in counting)
        over = sum(1 for a in counting if a.get("verdict") == "over")
        under = sum(1 for a in counting if a.get("verdict") == "under")
        questions = len(script.get("questions") or [])
        mains = sum(1 for a in counting if a.get("kind", "main") == "main")
        follow_ups = len(counting) - mains
        extra = f" and {follow_ups} follow-up{'s' if follow_ups != 1 else ''}" if follow_ups else ""
        lines += [
            "",
            f"Total speaking time **{format_duration(total)}** over {mains} of "
            f"{questions or mains} questions{extra}; {over} over budget, {under} under.",
            "",
        ]
        if doc.get("unanswered"):
            lines += [f"**Without a usable answer:** {', '.join(doc['unanswered'])} "
                      f"(`mock-interview resume {doc.get('id', 'ID')}` asks them again).", ""]

    lines += ["## Transcript", ""]
    for a in answers:
        if a.get("kind") == "follow_up":
            lines.append(f"### {a['turn']}. Follow-up: {a['question']}")
            lines.append("")
            lines.append(f"*Asked after `{a.get('follows')}`; "
                         f"{_follow_up_origin(a.get('follow_up') or {})}*")
        else:
            lines.append(f"### {a['turn']}. {a['question']}")
        if a.get("attempt", 1) > 1 or not a.get("counts", True):
            which = "counts" if a.get("counts") else "does not count"
            lines.append("")
            lines.append(f"*Attempt {a.get('attempt', 1)} at `{a['question_id']}` ({which}).*")
        lines.append("")
        details = [f"audio `{a.get('audio')}`"]
        if a.get("speech_start") is not None:
            details.append(
                f"speech {_clock(a['speech_start'])}–{_clock(a['speech_end'])} "
                f"({format_duration(a['speech_seconds'])}, budget {_budget(a.get('budget'))}, "
                f"{describe_verdict(a.get('verdict'), a.get('budget_delta_s'))})"
            )
        if a.get("end_reason"):
            details.append(f"ended by {a['end_reason'].replace('_', ' ')}")
        elif a.get("status") == "recording":
            details.append(f"recording stopped by a crash after {a.get('audio_seconds') or 0:.1f} s")
        if a.get("review_note"):
            details.append(a["review_note"])
        lines.append("*" + "; ".join(details) + "*")
        lines.append("")
        if a.get("segments"):
            for seg in a["segments"]:
                lines.append(f"- `{_clock(seg['start'])}` {seg['text']}")
        elif a.get("status") == "failed":
            lines.append(f"_No transcript: {a.get('error')}_")
        else:
            lines.append("_Not transcribed yet (`mock-interview resume` transcribes it)._")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
