"""Saved sessions made to order, for the review tests and bench/review.py.

A session is written the way the program writes one: a real ``SessionWriter`` appends the
real events (``question_asked``, ``answer_started``/``answer_ended``, ``answer_measured``,
``transcript_ready``, ``session_ended``) and checkpoints ``session.json``; ``report.md`` is
rendered by the program's own ``commands.write_report``. Only the slow parts are made up:
nobody speaks and Whisper does not run. Each answer's transcript comes with timed words at a
chosen pace (fillers inserted at a chosen rate, short pauses between sentences and longer
ones between parts), Whisper-like segments, speech spans and the timing the program would
have measured on them.

The texts are the part-labelled answers of ``tests/data/answers/open_answers.toml`` (see
``tests/part_answers.py``) to the questions of ``configs/ml_engineer_open.toml``: the career
walk-through and the deep dive, whose parts (problem, why-ml, ... lessons) the analysis
locates. A rehearsal retells one story; it can leave parts out (``drop``) or change what it
says (``replace``: "about fifteen" becomes "about thirty").

Audio (``audio=``):

- ``"short"`` (default): half a second of tone and noise per answer, a real WAV that the
  reports and the export can read. Cheap enough for 500 sessions (16 kB an answer); the
  answer's ``audio_seconds`` still says how long the recording would have been.
- ``"tone"``: full-length audio, tone bursts where the words are and room noise between.
- ``"speech"``: full-length audio of real speech (the clips of ``../shared/speech`` one after
  another, with pauses); ``"tone"`` when that folder is absent. Its Opus size is what a real
  session's would be; the words in it are not the transcript's.
- ``None``: no audio file.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from audio.clip import SAMPLE_RATE, Audio
from audio.io import write_wav
from simulator.analysis.timing import Budget, judge
from simulator.config.script import LoadedScript, load_script
from simulator.sessions.records import (
    AnswerEnded,
    AnswerMeasured,
    AnswerStarted,
    InterviewerSaid,
    QuestionAsked,
    ScriptInfo,
    SessionEnded,
    TranscriptReady,
)
from simulator.sessions.writer import SessionMeta, SessionWriter

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "configs" / "ml_engineer_open.toml"
DEEP_DIVE_STORY = "search-ranking"  # the corpus answer a rehearsal retells by default
CAREER_STORY = "career-logistics"
FILLERS = ("um", "uh", "um", "uh", "you know", "basically")
LEAD_S, TAIL_S = 1.2, 1.5  # silence before the first and after the last word

_SCRIPT_CACHE: dict[Path, LoadedScript] = {}


def script(path: Path = SCRIPT) -> LoadedScript:
    if path not in _SCRIPT_CACHE:
        _SCRIPT_CACHE[path] = load_script(path)
    return _SCRIPT_CACHE[path]


# ----------------------------------------------------------------------------- what is said


@dataclass(frozen=True)
class Said:
    """One answer as a rehearsal tells it."""

    question_id: str
    parts: tuple[tuple[str | None, str], ...]  # (part id or None, text), in the order said
    wpm: float = 150.0  # the pace the analysis will measure (words a minute of speaking time)
    fillers_per_minute: float = 2.0
    kind: str = "main"  # or "follow_up"
    question: str | None = None  # the prompt; a main question's comes from the script
    budget: tuple[float, float] | None = None  # a main question's comes from the script
    attempt: int = 1

    @property
    def text(self) -> str:
        return " ".join(text for _, text in self.parts)


@dataclass(frozen=True)
class Rehearsal:
    """One session: when it started and what was answered, in order."""

    started_at: dt.datetime
    answers: tuple[Said, ...]
    status: str | None = "complete"  # "incomplete"; None: still running (no session_ended)
    seed: int = 0


def story(answer_id: str) -> tuple[tuple[str | None, str], ...]:
    """A corpus answer's parts: ((part id, text), ...)."""
    from part_answers import corpus

    answer = next(a for a in corpus() if a.id == answer_id)
    return tuple((p.id, p.text) for p in answer.parts)


