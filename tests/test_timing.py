"""Timing against budgets: pure logic."""

from __future__ import annotations

from audio.activity import Span as SpeechSegment
from simulator.analysis.timing import Budget, describe_verdict, format_duration, judge, measure

BUDGET = Budget(60, 120)


def test_verdicts_and_signed_deltas():
    assert judge(45.5, BUDGET) == ("under", -14.5)
    assert judge(60, BUDGET) == ("within", 0.0)
    assert judge(120, BUDGET) == ("within", 0.0)
    assert judge(131.25, BUDGET) == ("over", 11.25)


def test_measure_spans_first_to_last_speech_and_keeps_pauses():
    segments = [SpeechSegment(1.5, 20.0), SpeechSegment(23.0, 50.0), SpeechSegment(51.0, 70.0)]
    timing = measure(segments, BUDGET)
    assert timing.speech_start == 1.5 and timing.speech_end == 70.0
    assert timing.speech_seconds == 68.5
    assert timing.voiced_seconds == 18.5 + 27.0 + 19.0
    assert timing.longest_pause == 3.0
    assert timing.verdict == "within"


def test_no_speech_gives_no_timing():
    assert measure([], BUDGET) is None


def test_formatting():
    assert format_duration(75.4) == "1:15"
    assert format_duration(None) == "—"
    assert describe_verdict("under", -14.5) == "under by 0:14"
    assert describe_verdict("within", 0.0) == "within budget"
    assert describe_verdict(None, None) == "not timed"
