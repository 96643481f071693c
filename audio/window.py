"""Encoding only the part of Whisper's 30-second window that holds audio.

Whisper's encoder is trained on 30 s windows, and faster-whisper pads every shorter piece of
audio to 30 s (`pad_or_trim` appends columns of zeros to the log-mel features) before
encoding it. On two cores that fixed cost dominates a live answer's chunks: the base
model's encoder takes 0.71-0.74 s on a padded window, so a 3 s chunk took 1.2 s to
transcribe, and the last chunk of an answer, which the candidate waits for, was often not
ready in the second between the last word and Enter.

CTranslate2's encoder accepts a shorter input (the positional embeddings are sliced), as
whisper.cpp's ``audio_ctx`` does. Here the padding is cut off again before encoding,
keeping a margin of it (the model always saw some silence after speech) and a minimum
window of 20 s (0.21 s to encode, against 0.71 s for 30 s and 0.09 s for 10 s). Measured
with base on the development speech cut into chunks as a live answer is (9 answers of
30-180 s, every chunk decoded padded, fitted with a 10 s minimum, fitted with 20 s): WER
median 4.7 / 4.6 / 4.3 %, mean 4.8 / 4.4 / 3.9 %, decoding time 96 / 63 / 67 s. With 10 s
one chunk of a 180 s answer went wrong (9.5 % against 4.2 %) and in the live benchmark
the 90 s answers came out worse than the whole recording; with 20 s no answer of those
nine was worse than padded (the live benchmark: docs/architecture.md). The development
clips alone (shared/speech, 1.5-27 s) give the same words as padded, 1.5-2 times faster.

Only the first window of a transcription is fitted (`fitted_first_window`), or every window
of a batch of short pieces decoded each on its own (`fitted_windows`, the verbatim pass's
pieces: they have no leftovers). When Whisper
ends that window with a complete segment, faster-whisper decodes what follows it as a new
window, usually a fraction of a second of pause; fitted, such a leftover made the base
model write the clip's first sentence again (seen on one held-out recording while its
figures were checked; nothing was tuned on it). Leftovers are encoded as the model was
trained, padded. Windows without padding (the first 30 s of a longer recording) are encoded
as they are. The decoder's timestamps and the word alignment read the encoder's output only
up to the content, so they are unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

FRAMES_PER_S = 100  # Whisper's log-mel frames: one per 10 ms
MIN_WINDOW_S = 20.0
MARGIN_S = 1.0

_armed = threading.local()  # per thread: fit the next window encoded


def fitted_frames(content_frames: int, full_frames: int, min_window_s: float = MIN_WINDOW_S,
                  margin_s: float = MARGIN_S) -> int:
    """How many frames of a window to encode when ``content_frames`` of its ``full_frames``
    hold audio: the content, a margin of padding and at least the minimum window, rounded
    up to whole seconds (fewer distinct shapes), never more than the window."""
    wanted = max(content_frames + margin_s * FRAMES_PER_S, min_window_s * FRAMES_PER_S)
    rounded = int(-(-wanted // FRAMES_PER_S) * FRAMES_PER_S)
    return min(full_frames, rounded)


def content_frames(features: np.ndarray) -> int:
    """Frames before the zero columns `pad_or_trim` appended (features: (..., mels, frames)).

    A log-mel frame of real audio is never zero in every band: Whisper's normalisation maps
    even digital silence below zero (-0.5 to -1.5)."""
    columns = np.abs(features).reshape(-1, features.shape[-1]).max(axis=0)
    nonzero = np.flatnonzero(columns)
    return int(nonzero[-1]) + 1 if len(nonzero) else 0


def fit_encoder_window(whisper: Any, min_window_s: float = MIN_WINDOW_S,
                       margin_s: float = MARGIN_S) -> None:
    """Make ``whisper`` (a faster_whisper.WhisperModel) encode only the audio part of the
    first window of each transcription run inside `fitted_first_window`. The flag is per
    thread, so one model can serve several threads."""
    encode: Callable[[np.ndarray], Any] = whisper.encode

    def fitted_encode(features: np.ndarray) -> Any:
        # Every window inside `fitted_windows`; else only the first inside `fitted_first_window`.
        if not (getattr(_armed, "fit_all", False) or getattr(_armed, "fit", False)):
            return encode(features)
        _armed.fit = False
        frames = features.shape[-1]
        keep = fitted_frames(content_frames(features), frames, min_window_s, margin_s)
        return encode(features[..., :keep] if keep < frames else features)

    whisper.encode = fitted_encode


@contextmanager
def fitted_windows() -> Iterator[None]:
    """Within this block, every window this thread encodes is fitted to its audio (for a
    batch, to its longest piece): for decodings of short pieces each read on its own, which
    have no leftover windows (`audio.primed`)."""
    _armed.fit_all = True
    try:
        yield
    finally:
        _armed.fit_all = False


@contextmanager
def fitted_first_window() -> Iterator[None]:
    """Within this block, the first window this thread encodes is fitted to its audio."""
    _armed.fit = True
    try:
        yield
    finally:
        _armed.fit = False
