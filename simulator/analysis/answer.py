"""The coaching analysis of one answer: parts, delivery and content, and the remarks worth
making, as a pure function of what was saved (transcript words, speech spans, the question
and the rubric). Nothing here is written to the session: old sessions get the same analysis.

:func:`analyze` is the one entry point; :meth:`AnswerAnalysis.to_json` is the documented
format (docs/analysis-format.md) printed by ``mock-interview analyze --json``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from simulator.analysis.delivery import (
    Occurrence,
    Pace,
    Pause,
    fillers_and_hedges,
    pace,
    pauses,
    words_per_minute,
)
from simulator.analysis.doubts import MAYBE_AT
from simulator.analysis.parts import PartSpec, PartTiming, Timeline, locate_parts, within
from simulator.analysis.sentences import with_sentence_ends
from simulator.analysis.signals import Signal, signals
from simulator.analysis.text import AnswerText
from simulator.analysis.timing import format_duration
from simulator.config.rubric import Rubric

FORMAT_VERSION = 1
SLOW_WPM, FAST_WPM = 110, 190  # outside this band a listener notices the pace
# The rubric criterion each common mistake is about (`analysis.signals`).
MISTAKE_OF = {"accuracy-without-deployment": "production", "team-without-individual": "ownership"}
FILLERS_PER_MINUTE = 4.0  # more than this and fillers are worth a remark
FAR_TOO_SHORT = 0.5  # an answer under this share of its minimum is told so first


@dataclass(frozen=True)
class AnswerInput:
    """What the analysis reads from a saved answer (or a recording analysed on its own)."""

    transcript: str
    words: Sequence[Any]  # timed words: objects or dicts with word/start/end
    spans: Sequence[Sequence[float]]  # stretches of speech, seconds into the audio
    speech_start: float | None
    speech_end: float | None
    question_id: str | None = None
    min_s: float | None = None
    max_s: float | None = None
    # The rubric criterion a follow-up asked about: its remarks keep to it (a 40-second
    # answer about ownership is not the place to ask for numbers and trade-offs too).
    focus: str | None = None
    # Whisper's segments (objects or dicts with text), whose joins tell the parts locator
    # where a sentence began though its full stop was left off (`sentences.py`).
    segments: Sequence[Any] = ()


@dataclass(frozen=True)
class AnswerAnalysis:
    question_id: str | None
    speech_seconds: float | None
    words: int
    pace: Pace
    timeline: Timeline | None
    part_wpm: dict[str, float | None]
    pauses: tuple[Pause, ...]
    fillers: tuple[Occurrence, ...]  # fillers and hedges, in order
    signals: tuple[Signal, ...]
    remarks: tuple[str, ...] = field(default=())  # most useful first
    focus: str | None = None  # see AnswerInput.focus

    @property
    def signals_in_focus(self) -> tuple[Signal, ...]:
        """The signals worth showing: all of them, or for a follow-up (``focus``) only the
        criterion it asked about and the mistake that belongs to it (the full list stays in
        ``signals`` and the JSON)."""
        if self.focus is None:
            return self.signals
        return tuple(s for s in self.signals
                     if s.id == self.focus or MISTAKE_OF.get(s.id) == self.focus)

    @property
    def longest_pause(self) -> Pause | None:
        return max(self.pauses, key=lambda p: p.seconds, default=None)

    def to_json(self) -> dict[str, Any]:
        timeline = self.timeline
        return {
            "format": FORMAT_VERSION,
            "question_id": self.question_id,
            "speech_seconds": self.speech_seconds,
            "words": self.words,
            "wpm": self.pace.wpm,
            "wpm_over_time": [{"start_s": a, "end_s": b, "wpm": w}
                              for a, b, w in self.pace.windows],
            "parts": [] if timeline is None else [
                {"id": p.id, "start_s": p.start_s, "end_s": p.end_s, "seconds": p.seconds,
                 "budget": {"min_s": p.min_s, "max_s": p.max_s}, "verdict": p.verdict,
                 "wpm": self.part_wpm.get(p.id),
                 "segments": [{"start_s": a, "end_s": b} for a, b in p.segments]}
                for p in timeline.parts],
            "missing": list(timeline.missing) if timeline else [],
            "parts_located_by": timeline.located_by if timeline else None,
            "out_of_order": list(timeline.out_of_order) if timeline else [],
            "doubts": [d.to_json() for d in timeline.doubts] if timeline else [],
            "pauses": [{"start_s": p.start_s, "end_s": p.end_s, "seconds": p.seconds}
                       for p in self.pauses],
            "fillers": [{"text": f.text, "kind": f.kind, "start_s": f.start_s, "end_s": f.end_s}
                        for f in self.fillers],
            "signals": [{"id": s.id, "title": s.title, "kind": s.kind, "found": s.found,
                         "detail": s.detail, "missing": s.missing, "why": s.why,
                         "evidence": [{"quote": e.quote, "start_s": e.start_s, "end_s": e.end_s}
                                      for e in s.evidence]}
                        for s in self.signals],
            "remarks": list(self.remarks),
            "focus": self.focus,
        }


def analyze(answer: AnswerInput, parts: Sequence[PartSpec] = (), rubric: Rubric | None = None,
            strictness: str = "balanced") -> AnswerAnalysis:
    """Everything the coaching report says about one answer."""
    text = AnswerText(answer.transcript, answer.words)
    start = answer.speech_start if answer.speech_start is not None else _first_start(answer)
    end = answer.speech_end if answer.speech_end is not None else _last_end(answer)
    speaking = None if start is None or end is None else round(end - start, 3)
    spoken = [w for w in answer.words if str(_get(w, "word")).strip(" .,;:!?-")]
    timeline = None
    if parts:
        repaired = with_sentence_ends(answer.transcript, answer.segments)
        timeline = locate_parts(text if repaired == answer.transcript
                                else AnswerText(repaired, answer.words), parts, end)
    part_wpm: dict[str, float | None] = {}
    if timeline is not None:
        for p in timeline.parts:
            part_wpm[p.id] = words_per_minute(p.words, p.seconds)
    found_signals = signals(text, rubric, strictness, timeline)
    occurrences = fillers_and_hedges(answer.words)
    delivery = pace(answer.words, start or 0.0, end or 0.0)
    result = AnswerAnalysis(answer.question_id, speaking, len(spoken), delivery, timeline,
                            part_wpm, tuple(pauses(answer.spans)), tuple(occurrences),
                            tuple(found_signals), focus=answer.focus)
    return AnswerAnalysis(**{**result.__dict__,
                             "remarks": tuple(remarks(result, answer.min_s))})


def _missing_part(t: Timeline, part_id: str, found: Sequence[Signal] = ()) -> str:
    """A part the locator did not find, and where the script puts it in this answer: before
    the next part that was told (when it began), or else after the last one before it (when
    it ended). The candidate can listen there: a part told without a sentence of its own, the
    locator's usual miss, is one an interviewer may miss too."""
    remark = f"Part missing: {t.title(part_id)}"
    before, after = _told_around(t, part_id)
    if after is not None:
        remark += (f" (it belongs before {t.title(after.id)}, which began at "
                   f"{format_duration(after.start_s)})")
    elif before is not None:
        remark += (f" (it belongs after {t.title(before.id)}, which ended at "
                   f"{format_duration(before.end_s)})")
    maybe = t.maybe_told(part_id)
    if maybe is not None:  # the locator is unsure there: say so rather than insist
        remark += (f"; or it may be the stretch at {format_duration(maybe.start_s)}–"
                   f"{format_duration(maybe.end_s)}, which was read as {t.title(maybe.read_as)}")
    elif (said := _said_elsewhere(t, part_id, found)) is not None:
        # Its words were said, in a stretch read as another part: the finder may be wrong.
        quote, at, read_as = said
        remark += (f"; or it may be what was said at {format_duration(at)} (“{quote}”), "
                   f"which was read as {read_as}")
    return remark + "."


