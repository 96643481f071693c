"""Where each part of an open answer was said: a timeline of parts from the transcript.

The script declares an open answer's parts in the recommended order, each with a budget, a
line saying what it covers and, optionally, cue words (`config.script.Part`). Here the
transcript is cut into units (sentences, long ones split at clauses), every unit is scored
against every part, and the most likely sequence of parts is found with the Viterbi
algorithm over a small hidden Markov model:

- **emissions**: how well a unit matches a part. When the script gives the parts example
  sentences and the sentence model is installed (`embedding.py`), mostly how close the unit
  is in meaning to each part's closest examples: candidates tell a part in their own words,
  which no word list foresees. Then, and alone without the model, its cue words and the
  content words of its title and description, each weighted by how specific it is to that
  part (a word every part shares says nothing); a unit matching nothing leaves the decision
  to the neighbours;
- **transitions** (`decoding.py`): a candidate usually stays in a part for several sentences,
  usually moves on to a later part, and only rarely goes back (which is allowed: that is a
  part told out of the recommended order); a part once left is not entered again.

Each unit then owns the time from its first word to the next unit's first word (pauses belong
to the part they follow), so the parts' seconds add up to the answer's speaking time. A part
with no unit is missing; parts visited outside the longest run in the recommended order are
out of order. The same model gives each unit its chance of every part; where the chosen
part's is low the timeline keeps the stretch as a doubt, with what else it could be
(`doubts.py`), so that the reports can say where they may be wrong. Deterministic and
offline: a 3-minute answer takes about half a second with the sentence model (a few tens
of milliseconds on cues alone); nothing leaves the machine.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.analysis.decoding import longest_increasing, most_likely_parts, part_chances
from simulator.analysis.doubts import Doubt, doubts_of, maybe_told
from simulator.analysis.embedding import SentenceEncoder, sentence_encoder
from simulator.analysis.keywords import FUNCTION_WORDS, keywords_pattern
from simulator.analysis.text import AnswerText, Evidence
from simulator.analysis.timing import Budget, judge
from simulator.analysis.units import Unit, sentence_units, units_of

SMOOTHING = 0.25  # added to every part's score: a unit that matches nothing is undecided
SHARPNESS = 1.3  # how strongly a matching word pulls a unit towards its part
PHRASE_WEIGHT = 1.5  # a cue of several words weighs this much more than a single word
COVERS_WEIGHT = 0.25  # a content word of a part's title or description, against a cue
ANSWER_IDF = 1.0  # a cue said in k units of the answer weighs 1 / k ** ANSWER_IDF
# Example sentences (with the sentence model): a unit's closeness to a part is the mean
# cosine of its EXAMPLE_TOP_K closest examples of that part; the closeness of every part,
# divided by EXAMPLE_TEMPERATURE, is a softmax whose log adds to the cue scores' log.
EXAMPLE_TOP_K = 8
EXAMPLE_TEMPERATURE = 0.04
EXAMPLE_WEIGHT = 1.5  # against the cue scores' 1; 1.0 until each part was told in one
# stretch (decoding.py), after which the sweep (0.7-2.0) moved the plain corpus most at 1.5-2
# Sentences of one answer share its story (its domain, company, product), which dominates
# their embeddings: every unit would match the part whose examples tell the most similar
# story. Subtracting the answer's mean vector (and the mean of all examples from each
# example) leaves what each sentence does in the answer. Tuned on the two development
# corpora: plain median 47 % -> 77 % of the time right. Not done below this many units.
CENTER_MIN_UNITS = 3
LOCATED_BY_EXAMPLES = "example sentences and cue words"
LOCATED_BY_CUES = "cue words"

_WORD = re.compile(r"[a-z][a-z0-9'-]+")


@dataclass(frozen=True)
class PartSpec:
    """A part as the analysis needs it (built from a script's `Part`)."""

    id: str
    title: str
    min_s: float
    max_s: float
    covers: str = ""
    cues: tuple[str, ...] = ()
    own_work: bool = False  # the candidate describes their own work here
    examples: tuple[str, ...] = ()  # sentences a candidate might say in this part
    shows: tuple[str, ...] = ()  # rubric criteria this part is where an answer shows


@dataclass(frozen=True)
class PartTiming:
    id: str
    segments: tuple[tuple[float, float], ...]  # where it was said, in order
    seconds: float
    words: int
    min_s: float
    max_s: float
    verdict: str | None  # under / within / over; None when the part is missing
    delta_s: float = 0.0

    @property
    def start_s(self) -> float:
        return self.segments[0][0]

    @property
    def end_s(self) -> float:
        return self.segments[-1][1]


@dataclass(frozen=True)
class Timeline:
    """The parts in the order they were first said; ``missing`` in script order."""

    parts: tuple[PartTiming, ...]
    missing: tuple[str, ...]
    out_of_order: tuple[str, ...]
    units: tuple[tuple[str, Unit], ...] = field(default=(), repr=False)  # (part id, unit)
    own_work: tuple[str, ...] = ()  # ids of the parts about the candidate's own work
    located_by: str = LOCATED_BY_CUES  # what the emissions read (LOCATED_BY_*)
    titles: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (part id, title)
    # (part id, rubric criterion): where the script says an answer shows each criterion
    shows: tuple[tuple[str, str], ...] = ()
    doubts: tuple[Doubt, ...] = ()  # stretches the locator is unsure of (doubts.py)

    def part(self, part_id: str) -> PartTiming | None:
        return next((p for p in self.parts if p.id == part_id), None)

    def title(self, part_id: str) -> str:
        """What a remark calls a part: its title in the script ("Why machine learning"),
        else its id."""
        return dict(self.titles).get(part_id, part_id)

    def maybe_told(self, part_id: str) -> Doubt | None:
        """For a missing part: the stretch in doubt that could be it, if any."""
        return maybe_told(self.doubts, part_id)

    def homes(self, criterion: str) -> tuple[str, ...]:
        """The parts where the script says an answer shows ``criterion``, in script order."""
        return tuple(part for part, shown in self.shows if shown == criterion)


def within(e: Evidence, segments: Sequence[tuple[float, float]]) -> bool:
    """Whether a quote begins within one of the stretches (of a part, or of the parts that
    show a criterion)."""
    return e.start_s is not None and any(a - 0.01 <= e.start_s < b for a, b in segments)


def parts_of(question: Any) -> list[PartSpec]:
    """The parts a script question declares (`config.script.Question.parts`); each part's
    examples are its example sentences, then the sentences its stretches of the question's
    example answers say (`config.example_answers`), cut as an answer's units are."""
    answers = getattr(question, "example_answers", None)
    told = _told_sentences(tuple((t.part, t.text) for a in answers for t in a.parts)
                           if isinstance(answers, list) else ())
    return [PartSpec(p.id, p.title, p.min_s, p.max_s, p.covers, tuple(p.cues), p.own_work,
                     (*p.examples, *told.get(p.id, ())), tuple(getattr(p, "shows", ())))
            for p in question.parts]


@functools.lru_cache(maxsize=8)
def _told_sentences(told: tuple[tuple[str, str], ...]) -> dict[str, tuple[str, ...]]:
    """Part id -> the units of the example answers' stretches labelled with it."""
    out: dict[str, list[str]] = {}
    for part, text in told:
        out.setdefault(part, []).extend(sentence_units(text))
    return {part: tuple(sentences) for part, sentences in out.items()}


def prepare_examples(questions: Sequence[Any], threads: int = 1) -> int:
    """Load the sentence model and encode the example sentences of ``questions`` (script
    questions) ahead of the first analysis, e.g. while the interviewer asks the first
    question: the first summary of an open answer then waits for nothing. Returns how many
    sentences are ready (0 without the model)."""
    wanted, encoder = _examples_and_encoder(questions)
    if encoder is None:
        return 0
    for examples in wanted:
        encoder.encode_cached(examples, threads)
    return sum(map(len, wanted))


def examples_to_prepare(questions: Sequence[Any]) -> int:
    """How many example sentences of ``questions`` are not encoded on this machine yet (0
    without the sentence model): the first analysis of such a question encodes them."""
    wanted, encoder = _examples_and_encoder(questions)
    if encoder is None:
        return 0
    return sum(len(examples) for examples in wanted if not encoder.is_cached(examples))


def _examples_and_encoder(questions: Sequence[Any]) -> tuple[list[list[str]], Any]:
    """Each question's examples (of questions whose every part gives some) and the sentence
    model, None without it; a script without examples loads nothing."""
    wanted = [_all_examples(parts) for parts in map(parts_of, questions)
              if parts and all(p.examples for p in parts)]
    return wanted, sentence_encoder() if wanted else None


def _all_examples(parts: Sequence[PartSpec]) -> list[str]:
    """A question's examples, part after part: one list, so one cache entry per question."""
    return [e for p in parts for e in p.examples]


def locate_parts(text: AnswerText, parts: Sequence[PartSpec],
                 speech_end: float | None = None) -> Timeline:
    """The timeline of ``parts`` in an answer (``text`` built with its timed words).

    The parts' example sentences are read when every part has some and the sentence model
    is installed; otherwise the cue words alone decide (``Timeline.located_by`` says which)."""
    units = units_of(text)
    if not units or not parts:
        return Timeline((), tuple(p.id for p in parts), (), titles=_titles(parts),
                        shows=_shows(parts))
    texts = [u.text for u in units]
    scores = _answer_scores(texts, parts)
    encoder = sentence_encoder() if all(p.examples for p in parts) else None
    located_by = LOCATED_BY_CUES
    if encoder is not None:
        scores = _combine(scores, _example_scores(texts, parts, encoder))
        located_by = LOCATED_BY_EXAMPLES
    opens = [u.opens_sentence for u in units]
    path = most_likely_parts(scores, len(parts), opens)
    end = speech_end if speech_end is not None else units[-1].end_s
    spans: dict[int, list[tuple[float, float]]] = {}
    words: dict[int, int] = {}
    owned = []
    for i, (state, unit) in enumerate(zip(path, units)):
        until = units[i + 1].start_s if i + 1 < len(units) else max(end, unit.end_s)
        owned.append((unit.start_s, until))
        segs = spans.setdefault(state, [])
        if segs and abs(segs[-1][1] - unit.start_s) < 1e-6:
            segs[-1] = (segs[-1][0], until)
        else:
            segs.append((unit.start_s, until))
        words[state] = words.get(state, 0) + unit.words
    first_seen = sorted(spans, key=lambda s: spans[s][0][0])
    timings = []
    for state in first_seen:
        spec = parts[state]
        seconds = round(sum(b - a for a, b in spans[state]), 2)
        # Judged on whole seconds, as the reports show them: a part's ends come from word
        # times, so "25.4 s against a 25 s maximum" is not an overrun worth a remark.
        verdict, delta = judge(round(seconds), Budget(spec.min_s, spec.max_s))
        timings.append(PartTiming(spec.id, tuple((round(a, 2), round(b, 2))
                                                 for a, b in spans[state]),
                                  seconds, words[state], spec.min_s, spec.max_s, verdict, delta))
    missing = tuple(p.id for i, p in enumerate(parts) if i not in spans)
    in_order = set(longest_increasing(first_seen))
    out_of_order = tuple(parts[s].id for s in first_seen if s not in in_order)
    doubts = doubts_of(path, part_chances(scores, len(parts), opens), owned,
                       [p.id for p in parts])
    return Timeline(tuple(timings), missing, out_of_order,
                    tuple((parts[s].id, u) for s, u in zip(path, units)),
                    tuple(p.id for p in parts if p.own_work), located_by, _titles(parts),
                    _shows(parts), doubts)


def _titles(parts: Sequence[PartSpec]) -> tuple[tuple[str, str], ...]:
    return tuple((p.id, p.title) for p in parts)


def _shows(parts: Sequence[PartSpec]) -> tuple[tuple[str, str], ...]:
    return tuple((p.id, criterion) for p in parts for criterion in p.shows)


# ----------------------------------------------------------------------------- scoring


def _stem(word: str) -> str:
    """A crude stem, enough to match "monitoring" with "monitored" and "labels" with "label"."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s", "ly"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _content_stems(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text.lower()) if w not in FUNCTION_WORDS and len(w) > 2}


_VOCAB_CACHE: dict[tuple[PartSpec, ...], list[tuple[Any, dict[str, float]]]] = {}


def _vocabulary(parts: Sequence[PartSpec]) -> list[tuple[Any, dict[str, float]]]:
    """Per part: its cue pattern, and its description's content stems with their weight
    (inverse part frequency: a stem in every part's description weighs nothing)."""
    key = tuple(parts)
    if key in _VOCAB_CACHE:
        return _VOCAB_CACHE[key]
    stems = [_content_stems(f"{p.title} {p.covers}") for p in parts]
    n = len(parts)
    out = []
    for p, own in zip(parts, stems):
        weights = {s: math.log((n + 1) / (1 + sum(s in other for other in stems))) for s in own}
        pattern = keywords_pattern(tuple(p.cues)) if p.cues else None
        out.append((pattern, weights))
    _VOCAB_CACHE[key] = out
    return out


def _answer_scores(texts: Sequence[str], parts: Sequence[PartSpec]) -> list[list[float]]:
    """Log-probabilities that each unit (``texts``) belongs to each part.

    A cue counts less the more parts it belongs to (a cue only one part has is decisive) and
    the more units of this answer say it: "model" said in every other sentence tells nothing
    about where the modelling part is; "refitted" said once does. The content words of a
    part's title and description add their weight (`_vocabulary`)."""
    vocab = _vocabulary(parts)
    lows = [t.lower() for t in texts]
    hits = [[{m.group() for m in pattern.finditer(low)} if pattern else set()
             for pattern, _ in vocab] for low in lows]
    said_in: dict[str, int] = {}  # cue -> how many units say it
    for unit in hits:
        for h in set().union(*unit):
            said_in[h] = said_in.get(h, 0) + 1
    out = []
    for low, unit in zip(lows, hits):
        stems = _content_stems(low)
        shared: dict[str, int] = {}  # cue -> how many parts it is a cue of
        for part_hits in unit:
            for h in part_hits:
                shared[h] = shared.get(h, 0) + 1
        raw = []
        for part_hits, (_, weights) in zip(unit, vocab):
            score = sum((PHRASE_WEIGHT if " " in h else 1.0) / shared[h] / said_in[h] ** ANSWER_IDF
                        for h in part_hits)
            score += COVERS_WEIGHT * sum(w for s, w in weights.items() if s in stems)
            raw.append(score)
        likely = [math.exp(SHARPNESS * r) - 1 + SMOOTHING for r in raw]
        total = sum(likely)
        out.append([math.log(w / total) for w in likely])
    return out


def _example_scores(texts: Sequence[str], parts: Sequence[PartSpec],
                    encoder: SentenceEncoder) -> np.ndarray:
    """Log-probabilities that each unit belongs to each part, from how close in meaning it
    is to the part's closest example sentences (the top few, so one odd example neither makes
    nor breaks a part, and a part with many examples is not favoured), once what all the
    units share and what all the examples share are taken away (see CENTER_MIN_UNITS)."""
    units = encoder.encode(texts)
    every = encoder.encode_cached(_all_examples(parts))
    bounds = np.cumsum([0, *(len(p.examples) for p in parts)])
    examples = [every[a:b] for a, b in itertools.pairwise(bounds)]
    if len(texts) >= CENTER_MIN_UNITS:
        units = _unit_rows(units - units.mean(axis=0))
        examples = [_unit_rows(e - every.mean(axis=0)) for e in examples]
    closeness = np.empty((len(texts), len(parts)))
    for j, part_examples in enumerate(examples):
        cosines = units @ part_examples.T
        k = min(EXAMPLE_TOP_K, cosines.shape[1])
        closeness[:, j] = np.sort(cosines, axis=1)[:, -k:].mean(axis=1)
    return _log_softmax(closeness / EXAMPLE_TEMPERATURE)


def _combine(cue_scores: list[list[float]], example_scores: np.ndarray) -> list[list[float]]:
    """Both sources of evidence, as a product of probabilities, normalised per unit."""
    return _log_softmax(np.asarray(cue_scores) + EXAMPLE_WEIGHT * example_scores).tolist()


def _unit_rows(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def _log_softmax(x: np.ndarray) -> np.ndarray:
    shifted = x - x.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