def told(question_id: str, answer_id: str, *, drop: Iterable[str] = (),
         replace_text: Mapping[str, str] | None = None, wpm: float = 150.0,
         fillers_per_minute: float = 2.0) -> Said:
    """A corpus answer retold: parts in ``drop`` left out, each ``replace_text`` key (a
    phrase that must be in the text) said as its value."""
    dropped = set(drop)
    parts = [(pid, text) for pid, text in story(answer_id) if pid not in dropped]
    for old, new in (replace_text or {}).items():
        if not any(old in text for _, text in parts):
            raise ValueError(f"{old!r} is not in the told parts of {answer_id}")
        parts = [(pid, text.replace(old, new)) for pid, text in parts]
    return Said(question_id, tuple(parts), wpm, fillers_per_minute)


def rehearsals(n: int, seed: int = 0, start: dt.datetime | None = None,
               deep_dive: str = DEEP_DIVE_STORY, career: str = CAREER_STORY
               ) -> list[Rehearsal]:
    """``n`` rehearsals of the same two stories, one every few hours, varying as people's
    do: a part left out now and then, a figure told differently, pace and fillers drifting,
    now and then a rehearsal stopped after the career question."""
    rng = random.Random(seed)
    when = start or dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    parts = [pid for pid, _ in story(deep_dive) if pid]
    figures = _figures_to_vary(deep_dive)
    out = []
    for k in range(n):
        when += dt.timedelta(hours=rng.choice((3, 5, 20, 26, 49)), minutes=rng.randrange(60))
        drop = rng.sample(parts, rng.choice((0, 0, 0, 1, 1, 2)))
        kept = " ".join(text for pid, text in story(deep_dive) if pid not in drop)
        variants = {old: rng.choice(news) for old, news in figures.items()
                    if rng.random() < 0.2 and old in kept}
        wpm = rng.gauss(150, 14)
        fillers = max(0.0, rng.gauss(3.0, 1.5))
        answers = [told("career", career, wpm=wpm + rng.gauss(0, 5), fillers_per_minute=fillers,
                        drop=["highlights"] if rng.random() < 0.1 else ())]
        stopped = rng.random() < 0.04
        if not stopped:
            answers.append(told("deep-dive", deep_dive, drop=drop, replace_text=variants,
                                wpm=wpm, fillers_per_minute=fillers))
        out.append(Rehearsal(when, tuple(answers), "incomplete" if stopped else "complete",
                             seed=seed * 100_003 + k))
    return out


def _figures_to_vary(answer_id: str) -> dict[str, tuple[str, ...]]:
    """Phrases of a story whose figure a rehearsal may tell differently."""
    if answer_id == "search-ranking":
        return {"about forty percent": ("about forty five percent", "about thirty five percent"),
                "about six points": ("about five points", "about seven points"),
                "fifty milliseconds": ("forty milliseconds", "sixty milliseconds"),
                "roughly seven percent": ("roughly nine percent", "roughly six percent")}
    return {}


# ----------------------------------------------------------------------------- timing


@dataclass
class Timed:
    """An answer as Whisper and the speech measure would have left it."""

    transcript: str
    words: list[dict[str, Any]]
    segments: list[dict[str, Any]]
    spans: list[list[float]]
    speech_start: float
    speech_end: float
    audio_seconds: float
    pauses: list[float] = field(default_factory=list)

    def timing(self, budget: Budget) -> dict[str, Any]:
        seconds = round(self.speech_end - self.speech_start, 3)
        verdict, delta = judge(seconds, budget)
        return {"speech_start": round(self.speech_start, 3),
                "speech_end": round(self.speech_end, 3), "speech_seconds": seconds,
                "voiced_seconds": round(sum(b - a for a, b in self.spans), 3),
                "longest_pause": round(max(self.pauses, default=0.0), 3), "verdict": verdict,
                "budget_delta_s": delta, "spans": self.spans, "noise_floor_db": -62.0,
                "activity": None}


def _tokens(said: Said, rng: random.Random) -> list[tuple[str, str]]:
    """(token, what follows it: "word", "sentence" or "part"), fillers inserted."""
    out: list[tuple[str, str]] = []
    for n, (_, text) in enumerate(said.parts):
        tokens = text.split()
        for k, token in enumerate(tokens):
            last = k == len(tokens) - 1
            gap = ("part" if n < len(said.parts) - 1 else "end") if last else \
                ("sentence" if token.endswith((".", "?", "!")) else "word")
            out.append((token, gap))
    minutes = len(out) / said.wpm
    fillers = round(said.fillers_per_minute * minutes)
    # Fillers go where people put them: after a comma or a full stop, else anywhere.
    spots = [k for k, (token, _) in enumerate(out[:-1]) if token.endswith((",", "."))] or \
        list(range(len(out) - 1))
    for k in sorted(rng.sample(spots, min(fillers, len(spots))), reverse=True):
        filler = rng.choice(FILLERS)
        words = filler.split()
        out[k + 1:k + 1] = [(w + ("," if i == len(words) - 1 else ""), "word")
                            for i, w in enumerate(words)]
    return out


