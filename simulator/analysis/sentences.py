"""The full stops Whisper leaves off where a transcript is joined from pieces.

A transcript is its segments' texts joined with spaces: Whisper's segments of a whole
recording, or, for a live answer, the segments of every chunk `audio.incremental` decoded
on its own. A piece often ends without the full stop its last sentence needed, while the next
piece opens with a capital ("our click rate was stuck at 0.3% To rank ads ..."), so the join
reads two sentences as one, and the parts locator, which changes part where a sentence starts
(`decoding.py`), is held back there. Adding a full stop at such a join is safe where it is
not elsewhere: inside a segment a capital after a bare word is mostly a name ("a Lambda",
"in Madrid"), but a segment's first word is capitalised because Whisper began a sentence.

Only the analysis reads the repaired text; the saved transcript stays as Whisper wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# "I" opens a segment mid-sentence as easily as a sentence ("... the model I built").
_FIRST_PERSON = {"i", "i'm", "i'd", "i've", "i'll"}


def with_sentence_ends(transcript: str, segments: Sequence[Any]) -> str:
    """``transcript`` with a full stop after each segment that ends on a bare word (no
    punctuation) before a segment opening with a capital. Unchanged when the segments do
    not make up the transcript (an older session, an edited transcript)."""
    texts = [t for t in _texts(segments) if t]
    if len(texts) < 2 or " ".join(texts) != transcript:
        return transcript
    out = []
    for text, following in zip(texts, [*texts[1:], ""]):
        if following and _ends_bare(text) and _opens_with_capital(following):
            text += "."
        out.append(text)
    return " ".join(out)


def _texts(segments: Sequence[Any]) -> list[str]:
    """The segments' texts, stripped: saved ones are dicts, fresh ones objects."""
    return [str(s["text"] if isinstance(s, dict) else s.text).strip() for s in segments]


def _ends_bare(text: str) -> bool:
    last = text[-1]
    return last.isalnum() or last == "%"


def _opens_with_capital(text: str) -> bool:
    first = text.split()[0].lstrip("\"'([")
    return first[:1].isupper() and first.rstrip(".,;:!?").lower() not in _FIRST_PERSON


# A paragraph of the transcript is cut at a sentence's end, but no later than this: a
# decoding that never writes a full stop still reads in pieces with their times.
PARAGRAPH_MAX_S = 30.0


def paragraphs(segments: Sequence[Any], max_s: float = PARAGRAPH_MAX_S) -> list[list[int]]:
    """The segments grouped into paragraphs that end where a sentence ends, as lists of
    segment indices. A live answer's segments end wherever its chunks were cut, often in
    the middle of a sentence ("... and I own the models at" / "core card transactions"),
    which read as two broken lines; a paragraph runs on to the segment that ends the
    sentence (with a full stop, ? or !, or bare before a capital, as above), or is cut at
    a segment's end once it is ``max_s`` long."""
    texts = _texts(segments)
    starts = [float(s["start"] if isinstance(s, dict) else s.start) for s in segments]
    groups: list[list[int]] = []
    current: list[int] = []
    for i, text in enumerate(texts):
        if not text:
            continue
        current.append(i)
        following = next((t for t in texts[i + 1:] if t), "")
        ends = text.rstrip("\"'”’)")[-1:] in (".", "?", "!", "…") or (
            bool(following) and _ends_bare(text) and _opens_with_capital(following))
        long = i + 1 < len(starts) and starts[i + 1] - starts[current[0]] >= max_s
        if ends or long or not following:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups
