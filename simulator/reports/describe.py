"""Phrasing shared by every report and the terminal: budgets, durations, verdicts, who wrote
a follow-up. One wording everywhere, so the terminal, Markdown and (later) HTML agree."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from simulator.analysis.doubts import Doubt
from simulator.analysis.timing import describe_verdict, format_duration
from simulator.sessions.records import (
    AnswerRecord,
    BudgetRecord,
    FollowUpInfo,
    SessionDocument,
)

__all__ = ["answer_label", "budget_range", "clock", "describe_doubt", "describe_verdict",
           "describe_writer", "describe_writer_setting", "follow_up_origin", "format_duration",
           "glued", "joined_words", "verdict_label"]

# A piece Whisper writes on to the word before it ("real" "-time", "9" ".2", "2" "%"):
# written without the space between.
_GLUED = re.compile(r"^(?:[-%’',.;:!?)\]]|\.\d)")


def glued(word: str) -> bool:
    """Whether a timed word's text, as Whisper wrote it, goes on the word before it with no
    space: a piece such as ".2" or "-time" (Whisper opens a new word with a space, so " --"
    is a word of its own)."""
    return not word[:1].isspace() and bool(_GLUED.match(word))


def joined_words(words: Iterable[str]) -> str:
    """Timed words' texts as one line: a space between words, none before a piece Whisper
    wrote on to the word before it ("up to 9.2 days", "real-time", not "9 .2", "real -time")."""
    out = ""
    for word in words:
        if text := word.strip():
            out += text if not out or glued(word) else " " + text
    return out


def budget_range(budget: BudgetRecord | None) -> str:
    """``1:00–2:00``; an em dash when unknown."""
    if budget is None:
        return "—"
    return f"{format_duration(budget.min_s)}–{format_duration(budget.max_s)}"


def answer_label(answer: AnswerRecord) -> str:
    """How a summary names an answer: its question id, or for a follow-up what it followed
    and what it probed (its own id, ``deep-dive-follow-up-1``, means nothing to a reader)."""
    if answer.kind == "follow_up":
        focus = answer.focus
        label = f"follow-up to {answer.follows or 'the last answer'}"
        if focus and focus != "other":
            label += f" ({focus})"
    else:
        label = answer.question_id
    return label + (f" (attempt {answer.attempt})" if answer.attempt > 1 else "")


def clock(seconds: float | None) -> str:
    """A moment in an answer's audio: ``1:05.2``."""
    if seconds is None:
        return "—"
    minutes, secs = divmod(max(0.0, seconds), 60)
    return f"{int(minutes)}:{secs:04.1f}"


def describe_doubt(doubt: Doubt, title: Callable[[str], str],
                   when: Callable[[float], str] = format_duration) -> str:
    """A stretch the parts' locator is unsure of: ``0:13.2–0:42.0 read as Data and features,
    may be Why machine learning (35 %)``; ``title`` names a part by its id, ``when`` writes a
    moment (the reports' ``clock``, as their parts tables do)."""
    return (f"{when(doubt.start_s)}–{when(doubt.end_s)} read as {title(doubt.read_as)}, "
            f"may be {title(doubt.could_be)} ({doubt.could_be_chance:.0%})")


def verdict_label(answer: AnswerRecord) -> str:
    """The timing verdict of one answer, or why there is none."""
    if answer.status == "failed":
        return f"no usable answer: {answer.error}"
    if answer.status in ("recording", "recorded") and answer.speech_seconds is None:
        return "not transcribed yet"
    label = describe_verdict(answer.verdict, answer.budget_delta_s)
    if answer.status == "complete" and not answer.counts:
        label += " (superseded by a later attempt)"
    return label


def describe_writer_setting(description: dict[str, Any]) -> str:
    """The session's follow-up writer, for the set-up lines."""
    if description.get("writer") == "llm":
        return (f"{description.get('model')} at {description.get('endpoint')} "
                f"(offline coach after {description.get('time_limit_s'):g} s)")
    return "offline coach" + (f" ({description['reason']})" if description.get("reason") else "")


def describe_writer(follow_up: FollowUpInfo | dict[str, Any]) -> str:
    """Who wrote one follow-up and, when an LLM's question was not used, why."""
    info = follow_up if isinstance(follow_up, FollowUpInfo) else FollowUpInfo(**follow_up)
    writer = info.writer or {}
    probing = f" (probing {info.criterion})" if info.criterion and info.criterion != "other" else ""
    if writer.get("kind") == "llm":
        return f"written by the LLM {writer.get('model')}{probing}"
    text = f"written by the offline coach{probing}"
    if info.fallback:
        text += f"; LLM not used: {info.fallback}"
    return text


def follow_up_origin(info: FollowUpInfo) -> str:
    text = describe_writer(info)
    if info.note:
        text += f"; {info.note}"
    if info.delay_s is not None:
        text += f"; asked {info.delay_s:.1f} s after the answer was transcribed"
    return text


def resume_hint(doc: SessionDocument) -> str:
    """The resume command a report names when its caller gave none: the plain one, right for
    a session in the default sessions folder (`review` passes `paths.resume_command`)."""
    return f"mock-interview resume {doc.id}"
