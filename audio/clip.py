"""The one audio value type used throughout the program.

An :class:`Audio` is 16 kHz mono float32 samples in [-1, 1]. Its duration is derived from the
sample count, never from a wall clock, so timing computed from it is exact and repeatable.
Conversion from other rates and channel counts happens at the edges (see `audio.io`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 16_000


@dataclass(frozen=True, eq=False)
class Audio:
    """Mono float32 samples at :data:`SAMPLE_RATE`."""

    samples: np.ndarray

    def __post_init__(self) -> None:
        samples = np.asarray(self.samples, dtype=np.float32)
        if samples.ndim != 1:
            raise ValueError(f"Audio must be mono (1-D), got shape {samples.shape}")
        object.__setattr__(self, "samples", samples)

    @property
    def sample_rate(self) -> int:
        return SAMPLE_RATE

    @property
    def duration(self) -> float:
        """Length in seconds, from the sample count."""
        return len(self.samples) / SAMPLE_RATE

    def __len__(self) -> int:
        return len(self.samples)

    @classmethod
    def silence(cls, seconds: float) -> Audio:
        return cls(np.zeros(round(seconds * SAMPLE_RATE), dtype=np.float32))

    def slice(self, start_s: float, end_s: float) -> Audio:
        a = max(0, round(start_s * SAMPLE_RATE))
        b = min(len(self.samples), round(end_s * SAMPLE_RATE))
        return Audio(self.samples[a:b])

    def concat(self, *others: Audio) -> Audio:
        return Audio(np.concatenate([self.samples, *(o.samples for o in others)]))
