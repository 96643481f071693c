"""Where the live transcriber may cut an answer into chunks: frames in which nobody speaks.

`audio.activity` is deliberately cautious about silence: a frame is QUIET only near the
room's noise floor, and sound the VAD does not call speech (SOUND) keeps an answer open,
because Silero can miss real, loud speech for seconds. Ending an answer and timing it must
stay that cautious. Cutting a chunk need not: a cut in the wrong place costs a word at most,
while a pause that is never found costs the candidate a long wait at the end (the open chunk
grows to ``max_chunk_s`` and its whole decode comes after the answer).

Where it matters: a voice recorded with its own background (a café, a hiss, a crowd) well
above the floor the answer started with. Its pauses are SOUND, never QUIET, so the answer had
no cut-able pause for its whole length: in the latency benchmark a 27 s spontaneous
development recording left a 27.6 s open chunk, and a 1.3-2.1 s wait after Enter.

So a frame is a *lull*, safe to cut at, when it is QUIET, or when it is SOUND (the VAD hears
no speech there, with its hysteresis) **and** its level has dropped ``lull_db`` below the
loud part of the last ``window_s`` seconds (their 90th percentile of frame levels). A hoarse
voice the VAD misses keeps its own level and never reads as a lull; between its words the
level dips for a fraction of a second, shorter than the 0.3 s a speculation needs. With
10 dB, the development recordings' lulls matched the VAD's own pauses of 0.3 s or more,
except where the level stayed within 10 dB of the speech around it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from audio.activity import QUIET, SOUND
from audio.vad import FRAME_S


@dataclass(frozen=True)
class CutSettings:
    lull_db: float = 10.0
    window_s: float = 3.0
    loud_percentile: float = 90.0


class CutPoints:
    """Frame by frame: (activity state, smoothed level) -> may a chunk be cut here?"""

    def __init__(self, settings: CutSettings = CutSettings()) -> None:
        self.settings = settings
        self._recent: deque[float] = deque(maxlen=max(1, round(settings.window_s / FRAME_S)))

    def update(self, state: int, level_db: float) -> bool:
        self._recent.append(level_db)
        if state == QUIET:
            return True
        if state != SOUND:
            return False
        loud = float(np.percentile(self._recent, self.settings.loud_percentile))
        return level_db <= loud - self.settings.lull_db

    def voiced(self, states: Iterable[int], levels: Iterable[float]) -> list[bool]:
        """For each frame, whether someone may be speaking (the incremental transcriber's
        input: it cuts only where this is False)."""
        return [not self.update(state, level) for state, level in zip(states, levels)]
