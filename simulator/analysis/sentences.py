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
    texts = [str(s["text"] if isinstance(s, dict) else s.text).strip() for s in segments]
    texts = [t for t in texts if t]
    if len(texts) < 2 or " ".join(texts) != transcript:
        return transcript
    out = []
    for text, following in zip(texts, [*texts[1:], ""]):
        if following and _ends_bare(text) and _opens_with_capital(following):
            text += "."
        out.append(text)
    return " ".join(out)


def _ends_bare(text: str) -> bool:
    last = text[-1]
    return last.isalnum() or last == "%"


def _opens_with_capital(text: str) -> bool:
    first = text.split()[0].lstrip("\"'([")
    return first[:1].isupper() and first.rstrip(".,;:!?").lower() not in _FIRST_PERSON
