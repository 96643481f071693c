"""Ownership read with the parts of an open answer: "I" against "we" where the work is.

The ownership check itself (`analysis.content.ownership`) counts the whole answer. Where the
script marks the parts about the candidate's own work (`Part.own_work`), the signal counts
there instead ("we were a team of six" in the problem is the team, as it should be), takes
the part that shows ownership told in the first person as ownership shown, and quotes what
was said there: a "we <did something>", an "I <did something>", or work told in the
passive, which names no one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from simulator.analysis.content import (
    DID_SUBJECTS,
    Finding,
    passive_work,
    pronoun_counts,
    subject_phrases,
    too_much_we,
    work_score,
)
from simulator.analysis.parts import PartTiming, Timeline, within
from simulator.analysis.text import AnswerText, Span
from simulator.analysis.timing import format_duration


def ownership_in_own_work(text: AnswerText, f: Finding, timeline: Timeline,
                           home: Sequence[PartTiming], strictness: str) -> Finding:
    """"I" against "we" counted in the parts about the candidate's own work (those the
    script marks ``own_work``), where the issue is: "we were a team of six" in the problem
    is the team, as it should be. Unchanged when the script marks none or the answer told
    none of them (then the whole answer counts).

    More "we" than "I" there is still ownership shown when the part the script says shows it
    (`Part.shows`, "Your part") was told in the first person: "I built the model and the
    training jobs myself. A colleague owned the ad server." is the individual contribution
    the interviewer asks for, even when the data and the modelling are told as "we". A
    strict interviewer wants "I" throughout, so there the counts alone decide."""
    marked = set(timeline.own_work)
    mine = [u for pid, u in timeline.units if pid in marked]
    if not mine:
        return f
    we, i = pronoun_counts(" ".join(u.text for u in mine))
    counted = f"in the parts about the work: we x{we}, I x{i}"
    covered = not too_much_we(we, i, strictness)
    stated = None if covered or strictness == "strict" else stated_in_first_person(
        text, timeline, home)
    if stated is not None:
        part, span = stated
        detail = (f"said in its own part, {timeline.title(part.id)} ({part.seconds:.0f} s "
                  f"from {format_duration(part.start_s)}); {counted}")
        return replace(f, covered=True, detail=detail, counts=(("we", we), ("I", i)),
                       evidence=text.evidence(span), span=span, basis="part")
    # A verdict that changed drops the whole answer's quote ("I built..." behind a missing
    # ownership): the quotes are then the parts' own "we ..." (or "I ...") phrases, or with
    # neither, their first work told in the passive ("the model was retrained weekly").
    same = covered == f.covered
    evidence, span = (f.evidence, f.span) if same else (None, None)
    if not covered and we == 0:
        counted += ": nobody is said to have done the work"
        segments = [(u.start_s, u.end_s) for u in mine]
        passive = [(e, s) for s in passive_work(text)
                   if (e := text.evidence(s)) is not None and within(e, segments)]
        if passive:
            evidence, span = passive[0]
    return replace(f, covered=covered, detail=counted, counts=(("we", we), ("I", i)),
                   evidence=evidence, span=span)


def stated_in_first_person(text: AnswerText, timeline: Timeline,
                            home: Sequence[PartTiming]) -> tuple[PartTiming, Span | None] | None:
    """The first told part that shows ownership whose words say "I" at least as often as
    "we", with what to quote from it: its best "I <did something>" phrase, else its first
    sentence in the first person ("I was the engineer in a team of four. The pipeline and the
    classifier were mine." has no such verb)."""
    for part in home:
        units = [u for pid, u in timeline.units if pid == part.id]
        we, i = pronoun_counts(" ".join(u.text for u in units))
        if i == 0 or we > i:
            continue
        segments = list(part.segments)
        did = [span for span in subject_phrases(text, DID_SUBJECTS, work_score, 1)
               if (e := text.evidence(span)) is not None and within(e, segments)]
        if did:
            return part, did[0]
        first = next((u for u in units if pronoun_counts(u.text)[1]), units[0])
        return part, text.span_between(first.start_s, first.end_s)
    return None
