"""The check "what it changed for the business" (simulator.analysis.impact, the rubric's
``business-impact`` criterion): results told in business terms against results told only as
a model's score, quoted with their time; the tricky cases (the problem's size is no result,
"fraud losses" are money but "log loss" is a score, a test's set-up counted against a
control, "half the traffic", "dropped calls", dates); and where it applies (the deep dive and
the impact question, not the career walk-through). The sentences are written for these tests."""

from __future__ import annotations

import pytest

from simulator.analysis.answer import AnswerInput, analyze
from simulator.analysis.impact import impact_criterion, results
from simulator.analysis.parts import parts_of
from simulator.analysis.signals import Signal, signals
from simulator.analysis.text import AnswerText
from simulator.config.rubric import find_rubric, judged
from simulator.config.script import find_script
from simulator.followups.coach import next_follow_up

RUBRIC = find_rubric("ml-engineer")
IMPACT = judged(RUBRIC, ["business-impact"])
assert IMPACT is not None


def timed(text: str) -> AnswerText:
    words = [{"word": w, "start": k * 0.4, "end": k * 0.4 + 0.3}
             for k, w in enumerate(text.split())]
    return AnswerText(text, words)


def impact(text: str) -> Signal:
    (signal,) = signals(timed(text), IMPACT)
    return signal


def kinds(text: str) -> list[tuple[str, str | None]]:
    t = AnswerText(text)
    return [(t.quote(r.span) or "", r.kind) for r in results(t)]


def test_results_in_business_terms_are_met_and_quoted():
    s = impact("The new model lifted precision by twelve points. In the A/B test, fraud losses "
               "dropped from two percent of volume to one point four percent, and manual "
               "review fell by a third.")
    assert s.found
    assert s.detail == "in business terms: losses, manual review"
    quotes = [e.quote for e in s.evidence]
    # The business results come first; the model's score is not quoted as the impact.
    assert quotes[0].endswith("dropped from two percent of volume to one point four percent")
    assert any(q.endswith("manual review fell by a third") for q in quotes)
    assert not any("precision" in q for q in quotes)
    assert all(e.start_s is not None for e in s.evidence)


def test_results_only_as_a_models_score_are_named_with_their_time():
    text = ("I tuned the features for a month. AUC went from 0.81 to 0.87 on the holdout set, "
            "and log loss fell from 0.41 to 0.36.")
    s = impact(text)
    assert not s.found
    assert s.detail == "results only as the model's score: auc, log loss"
    assert s.missing and s.missing.startswith("what the work changed for the business")
    assert [e.quote for e in s.evidence] == ["AUC went from 0.81 to 0.87",
                                             "log loss fell from 0.41 to 0.36"]
    assert s.evidence[0].start_s == text.split().index("AUC") * 0.4
    assert s.remark == ("What it changed for the business: “AUC went from 0.81 to 0.87” "
                        "(0:03) and “log loss fell from 0.41 to 0.36” (0:07) measure the "
                        "model; say what it changed for the business.")


def test_a_score_that_says_what_it_meant_is_met():
    """The seed's own outline: a model's score and then what it bought."""
    s = impact("Recall went from sixty to seventy five percent, which meant about four hundred "
               "fewer fraudulent orders slipping through every week.")
    assert s.found and s.detail == "in business terms: fraudulent orders"
    assert s.evidence[0].quote.endswith("four hundred fewer fraudulent orders")


def test_no_result_at_all_is_not_met_and_has_nothing_to_quote():
    s = impact("We built a ranking model for search and shipped it to every market.")
    assert not s.found and s.detail == "no result told" and s.evidence == ()
    assert s.remark is None  # the plain "missing ..." remark says it


def test_a_result_the_word_lists_cannot_name_counts():
    """Lenient by design: a remark that the answer spoke only of the model is then rarely
    wrong. Routing time and the size of a team are results beyond the model."""
    f = impact_criterion("Routing time went from two days to about four hours, and the sorting "
                         "team went from twelve people to four.", "business-impact")
    assert f.covered and f.detail == "2 results beyond the model's score"


@pytest.mark.parametrize(("text", "expected"), [
    # The problem's size: no change is told.
    ("We were losing about two million dollars a year to fraud.", []),
    # A year is a date, and a count of years is no result.
    ("In 2019, after two years at the bank, I moved to the fraud team.", []),
    # A test's set-up: plain counts against each other, no change.
    ("We ran ten stores with it against ten similar ones without.", []),
    # "half the traffic", "every click twice": a share and a count, not a change.
    ("We ran the test on half the traffic, and a bug recorded every click twice.", []),
    # "dropped calls" is a kind of call, not a claim that calls dropped.
    ("Customers had a couple of dropped calls at home.", []),
    # Money is a business measure; "fraud losses" too, but "log loss" is a score.
    ("It saved about two million euros in repairs.", [
        ("It saved about two million euros in repairs", "business")]),
    ("Fraud losses fell by a quarter.", [("Fraud losses fell by a quarter", "business")]),
    ("Log loss fell by a quarter.", [("Log loss fell by a quarter", "model")]),
    # A change told without a figure, and one told as "half as long".
    ("It cut chargebacks, and the analysts were much happier.", [
        ("It cut chargebacks", "business")]),
    ("The lawyers were spending roughly half as long hunting for clauses.", [
        ("The lawyers were spending roughly half as long hunting for clauses", "business")]),
    # Two results in one sentence are two, not one comparison.
    ("It improved precision by twelve percent and reduced manual review by a third.", [
        ("It improved precision by twelve percent", "model"),
        ("reduced manual review by a third", "business")]),
])
def test_what_is_a_result_and_what_it_measures(text, expected):
    assert kinds(text) == expected


def test_where_it_is_judged():
    """The deep dive and the screen's impact question are judged on it; the career
    walk-through, whose results may well be a model's score, is not, nor any question of a
    script that names no criteria."""
    assert "business-impact" not in [c.id for c in judged(RUBRIC, []).criteria]  # type: ignore[union-attr]
    text = "My model's accuracy went from eighty to ninety percent."
    words = [{"word": w, "start": k * 0.4, "end": k * 0.4 + 0.3}
             for k, w in enumerate(text.split())]
    for script_id, qid, judged_here in (("ml-engineer-open", "deep-dive", True),
                                        ("ml-engineer-open", "career", False),
                                        ("ml-engineer-screen", "impact", True),
                                        ("ml-engineer-screen", "modeling", False)):
        loaded = find_script(script_id)
        question = loaded.script.question(qid)
        assert question is not None
        analysis = analyze(AnswerInput(text, words, [(0.0, 4.0)], 0.0, 4.0, qid),
                           parts_of(question), judged(loaded.rubric, question.judged_on))
        assert ("business-impact" in [s.id for s in analysis.signals]) is judged_here, qid
        if judged_here:
            assert any(r.startswith("What it changed for the business: “My model's accuracy "
                                    "went from eighty to ninety percent” (0:00)")
                       for r in analysis.remarks), analysis.remarks


def test_the_coach_asks_what_the_score_changed_for_the_business():
    q = next_follow_up("I built the model and AUC went from 0.81 to 0.87 on the holdout set.",
                       IMPACT)
    assert q.criterion == "business-impact"
    assert "AUC went from 0.81 to 0.87" in q.quote and f'"{q.quote}"' in q.text
    assert "change for the business" in q.text