def timed(said: Said, rng: random.Random) -> Timed:
    """Timed words at the answer's pace: short pauses after sentences, longer between parts.
    The slot of a word is chosen so that words over speaking time is ``said.wpm``."""
    tokens = _tokens(said, rng)
    gaps = [rng.uniform(0.35, 0.8) if gap == "sentence" else
            rng.uniform(0.8, 1.6) if gap == "part" else 0.0 for _, gap in tokens]
    total = len(tokens) * 60.0 / said.wpm
    slot = max(0.12, (total - sum(gaps)) / len(tokens))
    t = LEAD_S + rng.uniform(0.0, 0.8)
    words, spans, segments = [], [], []
    span_start = seg_start = t
    seg_words: list[str] = []
    for (token, gap), pause in zip(tokens, gaps):
        end = t + 0.85 * slot
        # Whisper opens each word with a space (a piece such as ".2" has none).
        words.append({"word": " " + token, "start": round(t, 3), "end": round(end, 3),
                      "probability": round(rng.uniform(0.55, 0.99), 3)})
        seg_words.append(token)
        t += slot
        if gap != "word":
            spans.append([round(span_start, 3), round(end, 3)])
            if len(seg_words) >= 12 or gap in ("part", "end"):
                segments.append({"start": round(seg_start, 3), "end": round(end, 3),
                                 "text": " ".join(seg_words)})
                seg_words = []
                seg_start = end + pause
            t = end + pause
            span_start = t
    if seg_words:
        segments.append({"start": round(seg_start, 3), "end": words[-1]["end"],
                         "text": " ".join(seg_words)})
    pauses = [b[0] - a[1] for a, b in pairwise(spans)]
    end = words[-1]["end"]
    return Timed(" ".join(s["text"] for s in segments), words, segments, spans,
                 words[0]["start"], end, round(end + TAIL_S, 3), pauses)


# ----------------------------------------------------------------------------- audio


def _tone_audio(t: Timed, rng: np.random.Generator) -> Audio:
    """Tone bursts (a voice-like 140 Hz with harmonics) where the words are, noise between."""
    n = int(t.audio_seconds * SAMPLE_RATE)
    signal = (rng.standard_normal(n) * 5e-4).astype(np.float32)
    for w in t.words:
        a, b = int(w["start"] * SAMPLE_RATE), min(n, int(w["end"] * SAMPLE_RATE))
        x = np.arange(b - a) / SAMPLE_RATE
        f0 = 120 + 40 * rng.random()
        burst = sum(np.sin(2 * np.pi * f0 * h * x) / h for h in (1, 2, 3, 5))
        signal[a:b] += (0.1 * burst * np.hanning(b - a)).astype(np.float32)
    return Audio(signal)


_SPEECH: list[Audio] = []


def _speech_clips() -> list[Audio]:
    if not _SPEECH:
        from audio.io import read_audio

        from tests_paths import SPEECH_DIR

        for path in sorted(SPEECH_DIR.glob("*.wav")):
            _SPEECH.append(read_audio(path))
    return _SPEECH


def _speech_audio(t: Timed, rng: np.random.Generator) -> Audio | None:
    """Real speech (the shared clips in turn, 0.4-1.2 s apart) as long as the answer."""
    clips = _speech_clips()
    if not clips:
        return None
    n = int(t.audio_seconds * SAMPLE_RATE)
    pieces = [np.zeros(int(t.speech_start * SAMPLE_RATE), np.float32)]
    length = len(pieces[0])
    k = int(rng.integers(len(clips)))
    while length < n - int(TAIL_S * SAMPLE_RATE):
        clip = clips[k % len(clips)].samples
        gap = np.zeros(int(rng.uniform(0.4, 1.2) * SAMPLE_RATE), np.float32)
        pieces += [clip, gap]
        length += len(clip) + len(gap)
        k += 1
    signal = np.concatenate(pieces)[:n]
    signal = np.pad(signal, (0, n - len(signal)))
    return Audio((signal + rng.standard_normal(n) * 5e-4).astype(np.float32))


