"""The verbatim pass: listening to an answer again for the "um"s and "uh"s Whisper left out.

Whisper is trained on transcripts that leave hesitations out, so its default decoding drops
most of them (on the development recordings tiny.en and base kept about half). Prompting it
with a transcript that writes fillers out (``FILLER_PROMPT``) makes it write them too, but
that primed decoding also changes real words and, on tiny.en, invents fillers. So the pass
keeps the default transcript as it is and takes from the primed decoding *only* filler words,
and only where all of these hold (measured on ../shared/speech_fillers, see bench/analysis.py):

- no word of the default transcript overlaps it (the default already has a word there);
- the recorder's activity analysis (`audio.activity`) heard someone there: at least half of
  its 32 ms frames are voiced and it lies within a stretch of speech, not in a pause;
- a piece shorter than ``MIN_FILLER_S`` is widened to that length before the checks above
  (a 20 ms "uh" is a timestamp artefact: the sound around it decides).

The pass is a second full decode, so it never runs while the candidate waits: the interview
runs it when the session ends (and `resume` finishes it). `mock-interview analyze` does not
run it: it reports the fillers of one decoding.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from audio.activity import QUIET, analyse, spans
from audio.clip import Audio
from audio.transcriber import WhisperTranscriber, Word
from audio.vad import FRAME_S

# A made-up spoken sentence written verbatim; Whisper continues in the style of its prompt.
FILLER_PROMPT = "Um, so, uh, I think, like, we, um, you know, built it."
# Bump when the prompt or the merging rules change: saved results name the version they used.
PASS_VERSION = 1

HESITATIONS = frozenset({"um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "ahh", "hmm",
                         "hm", "mm", "mmm", "eh"})
MIN_FILLER_S = 0.08
MIN_VOICED_SHARE = 0.5
# Below this Whisper was guessing: every filler it wrote with less, on the development
# recordings, was not said.
MIN_PROBABILITY = 0.1
SECONDS_PER_FILLER = 0.25
SPAN_MARGIN_S = 0.2
_PUNCT = re.compile(r"^[^\w']+|[^\w']+$")


@dataclass(frozen=True)
class FillerPass:
    """What the pass found: filler words to add to the transcript, in time order."""

    added: list[Word]
    model: str
    seconds: float  # decoding time
    version: int = PASS_VERSION


def is_hesitation(word: str) -> bool:
    return _PUNCT.sub("", word).lower() in HESITATIONS


def primed_words(transcriber: WhisperTranscriber, audio: Audio) -> list[Word]:
    """Whisper's words for ``audio`` decoded with the filler prompt."""
    kwargs = dict(transcriber.settings.as_kwargs())
    kwargs["initial_prompt"] = FILLER_PROMPT
    segments, _info = transcriber.model.transcribe(audio.samples, **kwargs)
    return [Word(w.word.strip(), round(w.start, 3), round(w.end, 3), round(w.probability, 3))
            for seg in segments for w in (seg.words or ())]


def _norm(word: str) -> str:
    return _PUNCT.sub("", word).lower()


def _joined(words: Sequence[Word]) -> list[Word]:
    """Whisper's word pieces joined: "mm" + "-hmm." is one word, "mm-hmm." (an answer, not
    a filler), as are "Mon" + "-tree"."""
    out: list[Word] = []
    for w in words:
        if out and w.word.startswith("-") and len(w.word) > 1:
            last = out[-1]
            out[-1] = Word(last.word + w.word, last.start, w.end,
                           min(last.probability, w.probability))
        else:
            out.append(w)
    return out