def _said_elsewhere(t: Timeline, part_id: str, found: Sequence[Signal]
                    ) -> tuple[str, float, str] | None:
    """For a missing part: the words of a criterion the script says it shows, said in a
    stretch read as another part (quote, when, that part's title), if any."""
    shown = {criterion for part, criterion in t.shows if part == part_id}
    for s in found:
        e = s.said_elsewhere
        if s.id in shown and e is not None and e.start_s is not None:
            read_as = next((t.title(p.id) for p in t.parts if within(e, p.segments)), None)
            if read_as is not None:
                return e.quote, e.start_s, read_as
    return None


def _maybe_within(t: Timeline, part: PartTiming) -> str:
    """For a part over its budget: the stretches read as it that may well be other parts (a
    doubt giving another part a chance of `MAYBE_AT` or more, as for a missing part), when
    without them it would be within budget (", but 1:42–2:05 of it may be Modelling
    decisions"): the overrun may be the timeline's, not the candidate's."""
    doubts = [d for d in t.doubts if d.read_as == part.id and d.could_be_chance >= MAYBE_AT]
    # on whole seconds, as the verdict is judged
    if not doubts or round(part.seconds - sum(d.end_s - d.start_s for d in doubts)) > part.max_s:
        return ""
    stretches: list[list[float]] = []
    for d in doubts:  # stretches that meet are one
        if stretches and abs(stretches[-1][1] - d.start_s) < 1e-6:
            stretches[-1][1] = d.end_s
        else:
            stretches.append([d.start_s, d.end_s])
    others = list(dict.fromkeys(t.title(d.could_be) for d in doubts))
    return (", but " + ", ".join(f"{format_duration(a)}–{format_duration(b)}"
                                 for a, b in stretches)
            + f" of it may be {' or '.join(others)}")


