"""The full stops Whisper leaves off at segment and chunk joins (simulator/analysis/sentences.py),
and the parts locator reading the repaired sentences (simulator/analysis/answer.py)."""

from __future__ import annotations

from simulator.analysis.answer import AnswerInput, analyze
from simulator.analysis.parts import PartSpec
from simulator.analysis.sentences import paragraphs, with_sentence_ends
from simulator.analysis.text import AnswerText
from simulator.analysis.units import units_of


def seg(text: str) -> dict:
    return {"start": 0.0, "end": 1.0, "text": text}


def test_a_join_between_a_bare_word_and_a_capital_gets_a_full_stop():
    segments = [seg("our click rate was stuck at 0.3%"), seg("To rank ads we needed a model")]
    transcript = " ".join(s["text"] for s in segments)
    assert with_sentence_ends(transcript, segments) == \
        "our click rate was stuck at 0.3%. To rank ads we needed a model"


def test_joins_that_already_end_or_go_on_a_sentence_are_left_alone():
    for first, second in [("it was slow.", "Then we"), ("it was slow,", "Then we"),
                          ("it was slow", "then we"), ("the model", "I built"),
                          ("the model", "I'd built"), ("was it slow?", "No")]:
        transcript = f"{first} {second}"
        assert with_sentence_ends(transcript, [seg(first), seg(second)]) == transcript


def test_segments_that_do_not_make_up_the_transcript_change_nothing():
    segments = [seg("stuck at 0.3%"), seg("To rank ads")]
    assert with_sentence_ends("an edited transcript To rank", segments) == \
        "an edited transcript To rank"
    assert with_sentence_ends("stuck at 0.3%", segments[:1]) == "stuck at 0.3%"
    assert with_sentence_ends("", []) == ""


def timed(start: float, text: str) -> dict:
    return {"start": start, "end": start + 4.0, "text": text}


def test_transcript_paragraphs_run_on_to_the_end_of_the_sentence():
    # A live answer's chunks cut sentences anywhere: the review shows whole sentences.
    segments = [timed(1.1, "I'm an engineer on a risk team, and I own the models at"),
                timed(6.2, "card checkout while the customer waits."),
                timed(10.0, "I got here in three steps"),
                timed(12.1, "First I studied statistics?"),
                timed(15.0, "  "),
                timed(16.0, 'They called it "the pipeline."'),
                timed(18.0, "and then")]
    assert paragraphs(segments) == [[0, 1], [2], [3], [5], [6]]


def test_a_transcript_without_full_stops_is_still_cut_into_pieces_of_half_a_minute():
    segments = [timed(t, "and so on and so on") for t in range(0, 100, 5)]
    groups = paragraphs(segments)
    assert [g[0] for g in groups] == [0, 6, 12, 18]
    assert sum(map(len, groups)) == 20


def part(pid: str, cues: tuple[str, ...]) -> PartSpec:
    return PartSpec(pid, pid.title(), 10.0, 60.0, f"the {pid}", cues)


PROBLEM = ("Our shops kept running out of milk on the busiest mornings and customers "
           "walked out because of it, which cost the stores a lot of money every week")
DATA = ("To fix it we pulled three years of till receipts and delivery logs from every shop "
        "and cleaned them")


def test_the_locator_starts_a_sentence_at_a_join_whisper_left_unpunctuated():
    # One sentence to the text, two to the segments: the second piece, "To fix it ...",
    # opens a sentence, so the part may change there at no extra cost.
    segments = [seg(PROBLEM), seg(DATA)]
    transcript = f"{PROBLEM} {DATA}"
    words = [{"word": w, "start": i * 0.4, "end": i * 0.4 + 0.3}
             for i, w in enumerate(transcript.split())]
    plain = units_of(AnswerText(transcript, words))
    repaired = units_of(AnswerText(with_sentence_ends(transcript, segments), words))
    assert [u.opens_sentence for u in plain][-1] is False
    assert repaired[-1].text.startswith("To fix it") and repaired[-1].opens_sentence
    parts = [part("problem", ("running out", "customers")), part("data", ("receipts", "logs"))]
    answer = AnswerInput(transcript, words, [[0.0, words[-1]["end"]]], 0.0, words[-1]["end"],
                         segments=segments)
    timeline = analyze(answer, parts).timeline
    assert timeline is not None
    assert [(pid, u.opens_sentence) for pid, u in timeline.units][-1] == ("data", True)
