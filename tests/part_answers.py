"""Open answers with known part boundaries, and how well the part locator finds them.

The corpus (``tests/data/answers/open_answers.toml``) holds answers to the open questions of
``configs/ml_engineer_open.toml``, each part's text marked with its part id. From it:

- :func:`timed_text`: the transcript with timed words faked at a steady pace (no audio), for
  fast tests of the locator alone;
- :func:`build_audio`: the answer spoken by the project's TTS, part by part (each clip trimmed
  to its speech), joined by 0.3-1.2 s pauses, over quiet room noise, written as a WAV, with
  the true start and end of every part. Clips are cached in the system temp folder, keyed by
  a hash of voice and text, so reruns only assemble;
- :func:`analyze_file`: the pipeline of ``mock-interview analyze`` (``commands.
  analyze_recording``): read the file, measure the speech (``audio.activity``), transcribe
  (Whisper), ``analyze`` against the question's parts. The same steps with one loaded model;
- :func:`score`: the part timeline against the truth.

Scoring conventions. A part owns the time from its first word to the next part's first word
(the pause after a part belongs to it: the locator's convention too), the last part until its
last word. *Right time*: the share of the speaking time, from the first part's start to the
last part's end, sampled every 50 ms, where the timeline names the true part. *Boundary
error*: for each true boundary (where a said part starts after another), the distance to the
nearest boundary of the timeline (a start of any of its segments but the first); with none,
the whole speaking time. *Missing* and *out of order* are compared as sets with the truth:
"named" when every true one is reported, "exact" when nothing else is.
"""

from __future__ import annotations

import hashlib
import statistics
import tempfile
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from audio.clip import SAMPLE_RATE, Audio

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).parent / "data" / "answers" / "open_answers.toml"
# A second development corpus in plain words (few of the scripts' cues), for generalisation.
PLAIN = Path(__file__).parent / "data" / "answers" / "open_answers_plain.toml"
HOLDOUT = Path(__file__).parent / "data" / "answers" / "open_answers_holdout.toml"  # never tuned on
SCRIPT = ROOT / "configs" / "ml_engineer_open.toml"
CACHE = Path(tempfile.gettempdir()) / "mock-interview-part-answers"
LEAD_S, TAIL_S = 1.5, 2.0  # room noise before the first and after the last word
PAUSE_S = (0.3, 1.2)  # between parts
FAKE_WPM = 170.0
STEP_S = 0.05  # the resolution of the right-time measure

# The targets of the part-location issue.
TARGET_RIGHT = 0.85  # share of each answer's time given to the right part
TARGET_BOUNDARY_S = 3.0  # median boundary error


# ----------------------------------------------------------------------------- the corpus


@dataclass(frozen=True)
class SaidPart:
    id: str
    text: str


@dataclass(frozen=True)
class CorpusAnswer:
    id: str
    question: str
    voice: str
    rate: int
    kinds: tuple[str, ...]
    out_of_order: tuple[str, ...]
    parts: tuple[SaidPart, ...]

    @property
    def said(self) -> list[str]:
        return [p.id for p in self.parts]

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.parts)


@cache
def corpus(path: Path = CORPUS) -> tuple[CorpusAnswer, ...]:
    """The answers of a corpus file: the development corpus by default, or ``HOLDOUT``."""
    data = tomllib.loads(path.read_text())
    return tuple(
        CorpusAnswer(a["id"], a["question"], a["voice"], int(a["rate"]), tuple(a["kinds"]),
                     tuple(a["out_of_order"]),
                     tuple(SaidPart(p["part"], " ".join(p["text"].split())) for p in a["parts"]))
        for a in data["answers"])


@cache
def script() -> Any:
    """The loaded ml-engineer-open script (``config.script.LoadedScript``)."""
    from simulator.config.script import load_script

    return load_script(SCRIPT)


def question(question_id: str) -> Any:
    return next(q for q in script().script.questions if q.id == question_id)


