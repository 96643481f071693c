"""Speech a chunk's transcript left out, found from the voice activity and decoded again.

faster-whisper decodes a chunk shorter than 30 s as one window, and when the model ends its
output early with a lone timestamp it concludes that nothing more is said in the window and
skips the rest (``single_timestamp_ending``). Inside a chunk that is not true: tiny.en dropped
a whole 7 s sentence after "...that should be all. Thanks.", and base skipped the first
sentence of a chunk. Whole-file decoding rarely does this (its windows are full of speech to
their end), which was most of why long answers came out worse live than transcribed whole.

The recorder knows where someone spoke (`audio.activity`). So after each chunk is decoded:

- if 0.6 s or more of voiced frames lie after the last decoded word (0.3 s after it), that
  stretch is decoded on its own and appended (at most twice);
- if 0.6 s or more lie before the first decoded word (0.5 s before it, Whisper's word starts
  come early), the head up to Whisper's first-word start is decoded on its own and prepended;
- from those extra decodes only the words that overlap a voiced frame are kept (a cut-off
  snippet made tiny.en write a video outro over the silence).

Measured on the development answers (30/90/180 s, three runs, medians; see
docs/architecture.md): base 8.2 % -> 4.9 % at 90 s and 6.1 % at 180 s (whole-file: 3.9 % and
6.3 %), for about 1.6 times the decoding work, done while the candidate speaks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from audio.clip import SAMPLE_RATE, Audio
from audio.transcriber import Segment, Transcript, Word
from audio.vad import FRAME

MIN_VOICED_S = 0.6  # this much speech left out is worth another decode
AFTER_LAST_WORD_S = 0.3
BEFORE_FIRST_WORD_S = 0.5
MIN_WINDOW_S = 0.5
MAX_TAIL_DECODES = 2


def covered(transcript: Transcript, start: int, end: int, voiced: Sequence[bool],
            transcribe: Callable[[Audio], Transcript],
            audio: Callable[[int, int], Audio]) -> Transcript:
    """``transcript`` (of samples ``start``..``end`` of the answer) with what it left out
    decoded again and added. ``voiced``: per 32 ms frame of the answer, whether someone
    spoke; ``audio(a, b)``: samples ``a``..``b`` of the answer."""

    def voiced_s(a: int, b: int) -> float:
        first, last = max(a, 0) // FRAME, min(b // FRAME, len(voiced))
        return sum(voiced[first:last]) * FRAME / SAMPLE_RATE

    def decode(a: int, b: int) -> list[tuple[int, Transcript]]:
        sub = _voiced_only(transcribe(audio(a, b)), a, voiced)
        return [(a, sub)] if sub.words else []

    sr = SAMPLE_RATE
    words = transcript.words
    tail: list[tuple[int, Transcript]] = []
    last_end = start + int(words[-1].end * sr) if words else start
    for _ in range(MAX_TAIL_DECODES):
        if voiced_s(last_end + int(AFTER_LAST_WORD_S * sr), end) < MIN_VOICED_S:
            break
        r0 = max(start, last_end)
        if end - r0 < int(MIN_WINDOW_S * sr):
            break
        found = decode(r0, end)
        if not found:
            break
        tail += found
        last_end = r0 + int(found[0][1].words[-1].end * sr)
    head: list[tuple[int, Transcript]] = []
    if words:
        before_first = start + int(max(0.0, words[0].start - BEFORE_FIRST_WORD_S) * sr)
        h1 = start + int(words[0].start * sr)  # early by 0.15-0.5 s: in the pause before
        if voiced_s(start, before_first) >= MIN_VOICED_S and h1 - start >= int(MIN_WINDOW_S * sr):
            head = decode(start, h1)
    if not head and not tail:
        return transcript
    return _joined([*head, (start, transcript), *tail], start, transcript.model)


def _voiced_only(transcript: Transcript, offset: int, voiced: Sequence[bool]) -> Transcript:
    """Only the words with a voiced frame inside their span (text rebuilt from them)."""
    keep = []
    for w in transcript.words:
        a = offset + int(w.start * SAMPLE_RATE)
        b = max(offset + int(w.end * SAMPLE_RATE), a + FRAME)
        if any(voiced[a // FRAME: min(b // FRAME, len(voiced))]):
            keep.append(w)
    if len(keep) == len(transcript.words):
        return transcript
    text = " ".join(w.word for w in keep)
    segments = [Segment(keep[0].start, keep[-1].end, text)] if keep else []
    return Transcript(text, keep, segments, transcript.model)


def _joined(parts: list[tuple[int, Transcript]], start: int, model: str) -> Transcript:
    """Pieces decoded at different offsets, as one transcript relative to ``start``."""
    segments: list[Segment] = []
    words: list[Word] = []
    for offset, piece in parts:
        shift = (offset - start) / SAMPLE_RATE
        segments += [Segment(round(s.start + shift, 3), round(s.end + shift, 3), s.text)
                     for s in piece.segments]
        words += [Word(w.word, round(w.start + shift, 3), round(w.end + shift, 3), w.probability)
                  for w in piece.words]
    segments.sort(key=lambda s: s.start)
    words.sort(key=lambda w: w.start)
    return Transcript(" ".join(s.text for s in segments), words, segments, model)