def _audio(kind: str | None, t: Timed, seed: int) -> Audio | None:
    rng = np.random.default_rng(seed)
    if kind is None:
        return None
    if kind == "short":
        x = np.arange(SAMPLE_RATE // 2) / SAMPLE_RATE
        return Audio((0.1 * np.sin(2 * np.pi * 220 * x) + rng.standard_normal(len(x)) * 5e-4)
                     .astype(np.float32))
    if kind == "speech":
        speech = _speech_audio(t, rng)
        if speech is not None:
            return speech
    return _tone_audio(t, rng)


# ----------------------------------------------------------------------------- writing


def session_id(started: dt.datetime, script_id: str) -> str:
    return f"{started:%Y%m%d-%H%M%S}-{script_id}"


class Clock:
    """The session's clock: time passes when an answer is recorded, not in real time."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def record_answer(writer: SessionWriter, said: Said, rng: random.Random | None = None,
                  audio: str | None = "short", loaded: LoadedScript | None = None,
                  clock: Clock | None = None, source: str | None = None) -> int:
    """Ask ``said``'s question and record its answer in an open session, as the interview
    loop does (a main question, a retake with ``said.attempt`` > 1, or a follow-up of the
    latest attempt at ``said.question_id``); returns the turn. ``source``: where the answer
    came from, as the loop saves it (None: the microphone)."""
    rng = rng or random.Random(0)
    script_ = (loaded or script()).script
    q = next((x for x in script_.questions if x.id == said.question_id), None)
    asked = writer.log.of(QuestionAsked)
    turn = max((e.turn for e in asked), default=0) + 1
    lo, hi = said.budget or ((q.min_s, q.max_s) if q else (30.0, 90.0))
    extra: dict[str, Any] = {}
    question_id = said.question_id
    if said.kind == "follow_up":
        thread = max((e.turn for e in asked
                      if e.kind == "main" and e.question_id == said.question_id), default=None)
        depth = 1 + sum(1 for e in asked if e.kind == "follow_up" and e.thread_turn == thread)
        question_id = f"{said.question_id}-follow-up-{depth}"
        extra = {"depth": depth, "writer": {"kind": "coach"}, "criterion": "reflection",
                 "write_seconds": 0.004, "thread_turn": thread}
    advance = clock.advance if clock is not None else (lambda seconds: None)
    log = writer.log
    advance(rng.uniform(2.0, 6.0))
    log.append(QuestionAsked, turn=turn, question_id=question_id, kind=said.kind,
               follows=said.question_id if said.kind == "follow_up" else None,
               question=said.question or (q.prompt if q else "Tell me more."),
               budget={"min_s": lo, "max_s": hi}, attempt=said.attempt, tts="off", **extra)
    t = timed(said, rng)
    relative = f"answers/{turn:02d}-{question_id}.wav"
    log.append(AnswerStarted, turn=turn, audio=relative)
    clip = _audio(audio, t, rng.randrange(2**31))
    if clip is not None:
        write_wav(writer.dir / relative, clip)
    advance(t.audio_seconds)
    log.append(AnswerEnded, turn=turn, reason="silence", audio=relative, source=source,
               audio_seconds=t.audio_seconds)
    writer.checkpoint()
    log.append(AnswerMeasured, turn=turn, **t.timing(Budget(lo, hi)))
    advance(round(0.05 * t.audio_seconds, 3))
    log.append(TranscriptReady, turn=turn, model="tiny.en",
               transcribe_seconds=round(0.05 * t.audio_seconds, 3), text=t.transcript,
               words=t.words, segments=t.segments)
    writer.checkpoint()
    return turn


def write_session(root: Path, rehearsal: Rehearsal, audio: str | None = "short",
                  report: bool = True, loaded: LoadedScript | None = None,
                  answers_from: str = "microphone") -> Path:
    """Write one rehearsal as a saved session under ``root``; returns its folder.

    With ``rehearsal.status`` None the writer is left open (the session is still being
    recorded: its folder locked); close it with ``writer_of(folder).close()``.
    """
    loaded = loaded or script()
    s = loaded.script
    sid = session_id(rehearsal.started_at, s.id)
    folder = Path(root) / sid
    (folder / "answers").mkdir(parents=True)
    info = ScriptInfo(id=s.id, title=s.title, role=s.role, company=s.company,
                      path=str(loaded.path), sha256=loaded.sha256,
                      questions=[q.id for q in s.questions],
                      definition=s.model_dump(mode="json"),
                      rubric=loaded.rubric.model_dump(mode="json") if loaded.rubric else None)
    settings = {"model": "tiny.en", "tts": "off", "answers_from": answers_from,
                "follow_ups": {"writer": "offline", "reason": "no LLM configured"}}
    clock = Clock()
    writer = SessionWriter(folder, SessionMeta(sid, rehearsal.started_at.isoformat(), info,
                                               settings), clock=clock)
    rng = random.Random(rehearsal.seed)
    if s.interviewer.intro:
        writer.log.append(InterviewerSaid, what="intro", text=s.interviewer.intro, tts="off")
    for said in rehearsal.answers:
        record_answer(writer, said, rng, audio, loaded, clock,
                      source="sample answer" if answers_from == "sample answers" else None)
    if rehearsal.status is None:
        _OPEN[folder] = writer
        return folder
    doc = writer.document()
    writer.log.append(
        SessionEnded, status=rehearsal.status,
        reason=None if rehearsal.status == "complete" else "stopped by the candidate",
        unanswered=doc.unanswered,
        at=(rehearsal.started_at + dt.timedelta(seconds=clock.now)).isoformat())
    writer.checkpoint()
    if report:
        from simulator.commands import write_report

        write_report(writer)
    writer.close()
    return folder


_OPEN: dict[Path, SessionWriter] = {}


def writer_of(folder: Path) -> SessionWriter:
    """The writer of a session written with ``status=None`` (still open, folder locked)."""
    return _OPEN.pop(Path(folder))


def make_sessions(root: Path, n: int, seed: int = 0, audio: str | None = "short",
                  report: bool = True, start: dt.datetime | None = None) -> list[Path]:
    """``n`` rehearsals of ml-engineer-open (see :func:`rehearsals`) saved under ``root``."""
    return [write_session(root, r, audio, report) for r in rehearsals(n, seed, start)]


def long_session(root: Path, minutes: float = 20.0, audio: str | None = "speech",
                 started: dt.datetime | None = None, wpm: float = 150.0) -> Path:
    """One session of about ``minutes`` of answers (audio from the first answer's start to
    the last one's end, within a few percent), as a determined candidate records it: the
    career walk-through, four follow-ups, and the deep dive told at length and then again (a
    retake) with the rest of the time. A deep dive that long is the parts of several corpus
    stories one after another: a real transcript's length, not a real story."""
    from part_answers import corpus

    deep = [a for a in corpus() if a.question == "deep-dive"]
    by_part: dict[str, list[str]] = {}
    for a in deep:
        for p in a.parts:
            by_part.setdefault(p.id, []).append(p.text)
    career = told("career", CAREER_STORY, wpm=wpm, fillers_per_minute=3.0)
    reflections = [p.text for a in deep for p in a.parts if p.id in ("lessons", "trade-offs")]
    follow_ups = tuple(
        Said("deep-dive", ((None, reflections[2 * k % len(reflections)]),
                           (None, reflections[(2 * k + 1) % len(reflections)])), wpm, 3.0,
             kind="follow_up", question="What would you do differently next time?",
             budget=(30.0, 90.0)) for k in range(4))

    def length(said: Said) -> float:  # as `timed` makes it: speaking time, lead and tail
        return len(said.text.split()) * 60 / wpm + LEAD_S + 0.4 + TAIL_S

    dive_s = (minutes * 60 - length(career) - sum(length(f) for f in follow_ups)) / 2
    order = [p.id for p in script().script.questions[1].parts]

    def dive(offset: int) -> Said:
        """The deep dive's parts in order, each story's telling in turn, until it is long
        enough."""
        parts: list[tuple[str | None, str]] = []
        k = 0
        while length(Said("deep-dive", tuple(parts), wpm)) < dive_s:
            pid = order[k % len(order)]
            texts = by_part.get(pid) or [""]
            text = texts[(offset + k // len(order)) % len(texts)].split()
            missing = int((dive_s - length(Said("deep-dive", tuple(parts), wpm))) * wpm / 60)
            parts.append((pid, " ".join(text[:max(missing, 8)])))
            k += 1
        return Said("deep-dive", tuple(parts), wpm, 3.0)

    answers = (career, dive(0), replace(dive(3), attempt=2), *follow_ups)
    rehearsal = Rehearsal(started or dt.datetime(2026, 3, 2, 18, 30, tzinfo=dt.UTC), answers,
                          seed=2020)
    return write_session(root, rehearsal, audio)