def part_ids(question_id: str) -> list[str]:
    return [p.id for p in question(question_id).parts]


# ----------------------------------------------------------------------------- the truth


@dataclass(frozen=True)
class TruePart:
    id: str
    start_s: float  # first word
    end_s: float  # last word


@dataclass(frozen=True)
class Truth:
    parts: tuple[TruePart, ...]  # in the order said
    missing: tuple[str, ...]  # in script order
    out_of_order: tuple[str, ...]

    @property
    def start_s(self) -> float:
        return self.parts[0].start_s

    @property
    def end_s(self) -> float:
        return self.parts[-1].end_s

    @property
    def boundaries(self) -> list[float]:
        return [p.start_s for p in self.parts[1:]]

    def label_at(self, t: float) -> str | None:
        """The part said at ``t``: the last part started at or before it (pauses belong to
        the part before them)."""
        if t < self.start_s or t > self.end_s:
            return None
        label = None
        for p in self.parts:
            if p.start_s <= t:
                label = p.id
        return label


def truth_of(answer: CorpusAnswer, starts_ends: Sequence[tuple[float, float]]) -> Truth:
    declared = part_ids(answer.question)
    parts = tuple(TruePart(p.id, round(a, 3), round(b, 3))
                  for p, (a, b) in zip(answer.parts, starts_ends))
    missing = tuple(i for i in declared if i not in answer.said)
    return Truth(parts, missing, answer.out_of_order)


def pauses_for(answer: CorpusAnswer) -> list[float]:
    """The pauses between its parts: 0.3-1.2 s, the same on every run."""
    seed = int(hashlib.sha256(answer.id.encode()).hexdigest()[:8], 16)
    rng = np.random.default_rng(seed)
    return [round(float(x), 2) for x in rng.uniform(*PAUSE_S, size=len(answer.parts) - 1)]


# ----------------------------------------------------------------------------- text only


def timed_text(answer: CorpusAnswer, wpm: float = FAKE_WPM) -> tuple[Any, Truth]:
    """The answer as a transcript with timed words at ``wpm`` (each word 85 % of its slot)
    and the pauses of :func:`pauses_for` between parts: an ``AnswerInput`` and its truth."""
    from simulator.analysis.answer import AnswerInput

    slot = 60.0 / wpm
    t = LEAD_S
    words: list[dict] = []
    spans: list[tuple[float, float]] = []
    pauses = [*pauses_for(answer), 0.0]
    for part, pause in zip(answer.parts, pauses):
        start = t
        for token in part.text.split():
            words.append({"word": token, "start": round(t, 3), "end": round(t + 0.85 * slot, 3),
                          "probability": 1.0})
            t += slot
        spans.append((start, t - 0.15 * slot))
        t = t - 0.15 * slot + pause
    q = question(answer.question)
    data = AnswerInput(answer.text, words, [list(s) for s in spans], spans[0][0], spans[-1][1],
                       q.id, q.min_s, q.max_s)
    return data, truth_of(answer, spans)


# ----------------------------------------------------------------------------- audio


