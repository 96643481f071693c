"""The most likely sequence of parts for an answer's units: the hidden Markov model's search.

`parts.py` scores every unit of an answer against every part (log probabilities); this
module turns those scores into one part per unit. The model: a candidate usually stays in a
part for several sentences, usually moves on to the next part (less often past it), and
rarely goes back to an earlier one (a part told out of the recommended order).

**Each part is told in one stretch.** The search never returns to a part it has left: its
state is the current part *and the set of parts already told*, so "data, modelling, data
again" is not a path, while "problem, impact, data" (impact told early) still is. Candidates
do not come back to a part once they have moved on (no answer of the corpora, the 60
example answers or the held-out corpus does), and without the rule a stretch whose wording
leans towards a part already told went back to it: a serving paragraph about photos sent
back for labelling read as data, and the trade-offs that followed went with it. With it
(text only, median / worst answer, time-weighted): development 98.2 / 89.5 % -> 100 /
89.5 % (95.8 -> 97.8 %), plain 80.3 / 60.0 % -> 85.2 / 71.1 % (78.3 -> 84.4 %), the
example answers judged in four folds 93.8 / 76.2 % -> 95.9 / 82.0 %; held out, checked
after the choice, 89.4 / 74.7 % -> 92.5 / 74.7 % (90.5 -> 91.7 %). The transition weights
were swept again with the rule (back 0.02-0.1, stay 0.8-0.92): the old ones stayed best.
The price: the corpora were written with every part in one stretch, so nothing here measures
a candidate who does come back ("going back to the data for a second"); such a return is
timed to the part around it (or, if long, to the returned-to part, shortening the first
telling), and the report cannot show it as a second visit.

**A part changes where a sentence starts.** A long sentence is cut into units at its
clauses (`units.py`), and a change of part at a unit that goes on its sentence costs
`MID_SENTENCE_SWITCH` (2 nats: such a change is about a seventh as likely as at a sentence
start). People move to the next topic with a new sentence ("Then for the data, ...");
what comes after a comma ("which took me ages to untangle", "and thought we were doing
great") finishes the thought it started. Without the cost a clause whose wording leaned
to the next part opened it a clause early, and whole stretches followed. No true part
boundary of the development corpora, text or spoken, falls inside a sentence (124 of 124
at a sentence start in both), which also means they cannot measure a candidate who changes topic
mid-sentence: the cost is kept soft, so a clause that clearly belongs elsewhere still moves
(and a transcript without full stops is not read as one long sentence: `units.RUN_ON_TOKENS`).
Chosen on the development corpora and the example answers in four folds (text, median /
worst answer, time-weighted): development unchanged (100 / 89.5 %, 97.8 %), plain 88.6 /
76.3 % -> 89.2 / 75.0 % (86.7 -> 88.1 %), example answers 95.6 / 85.3 % -> 98.6 / 85.3 %
(95.5 -> 97.1 %); spoken, on the same transcripts, development 96.5 / 78.0 % -> 97.7 /
87.8 % (93.4 -> 96.1 %), plain 86.6 / 74.2 % -> 88.6 / 71.4 % (83.2 -> 84.5 %). Costs of 1,
1.5, 2.5, 3, 5 and a hard rule were tried: 2 was best or tied on every set; a cost only
after a relative or causal word ("which", "because", ...) or never after "and"/"so" did
worse. Held out, checked once after the choice: text 92.5 / 74.7 % -> 99.0 / 74.7 % (91.7
-> 93.9 %), spoken 94.4 / 61.4 % -> 96.9 / 67.7 % (87.6 -> 89.8 %).

The set of parts told makes 2**n states per part, so the rule is kept for up to
`TRACKED_PARTS_MAX` parts (512 sets for the deep dive's nine: under 20 ms for a 3-minute
answer); a script with more parts is decoded without it (the plain Viterbi search, which may
revisit a part).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

STAY, FORWARD, BACK = 0.86, 0.12, 0.05  # transition weights (normalised per state); going
# back costs the same from any part: a part told late is no less likely late in the answer
SKIP_DECAY = 0.55  # moving forward past a part is less likely than to the next one
TYPICAL_UNITS_PER_PART = 4.0  # most development answers have 3-5 units a part (all: 1.6-4.8)
SHORTEST_STAY_SCALE = 0.25
MID_SENTENCE_SWITCH = -2.0  # log weight of changing part where a unit goes on a sentence
TRACKED_PARTS_MAX = 11  # 60 units (a 3-minute answer): 9 parts 18 ms, 10 37 ms, 11 80 ms;
# 12 would take 173 ms, a sixth of the analysis's one-second budget, for a rare script


def most_likely_parts(scores: Sequence[Sequence[float]], n: int,
                      opens_sentence: Sequence[bool] | None = None) -> list[int]:
    """The index of the part of each unit (``scores[unit][part]``: log P(unit | part));
    ``opens_sentence[unit]`` is False where a unit is the rest of a sentence cut at a clause
    (a part change there costs `MID_SENTENCE_SWITCH`; all True when not given)."""
    opens = list(opens_sentence) if opens_sentence is not None else [True] * len(scores)
    if len(opens) != len(scores):
        raise ValueError(f"{len(scores)} units' scores but {len(opens)} sentence flags")
    tables = _transition_tables(n, stay_scale(len(scores), n))
    if n <= TRACKED_PARTS_MAX:
        return _each_part_once(np.asarray(scores, dtype=float), n, opens, tables)
    return _viterbi(scores, n, opens, tables)


def part_chances(scores: Sequence[Sequence[float]], n: int,
                 opens_sentence: Sequence[bool] | None = None) -> np.ndarray:
    """``chances[unit][part]``: the probability that each unit belongs to each part, given the
    whole answer, under the model the search uses (the forward-backward algorithm over the
    same states and transitions). Where the search's part has a chance near 1 the reading is
    safe; where it is lower, the runner-up says what else the stretch could be (`doubts.py`).

    Computed in probabilities, each step rescaled to sum to 1 (each unit's scores shifted to
    a maximum of 0 first): the scales cancel out of the chances, and it is several times
    faster than summing logarithms (about 25 ms for a 3-minute answer's 60 units)."""
    opens = list(opens_sentence) if opens_sentence is not None else [True] * len(scores)
    if len(opens) != len(scores):
        raise ValueError(f"{len(scores)} units' scores but {len(opens)} sentence flags")
    rows = np.asarray(scores, dtype=float).reshape(len(scores), n)
    if not len(rows):
        return rows
    emit = np.exp(rows - rows.max(axis=1, keepdims=True))
    tables = _transition_tables(n, stay_scale(len(rows), n))
    moves = {opens_here: np.exp(np.asarray(t)) for opens_here, t in tables.items()}
    start = np.exp(np.asarray(_start(n)))
    if n <= TRACKED_PARTS_MAX:
        return _each_part_once_chances(emit, n, opens, moves, start)
    return _plain_chances(emit, opens, moves, start)


def _each_part_once_chances(emit: np.ndarray, n: int, opens: Sequence[bool],
                            moves: dict[bool, np.ndarray], start: np.ndarray) -> np.ndarray:
    """Forward-backward over (set of parts told, current part), as `_each_part_once`."""
    sets = 1 << n
    told = (np.arange(sets)[:, None] >> np.arange(n)[None, :]) & 1
    entries = []
    for j in range(n):
        before = np.flatnonzero(told[:, j] == 0)
        entries.append((before, before | (1 << j)))
    units = len(emit)
    forward = np.zeros((units, sets, n))
    for j in range(n):
        forward[0, 1 << j, j] = start[j] * emit[0, j]
    forward[0] /= forward[0].sum()
    for t in range(1, units):
        move = moves[bool(opens[t])]
        step = forward[t - 1] * np.diag(move)  # staying in the part
        arriving = forward[t - 1] @ move  # [set, to part]
        for j, (before, after) in enumerate(entries):
            step[after, j] += arriving[before, j]
        step *= emit[t]
        forward[t] = step / step.sum()
    backward = np.ones((sets, n))
    chances = np.empty((units, n))
    for t in range(units - 1, -1, -1):
        if t < units - 1:
            move = moves[bool(opens[t + 1])]
            ahead = backward * emit[t + 1]
            entering = np.zeros((sets, n))  # entering[set, j]: j entered from that set
            for j, (before, after) in enumerate(entries):
                entering[before, j] = ahead[after, j]
            # leaving part i for a part not yet told (never i itself: i is in the set)
            step = ahead * np.diag(move) + entering @ move.T
            backward = step / step.sum()
        both = (forward[t] * backward).sum(axis=0)
        chances[t] = both / both.sum()
    return chances


def _plain_chances(emit: np.ndarray, opens: Sequence[bool], moves: dict[bool, np.ndarray],
                   start: np.ndarray) -> np.ndarray:
    """Forward-backward of the plain search (a part may be told in several stretches)."""
    units = len(emit)
    forward = np.zeros_like(emit)
    forward[0] = start * emit[0] / (start * emit[0]).sum()
    for t in range(1, units):
        step = (forward[t - 1] @ moves[bool(opens[t])]) * emit[t]
        forward[t] = step / step.sum()
    backward = np.ones(emit.shape[1])
    chances = np.empty_like(emit)
    for t in range(units - 1, -1, -1):
        if t < units - 1:
            step = moves[bool(opens[t + 1])] @ (backward * emit[t + 1])
            backward = step / step.sum()
        both = forward[t] * backward
        chances[t] = both / both.sum()
    return chances


def stay_scale(units: int, n: int) -> float:
    """How much less likely than usual it is to stay in a part, in an answer of ``units``
    units and ``n`` parts: 1 for an answer of typical length or longer, down to
    `SHORTEST_STAY_SCALE` for one with a unit or so a part.

    The transition weights were fitted on answers of mostly three to five units a part, and
    they make a part last about four units. A short answer that still tells every part (the
    development corpus's 80-second ads-ctr: 14 units for nine parts, spoken) then cannot
    afford its one-unit parts: its modelling sentence went to data, and its last sentence, a
    lesson about calibration that reads like modelling, took modelling's place (66 % of its
    time right; 98 % with the scale). The
    weight of staying shrinks with the units a part has, so the expected length of a part
    follows the answer's; longer answers keep the fitted weights, which a longer scale
    did not improve (it cost the plain corpus's text a point)."""
    per_part = units / max(n, 1)
    return min(1.0, max(SHORTEST_STAY_SCALE, per_part / TYPICAL_UNITS_PER_PART))


def longest_increasing(seq: Sequence[int]) -> list[int]:
    """The longest strictly increasing subsequence (the parts told in the recommended order)."""
    best: list[list[int]] = []
    for x in seq:
        candidates = [b for b in best if b[-1] < x]
        best.append([*max(candidates, key=len, default=[]), x])
    return max(best, key=len, default=[])


def _transitions(n: int, stay: float = 1.0) -> list[list[float]]:
    """log P(next part | part), in the recommended order (the weight of staying scaled by
    ``stay``: `stay_scale`)."""
    table = []
    for i in range(n):
        row = []
        for j in range(n):
            if j == i:
                w = STAY * stay
            elif j > i:
                w = FORWARD * SKIP_DECAY ** (j - i - 1)
            else:
                w = BACK
            row.append(w)
        total = sum(row)
        table.append([math.log(w / total) for w in row])
    return table


def _transition_tables(n: int, stay: float = 1.0) -> dict[bool, list[list[float]]]:
    """The transitions into a unit, by whether it opens a sentence: changing part into one
    that goes on its sentence costs `MID_SENTENCE_SWITCH` more."""
    at_sentence = _transitions(n, stay)
    mid_sentence = [[w if i == j else w + MID_SENTENCE_SWITCH for j, w in enumerate(row)]
                    for i, row in enumerate(at_sentence)]
    return {True: at_sentence, False: mid_sentence}


def _start(n: int) -> list[float]:
    return [math.log(SKIP_DECAY ** j) for j in range(n)]  # most answers open with part one


def _each_part_once(scores: np.ndarray, n: int, opens: Sequence[bool],
                    transitions: dict[bool, list[list[float]]]) -> list[int]:
    """Viterbi over (set of parts told, current part): a part left is never entered again."""
    tables = {opens_here: np.asarray(t) for opens_here, t in transitions.items()}
    sets = 1 << n
    told = (np.arange(sets)[:, None] >> np.arange(n)[None, :]) & 1  # told[set, part]
    best = np.full((sets, n), -np.inf)
    for j, start in enumerate(_start(n)):
        best[1 << j, j] = start + scores[0, j]
    # Where each part can be entered from: the sets that have not told it yet, and the set
    # it makes.
    entries = []
    for j in range(n):
        before = np.flatnonzero(told[:, j] == 0)
        entries.append((before, before | (1 << j)))
    stay_set = np.broadcast_to(np.arange(sets)[:, None], (sets, n))
    stay_part = np.broadcast_to(np.arange(n)[None, :], (sets, n))
    came_from: list[tuple[np.ndarray, np.ndarray]] = []
    for row, opens_here in zip(scores[1:], opens[1:]):
        trans = tables[bool(opens_here)]
        step = best + np.diag(trans)  # staying in the part
        from_set, from_part = stay_set.copy(), stay_part.copy()
        arriving = best[:, :, None] + trans[None, :, :]  # [set, from part, to part]
        via = arriving.argmax(axis=1)
        value = np.take_along_axis(arriving, via[:, None, :], axis=1)[:, 0, :]
        for j, (before, after) in enumerate(entries):
            better = value[before, j] > step[after, j]
            now_after, now_before = after[better], before[better]
            step[now_after, j] = value[now_before, j]
            from_set[now_after, j] = now_before
            from_part[now_after, j] = via[now_before, j]
        best = step + row[None, :]
        came_from.append((from_set, from_part))
    told_set, part = (int(x) for x in np.unravel_index(int(np.argmax(best)), best.shape))
    path = [part]
    for from_set, from_part in reversed(came_from):
        told_set, part = int(from_set[told_set, part]), int(from_part[told_set, part])
        path.append(part)
    return path[::-1]


def _viterbi(scores: Sequence[Sequence[float]], n: int, opens: Sequence[bool] | None = None,
             transitions: dict[bool, list[list[float]]] | None = None) -> list[int]:
    """The plain search (a part may be told in several stretches), for many parts."""
    tables = transitions or _transition_tables(n, stay_scale(len(scores), n))
    opens = opens if opens is not None else [True] * len(scores)
    start = _start(n)
    best = [start[j] + scores[0][j] for j in range(n)]
    back: list[list[int]] = []
    for row, opens_here in zip(scores[1:], opens[1:]):
        trans = tables[bool(opens_here)]
        step, prev = [], []
        for j in range(n):
            i = max(range(n), key=lambda k: best[k] + trans[k][j])
            step.append(best[i] + trans[i][j] + row[j])
            prev.append(i)
        best, back = step, [*back, prev]
    state = max(range(n), key=lambda j: best[j])
    path = [state]
    for prev in reversed(back):
        state = prev[state]
        path.append(state)
    return path[::-1]
