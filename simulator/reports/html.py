"""The HTML report: one self-contained file (no network, no external assets), rendered from a
saved session and its analysis with a Jinja2 template (autoescaping on: transcripts,
questions and LLM text are untrusted and always rendered as text).

Charts are inline SVG drawn from numbers computed here: a few kilobytes in the file and no
script library to load (docs/architecture.md compares the options). The audio of each answer
is embedded as Opus (`audio.compress`), so a 20-minute session stays a file people can email.
A Content-Security-Policy in the page forbids every network request.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from simulator.analysis.answer import AnswerAnalysis
from simulator.analysis.delivery import Pause
from simulator.analysis.sentences import paragraphs as sentence_paragraphs
from simulator.analysis.text import UNSURE_BELOW
from simulator.reports.describe import (
    answer_label,
    budget_range,
    clock,
    describe_doubt,
    describe_verdict,
    describe_writer,
    describe_writer_setting,
    format_duration,
    glued,
    resume_hint,
    verdict_label,
)
from simulator.reports.figures import figure_text
from simulator.sessions.records import AnswerRecord, SessionDocument, WordRecord

# A saved recording that reads this much shorter than the session recorded it was cut or
# damaged since (a WAV's length and the saved figure agree to a few milliseconds).
CUT_SHORT_S = 0.5
TEMPLATES = Path(__file__).parent / "templates"
CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "media-src data:; img-src data:; connect-src 'none'; form-action 'none'; "
       "base-uri 'none'")


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      autoescape=select_autoescape(["html", "j2"], default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["duration"] = format_duration
    env.filters["clock"] = clock
    env.filters["figure"] = figure_text
    return env


@dataclass(frozen=True)
class Bar:
    """A horizontal bar against a budget, in chart units (0-100)."""

    actual: float
    min_at: float
    max_at: float
    over: bool
    under: bool


def _bar(seconds: float | None, min_s: float, max_s: float, scale: float) -> Bar:
    actual = min(100.0, (seconds or 0) / scale * 100)
    return Bar(round(actual, 2), round(min_s / scale * 100, 2), round(max_s / scale * 100, 2),
               (seconds or 0) > max_s, (seconds or 0) < min_s)


def render_html(doc: SessionDocument, analyses: Mapping[int, AnswerAnalysis],
                audio: Mapping[int, AnswerAudio] | None = None,
                resume: str | None = None) -> str:
    """The report as one HTML page; ``audio``: turn -> the recording to embed
    (`answer_audio`); ``resume`` as for `markdown.render_markdown`."""
    audio = audio or {}
    answers = [_answer_view(a, analyses.get(a.turn), audio.get(a.turn)) for a in doc.answers]
    counting = [a for a in doc.answers if a.counts]
    over = [a for a in counting if a.verdict == "over"]
    worst = max(over, key=lambda a: a.budget_delta_s or 0, default=None)
    # No answer over its budget can still hide a part well over its own ("Worst overrun:
    # none" beside "Data and features: over by 0:30" read as a contradiction).
    part_overruns = [(p.delta_s, f"{t.title(p.id)} in {answer_label(a)}")
                     for a in counting if (an := analyses.get(a.turn)) is not None
                     and (t := an.timeline) is not None for p in t.parts if p.verdict == "over"]
    worst_part = max(part_overruns, default=None)
    remarks = [(a.turn, answer_label(a), analyses[a.turn].remarks[0]) for a in counting
               if a.turn in analyses and analyses[a.turn].remarks][:3]
    scale = max([a.budget.max_s * 1.25 for a in doc.answers] +
                [(a.speech_seconds or 0) * 1.05 for a in doc.answers] + [1.0])
    glance = [{"label": answer_label(a), "short": _chart_label(a),
               "seconds": a.speech_seconds, "budget": budget_range(a.budget),
               "verdict": verdict_label(a), "bar": _bar(a.speech_seconds, a.budget.min_s,
                                                        a.budget.max_s, scale),
               "turn": a.turn}
              for a in doc.answers]
    context = {
        "csp": CSP,
        "doc": doc,
        "resume": resume or resume_hint(doc),
        "title": doc.script.title or "Mock interview",
        "writer": describe_writer_setting(doc.settings["follow_ups"])
        if doc.settings.get("follow_ups") else None,
        "total": format_duration(sum(a.speech_seconds or 0 for a in counting)),
        "within": sum(1 for a in counting if a.verdict == "within"),
        "timed": sum(1 for a in counting if a.verdict is not None),
        "worst": worst,
        "worst_label": answer_label(worst) if worst else None,
        "worst_part": worst_part,
        "remarks": remarks,
        "glance": glance,
        "answers": answers,
    }
    return environment().get_template("session.html.j2").render(**context)


def _answer_view(a: AnswerRecord, analysis: AnswerAnalysis | None,
                 audio: AnswerAudio | None) -> dict[str, Any]:
    scale = max(a.budget.max_s * 1.25, (a.speech_seconds or 0) * 1.05, 1.0)
    view: dict[str, Any] = {
        "a": a,
        "verdict": verdict_label(a),
        "verdict_class": a.verdict or ("failed" if a.status == "failed" else "pending"),
        "bar": _bar(a.speech_seconds, a.budget.min_s, a.budget.max_s, scale),
        "scale": scale,
        "budget": budget_range(a.budget),
        "writer": describe_writer(a.follow_up) if a.follow_up else None,
        "audio": ("data:audio/ogg;base64," + base64.b64encode(audio.opus).decode())
        if audio else None,
        "cut_short": cut_short(a, audio),
        "analysis": analysis,
        "paragraphs": _paragraphs(a, analysis),
        "timeline": _timeline(a, analysis),
    }
    return view


def _chart_label(a: AnswerRecord) -> str:
    """An answer's name beside its bar, where a phone leaves a few characters: a follow-up
    by what it probed ("↳ reflection"), as two "follow-up to d…" could not be told apart."""
    if a.kind != "follow_up":
        return answer_label(a)
    probed = a.focus if a.focus and a.focus != "other" else f"follow-up {a.turn}"
    return f"↳ {probed}" + (f" (attempt {a.attempt})" if a.attempt > 1 else "")


def _paragraphs(a: AnswerRecord, analysis: AnswerAnalysis | None) -> list[dict[str, Any]]:
    """The transcript as paragraphs (Whisper's segments, joined into whole sentences:
    `analysis.sentences.paragraphs`) of words, each word with its time
    and what to mark it with: filler, hedge, unsure, quoted as evidence, a pause before it."""
    words = a.verbatim_words  # the indices the analysis uses
    if not words:
        return []
    heard = {id(w) for w in a.fillers_added or ()}
    marks: dict[int, set[str]] = {}
    if analysis is not None:
        for f in analysis.fillers:
            for i in range(f.first_word, f.last_word + 1):
                marks.setdefault(i, set()).add(f.kind)
        for s in analysis.signals_in_focus:
            for e in s.evidence:
                if e.first_word is not None and e.last_word is not None:
                    for i in range(e.first_word, e.last_word + 1):
                        marks.setdefault(i, set()).add("evidence")
    pauses = _pause_before(words, analysis.pauses if analysis else ())
    bounds = ([a.segments[group[-1]].end for group in sentence_paragraphs(a.segments)]
              or [words[-1].end])
    paragraphs: list[dict[str, Any]] = []
    current: list[dict[str, Any]] = []
    seg = 0
    for i, w in enumerate(words):
        while seg < len(bounds) - 1 and w.start >= bounds[seg] - 0.01 and current:
            paragraphs.append({"start": current[0]["start"], "words": current})
            current = []
            seg += 1
        classes = sorted(marks.get(i, set()))
        if id(w) in heard:
            classes.append("heard")  # added by the verbatim pass
        elif w.probability < UNSURE_BELOW:
            classes.append("unsure")
        text = w.word.strip()
        current.append({"text": text, "glued": bool(current) and glued(w.word),
                        "start": round(w.start, 2),
                        "end": round(w.end, 2), "classes": " ".join(classes),
                        "probability": round(w.probability, 2), "pause": pauses.get(i)})
    if current:
        paragraphs.append({"start": current[0]["start"], "words": current})
    return paragraphs


def _pause_before(words: Sequence[WordRecord], pauses: Sequence[Pause]) -> dict[int, float]:
    """word index -> the seconds of the pause shown before that word: each pause (measured on
    the audio, not on Whisper's word times) goes at the gap between two words that overlaps
    it most; when Whisper drew a word over the pause (no gap), before that word or the next,
    whichever follows a punctuation mark, else before that word (Whisper starts the first
    word after a pause early, inside the pause: by its start alone the mark went after
    "The" of "The data was ..."). When two land on one word, the longer is shown."""
    out: dict[int, float] = {}
    for p in pauses:
        shared = [_shared(words, k, p) for k in range(len(words))]
        best = max(range(len(words)), key=shared.__getitem__)
        if shared[best] <= 0:  # a word drawn over the pause: before it, or after it
            inside = [k for k, w in enumerate(words) if w.start < p.end_s and w.end > p.start_s]
            near = [*inside, *(k + 1 for k in inside[-1:] if k + 1 < len(words))]
            ends = [k for k in near if k and words[k - 1].word.rstrip()[-1:] in ".,;:!?"]
            best = (ends or near or [min(range(len(words)),
                                          key=lambda k: abs(words[k].start - p.end_s))])[0]
        out[best] = max(out.get(best, 0.0), p.seconds)
    return out


def _shared(words: Sequence[WordRecord], k: int, p: Pause) -> float:
    """Seconds the gap before word ``k`` (from the end of the word before) shares with the
    pause (<= 0: none)."""
    gap_start = words[k - 1].end if k else p.start_s
    return min(words[k].start, p.end_s) - max(gap_start, p.start_s)


def _timeline(a: AnswerRecord, analysis: AnswerAnalysis | None) -> dict[str, Any] | None:
    if analysis is None or analysis.timeline is None:
        return None
    tl = analysis.timeline
    start = a.speech_start or 0.0
    end = max([a.speech_end or 0.0] + [p.end_s for p in tl.parts])
    span = max(end - start, 1.0)
    parts = []
    for n, p in enumerate(tl.parts):
        parts.append({
            "p": p, "name": tl.title(p.id),
            "hue": (210 + n * 47) % 360,  # not red first: red is "over"
            "segments": [{"x": round((s0 - start) / span * 100, 2),
                          "w": round(max(0.4, (s1 - s0) / span * 100), 2)}
                         for s0, s1 in p.segments],
            "verdict": describe_verdict(p.verdict, p.delta_s),
            "wpm": analysis.part_wpm.get(p.id),
        })
    scale = max([p.max_s * 1.2 for p in tl.parts] + [p.seconds * 1.05 for p in tl.parts] + [1.0])
    budgets = [{"id": p.id, "seconds": p.seconds, "min_s": p.min_s, "max_s": p.max_s,
                "verdict": p.verdict or "missing", "bar": _bar(p.seconds, p.min_s, p.max_s, scale)}
               for p in tl.parts]
    doubts = [{"x": round((d.start_s - start) / span * 100, 2),
               "w": round(max(0.4, (d.end_s - d.start_s) / span * 100), 2),
               "text": describe_doubt(d, tl.title, clock), "start_s": d.start_s}
              for d in tl.doubts]
    missing = []
    for m in tl.missing:
        maybe = tl.maybe_told(m)
        missing.append({"name": tl.title(m), "maybe": None if maybe is None else (
            f"or maybe at {clock(maybe.start_s)}–{clock(maybe.end_s)}: read as "
            f"{tl.title(maybe.read_as)}, a {maybe.could_be_chance:.0%} chance it is this part")})
    # Parts by their titles in the script ("Why machine learning"), as the remarks name them.
    return {"parts": parts, "budgets": budgets, "missing": missing, "doubts": doubts,
            "out_of_order": [tl.title(m) for m in tl.out_of_order], "start": start, "end": end}


@dataclass(frozen=True)
class AnswerAudio:
    """An answer's recording as the report embeds it: Opus, and how long the saved WAV
    read (shorter than the session recorded when the file was damaged since)."""

    opus: bytes
    seconds: float


def answer_audio(doc: SessionDocument, folder: Path,
                 turns: Sequence[int] | None = None) -> dict[int, AnswerAudio]:
    """turn -> the answer's audio, for the answers whose WAV can be read."""
    from audio.compress import opus
    from audio.errors import AudioFileError
    from audio.io import read_audio

    out = {}
    for a in doc.answers:
        if a.audio and (turns is None or a.turn in turns):
            try:
                recording = read_audio(folder / a.audio)
                out[a.turn] = AnswerAudio(opus(recording), recording.duration)
            except (AudioFileError, OSError, ValueError):
                continue  # the report says the audio is missing; the rest still renders
    return out


def cut_short(a: AnswerRecord, audio: AnswerAudio | None) -> str | None:
    """What to say when the saved recording now reads shorter than the session recorded it
    (cut or damaged since: a WAV cut short is read as far as it goes, without an error);
    None when it is whole. The transcript and the analysis were made from the whole."""
    if audio is None or a.audio_seconds is None or audio.seconds >= a.audio_seconds - CUT_SHORT_S:
        return None
    return (f"Only the first {format_duration(audio.seconds)} of this answer's recording could "
            f"be read (it was {format_duration(a.audio_seconds)} when saved): {a.audio} has "
            f"been cut or damaged since. The transcript and the analysis are of the whole "
            f"answer.")