def _key(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


def spoken_part(text: str, voice: str, rate: int, synthesizer: Any = None) -> Audio:
    """``text`` said by the TTS candidate, trimmed to its speech; cached on disk."""
    from audio.io import read_audio, write_wav
    from audio.tts import Pyttsx3Synthesizer, Voice

    from audio_fixtures import energy_trim

    path = CACHE / "parts" / f"{_key(voice, rate, text)}.wav"
    if not path.exists():
        synth = synthesizer or Pyttsx3Synthesizer(Voice(voice, rate))
        path.parent.mkdir(parents=True, exist_ok=True)
        write_wav(path, energy_trim(synth.synthesize(text)))
    return read_audio(path)


@dataclass(frozen=True)
class BuiltAnswer:
    answer: CorpusAnswer
    path: Path  # the answer as a WAV file
    truth: Truth
    duration: float


def build_audio(answer: CorpusAnswer) -> BuiltAnswer:
    """The answer spoken part by part, with pauses and room noise, and where each part is."""
    from audio.io import write_wav

    from audio_fixtures import room_noise

    clips = [spoken_part(p.text, answer.voice, answer.rate) for p in answer.parts]
    pauses = pauses_for(answer)
    seed = int(_key(answer.id)[:6], 16)
    pieces = [np.zeros(int(LEAD_S * SAMPLE_RATE), np.float32)]
    where: list[tuple[float, float]] = []
    t = LEAD_S
    for i, clip in enumerate(clips):
        if i:
            pieces.append(np.zeros(int(pauses[i - 1] * SAMPLE_RATE), np.float32))
            t += len(pieces[-1]) / SAMPLE_RATE
        pieces.append(clip.samples)
        where.append((t, t + clip.duration))
        t += clip.duration
    pieces.append(np.zeros(int(TAIL_S * SAMPLE_RATE), np.float32))
    signal = np.concatenate(pieces)
    # 10 ms over: room_noise rounds its length down, which a clip's length can meet
    noise = room_noise(len(signal) / SAMPLE_RATE + 0.01, seed).samples[: len(signal)]
    audio = Audio((signal + noise).astype(np.float32))
    path = CACHE / "answers" / f"{answer.id}-{_key(answer, pauses)}.wav"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_wav(path, audio)
    return BuiltAnswer(answer, path, truth_of(answer, where), audio.duration)


def analyze_file(path: Path, question_id: str, transcriber: Any) -> tuple[Any, Any]:
    """``commands.analyze_recording``'s steps with an already loaded ``transcriber``:
    (the ``AnswerInput``, its ``AnswerAnalysis``)."""
    from audio.io import read_audio
    from simulator.analysis.answer import AnswerInput, analyze
    from simulator.analysis.parts import parts_of
    from simulator.analysis.timing import Budget, measure_audio
    from simulator.config.rubric import judged

    loaded = script()
    q = question(question_id)
    audio = read_audio(path)
    measured = measure_audio(audio.samples, Budget(q.min_s, q.max_s))
    if measured.timing is None:
        raise AssertionError(f"{path}: no speech measured")
    transcript = transcriber.transcribe(audio)
    timing = measured.timing
    words = transcript.to_dict()["words"]
    data = AnswerInput(transcript.text, words, [[s.start, s.end] for s in measured.spans],
                       timing.speech_start, timing.speech_end, q.id, q.min_s, q.max_s,
                       segments=transcript.to_dict()["segments"])
    return data, analyze(data, parts_of(q), judged(loaded.rubric, q.judged_on),
                         loaded.script.interviewer.strictness)


def analyze_text(data: Any, question_id: str) -> Any:
    from simulator.analysis.answer import analyze
    from simulator.analysis.parts import parts_of
    from simulator.config.rubric import judged

    loaded, q = script(), question(question_id)
    return analyze(data, parts_of(q), judged(loaded.rubric, q.judged_on),
                   loaded.script.interviewer.strictness)


# ----------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Score:
    answer: str
    kinds: tuple[str, ...]
    seconds: float  # speaking time scored
    right: float  # share of it given to the right part
    boundary_errors: tuple[float, ...]  # one per true boundary
    predicted_boundaries: int
    missing: tuple[str, ...]  # the truth
    reported_missing: tuple[str, ...]
    out_of_order: tuple[str, ...]
    reported_out_of_order: tuple[str, ...]
    said: tuple[str, ...] = field(default=())  # the truth's parts, in order
    found: tuple[str, ...] = field(default=())  # the timeline's sequence of segments
    # The timeline's doubts (analysis/doubts.py), in seconds of the scored time: wrong
    # time; time in doubt; wrong time in doubt; time in doubt whose true part is one of the
    # two the doubt names
    wrong_s: float = 0.0
    doubted_s: float = 0.0
    doubted_wrong_s: float = 0.0
    doubted_named_s: float = 0.0

    @property
    def missing_named(self) -> bool:
        return set(self.missing) <= set(self.reported_missing)

    @property
    def missing_exact(self) -> bool:
        return set(self.missing) == set(self.reported_missing)

    @property
    def order_named(self) -> bool:
        return set(self.out_of_order) <= set(self.reported_out_of_order)

    @property
    def order_exact(self) -> bool:
        return set(self.out_of_order) == set(self.reported_out_of_order)

    @property
    def median_boundary(self) -> float | None:
        return statistics.median(self.boundary_errors) if self.boundary_errors else None


def score(answer_id: str, timeline: Any, truth: Truth, kinds: tuple[str, ...] = ()) -> Score:
    """How well ``timeline`` (``analysis.parts.Timeline``) matches ``truth``."""
    segments = sorted((a, b, p.id) for p in timeline.parts for a, b in p.segments)
    starts = [a for a, _, _ in segments]

    def label(t: float) -> str | None:
        for a, b, pid in segments:
            if a <= t < b:
                return pid
        return None

    n = max(1, int((truth.end_s - truth.start_s) / STEP_S))
    times = [truth.start_s + (k + 0.5) * (truth.end_s - truth.start_s) / n for k in range(n)]
    right = sum(label(t) == truth.label_at(t) for t in times) / n
    step = (truth.end_s - truth.start_s) / n
    wrong = doubted = doubted_wrong = doubted_named = 0.0
    for t in times:
        true_part, is_right = truth.label_at(t), label(t) == truth.label_at(t)
        wrong += step * (not is_right)
        doubt = next((d for d in getattr(timeline, "doubts", ()) if d.start_s <= t < d.end_s),
                     None)
        if doubt is not None:
            doubted += step
            doubted_wrong += step * (not is_right)
            doubted_named += step * (true_part in (doubt.read_as, doubt.could_be))
    predicted = starts[1:]
    seconds = truth.end_s - truth.start_s
    errors = tuple(round(min((abs(b - p) for p in predicted), default=seconds), 2)
                   for b in truth.boundaries)
    found: list[str] = []
    for _, _, pid in segments:
        if not found or found[-1] != pid:
            found.append(pid)
    return Score(answer_id, kinds, round(seconds, 2), round(right, 4), errors, len(predicted),
                 truth.missing, tuple(timeline.missing), truth.out_of_order,
                 tuple(timeline.out_of_order), tuple(p.id for p in truth.parts), tuple(found),
                 round(wrong, 2), round(doubted, 2), round(doubted_wrong, 2),
                 round(doubted_named, 2))


@dataclass(frozen=True)
class Summary:
    answers: int
    median_right: float
    min_right: float
    time_weighted_right: float
    below_target: tuple[str, ...]  # answers under TARGET_RIGHT
    median_boundary: float | None  # over every true boundary of every answer
    boundaries: int
    missing_named: int  # answers whose missing parts were all named
    missing_exact: int
    order_named: int
    order_exact: int

    @property
    def meets_targets(self) -> bool:
        return (not self.below_target and self.median_boundary is not None
                and self.median_boundary <= TARGET_BOUNDARY_S
                and self.missing_named == self.answers and self.order_named == self.answers)


def summarise(scores: Sequence[Score]) -> Summary:
    errors = [e for s in scores for e in s.boundary_errors]
    total = sum(s.seconds for s in scores)
    return Summary(
        len(scores), statistics.median(s.right for s in scores), min(s.right for s in scores),
        sum(s.right * s.seconds for s in scores) / total,
        tuple(s.answer for s in scores if s.right < TARGET_RIGHT),
        statistics.median(errors) if errors else None, len(errors),
        sum(s.missing_named for s in scores), sum(s.missing_exact for s in scores),
        sum(s.order_named for s in scores), sum(s.order_exact for s in scores))


def _names(ids: Sequence[str]) -> str:
    return ",".join(ids) if ids else "-"


def render(scores: Sequence[Score], title: str) -> str:
    """A plain-text table of the scores and their summary (for the benchmark and for test
    failure messages)."""
    lines = [title, f"{'answer':20} {'speech':>7} {'right':>6} {'bound med/max':>14} {'pred':>5}"
                    f"  missing true -> reported | out of order true -> reported"]
    for s in scores:
        med = "-" if s.median_boundary is None else f"{s.median_boundary:.1f}"
        mx = "-" if not s.boundary_errors else f"{max(s.boundary_errors):.1f}"
        lines.append(
            f"{s.answer:20} {s.seconds:6.1f}s {s.right:6.1%} {med + '/' + mx + ' s':>14} "
            f"{s.predicted_boundaries:>2}/{len(s.boundary_errors):<2}  "
            f"{_names(s.missing)} -> {_names(s.reported_missing)}"
            f"{'' if s.missing_exact else (' (named)' if s.missing_named else ' (NOT NAMED)')} | "
            f"{_names(s.out_of_order)} -> {_names(s.reported_out_of_order)}"
            f"{'' if s.order_exact else (' (named)' if s.order_named else ' (NOT NAMED)')}")
    m = summarise(scores)
    med = "-" if m.median_boundary is None else f"{m.median_boundary:.2f} s"
    lines.append(
        f"overall: right time median {m.median_right:.1%}, min {m.min_right:.1%}, "
        f"time-weighted {m.time_weighted_right:.1%}; below {TARGET_RIGHT:.0%}: "
        f"{_names(m.below_target)}; median boundary error {med} over {m.boundaries} "
        f"boundaries; missing named {m.missing_named}/{m.answers} (exact {m.missing_exact}); "
        f"out of order named {m.order_named}/{m.answers} (exact {m.order_exact}); "
        f"targets {'MET' if m.meets_targets else 'NOT met'}")
    lines.append(doubts_line(scores))
    return "\n".join(lines)


def doubts_line(scores: Sequence[Score]) -> str:
    """How well the timeline's doubts point at its mistakes, over ``scores``."""
    total = sum(s.seconds for s in scores) or 1.0
    wrong = sum(s.wrong_s for s in scores)
    doubted = sum(s.doubted_s for s in scores)
    doubted_wrong = sum(s.doubted_wrong_s for s in scores)
    named = sum(s.doubted_named_s for s in scores)
    return (f"doubts: {doubted / total:.1%} of the time in doubt, holding "
            f"{doubted_wrong / wrong if wrong else 1:.1%} of the wrong time ({wrong / total:.1%} "
            f"of all); where in doubt, wrong {doubted_wrong / doubted if doubted else 0:.1%}, "
            f"the true part one of the two named {named / doubted if doubted else 1:.1%}")


def text_scores(answers: Sequence[CorpusAnswer] | None = None,
                wpm: float = FAKE_WPM) -> list[Score]:
    out = []
    for a in answers or corpus():
        data, truth = timed_text(a, wpm)
        analysis = analyze_text(data, a.question)
        out.append(score(a.id, analysis.timeline, truth, a.kinds))
    return out


def audio_scores(transcriber: Any, answers: Sequence[CorpusAnswer] | None = None,
                 keep: dict | None = None) -> list[Score]:
    """Every answer through TTS, the speech measure, Whisper and the analysis (``keep``
    receives ``answer id -> (AnswerInput, BuiltAnswer)`` for reuse)."""
    out = []
    for a in answers or corpus():
        built = build_audio(a)
        data, analysis = analyze_file(built.path, a.question, transcriber)
        if keep is not None:
            keep[a.id] = (data, built)
        out.append(score(a.id, analysis.timeline, built.truth, a.kinds))
    return out
