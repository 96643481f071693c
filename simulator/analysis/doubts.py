"""Where the parts' timeline may be wrong: the stretches the locator is unsure of, and what
else each could be.

The search (`decoding.most_likely_parts`) gives every unit one part. The same model also
gives each unit's chance of belonging to every part, given the whole answer
(`decoding.part_chances`). A unit whose part has a chance under `SURE_AT` is in doubt, and
the likeliest other part is what it could be; consecutive units in doubt between the same
two parts make one `Doubt`. A part the timeline calls missing may then be "maybe told":
a doubt that could be it says where to listen.

Measured on the corpora with known parts (`bench/analysis.py`, text and spoken): on the
development corpora's transcripts every unit with a chance of 0.99 or more was right (410
of 410), and where a unit was in doubt the true part was one of the two named in about 95 %
of its time. `SURE_AT` = 0.9 was chosen there, as the level that names most wrong time
without putting much of a clear answer in doubt (development: 4 % of the time in doubt,
85 % of the wrong time among it; the plain corpus, whose parts are told with few cues: 24 %
and 55 %; 0.8 named 61 % and 44 % of the wrong time, 0.95 put 32 % of the plain corpus in
doubt).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

SURE_AT = 0.9  # a unit whose part has a lower chance than this is in doubt
# A missing part is "maybe told" where a doubt gives it at least this chance. On the
# development corpora's text, of the four missing parts a doubt could be, the two above
# 0.3 were one part the candidate did tell (the timeline's mistake, 0.33) and one they
# did not (0.36); the two below (0.13, 0.25) were both left out.
MAYBE_AT = 0.3


@dataclass(frozen=True)
class Doubt:
    """A stretch the timeline gives to ``read_as`` that could be ``could_be``."""

    start_s: float
    end_s: float
    read_as: str  # part id, as in the timeline
    could_be: str  # part id: the likeliest other part
    read_as_chance: float  # time-weighted mean over the stretch's units
    could_be_chance: float

    def to_json(self) -> dict[str, float | str]:
        return asdict(self)


def doubts_of(path: Sequence[int], chances: np.ndarray, owned: Sequence[tuple[float, float]],
              part_ids: Sequence[str]) -> tuple[Doubt, ...]:
    """The doubts of a located answer: ``path`` the part (index) of each unit, ``chances``
    its chance of each part (`decoding.part_chances`), ``owned`` the time each unit owns
    (from its first word to the next unit's), ``part_ids`` the parts in script order."""
    runs: list[tuple[int, int, list[int]]] = []  # (read as, could be, unit indices)
    if len(part_ids) < 2:
        return ()
    for k, part in enumerate(path):
        # Not finite: scores no path could take (never from the locator, whose scores are
        # smoothed); such a unit says nothing rather than NaN in the JSON.
        if chances[k, part] >= SURE_AT or not np.isfinite(chances[k]).all():
            continue
        others = chances[k].copy()
        others[part] = -1.0
        other = int(np.argmax(others))
        if runs and runs[-1][2][-1] == k - 1 and runs[-1][:2] == (part, other):
            runs[-1][2].append(k)
        else:
            runs.append((part, other, [k]))
    out = []
    for part, other, units in runs:
        weights = np.array([max(owned[k][1] - owned[k][0], 1e-3) for k in units])
        out.append(Doubt(round(owned[units[0]][0], 2), round(owned[units[-1]][1], 2),
                         part_ids[part], part_ids[other],
                         _mean(chances[units, part], weights),
                         _mean(chances[units, other], weights)))
    return tuple(out)


def _mean(values: np.ndarray, weights: np.ndarray) -> float:
    return round(float(np.average(values, weights=weights)), 2)


def maybe_told(doubts: Sequence[Doubt], part_id: str) -> Doubt | None:
    """The doubt that most likely holds ``part_id`` (a part the timeline calls missing), if
    one gives it a chance of `MAYBE_AT` or more."""
    return max((d for d in doubts if d.could_be == part_id and d.could_be_chance >= MAYBE_AT),
               key=lambda d: d.could_be_chance, default=None)
