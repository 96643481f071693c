"""Checking a follow-up question an LLM wrote before the interviewer says it.

An LLM reply is untrusted text: a weak local model rambles, praises, asks three things at
once or forgets to ask anything; a transcript with "ignore your instructions" in it may pull a
model out of its role. Everything here is a pure function of the text, so the rules are unit
tested and the same rules apply to every endpoint.

:func:`first_question` cuts a (possibly still streaming) reply at its first complete question;
:func:`problem_with` says what is wrong with that question, or None when it may be asked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# A list marker in front of the question ("- ", "* ", "1. ", "• ").
_BULLET = re.compile(r"^\s*(?:[-*•‣–—]+|\d+[.)])\s+")
# Labels small models like to put in front of the question.
_LABEL = re.compile(r"^\s*(?:\*\*)?(?:follow[- ]?up(?: question)?|question|interviewer|q)\s*"
                    r"(?:\d+\s*)?[:.)-]\s*(?:\*\*)?\s*", re.I)
_QUOTES = "\"'“”‘’`"

_PRAISE = re.compile(
    r"\b(?:great|excellent|impressive|fantastic|awesome|amazing|wonderful|brilliant|"
    r"well done|good job|nice work|good answer|nice answer|love (?:that|how)|solid answer|"
    r"good point|thorough answer|thanks? (?:you )?for (?:sharing|that|the answer)|"
    r"^\s*(?:interesting|fascinating|nice|good|thanks))\b", re.I)
# A model talking about its output instead of asking: "Here is a follow-up question: ...",
# numbered lists, template placeholders, reasoning traces.
_META = re.compile(
    r"(?:\bhere (?:is|are|'s)\b|\bfollow[- ]?up questions?\b|^\s*(?:sure|certainly|of course)\b|"
    r"(?:^|\s)\d+[.)]\s|\[|\]|</?think>|\{|\})", re.I)
# Phrases that give the answer instead of asking for one.
_ANSWERING = re.compile(
    r"\b(?:you should have|you could have|a better (?:approach|answer|way) (?:would|is)|"
    r"the (?:right|correct|best) answer is|i would have|i would recommend|the answer is)\b", re.I)
# An interviewer never talks about prompts or being a model: if the reply does, a transcript
# probably talked the model out of its role.
_OFF_ROLE = re.compile(
    r"\b(?:as an ai|language model|my instructions|these instructions|system prompt|"
    r"ignore (?:all|your|the|previous)|i cannot|i can't help|i'm sorry|i am sorry)\b", re.I)

REPEAT_SIMILARITY = 0.8


def clean(text: str) -> str:
    """Drop labels, markdown, wrapping quotes and extra whitespace."""
    text = text.replace("**", "").replace("__", "")
    text = " ".join(text.split())
    text = _BULLET.sub("", text, count=1)
    text = _LABEL.sub("", text, count=1).strip()
    text = _BULLET.sub("", text, count=1).strip()
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    elif text[:1] in _QUOTES and sum(text.count(q) for q in _QUOTES) % 2:
        text = text[1:].strip()  # a quoted reply cut at its "?" before the closing quote
    return text


def first_question(reply: str) -> str | None:
    """The reply up to and including its first question mark, cleaned; None if no "?" yet."""
    end = reply.find("?")
    if end < 0:
        return None
    return clean(reply[: end + 1]) or None


def count_questions(reply: str) -> int:
    return reply.count("?")


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _similarity(a: str, b: str) -> float:
    sa, sb = set(words(a)), set(words(b))
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def problem_with(question: str, *, earlier: Sequence[str] = (), max_words: int = 40) -> str | None:
    """Why ``question`` must not be asked, or None when it is fine.

    ``question`` is what :func:`first_question` returned (one question, ending with "?");
    ``earlier`` holds the questions already asked in the session.
    """
    text = question.strip()
    if not text:
        return "the reply was empty"
    if not text.endswith("?"):
        return "the reply held no question"
    count = len(words(text))
    if count < 4:
        return f"the question was too short to mean anything ({count} words)"
    if count > max_words:
        return f"the question was {count} words long (limit {max_words})"
    if _OFF_ROLE.search(text):
        return "the reply stepped out of the interviewer's role"
    if _META.search(text):
        return "the reply talked about its question instead of just asking it"
    if _PRAISE.search(text):
        return "the reply praised the candidate instead of probing"
    if _ANSWERING.search(text):
        return "the reply answered on the candidate's behalf"
    for before in earlier:
        if _similarity(text, before) >= REPEAT_SIMILARITY:
            return "the question repeats one already asked"
    return None
