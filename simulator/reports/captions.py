"""Captions of an answer, as WebVTT and SRT, written here rather than with a captions library:
the libraries on PyPI write "&" and "<" in cue text as they are, which is invalid WebVTT
(a browser drops the text after a "<"). The tests parse the files back with those libraries.

Cues are built from the timed words (the verbatim words: fillers the second listen heard
included), cut at sentence ends and where a cue would grow past ``MAX_CUE_S`` seconds or
``MAX_CUE_CHARS`` characters, on word boundaries, so a caption is readable at a glance.
Times are seconds into the answer's audio.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from simulator.reports.describe import joined_words
from simulator.sessions.records import AnswerRecord
from simulator.untrusted import CONTROL as _CONTROL

MAX_CUE_S = 6.0
MAX_CUE_CHARS = 84
_SLACK_CHARS = 16


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def cues(answer: AnswerRecord) -> list[Cue]:
    """The answer's captions: from its timed words when it has them, else its segments."""
    words = [w for w in answer.verbatim_words if w.word.strip()]
    if not words:
        return [Cue(s.start, s.end, _clean(s.text)) for s in answer.segments if s.text.strip()]
    out: list[Cue] = []
    current: list = []
    for w in words:
        if current:
            text = joined_words(x.word for x in [*current, w])
            sentence_ended = current[-1].word.rstrip().endswith((".", "?", "!"))
            too_long = w.start - current[0].start > MAX_CUE_S or len(text) > MAX_CUE_CHARS
            # A sentence's last word stays with its sentence rather than standing alone
            # in a flash of a cue, while the cue stays near the limits.
            orphan = w.word.rstrip().endswith((".", "?", "!")) and \
                len(text) <= MAX_CUE_CHARS + _SLACK_CHARS and \
                w.end - current[0].start <= MAX_CUE_S + 1.5
            if sentence_ended or (too_long and not orphan):
                out.append(_cue(current))
                current = []
        current.append(w)
    if current:
        out.append(_cue(current))
    # Cues never overlap: a word's end past the next cue's start is clipped.
    for i in range(len(out) - 1):
        if out[i].end > out[i + 1].start:
            out[i] = Cue(out[i].start, out[i + 1].start, out[i].text)
    return out


def _cue(words: Sequence) -> Cue:
    return Cue(round(words[0].start, 3), round(max(words[-1].end, words[0].start + 0.2), 3),
               _clean(joined_words(w.word for w in words)))


def _clean(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())


def _stamp(seconds: float, separator: str) -> str:
    millis = round(max(0.0, seconds) * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{ms:03d}"


def webvtt(captions: Sequence[Cue]) -> str:
    """A WebVTT file; cue text escaped as the format requires (&, <, >). Escaping ">" also
    keeps "-->", which cue text may not hold, out of it ("--&gt;" still reads "-->"); cue text
    has no line breaks (`_clean`), so no empty line can end a cue early."""
    lines = ["WEBVTT", ""]
    for n, c in enumerate(captions, 1):
        text = c.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        lines += [str(n), f"{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}", text, ""]
    return "\n".join(lines)


def srt(captions: Sequence[Cue]) -> str:
    """A SubRip file (text as said: SRT has no escaping; control characters removed)."""
    lines = []
    for n, c in enumerate(captions, 1):
        lines += [str(n), f"{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}", c.text, ""]
    return "\n".join(lines)
