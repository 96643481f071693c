"""The primed decodings of the verbatim pass (`audio.fillers`): Whisper decoding with a
prompt that writes hesitations out, so that it writes them too.

Whisper reads an initial prompt with its first 30 s window only; after it, each window is
conditioned on the text already written, which is fluent, so one primed decoding of a long
answer writes few more fillers than the default decoding after its first half minute. Two
decodings cover the answer:

- its first window as one decoding (`primed_words` on the audio up to `opening`), cut in a
  pause;
- the whole answer in short pieces cut at its pauses (`priming_pieces`), each read with the
  prompt and nothing before it, all decoded as one batch (`primed_piece_words`), each batch
  encoded in a window fitted to its longest piece (`audio.window.fitted_windows`) rather
  than padded to 30 s: the pass took 18 % less time on a 3-minute answer, the same fillers.

What the pass takes from them, and how the two are joined, is `audio.fillers`'s business.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from audio.clip import Audio
from audio.transcriber import WhisperTranscriber, Word
from audio.window import fitted_windows

# A made-up spoken sentence written verbatim; Whisper continues in the style of its prompt.
# One with a hesitation every word or two: the sparser prompt of version 2 ("Um, so, uh, I
# think, like, we, um, you know, built it.") left all three "um"s and "uh"s of the
# development recording mfa_acoustic_corpus_spontaneous unwritten; this one writes them, and
# no filler on the negative recordings (breaths, laughter, stretched words).
FILLER_PROMPT = "So, uh, um, we, uh, we had, um, the, uh, the model, and, um, hmm, yeah."
# The short pieces: the answer cut at pauses of at least PIECE_PAUSE_S once a piece is longer
# than PIECE_S, each padded by PIECE_PAD_S of its own audio. Chosen on the development
# recordings said late (bench/fillers.py --late): pieces of up to 5 and 10 s found the same
# fillers; 25 s pieces found only those right after a cut.
PIECE_S = 5.0
PIECE_PAUSE_S = 0.2
PIECE_PAD_S = 0.2
WHISPER_WINDOW_S = 29.5  # a piece is never longer than Whisper's window
PIECE_BATCH = 8


def primed_words(transcriber: WhisperTranscriber, audio: Audio) -> list[Word]:
    """Whisper's words for ``audio`` decoded with the filler prompt."""
    kwargs = dict(transcriber.settings.as_kwargs())
    kwargs["initial_prompt"] = FILLER_PROMPT
    segments, _info = transcriber.model.transcribe(audio.samples, **kwargs)
    return _words_of(segments)


def opening(speech: Sequence[tuple[float, float]], duration: float) -> float:
    """Where the primed decoding of the answer's first window stops (seconds): after the last
    stretch of speech that ends within ``WHISPER_WINDOW_S`` (a cut in a pause, not in a
    word), or at the window's end when the first stretch is longer; the whole audio when it
    is that short."""
    if duration <= WHISPER_WINDOW_S:
        return duration
    ends = [end for _, end in speech if end <= WHISPER_WINDOW_S]
    return min(duration, ends[-1] + PIECE_PAD_S) if ends else WHISPER_WINDOW_S


def priming_pieces(speech: Sequence[tuple[float, float]],
                   duration: float) -> list[tuple[float, float]]:
    """The short pieces the answer is decoded in (seconds): its stretches of speech
    (``speech``) gathered until a piece is longer than ``PIECE_S``, then cut at the next
    pause of at least ``PIECE_PAUSE_S``; each padded by ``PIECE_PAD_S`` within the audio and
    its pauses, and a piece with no such pause in Whisper's window cut at the window's
    length. The pieces do not overlap."""
    gathered: list[tuple[float, float]] = []
    for start, end in speech:
        if gathered and not (end - gathered[-1][0] > PIECE_S
                             and start - gathered[-1][1] >= PIECE_PAUSE_S):
            gathered[-1] = (gathered[-1][0], end)
        else:
            gathered.append((start, end))
    pieces = []
    for k, (start, end) in enumerate(gathered):
        # Padded, but never into the next piece's padding: pieces share no audio (where a
        # pause is shorter than both paddings, each takes half of it).
        a = max(0.0, start - PIECE_PAD_S, (gathered[k - 1][1] + start) / 2 if k else 0.0)
        b = min(duration, end + PIECE_PAD_S,
                (end + gathered[k + 1][0]) / 2 if k + 1 < len(gathered) else duration)
        while b - a > WHISPER_WINDOW_S:
            pieces.append((a, a + WHISPER_WINDOW_S))
            a += WHISPER_WINDOW_S
        if b > a:  # not rounded: a piece ending with the audio must not end after it
            pieces.append((a, b))
    return pieces


def primed_piece_words(transcriber: WhisperTranscriber, audio: Audio,
                       pieces: Sequence[tuple[float, float]]) -> list[Word]:
    """Whisper's words for the ``pieces`` of ``audio`` (seconds), each decoded on its own with
    the filler prompt and nothing before it. One batch (faster-whisper's batched pipeline):
    about as fast as one decoding of the whole answer."""
    if not pieces:
        return []
    from faster_whisper import BatchedInferencePipeline

    settings = transcriber.settings
    with fitted_windows():
        segments, _info = BatchedInferencePipeline(transcriber.model).transcribe(
            audio.samples, language=settings.language, beam_size=settings.beam_size,
            word_timestamps=True, vad_filter=False, initial_prompt=FILLER_PROMPT,
            clip_timestamps=[{"start": a, "end": b} for a, b in pieces],
            batch_size=PIECE_BATCH)
        return _words_of(segments)


def _words_of(segments: Iterable[Any]) -> list[Word]:
    """faster-whisper's segments (a lazy generator: this runs the decoding) as words."""
    return [Word(w.word.strip(), round(w.start, 3), round(w.end, 3), round(w.probability, 3))
            for seg in segments for w in (seg.words or ())]
