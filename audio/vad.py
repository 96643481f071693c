"""Voice-activity detection: where the speech is inside a piece of audio.

Uses the Silero VAD model that ships inside the faster-whisper wheel (no download). Answer
timing is measured from these spans, not from file length or wall-clock time, so leading and
trailing silence (or room noise) never counts as speaking time.

One code path serves files and live recording: Silero gives a speech probability per 32 ms
frame (:func:`frame_probabilities` for a whole clip, :class:`StreamingVad` block by block,
with identical results). Turning probabilities into speech spans is `audio.activity`'s job:
the VAD alone misses some real speech, so it is combined there with the signal's level.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from audio.clip import SAMPLE_RATE, Audio

FRAME = 512  # samples per Silero frame at 16 kHz (32 ms)
FRAME_S = FRAME / SAMPLE_RATE
_CONTEXT = 64  # samples of left context Silero v6 expects before each frame

_model = None
_model_lock = threading.Lock()


def _silero():
    """The ONNX model, loaded once per process (about 2 MB, a few ms)."""
    global _model
    with _model_lock:
        if _model is None:
            from faster_whisper.vad import get_vad_model

            _model = get_vad_model()
    return _model


@dataclass(frozen=True)
class VadSettings:
    threshold: float = 0.5
    min_speech_ms: int = 120
    min_silence_ms: int = 300

    @property
    def neg_threshold(self) -> float:
        # Silero's recommended hysteresis: leave speech only well below the entry threshold.
        return max(self.threshold - 0.15, 0.01)


class _SileroState:
    """Silero v6 is recurrent: its LSTM state (h, c) carries from frame to frame, and each
    frame also sees the last 64 samples of the one before. Keeping both across calls makes
    block-by-block results identical to processing the whole clip at once."""

    def __init__(self) -> None:
        self.h = np.zeros((1, 1, 128), dtype=np.float32)
        self.c = np.zeros((1, 1, 128), dtype=np.float32)
        self.context = np.zeros(_CONTEXT, dtype=np.float32)

    def run(self, frames: np.ndarray) -> np.ndarray:
        batch = frames.reshape(-1, FRAME)
        contexts = np.concatenate([self.context[None, :], batch[:-1, -_CONTEXT:]], axis=0)
        rows = np.concatenate([contexts, batch], axis=1)
        out, self.h, self.c = _silero().session.run(
            None, {"input": rows, "h": self.h, "c": self.c}
        )
        self.context = batch[-1, -_CONTEXT:].copy()
        return np.asarray(out, dtype=np.float32).reshape(-1)


def frame_probabilities(audio: Audio) -> np.ndarray:
    """Speech probability for every whole 32 ms frame of ``audio``."""
    n = len(audio) // FRAME
    if n == 0:
        return np.zeros(0, dtype=np.float32)
    state = _SileroState()
    # Bounded batches keep memory flat on long answers; the state carries across them.
    step = 4096 * FRAME
    samples = audio.samples[: n * FRAME]
    return np.concatenate([state.run(samples[i : i + step]) for i in range(0, len(samples), step)])


class StreamingVad:
    """Feed audio blocks of any size; get probabilities for each completed frame."""

    def __init__(self) -> None:
        self._pending = np.zeros(0, dtype=np.float32)
        self._state = _SileroState()
        self.probabilities: list[float] = []

    def feed(self, samples: np.ndarray) -> np.ndarray:
        data = np.concatenate([self._pending, samples.astype(np.float32, copy=False)])
        n = len(data) // FRAME
        self._pending = data[n * FRAME :]
        if n == 0:
            return np.zeros(0, dtype=np.float32)
        probs = self._state.run(data[: n * FRAME])
        self.probabilities.extend(probs.tolist())
        return probs
