"""The career check "a reason for each move" (simulator.analysis.moves, the rubric's
``reasons`` criterion): moves told in the first person, each with or without its reason,
quoted with their time; the tricky cases (a reason in the sentence before or after, a
date after "since", a model moved to a GPU, "what was left") and where the check applies
(only questions whose judged_on names it)."""

from __future__ import annotations

import pytest
from test_signals import timed  # a word every 0.4 s

from simulator.analysis.answer import AnswerInput, analyze
from simulator.analysis.moves import career_moves, moves_criterion
from simulator.analysis.parts import parts_of
from simulator.analysis.signals import Signal, signals
from simulator.analysis.text import AnswerText
from simulator.config.rubric import find_rubric, judged
from simulator.config.script import find_script
from simulator.followups.coach import next_follow_up

RUBRIC = find_rubric("ml-engineer")
CAREER = judged(RUBRIC, ["reasons"])
assert CAREER is not None


def reasons(text: str) -> Signal:
    (signal,) = signals(timed(text), CAREER)
    return signal


def told(text: str) -> list[tuple[str, str | None]]:
    t = AnswerText(text)
    return [(t.quote(m.span) or "", t.quote(m.reason) if m.reason else None)
            for m in career_moves(t)]


def test_every_move_with_its_reason_is_met_and_quotes_moves_and_reasons():
    s = reasons("I studied physics and took a job as an analyst at a bank because I wanted to "
                "learn how money moves. After two years I got bored of reports, so I moved "
                "into data engineering. Three years ago I joined my current company, mostly "
                "because they run models at a scale nobody else does.")
    assert s.found and s.detail == "3 moves, each with a reason"
    quotes = [e.quote for e in s.evidence]
    assert any("moved into data engineering" in q for q in quotes)
    assert any(q.startswith("because I wanted to learn") for q in quotes)
    assert all(e.start_s is not None for e in s.evidence)


def test_a_move_without_a_reason_is_named_with_its_time():
    text = ("I got curious about what the fraud team did, and I asked to move over there as "
            "an analyst. Then I did a master's in the evenings, and when I finished it I moved "
            "to an engineering job at a travel agency. Today I work on pricing.")
    s = reasons(text)
    assert not s.found
    assert s.detail == "2 moves, 1 with a reason"
    assert s.missing and s.missing.startswith("why you made each move")
    first = s.evidence[0]
    assert first.quote == "I moved to an engineering job at a travel agency"
    assert first.start_s == (text.split().index("moved") - 1) * 0.4  # "I", when it was said
    assert len(s.evidence) == 1  # the move with its reason is not quoted as missing one


def test_a_reason_in_the_sentence_before_or_after_the_move_counts():
    assert told("I was exhausted by the marking. So I joined a tutoring start-up as an analyst.")[
        0][1] == "I was exhausted by the marking"
    assert told("Last year I left the agency. The reason was that every project ended as a "
                "slide deck.")[0][1] == "The reason was that every project ended as a slide deck"
    # An unrelated sentence before or after lends the move no reason.
    assert told("The office was in Leeds. I joined a bank as a developer. It had a big "
                "canteen.") == [("I joined a bank as a developer", None)]


def test_circumstances_are_reasons_and_a_date_after_since_is_not():
    assert told("That company ran out of money, so I went to where I am now.")[0][1] == (
        "That company ran out of money")
    assert told("I have worked there since 2019, and I joined from a consultancy.") == [
        ("I joined from a consultancy", None)]
    assert told("I joined Stripe in 2019 and I've been there since the launch.") == [
        ("I joined Stripe", None)]


def test_a_move_is_not_its_own_reason():
    """"So I joined" opening the answer has no sentence before it to give the reason; a "so
    I" after the move tells what followed, not why."""
    assert told("So I joined Amazon as a data scientist.") == [
        ("I joined Amazon as a data scientist", None)]
    assert told("Um, so I joined Amazon as a data scientist.") == [
        ("I joined Amazon as a data scientist", None)]
    assert told("I joined Amazon, so I had to commute two hours.") == [
        ("I joined Amazon", None)]


def test_the_remark_names_two_moves_and_counts_the_rest():
    s = reasons("I joined Google. Then I joined Meta. Then I joined Spotify. Then I joined "
                "Monzo. Then I joined Stripe.")
    assert s.detail == "5 moves, none with a reason"
    assert s.remark == ("A reason for each move: no reason given for “I joined Google” (0:00) "
                        "and “I joined Meta” (0:02) (and 3 more).")


@pytest.mark.parametrize("text", [
    "We moved the model to a GPU, and what was left of the budget went to labelling.",
    "They hired two analysts, and the team moved on. We moved to streaming features.",
    "I joined the call with the fraud team every Monday.",
    "I left out the categorical features because they leaked the label.",
    "I left a comment on the pull request.",
    "I came to the conclusion that the labels were wrong.",
    "I went back to the data and found a leak.",
    "I switched to gradient boosting because it was faster.",
    "I moved on to the ranking problem.",
    "I moved into a new flat.",
    "I worked with a director who left after a year.",
    "I think we left the project half done.",
])
def test_what_is_not_a_career_move(text):
    """Someone else's move, a verb used for something else, a move to nowhere in a career
    (no organisation, role, field or name near it)."""
    assert told(text) == []


def test_one_move_told_in_two_verbs_is_one_move():
    assert told("I left the team to join a start-up that was doing computer vision.") == [
        ("I left the team to join a start-up", None)]
    assert told("I left the bank after three years, and then joined a start-up.") == [
        ("I left the bank after three years", None)]
    assert told("I quit smoking and then joined Spotify.") == [("joined Spotify", None)]


def test_no_move_at_all_does_not_apply():
    f = moves_criterion("Today I lead the ranking team and I own the models end to end.",
                        "reasons")
    assert f.covered and f.basis == "not applicable"


def test_only_questions_that_name_it_are_judged_on_it():
    """A career walk-through is; a deep dive ("we moved to streaming features") is not, nor
    any question of a script that names no criteria for it."""
    loaded = find_script("ml-engineer-open")
    assert "reasons" not in [c.id for c in judged(RUBRIC, []).criteria]  # type: ignore[union-attr]
    text = ("I joined the payments team last year. We moved to streaming features, and I "
            "moved the scoring into a service.")
    words = [{"word": w, "start": k * 0.4, "end": k * 0.4 + 0.3}
             for k, w in enumerate(text.split())]
    for qid, judged_here in (("career", True), ("deep-dive", False)):
        question = loaded.script.question(qid)
        assert question is not None
        analysis = analyze(AnswerInput(text, words, [(0.0, 8.0)], 0.0, 8.0, qid),
                           parts_of(question), judged(loaded.rubric, question.judged_on))
        assert ("reasons" in [s.id for s in analysis.signals]) is judged_here
        if judged_here:  # the remark names the move and when it was told
            assert ("A reason for each move: no reason given for “I joined the payments team "
                    "last year” (0:00).") in analysis.remarks


def test_the_coach_asks_why_about_the_move_without_a_reason():
    q = next_follow_up("I left the bank because I was bored. Then I moved to a travel agency "
                       "as an engineer.", CAREER)
    assert q.criterion == "reasons"
    assert '"I moved to a travel agency as an engineer"' in q.text
