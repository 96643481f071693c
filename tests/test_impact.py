"""The check "what it changed for the business" (simulator.analysis.impact, the rubric's
``business-impact`` criterion): results told in business terms against results told only as
a model's score, quoted with their time; the tricky cases (the problem's size is no result,
"fraud losses" are money but "log loss" is a score, a test's set-up counted against a
control, "half the traffic", "dropped calls", dates); and where it applies (the deep dive and
the impact question, not the career walk-through). The sentences are written for these tests."""

from __future__ import annotations

import pytest
from test_signals import analyzed_as, timed  # a word every 0.4 s

from simulator.analysis.impact import impact_criterion, results
from simulator.analysis.signals import Signal, signals
from simulator.analysis.text import AnswerText
from simulator.config.rubric import find_rubric, judged
from simulator.followups.coach import next_follow_up

RUBRIC = find_rubric("ml-engineer")
IMPACT = judged(RUBRIC, ["business-impact"])
assert IMPACT is not None


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
    assert s.detail == "results only about the model: auc, log loss"
    assert s.missing and s.missing.startswith("what the work changed for the business")
    assert [e.quote for e in s.evidence] == ["AUC went from 0.81 to 0.87",
                                             "log loss fell from 0.41 to 0.36"]
    assert s.evidence[0].start_s == text.split().index("AUC") * 0.4
    assert s.remark == ("What it changed for the business: “AUC went from 0.81 to 0.87” "
                        "(0:03) and “log loss fell from 0.41 to 0.36” (0:07) are about the "
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
    wrong. Routing time is a result beyond the model, though no word list names it."""
    f = impact_criterion("Routing time went from two days to about four hours, and the sorting "
                         "team went from twelve people to four.", "business-impact")
    assert f.covered and f.detail == "in business terms: people"
    f = impact_criterion("Routing time went from two days to about four hours.",
                         "business-impact")
    assert f.covered and f.detail == "1 result beyond the model"


@pytest.mark.parametrize(("text", "expected"), [
    # The problem's size: no change is told.
    ("We were losing about two million dollars a year to fraud.", []),
    # How things stood before the work, in the past perfect: the problem, not a result.
    ("The problem was that our fraud losses had doubled in a year.", []),
    ("By launch we had halved the manual review queue.", [
        ("By launch we had halved the manual review", "business")]),
    ("Churn had gone up like fifteen percent, and costs had increased by 20 percent.", []),
    # ... unless a time after the work says it is the result
    ("Within two months manual review had fallen by half.", [
        ("two months manual review had fallen by half", "business")]),
    # "had" with no participle is no past perfect; a participle without it is a change.
    ("The new stores had about six percent higher revenue than the others.", [
        ("The new stores had about six percent higher revenue", "business")]),
    ("Revenue has grown 20 percent since launch.", [
        ("Revenue has grown 20 percent since launch", "business")]),
    # "planning" as a kind of work is no plan (a result the lists cannot name).
    ("It cut route planning time by half.", [("It cut route planning time by half", None)]),
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
    for script_id, qid, judged_here in (("ml-engineer-open", "deep-dive", True),
                                        ("ml-engineer-open", "career", False),
                                        ("ml-engineer-screen", "impact", True),
                                        ("ml-engineer-screen", "modeling", False)):
        analysis = analyzed_as(script_id, qid, text)
        assert ("business-impact" in [s.id for s in analysis.signals]) is judged_here, qid
        if judged_here:
            assert ("What it changed for the business: “My model's accuracy went from eighty "
                    "to ninety percent” (0:00) is about the model; say what it changed for the "
                    "business.") in analysis.remarks, analysis.remarks


def test_the_coach_asks_what_the_score_changed_for_the_business():
    q = next_follow_up("I built the model and AUC went from 0.81 to 0.87 on the holdout set.",
                       IMPACT)
    assert q.criterion == "business-impact"
    assert "AUC went from 0.81 to 0.87" in q.quote and f'"{q.quote}"' in q.text
    assert "change for the business" in q.text


@pytest.mark.parametrize("text", [
    # What a score bought, told after it: "which meant", "that's", "in dollar terms".
    "F1 improved by 10 points which meant roughly 30% less time spent by agents on triage.",
    "Precision went up from 0.7 to 0.85 which cut the number of false alarms the ops team had "
    "to look at by about forty percent.",
    "We improved recall by ten points, which meant we caught an extra two million dollars in "
    "fraudulent transactions per quarter.",
    "The AUC improved by 0.04, which is worth around $3 million annually according to finance.",
    "Our recall went from seventy to eighty five percent. That's roughly five hundred thousand "
    "dollars in prevented fraud per year.",
    "The F1 went up by 6 points. In dollar terms that was about one and a half million a year.",
    "MAPE dropped from 18% to 11%, which let the stores carry about 12% less inventory.",
    "Precision improved from 80 to 95 percent, so we stopped blocking around 3,000 good "
    "customers a month.",
    "Word error rate went from twelve to eight percent, so the transcripts need far less "
    "manual correction.",
    "Accuracy improved by 8%, so we could finally turn off the manual review step completely.",
    # A qualifier after the figure is what was held, not what was measured.
    "Chargebacks went down by about twenty percent at the same recall.",
    "We reduced the manual review queue by about a third while keeping recall at 95 percent.",
    # A change told with a comparative, a noun, "now", or after a figure's own clause.
    "We handled 30% more orders with the same team.",
    "Customers waited about 2 minutes less on average.",
    "It drove a significant increase in revenue.",
    "It improved accuracy by 10 percent and reduced costs.",
    "Accuracy improved by 6 points, and the model now handles about 40 percent of customer "
    "tickets.",
    # "loss" the business's, and words a model's metric list must not take.
    "The loss ratio dropped from 72 to 65 percent.",
    "We reduced customer loss by 10 percent.",
    "The model's predictions were accurate enough that planners cut safety stock by 20 percent.",
    "Manual validation effort went down 70 percent.",
    "Offline stores saw a 4% lift in sales.",
])
def test_business_impact_told_after_or_around_a_score_is_met(text):
    """Written after a review's sentences: each of these was once read as a model's score
    only, so the remark would have told the candidate the opposite of what they said."""
    assert impact_criterion(text, "business-impact").covered


@pytest.mark.parametrize(("text", "verdict"), [
    # A test's set-up, a plan, a goal, a guess: no result at all.
    ("AUC went from 0.81 to 0.87. We ran the A/B test for two weeks on 10% of traffic.",
     "results only about the model: auc"),
    ("AUC went from 0.81 to 0.87, and we went to production with it on 20% of traffic.",
     "results only about the model: auc"),
    ("The goal was to reduce churn by 5 percent.", "no result told"),
    ("We aimed to cut manual review by half.", "no result told"),
    ("We expect it to save about a million dollars next year.", "no result told"),
    ("If we improved recall by 5 points it would save a lot.", "no result told"),
    # Words that start like a change and are not one.
    ("The cutoff was at 0.7 and about 12 percent of transactions got flagged.",
     "no result told"),
    ("The fallback rules handled 10 percent of the traffic.", "no result told"),
    ("The growth team owns about 30 percent of the revenue.", "no result told"),
    ("The camera glass fogged up half the morning.", "no result told"),
    ("The data came from two years of transactions.", "no result told"),
    # The model's own set-up is about the model too.
    ("We increased the batch size from 256 to 1024.", "results only about the model: batch size"),
    ("Recall improved from 0.6 to 0.72 after I added dropout of 0.3.",
     "results only about the model: recall, dropout"),
    ("Mean absolute error went down by 15%.",
     "results only about the model: absolute error"),
    # Saving a file is no time saved, nor is how long it was kept.
    ("AUC went from 0.81 to 0.87, and I saved the model every hour.",
     "results only about the model: auc"),
    ("We saved checkpoints for days.", "no result told"),
    # A moment is no time given back.
    ("AUC went from 0.81 to 0.87, and I saved the model every time.",
     "results only about the model: auc"),
    ("AUC went from 0.81 to 0.87; we saved the predictions so that next time it was quick.",
     "results only about the model: auc"),
    ("AUC went from 0.81 to 0.87, and I saved the checkpoint at the end of the day.",
     "results only about the model: auc"),
    ("AUC went from 0.81 to 0.87, and the API got back the top three locations.",
     "results only about the model: auc"),
    ("AUC went from 0.81 to 0.87, and training time went down.",
     "results only about the model: auc"),
])
def test_what_is_not_a_result_the_business_felt(text, verdict):
    assert impact_criterion(text, "business-impact").detail == verdict


@pytest.mark.parametrize("text", [
    # Money is the business's, whatever the sentence's subject: a score's gain told as what
    # it was worth ("saved", "added", "was worth" name the cause, not the measure).
    "The accuracy gains translated into about four hundred thousand dollars in savings on "
    "returns.",
    "The precision boost saved us roughly 300K a year in manual review.",
    "Improving AUC by two points added about 1.5 million in revenue.",
    "Accuracy went up to 95 and we saved 2 million dollars a year.",
    "the recall jump was worth like half a million a quarter to the business",
    # A business word in the clause wins over the score that caused it.
    "with the higher precision the agents only had to look at about 300 cases a day "
    "instead of 1000",
    "Higher recall reduced fraud losses by 1.2 million.",
    # A speaker's hedge is no plan.
    "I would say revenue went up about three percent.",
    "if I remember right churn dropped by about two points after launch",
    "What I'm proudest of is we should have seen it earlier but refunds dropped by a quarter.",
    # Changes said with "instead of", "down to", "up from", against a control.
    "customers got their loan decisions in under a minute instead of like three days",
    "we got the cloud bill down to about twenty K a month",
    "conversion got to 4.1 percent, up from 3.5",
    "the treatment group converted at 4.4 percent versus 4.1 percent for control",
    "The F1 score improved by eleven points. As a result the ops team needed two fewer people "
    "on the night shift.",
])
def test_business_impact_told_as_money_or_with_a_cause_or_a_hedge_is_met(text):
    """Written after a second review's sentences, each once read as about the model or as
    no result at all."""
    assert impact_criterion(text, "business-impact").covered


@pytest.mark.parametrize(("text", "verdict"), [
    # The problem or the goal told before the result is no claim of one.
    ("The business asked us to reduce churn. The AUC went from 0.71 to 0.78.",
     "results only about the model: auc"),
    ("Chargebacks had been rising for a year. We trained a model and precision went from 0.6 "
     "to 0.8.", "results only about the model: precision"),
    ("Fraud is less than one percent of transactions. Recall went from 40 to 60 percent.",
     "results only about the model: recall"),
    ("Precision went from 60 to 80 percent. The project was more about learning how customers "
     "behave.", "results only about the model: precision"),
    # A score told as "up from".
    ("so the model got to about ninety one percent accuracy on the holdout, up from like "
     "eighty three", "results only about the model: accuracy"),
    ("We process 2 million transactions more or less every day.", "no result told"),
    # The figure opens the text: nothing before it, not the text's end, is read.
    ("Five percent of the time the whole thing went down.", "no result told"),
    ("cross validation showed a gain of about three points in R squared",
     "results only about the model: r squared"),
])
def test_a_problem_a_goal_or_a_score_told_another_way_is_no_business_result(text, verdict):
    assert impact_criterion(text, "business-impact").detail == verdict


@pytest.mark.parametrize("text", [
    "AUC went from 0.81 to 0.87. It saved them hours every week.",
    "Precision went up by twelve points, and that saved us a couple of weeks of work.",
    "Recall improved a lot, and it freed up their time for the hard cases.",
    "Accuracy improved a lot and it saved a ton of time.",
    "AUC went from 0.81 to 0.87, and it freed up a lot of the analysts' time.",
    "Recall went up a lot, and it saved the finance team a full day every month.",
    "Precision went up, and the nurses got back like two hours a shift.",
])
def test_time_saved_for_people_is_a_business_result(text):
    """The seed's operational savings, said as time saved or freed without a figure or a
    measure word of the lists: met, not "only about the model"."""
    f = impact_criterion(text, "business-impact")
    assert f.covered and "time saved" in f.detail, (text, f.detail)