def _insertions(default: Sequence[Word], primed: Sequence[Word]) -> list[tuple[int, Word]]:
    """Fillers the primed decoding has and the default one lacks, each with the index of the
    default word it goes before: the two word sequences aligned by their text, so a filler
    counts only where the words around it agree (a filler in place of a real word, or in a
    stretch the two decodings heard differently, is not taken)."""
    a, b = [_norm(w.word) for w in default], [_norm(w.word) for w in primed]
    out: list[tuple[int, Word]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        added = [w for w, n in zip(primed[j1:j2], b[j1:j2], strict=True) if n in HESITATIONS]
        rest = [n for n in b[j1:j2] if n not in HESITATIONS]
        if added and rest == [n for n in a[i1:i2] if n not in HESITATIONS] and \
                len(added) > sum(n in HESITATIONS for n in a[i1:i2]):
            out += [(i1, w) for w in added]
    return out


def merge_fillers(default: Sequence[Word], primed: Sequence[Word],
                  voiced: Sequence[bool], speech: Sequence[tuple[float, float]]) -> list[Word]:
    """The fillers of ``primed`` missing from ``default``, where someone was heard saying
    something. ``voiced``: per 32 ms frame, whether someone was heard; ``speech``: stretches
    of speech (seconds). Pure, so the rules are unit-tested on their own."""
    default, primed = _joined(default), _joined(primed)

    def voiced_share(a: float, b: float) -> float:
        first = max(int(a / FRAME_S), 0)
        frames = voiced[first:max(int(np.ceil(b / FRAME_S)), first + 1)]
        return sum(frames) / len(frames) if len(frames) else 0.0

    added: list[Word] = []
    per_gap: dict[int, int] = {}
    for index, w in _insertions(default, primed):
        if w.probability < MIN_PROBABILITY:
            continue
        # Primed fillers often come with no duration (a timestamp artefact): judge the sound
        # around them instead.
        a, b = (w.start, w.end) if w.end - w.start >= MIN_FILLER_S else \
            (w.start - MIN_FILLER_S, w.end + MIN_FILLER_S)
        if voiced_share(a, b) < MIN_VOICED_SHARE:
            continue
        middle = (w.start + w.end) / 2
        if not any(s - SPAN_MARGIN_S <= middle <= e + SPAN_MARGIN_S for s, e in speech):
            continue
        # A decoding stuck in a loop writes "uh" dozens of times at one instant: no more
        # fillers go into one gap than the sound in it could hold.
        before = default[index - 1].end if index > 0 else 0.0
        after = default[index].start if index < len(default) else w.end + 1.0
        # Its time must agree with its place in the text (Whisper's word starts come early
        # and its ends late, hence the neighbours' far edges).
        lo = default[index - 1].start if index > 0 else 0.0
        hi = default[index].end if index < len(default) else w.end + 1.0
        if not lo <= middle <= hi:
            continue
        room = max(1, int(max(after - before, b - a) / SECONDS_PER_FILLER))
        if per_gap.get(index, 0) >= room:
            continue
        if any(abs(x.start - w.start) < MIN_FILLER_S for x in added):
            continue
        per_gap[index] = per_gap.get(index, 0) + 1
        added.append(Word(w.word, round(a if w.end - w.start < MIN_FILLER_S else w.start, 3),
                          round(b if w.end - w.start < MIN_FILLER_S else w.end, 3),
                          w.probability))
    return sorted(added, key=lambda x: x.start)


def listen_for_fillers(transcriber: WhisperTranscriber, audio: Audio,
                       default: Sequence[Word]) -> FillerPass:
    """Run the verbatim pass over one answer whose default transcript is ``default``."""
    import time

    started = time.perf_counter()
    primed = primed_words(transcriber, audio)
    activity = analyse(audio.samples)
    voiced = [bool(v) for v in activity.states != QUIET]
    speech = [(s.start, s.end) for s in spans(activity)]
    added = merge_fillers(default, primed, voiced, speech)
    return FillerPass(added, transcriber.name, round(time.perf_counter() - started, 3))


def with_fillers(words: Sequence[Word], added: Sequence[Word]) -> list[Word]:
    """The transcript's words with the pass's fillers in their places."""
    return sorted([*words, *added], key=lambda w: w.start)
