"""The verbatim pass: listening to an answer again for the "um"s and "uh"s Whisper left out.

Whisper is trained on transcripts that leave hesitations out, so its default decoding drops
most of them (on the development recordings tiny.en and base kept about half). Prompting it
with a transcript that writes fillers out (``FILLER_PROMPT``) makes it write them too, but
that primed decoding also changes real words and, on tiny.en, invents fillers. So the pass
keeps the default transcript as it is and takes from the primed decoding *only* filler words,
and only where all of these hold (measured on ../shared/speech and ../shared/speech_fillers,
see bench/fillers.py):

- both decodings agree on the real words around it (`_insertions`): it lies between two
  real words both wrote, with no real word between them on either side, or, where they
  heard different real words there, right after (before) the agreed one and before (after)
  both sides' real words, in time as well as in the text; a filler written where the other
  decoding has a real word is never taken;
- the default decoding has no filler of its own there: fillers are matched by time, not by
  text, since both often write the same sounds with other labels (`_unclaimed`);
- its time agrees with its place in the text, and no more fillers go into one gap than the
  sound there could hold (a decoding loop writes "uh" dozens of times at one instant); or,
  where the default decoding timed the words around it elsewhere (it stretches a word over
  the hesitations it left out), the primed decoding's times of those words bracket it and
  the default decoding has no word at its time: then the text places it (`Filler.before`);
- (in place of the first and third rules) it is a hesitation the default decoding wrote as
  the letter it sounds like: a stand-alone "a," (an article is never followed by a pause
  mark; `_A_SOUND`), the only real word of its stretch, where the primed decoding wrote no
  real word but a filler at its time; that filler takes the letter's place
  (`Filler.replaces`);
- the recorder's activity analysis (`audio.activity`) heard someone there: at least half of
  its 32 ms frames are voiced (of a filler written longer than ``JUDGED_S``, half of
  ``JUDGED_S``: Whisper starts a word early after a pause) and it lies within a stretch of speech,
  not in a pause (a piece shorter than ``MIN_FILLER_S`` is judged on the sound around it: a
  20 ms "uh" is a timestamp artefact); and Whisper gave it a probability of at least
  ``MIN_PROBABILITY``.

Whisper reads an initial prompt with its first 30 s window only; after it, each window is
conditioned on the text already written, which is fluent, and the primed decoding of a long
answer writes few fillers more than the default one (on the development recordings said
after 35 s of read speech: 46 % recall against 79 % at the start of the audio). So the pass
decodes twice with the prompt (`audio.primed`): the answer's first half minute as one
decoding (its first window, where the prompt is read) and the whole answer in short pieces
cut at its pauses, each read with the prompt and nothing else, decoded as one batch; each
decoding's fillers are merged with the rules above on its own,
and the two sets are joined, a sound both heard counting once (`joined_fillers`). On the
development recordings the first decoding finds more at the start of the audio and the
pieces find what comes later; the first decoding of the whole answer found nothing late
that the pieces missed, so it stops after its first window.

The pass decodes the answer once more and its first half minute again, so it never runs while
the candidate waits: the interview runs it when the session ends (and `resume` finishes it);
`mock-interview analyze` runs it after the first decoding (``--no-verbatim`` skips it).
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from audio.activity import QUIET, analyse, spans
from audio.clip import SAMPLE_RATE, Audio
from audio.hesitations import HESITATIONS, middle_of, normalised
from audio.primed import opening, primed_piece_words, primed_words, priming_pieces
from audio.transcriber import WhisperTranscriber, Word
from audio.vad import FRAME_S

# Bump when the prompt or the merging rules change: saved results name the version they used.
# 4: the first window and the short pieces (audio.primed) instead of one primed decoding.
# 5: a filler written longer than JUDGED_S needs half of JUDGED_S voiced, not half its length.
# 6: a filler where the default decoding timed the words around it elsewhere is taken too,
#    placed by the text (`Filler.before`).
# 7: a hesitation the default decoding wrote as the article "a," is replaced by the primed
#    decoding's filler heard at its time (`Filler.replaces`).
# 8: MIN_PROBABILITY 0.1 -> 0.05.
# 9: the short pieces' batches encoded in a window fitted to their longest piece
#    (`audio.window.fitted_windows`), not padded to 30 s.
PASS_VERSION = 9

MIN_FILLER_S = 0.08
MIN_VOICED_SHARE = 0.5
# Whisper starts a word early, most of all after a pause: base wrote the "um" of mfa_um (said
# after 35 s of read speech) as 1.05 s long, of which the last 0.38 s is voiced (36 %). A
# filler is judged on whether half of it, or half of this much when it is longer, was heard.
JUDGED_S = 0.5
# Below this Whisper was guessing. It was 0.1 until pass version 8; then the "um" of
# mfa_acoustic_corpus_spontaneous, said after half a minute of read speech, came out of the
# pieces at 0.07, and at 0.05 bench/fillers.py (base, seeds 0-2, at the start of the audio
# and late) added it in every repeat and no filler that was not said, anywhere.
MIN_PROBABILITY = 0.05
SECONDS_PER_FILLER = 0.25
SPAN_MARGIN_S = 0.2
# A primed filler this close in time to one the default decoding wrote is the same sound.
SAME_SOUND_S = 0.5
# Whisper's default decoding sometimes writes an "uh" as the letter it sounds like, with a
# pause mark after it ("forced a, um, um"). An article is never followed by a comma or an
# ellipsis (it needs its noun), so such an "a" stands alone.
_A_SOUND = re.compile(r"^a(?:,|\.\.\.|\u2026|-)$", re.IGNORECASE)


@dataclass(frozen=True)
class Filler(Word):
    """A filler the pass adds to the transcript. ``before``: the index of the transcript
    word it goes before, where its place is known from the text and not from its time (the
    default decoding timed the words around it elsewhere, see `merge_fillers`); None: its
    time places it (`with_fillers`). ``replaces``: the filler takes the place of the word
    ``before`` names (a hesitation the default decoding wrote as the letter "a,")."""

    before: int | None = None
    replaces: bool = False


@dataclass(frozen=True)
class FillerPass:
    """What the pass found: filler words to add to the transcript, in time order."""

    added: list[Filler]
    model: str
    seconds: float  # decoding time
    version: int = PASS_VERSION


def _joined(words: Sequence[Word]) -> list[Word]:
    """Whisper's word pieces joined: "mm" + "-hmm." is one word, "mm-hmm." (an answer, not
    a filler), as are "Mon" + "-tree"."""
    out: list[Word] = []
    for w in words:
        if out and _is_piece(w.word):
            last = out[-1]
            out[-1] = Word(last.word + w.word, last.start, w.end,
                           min(last.probability, w.probability))
        else:
            out.append(w)
    return out


class _Insertion(NamedTuple):
    """A filler only the primed decoding wrote, and where the texts put it."""

    i1: int  # the stretch of default words [i1, i2) it lies in (empty: between two words)
    i2: int
    word: Word
    # The same place in the primed decoding's own times: from the start of the agreed word
    # before it to the end of the agreed word after it.
    primed_lo: float
    primed_hi: float
    replaces: bool = False  # the filler is the default word i1 relabelled (see `_A_SOUND`)


def _is_piece(word: str) -> bool:
    """Whether Whisper wrote ``word`` as the rest of the word before it ("-hmm")."""
    return word.startswith("-") and len(word) > 1


def _insertions(default: Sequence[Word], primed: Sequence[Word]) -> list[_Insertion]:
    """Fillers the primed decoding has and the default one lacks, each with the stretch of
    default words ``[i1, i2)`` it lies in (empty when it goes between two words).

    The two decodings' real words are aligned by their text; a filler counts only between
    two real words both decodings agree on, with no other real word in between on either
    side, or at the edge of a stretch where both heard different real words (see below); a
    filler in place of a real word is not taken. The fillers of such a stretch are matched
    by time, not by their text: both decodings often write the same sounds with other
    labels ("um, um" against "uh, um, uh, um"), so each default filler claims the primed one
    nearest in time, the same sound relabelled, and only the primed fillers left over are
    new."""
    real_a = [i for i, w in enumerate(default) if normalised(w.word) not in HESITATIONS]
    real_b = [j for j, w in enumerate(primed) if normalised(w.word) not in HESITATIONS]
    matcher = difflib.SequenceMatcher(a=[normalised(default[i].word) for i in real_a],
                                      b=[normalised(primed[j].word) for j in real_b],
                                      autojunk=False)
    anchors = [(-1, -1)]
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            anchors += [(real_a[i], real_b[j]) for i, j in zip(range(i1, i2), range(j1, j2))]
    anchors.append((len(default), len(primed)))
    out: list[_Insertion] = []
    for (i, j), (next_i, next_j) in itertools.pairwise(anchors):
        lo = primed[j].start if j >= 0 else 0.0
        hi = primed[next_j].end if next_j < len(primed) else float("inf")

        def take(i1: int, i2: int, fillers: Sequence[Word], lo: float = lo,
                 hi: float = hi) -> list[_Insertion]:
            return [_Insertion(i1, i2, w, lo, hi) for w in fillers]

        had, added = default[i + 1:next_i], primed[j + 1:next_j]
        if not any(normalised(w.word) not in HESITATIONS for w in [*had, *added]):
            if len(added) > len(had):
                out += take(i + 1, next_i, _unclaimed(added, had))
            continue
        edges_a, edges_b = _real_edges(had), _real_edges(added)
        if edges_a is None:
            continue  # the default decoding wrote fillers where the primed one heard words
        if edges_b is None:
            # Only the default decoding heard words here (often one word written once more:
            # "words words" against "words"). Primed fillers that overlap them may be those
            # words misheard, and are not taken; those wholly before the first or after the
            # last stand between sounds both heard.
            first, last = edges_a
            lead_a, tail_a = _run(had), _run(had[::-1])[::-1]
            out += take(i + 1, i + 1 + len(lead_a),
                        _unclaimed([w for w in added if w.end <= first.start], lead_a))
            out += take(next_i - len(tail_a), next_i,
                        _unclaimed([w for w in added if w.start >= last.end], tail_a))
            out += _relabelled(default, i + 1, next_i, added)
            continue
        # Both sides heard real words here, and disagree on them. The fillers right after
        # the agreed word (before either side's first real word) and right before the next
        # one still stand between sounds both heard: those are compared, if they come
        # before (after) where both sides' real words of the stretch start (end).
        lead_a, lead_b = _run(had), _run(added)
        if len(lead_b) > len(lead_a):
            cut = min(edges_a[0].start, edges_b[0].start)
            out += take(i + 1, i + 1 + len(lead_a),
                        [w for w in _unclaimed(lead_b, lead_a) if middle_of(w) < cut])
        tail_a, tail_b = _run(had[::-1])[::-1], _run(added[::-1])[::-1]
        if len(tail_b) > len(tail_a):
            cut = max(edges_a[1].end, edges_b[1].end)
            out += take(next_i - len(tail_a), next_i,
                        [w for w in _unclaimed(tail_b, tail_a) if middle_of(w) > cut])
    return out


def _relabelled(default: Sequence[Word], i1: int, i2: int,
                primed: Sequence[Word]) -> list[_Insertion]:
    """Where the default decoding's only real word in ``default[i1:i2]`` is a stand-alone
    "a," (`_A_SOUND`) and the primed decoding, which wrote no real word there, wrote a
    filler at its time that no default filler claims: that filler, replacing the "a"."""
    real = [k for k in range(i1, i2) if normalised(default[k].word) not in HESITATIONS]
    if len(real) != 1 or not _A_SOUND.match(default[real[0]].word.strip()):
        return []
    k, letter = real[0], default[real[0]]
    # Fillers wholly before or after the letter are compared as fillers beside it are.
    heard = [w for w in _unclaimed(primed, [default[x] for x in range(i1, i2) if x != k])
             if w.start < letter.end and w.end > letter.start]
    if not heard:
        return []
    w = min(heard, key=lambda w: abs(middle_of(w) - middle_of(letter)))
    return [_Insertion(k, k + 1, w, letter.start, letter.end, replaces=True)]


def _run(words: Sequence[Word]) -> list[Word]:
    """The fillers ``words`` begin with."""
    return list(itertools.takewhile(lambda w: normalised(w.word) in HESITATIONS, words))


def _real_edges(words: Sequence[Word]) -> tuple[Word, Word] | None:
    """The first and last real (non-filler) words of ``words``; None when it has none."""
    real = [w for w in words if normalised(w.word) not in HESITATIONS]
    return (real[0], real[-1]) if real else None


def _unclaimed(primed: Sequence[Word], default: Sequence[Word]) -> list[Word]:
    """The primed fillers left once each default filler has claimed the primed one nearest
    in time (closest pairs first, within SAME_SOUND_S)."""
    pairs = sorted((abs(middle_of(p) - middle_of(d)), i, j) for i, p in enumerate(primed)
                   for j, d in enumerate(default))
    claimed: set[int] = set()
    used: set[int] = set()
    for distance, i, j in pairs:
        if distance <= SAME_SOUND_S and i not in claimed and j not in used:
            claimed.add(i)
            used.add(j)
    return [p for i, p in enumerate(primed) if i not in claimed]


def _within_a_word(words: Sequence[Word], t: float) -> bool:
    """Whether some word of ``words`` was being said at ``t`` seconds."""
    return any(w.start < t < w.end for w in words)


def merge_fillers(default: Sequence[Word], primed: Sequence[Word],
                  voiced: Sequence[bool], speech: Sequence[tuple[float, float]]) -> list[Filler]:
    """The fillers of ``primed`` missing from ``default``, where someone was heard saying
    something. ``voiced``: per 32 ms frame, whether someone was heard; ``speech``: stretches
    of speech (seconds). Pure, so the rules are unit-tested on their own."""
    # Where each joined default word starts in ``default`` (a filler's `before` indexes it).
    origin = [k for k, w in enumerate(default) if k == 0 or not _is_piece(w.word)]
    origin.append(len(default))
    default, primed = _joined(default), _joined(primed)
    starts = [w.start for w in default]

    def voiced_share(a: float, b: float) -> float:
        first = max(int(a / FRAME_S), 0)
        frames = voiced[first:max(int(np.ceil(b / FRAME_S)), first + 1)]
        return sum(frames) / len(frames) if len(frames) else 0.0

    added: list[Filler] = []
    per_gap: dict[int, int] = {}
    for i1, i2, w, primed_lo, primed_hi, replaces in _insertions(default, primed):
        if w.probability < MIN_PROBABILITY:
            continue
        # Primed fillers often come with no duration (a timestamp artefact): judge the sound
        # around them instead.
        a, b = (w.start, w.end) if w.end - w.start >= MIN_FILLER_S else \
            (w.start - MIN_FILLER_S, w.end + MIN_FILLER_S)
        if voiced_share(a, b) * (b - a) < MIN_VOICED_SHARE * min(b - a, JUDGED_S):
            continue
        middle = middle_of(w)
        if not any(s - SPAN_MARGIN_S <= middle <= e + SPAN_MARGIN_S for s, e in speech):
            continue
        # Its time must agree with its place in the text: between the words around the
        # stretch the text puts it in (Whisper's word starts come early and its ends late,
        # hence the neighbours' far edges); within that stretch its time says which gap
        # between the default words it is in. Or else the default decoding timed the words
        # around it elsewhere, which Whisper does where it leaves hesitations out: with no
        # word for the "uh uh uh" it stretches a word next to them over them (base put
        # mfa_uhuh's "Montreal" about 3.5 s late, after the "uh"s said after it). Then the
        # primed decoding, which wrote them, must time the agreed words around the filler on
        # either side of it, and the default decoding have no word at its time.
        lo = default[i1 - 1].start if i1 > 0 else 0.0
        hi = default[i2].end if i2 < len(default) else w.end + 1.0
        index, place = bisect.bisect_left(starts, middle), None
        if replaces:
            index, place = i1, origin[i1]  # in place of the "a," heard at its time
        elif lo <= middle <= hi:
            index = min(max(index, i1), i2)
        elif not primed_lo <= middle <= primed_hi or _within_a_word(default, middle):
            continue
        else:
            place = origin[i1]  # its time would put it on the wrong side of that word
        # A decoding stuck in a loop writes "uh" dozens of times at one instant: no more
        # fillers go into one gap than the sound in it could hold.
        before = default[index - 1].end if index > 0 else 0.0
        after = default[index].start if index < len(default) else w.end + 1.0
        room = max(1, int(max(after - before, b - a) / SECONDS_PER_FILLER))
        if per_gap.get(index, 0) >= room:
            continue
        if any(abs(x.start - w.start) < MIN_FILLER_S for x in added):
            continue
        per_gap[index] = per_gap.get(index, 0) + 1
        added.append(Filler(w.word, round(a if w.end - w.start < MIN_FILLER_S else w.start, 3),
                            round(b if w.end - w.start < MIN_FILLER_S else w.end, 3),
                            w.probability, place, replaces))
    return sorted(added, key=lambda x: x.start)


def listen_for_fillers(transcriber: WhisperTranscriber, audio: Audio,
                       default: Sequence[Word]) -> FillerPass:
    """Run the verbatim pass over one answer whose default transcript is ``default``."""
    import time

    started = time.perf_counter()
    activity = analyse(audio.samples)
    voiced = [bool(v) for v in activity.states != QUIET]
    speech = [(s.start, s.end) for s in spans(activity)]
    first = Audio(audio.samples[:round(opening(speech, audio.duration) * SAMPLE_RATE)])
    whole = merge_fillers(default, primed_words(transcriber, first), voiced, speech)
    pieces = primed_piece_words(transcriber, audio, priming_pieces(speech, audio.duration))
    added = joined_fillers(whole, merge_fillers(default, pieces, voiced, speech))
    return FillerPass(added, transcriber.name, round(time.perf_counter() - started, 3))


def joined_fillers(first: Sequence[Filler], second: Sequence[Filler]) -> list[Filler]:
    """The fillers of both decodings, in time order; one of ``second`` within
    ``SAME_SOUND_S`` of one of ``first`` is the same sound, timed a little differently."""
    out = list(first)
    for w in second:
        if not any(abs(middle_of(w) - middle_of(x)) <= SAME_SOUND_S for x in first):
            out.append(w)
    return sorted(out, key=lambda w: w.start)