def _out_of_order(t: Timeline) -> str:
    """The parts told out of the recommended order, each with when it was told and where the
    script puts it: told early, after the part it came before ("Impact at 0:17 (recommended
    after Trade-offs)"); told late, before the part it came after."""
    said = []
    for part_id in t.out_of_order:
        part = t.part(part_id)
        if part is None:
            continue
        before, after = _told_around(t, part_id)
        where = ""
        if after is not None and part.start_s > after.start_s:
            where = f" (recommended before {t.title(after.id)})"
        elif before is not None and part.start_s < before.start_s:
            where = f" (recommended after {t.title(before.id)})"
        said.append(f"{t.title(part_id)} at {format_duration(part.start_s)}{where}")
    return "Told out of the recommended order: " + ", ".join(said) + "."


def _told_around(t: Timeline, part_id: str) -> tuple[PartTiming | None, PartTiming | None]:
    """The told parts nearest ``part_id`` in the script's order, before and after it, among
    those told in order: a part told early (out of order) is no landmark for where the others
    go ("after Impact, which ended at 0:42" when the impact opened the answer)."""
    ids = [pid for pid, _ in t.titles]
    if part_id not in ids:
        return None, None
    at = ids.index(part_id)

    def told(pid: str) -> PartTiming | None:
        return t.part(pid) if pid not in t.out_of_order else None

    before = next((p for pid in reversed(ids[:at]) if (p := told(pid))), None)
    after = next((p for pid in ids[at + 1:] if (p := told(pid))), None)
    return before, after


def remarks(a: AnswerAnalysis, min_s: float | None = None) -> list[str]:
    """What is most worth saying about the answer, most useful first. For a follow-up with
    a ``focus``, the content remarks are about that criterion only (delivery still counts).
    An answer under half its minimum (``min_s``) is told so first: its parts' remarks
    ("Part missing: ...") follow from that and would otherwise be all it heard."""
    out: list[str] = []
    if min_s and a.speech_seconds is not None and a.speech_seconds < FAR_TOO_SHORT * min_s:
        out.append(f"Far too short: {format_duration(a.speech_seconds)} of speaking against "
                   f"a minimum of {format_duration(min_s)}."
                   + (" Give every part a few sentences, however briefly."
                      if a.timeline is not None and a.timeline.parts else ""))
    t = a.timeline
    if t is not None:
        # Parts by their titles ("Why machine learning"), as the candidate knows them.
        out += [_missing_part(t, part_id, a.signals) for part_id in t.missing]
        for p in sorted((p for p in t.parts if p.verdict == "over"), key=lambda p: -p.delta_s):
            out.append(f"{t.title(p.id)} ran {p.seconds:.0f} s, {p.delta_s:.0f} s over its "
                       f"{p.min_s:.0f}-{p.max_s:.0f} s budget{_maybe_within(t, p)}.")
        if t.out_of_order:
            out.append(_out_of_order(t))
    for s in a.signals_in_focus:
        if s.kind == "mistake" and s.found and s.id != "time-balance":
            out.append(f"{s.title}: {s.detail}.")
    for s in a.signals_in_focus:
        if s.kind == "quality" and not s.found and s.missing:
            out.append(s.remark or f"{s.title}: missing {s.missing}.")
    fillers = [f for f in a.fillers if f.kind == "filler"]
    minutes = (a.speech_seconds or 0) / 60
    if minutes > 0 and len(fillers) / minutes > FILLERS_PER_MINUTE:
        common = max({f.text for f in fillers}, key=lambda x: sum(f.text == x for f in fillers))
        out.append(f"{len(fillers)} fillers ({len(fillers) / minutes:.1f} a minute), most often "
                   f"\"{common}\".")
    if a.pace.wpm is not None and a.words >= 40:
        if a.pace.wpm < SLOW_WPM:
            out.append(f"Slow pace: {a.pace.wpm:.0f} words a minute.")
        elif a.pace.wpm > FAST_WPM:
            out.append(f"Fast pace: {a.pace.wpm:.0f} words a minute.")
    return out


def _get(w: Any, name: str) -> Any:
    return w[name] if isinstance(w, dict) else getattr(w, name)


def _first_start(a: AnswerInput) -> float | None:
    if a.spans:
        return float(a.spans[0][0])
    return float(_get(a.words[0], "start")) if a.words else None


def _last_end(a: AnswerInput) -> float | None:
    if a.spans:
        return float(a.spans[-1][1])
    return float(_get(a.words[-1], "end")) if a.words else None
