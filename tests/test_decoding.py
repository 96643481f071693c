"""The search for the most likely parts of an answer (simulator/analysis/decoding.py): each
part is told in one stretch, parts told out of order are still found, and the search is exact."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from simulator.analysis import decoding


def scores_for(*leanings: int | tuple[int, float], n: int = 3) -> list[list[float]]:
    """One row per unit: the part it leans to gets 0.9 (or the given probability)."""
    rows = []
    for lean in leanings:
        part, p = lean if isinstance(lean, tuple) else (lean, 0.9)
        rest = math.log((1 - p) / (n - 1))
        rows.append([math.log(p) if j == part else rest for j in range(n)])
    return rows


def path_score(path: list[int], scores: list[list[float]], n: int,
               opens: list[bool] | None = None) -> float:
    trans = decoding._transitions(n, decoding.stay_scale(len(scores), n))
    total = decoding._start(n)[path[0]] + scores[0][path[0]]
    for k in range(1, len(path)):
        total += trans[path[k - 1]][path[k]] + scores[k][path[k]]
        if opens is not None and not opens[k] and path[k] != path[k - 1]:
            total += decoding.MID_SENTENCE_SWITCH
    return total


def told_once(path: list[int]) -> bool:
    stretches = [part for part, _ in itertools.groupby(path)]
    return len(stretches) == len(set(stretches))


def test_a_part_once_left_is_not_entered_again():
    # Problem, then data, then three units that read a little more like the problem than
    # like data, then modelling: the plain search goes back to the problem; the candidate
    # told each part once, and the three units stay with data.
    back_there = [math.log(0.75), math.log(0.2), math.log(0.05)]
    scores = [*scores_for(0, 0, 1, 1), back_there, back_there, back_there, *scores_for(2, 2)]
    assert decoding._viterbi(scores, 3) == [0, 0, 1, 1, 0, 0, 0, 2, 2]  # the old behaviour
    assert decoding.most_likely_parts(scores, 3) == [0, 0, 1, 1, 1, 1, 1, 2, 2]


def test_a_part_told_out_of_order_is_still_found():
    scores = scores_for(2, 2, 0, 0, 1, 1)
    assert decoding.most_likely_parts(scores, 3) == [2, 2, 0, 0, 1, 1]


def test_the_search_finds_the_best_path_that_tells_each_part_once():
    """Against every path, on random scores: the search is exact, not a heuristic."""
    rng = np.random.default_rng(7)
    for n, units in ((3, 7), (4, 6)):
        for _ in range(25):
            scores = np.log(rng.dirichlet(np.ones(n), size=units)).tolist()
            feasible = [list(p) for p in itertools.product(range(n), repeat=units)
                        if told_once(list(p))]
            best = max(path_score(p, scores, n) for p in feasible)
            found = decoding.most_likely_parts(scores, n)
            assert told_once(found)
            assert math.isclose(path_score(found, scores, n), best, abs_tol=1e-9)


def test_the_search_is_exact_with_sentences_cut_at_clauses():
    """A part change where a unit goes on its sentence costs MID_SENTENCE_SWITCH, and the
    search still finds the best path: against every path, on random scores and cuts."""
    rng = np.random.default_rng(11)
    for n, units in ((3, 7), (4, 6)):
        for _ in range(25):
            scores = np.log(rng.dirichlet(np.ones(n), size=units)).tolist()
            opens = [True, *(bool(x) for x in rng.random(units - 1) < 0.5)]
            feasible = [list(p) for p in itertools.product(range(n), repeat=units)
                        if told_once(list(p))]
            best = max(path_score(p, scores, n, opens) for p in feasible)
            found = decoding.most_likely_parts(scores, n, opens)
            assert math.isclose(path_score(found, scores, n, opens), best, abs_tol=1e-9)
            plain = decoding._viterbi(scores, n, opens)
            every = itertools.product(range(n), repeat=units)
            assert math.isclose(path_score(plain, scores, n, opens),
                                max(path_score(list(p), scores, n, opens) for p in every),
                                abs_tol=1e-9)


def test_a_part_changes_where_a_sentence_starts_rather_than_inside_one():
    # Part 0 for two units; the third unit, the rest of the second unit's sentence, leans a
    # little to part 1, as does the fourth, a new sentence. Without the sentence cuts the
    # change comes at the third unit; with them at the fourth, where the sentence starts.
    leaning = [math.log(0.3), math.log(0.6), math.log(0.1)]
    scores = [*scores_for(0, 0), leaning, leaning, *scores_for(1, 1, 2)]
    assert decoding.most_likely_parts(scores, 3) == [0, 0, 1, 1, 1, 1, 2]
    opens = [True, True, False, True, True, True, True]
    assert decoding.most_likely_parts(scores, 3, opens) == [0, 0, 0, 1, 1, 1, 2]
    assert decoding._viterbi(scores, 3, opens) == [0, 0, 0, 1, 1, 1, 2]
    # A clause that clearly belongs to the next part still changes it mid-sentence.
    scores[2] = [math.log(0.02), math.log(0.96), math.log(0.02)]
    assert decoding.most_likely_parts(scores, 3, opens) == [0, 0, 1, 1, 1, 1, 2]


def test_the_sentence_flags_must_match_the_units():
    with pytest.raises(ValueError, match="3 units' scores but 2 sentence flags"):
        decoding.most_likely_parts(scores_for(0, 1, 2), 3, [True, False])


def test_many_parts_fall_back_to_the_plain_search(monkeypatch):
    scores = scores_for(0, 0, 1, 1, 0, 0, 0, 2, 2)
    assert not told_once(decoding._viterbi(scores, 3))
    monkeypatch.setattr(decoding, "TRACKED_PARTS_MAX", 2)
    assert decoding.most_likely_parts(scores, 3) == decoding._viterbi(scores, 3)


def test_one_unit_and_one_part():
    assert decoding.most_likely_parts([[0.0]], 1) == [0]
    assert decoding.most_likely_parts(scores_for(1), 3) == [1]


def test_the_longest_run_in_the_recommended_order():
    assert decoding.longest_increasing([0, 3, 1, 2, 4]) == [0, 1, 2, 4]
    assert decoding.longest_increasing([]) == []


def test_a_short_answer_can_afford_parts_of_one_unit():
    # Six sentences, each leaning (40 %) to the next of six parts: an 80-second answer that
    # tells every part in a sentence. With the weights fitted on answers of about four units
    # a part, staying in the first part all along was the best path.
    n = 6
    short = scores_for(*[(j, 0.4) for j in range(n)], n=n)
    fitted = decoding._transition_tables(n)
    assert decoding._each_part_once(np.asarray(short), n, [True] * n, fitted) == [0] * n
    assert decoding.most_likely_parts(short, n) == list(range(n))
    # An answer of typical length keeps the fitted weights.
    assert decoding.stay_scale(4 * n, n) == 1.0 == decoding.stay_scale(10 * n, n)
    assert decoding.stay_scale(n, n) == decoding.SHORTEST_STAY_SCALE
    typical = scores_for(*[(j, 0.4) for j in range(n) for _ in range(4)], n=n)
    assert decoding.most_likely_parts(typical, n) == [j for j in range(n) for _ in range(4)]


def brute_chances(scores: list[list[float]], n: int, opens: list[bool],
                  once: bool) -> np.ndarray:
    """P(unit t in part j) summed over every path (every path telling each part once)."""
    units = len(scores)
    total = np.zeros((units, n))
    for p in itertools.product(range(n), repeat=units):
        if once and not told_once(list(p)):
            continue
        weight = math.exp(path_score(list(p), scores, n, opens))
        for t, part in enumerate(p):
            total[t, part] += weight
    return total / total.sum(axis=1, keepdims=True)


def test_the_chances_of_each_part_sum_every_path():
    """The forward-backward chances against every path that tells each part once, on
    random scores and cuts."""
    rng = np.random.default_rng(5)
    for n, units in ((3, 7), (4, 6)):
        for _ in range(10):
            scores = np.log(rng.dirichlet(np.ones(n), size=units)).tolist()
            opens = [True, *(bool(x) for x in rng.random(units - 1) < 0.5)]
            chances = decoding.part_chances(scores, n, opens)
            assert np.allclose(chances, brute_chances(scores, n, opens, once=True), atol=1e-9)
            assert np.allclose(chances.sum(axis=1), 1.0)


def test_the_chances_of_the_plain_search(monkeypatch):
    rng = np.random.default_rng(6)
    monkeypatch.setattr(decoding, "TRACKED_PARTS_MAX", 2)
    for _ in range(10):
        scores = np.log(rng.dirichlet(np.ones(3), size=6)).tolist()
        opens = [True, *(bool(x) for x in rng.random(5) < 0.5)]
        assert np.allclose(decoding.part_chances(scores, 3, opens),
                           brute_chances(scores, 3, opens, once=False), atol=1e-9)


def test_a_clear_answer_is_sure_and_a_torn_unit_is_not():
    # Units that lean hard to their parts leave no doubt; a unit torn between the part
    # before it and the part after it gets a chance near one half for each.
    torn = [math.log(0.45), math.log(0.45), math.log(0.1)]
    chances = decoding.part_chances([*scores_for((0, 0.98), (0, 0.98)), torn,
                                     *scores_for((1, 0.98), (1, 0.98), (2, 0.98), (2, 0.98))], 3)
    assert chances[0, 0] > 0.99 and chances[-1, 2] > 0.99
    assert 0.2 < chances[2, 0] < 0.8 and 0.2 < chances[2, 1] < 0.8
    assert decoding.part_chances([], 3).shape == (0, 3)
