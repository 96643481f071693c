"""The check "trade-offs and alternatives" (the rubric's keyword check, its hits read by
simulator.analysis.tradeoffs): a choice between options said in structure counts ("went
with X over Y", "would have ..., but", "lived with"), and the words said as often about
something else count only as a choice ("instead of" by the candidate, "versus" between
options, not a measure against its baseline)."""

from __future__ import annotations

import pytest
from test_signals import by_id


def trade_offs(text: str) -> bool:
    return by_id(text)["trade-offs"].found


@pytest.mark.parametrize("text", [
    "We looked at a neural net, but we went with boosted trees because we had to explain "
    "every decline.",
    "I picked XGBoost over the LSTM because it trained in minutes.",
    "Retraining daily would have kept things fresher, but the compute cost tripled.",
    "We scored in batch instead of in real time, so predictions were up to a day old.",
    "One choice was a single global model rather than one per store.",
    "We used offline replay instead, which was faster but missed some effects.",
    "I accepted slightly lower recall to keep latency under thirty milliseconds.",
    "We dropped forty features and lost a bit of accuracy, but training got much simpler.",
    "We lived with a bit of staleness, because weekly retraining was cheap.",
    "We traded some risk for uptime and only stop the mill for serious warnings.",
    "The bigger model was a bit better but took three seconds per request.",
    "We had two options, either cache the embeddings or recompute them on every request.",
    "Honestly we fussed over detector versus segmentation for weeks.",
    "The trade-off was between alerting fast and alerting right.",
    "The small model was faster but less accurate.",
    # The same choice told in the passive.
    "Gradient boosted trees were chosen over a neural net because they were easier to explain.",
    "In the end XGBoost was eventually picked over logistic regression.",
])
def test_a_choice_between_options_is_a_trade_off(text):
    assert trade_offs(text), text


@pytest.mark.parametrize("text", [
    # Said of other people's habits, not a choice in the system's design.
    "Most customers called in instead of emailing, so the queue was all phone calls.",
    "The drivers used the app instead of paper manifests.",
    "Rather than me explaining the whole architecture, let me focus on the model.",
    # "versus" as a measure against its baseline.
    "Precision versus the old rules was eighty five percent versus sixty percent.",
    "Click-through rate versus last quarter went up a little.",
    "I plotted the precision versus recall curve for the analysts.",
    # Named only in passing, without what was weighed.
    "There were some trade-offs, like in any project.",
    "We considered a lot of things before we started.",
    # "over" as time, a weighing verb said of other people, a plain description.
    "We used the same features over the last year.",
    "The dashboard was preferred over the past few months by analysts.",
    "He was picked over me for the promotion.",
    "The moderators looked at anything that got reported, but they were slow.",
    # a baseline compared (left out on purpose), an offer, a desk, customers lost, a fix tried
    "We compared it against the old rules and it was better.",
    "I accepted the offer at Stripe, and the trading desk for equities was my first user.",
    "We lost some customers to a competitor, and we tried to fix it but it kept failing.",
    # "over" in the next sentence
    "We used Spark for the pipeline. Over two weeks we trained it.",
    "I built the feature pipeline and trained the model on two years of data.",
])
def test_words_said_about_something_else_are_no_trade_off(text):
    assert not trade_offs(text), text


def test_words_said_of_others_are_not_even_in_passing_and_are_not_quoted():
    s = by_id("Most customers called in instead of emailing. We went with boosted trees over "
              "a neural net.")["trade-offs"]
    assert s.found and s.detail == "mentions 'went with boosted trees over'"
    assert not any("instead of" in e.quote for e in s.evidence)
