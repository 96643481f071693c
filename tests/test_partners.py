"""The check "working with engineering and product" (simulator.analysis.partners, the
rubric's ``collaboration`` criterion): partners named by their group, their role or the act
of working with them, quoted with their time; the tricky cases (the candidate's own team, a
team's size, "designer" as an adjective, "the right department") and where the check
applies (only questions whose judged_on names it)."""

from __future__ import annotations

import pytest
from test_signals import analyzed_as, timed  # a word every 0.4 s

from simulator.analysis.partners import collaboration_criterion, partners
from simulator.analysis.signals import Signal, signals
from simulator.analysis.text import AnswerText
from simulator.config.rubric import find_rubric, judged
from simulator.followups.coach import next_follow_up

RUBRIC = find_rubric("ml-engineer")
WITH_PARTNERS = judged(RUBRIC, ["collaboration"])
assert WITH_PARTNERS is not None


def collaboration(text: str) -> Signal:
    (signal,) = signals(timed(text), WITH_PARTNERS)
    return signal


def named(text: str) -> list[str]:
    t = AnswerText(text)
    return [" ".join(t.word[s.core_first:s.core_last + 1]) for s in partners(t)]


@pytest.mark.parametrize("text, partner", [
    ("The platform team owned the checkout hook, and I wrote the interface.",
     "the platform team"),
    ("The supply chain team used our forecasts every morning.", "the supply chain team"),
    ("A woman from the trading desk knew the market inside out.", "the trading desk"),
    ("We handed the alerts to the billing department.", "the billing department"),
    ("A colleague owned the ad server.", "colleague"),
    ("My manager fought the political battles.", "my manager"),
    ("Two backend engineers looked after the search cluster.", "two backend engineers"),
    ("Another engineer built the feature store.", "another engineer"),
    ("Our product manager decided the threshold.", "our product manager"),
    ("The product folks were sure it was the microphone.", "the product folks"),
    ("A designer wrote what the assistant says.", "a designer"),
    ("The fraud analysts went through every decline.", "the fraud analysts"),
    ("The infrastructure group owned the serving layer.", "the infrastructure group"),
    ("Another team maintained the warehouse, and the backend team's queue took my scores.",
     "another team"),
    ("A junior scientist implemented the features under my review.", "a junior scientist"),
    ("The policy people kept the rules on who gets paid.", "the policy people"),
    ("The phone system was owned by a vendor.", "a vendor"),
    ("The radiologists labelled about three thousand scans.", "the radiologists"),
    ("I worked with Sarah on the schema.", "worked with"),
    ("We collaborated with Priya from payments on the rollout.", "collaborated with"),
    ("We had to go through legal because of the chat logs.", "through legal"),
    ("I reached out to the team that owned the feature store.",
     "the team that owned"),
    ("I presented the results to the VP of risk.", "vp of risk"),
    ("The moderators decided what the rules were.", "the moderators"),
    ("I partnered with checkout on the rollout.", "partnered with"),
    ("I worked closely with the billing people on the recycled numbers.",
     "worked closely with"),
    ("I sat down with about forty lawyers to label clauses.", "sat down with"),
    ("We looped in security early because the model touched personal data.",
     "looped in security"),
    ("I had a weekly sync with marketing, who sent the emails.", "with marketing"),
    ("Finance agreed to fund the second phase.", "finance agreed"),
    ("The customer support agents were the ones using the predictions.",
     "the customer support agents"),
    ("The ops manager at the depot called me when routes looked wrong.", "the ops manager"),
    ("Sarah, the staff engineer who owned the feature store, reviewed it with me.",
     "the staff engineer"),
    ("We handed it over to the operations people.", "handed it over to"),
    ("Sarah from platform helped me wire it in.", "sarah from platform"),
    ("Then Priya from legal reviewed the consent flow.", "priya from legal"),
    ("The trust and safety folks reviewed every rule.", "the trust and safety folks"),
    ("I asked the, um, backend engineer to add a hook.", "the um backend engineer"),
    ("Honestly the project depended on the mobile team shipping the new screen.",
     "the mobile team"),
    ("We were blocked on the security team for a month.", "the security team"),
    ("The data came from the Epic team, who gave us a nightly extract.", "the epic team"),
])
def test_a_partner_named_by_group_role_or_act_is_found(text, partner):
    assert partner in named(text), text
    f = collaboration_criterion(text, "collaboration")
    assert f.covered and f.detail.startswith("names “"), text


@pytest.mark.parametrize("text", [
    "We were a team of six, and our team owned fraud end to end.",
    "I lead a small team of three engineers.",
    "I was on the fraud team, and then I joined the search team.",
    "I led the data team for two years.",
    "The whole team worked on it, and my team shipped it in March.",
    "The machine learning team trained it and the data science team tested it.",
    "The classifier sent each letter to the right department.",
    "People were selling fake designer bags and replica watches.",
    "I put the scorecard the team already had up against boosted trees.",
    "I built the scoring service myself and trained the model on two years of data.",
    "I was an analyst at a bank, and I am a software engineer by training.",
    "I started as a network engineer, and I'm a contractor for a bank these days.",
    "As the manager I didn't write much code; I'm the lead data scientist now.",
    "I was a game designer originally, and I run the data team at a restaurant group.",
    "I'm a staff engineer at a startup, and eight million people use the app.",
    "I am, um, a data scientist by training, and I was, like, the main engineer on it.",
    "I wore a lot of hats: I was the data engineer, the ML engineer, the MLOps guy.",
    "I sat with the data for two weeks, and the model aligned with the business goals.",
    "We handed off to production by just merging into main.",
    "We trained the RL agents on simulated traffic, a planner agent and a retriever agent.",
    "Users kept searching for designer brands and getting knock-offs.",
    "We predicted which of the two teams would win, and elderly people churned more.",
    "If a manager wanted to override it, they could, and we compared it with sales data.",
    "We were a team of six, um, four MLEs and two data scientists.",
    "I worked with the raw logs and went through the playlists the artists uploaded.",
    "We compared the treatment group with the holdout group for a month.",
    "I worked with Spark on the cluster, and then worked with PyTorch and AWS for serving.",
    "The fraud team, which is my team, owned it, and our team's data scientists built it.",
    "Data from sales showed a spike, and tickets from support were the labels.",
    "We pulled data from sales, and the labels came from support.",
    "Apart from security, nobody cared, and coming from finance, I knew the data.",
    "We were waiting. On the platform team we ran it ourselves.",
    "The old and young people behaved differently, so I built the fraud and abuse team's model.",
])
def test_the_candidates_own_team_and_look_alikes_name_no_partner(text):
    f = collaboration_criterion(text, "collaboration")
    assert not f.covered and f.detail == "no one else named", (text, named(text))


def test_the_signal_quotes_each_partner_with_its_time():
    s = collaboration("I built the scoring service. The platform team owned the checkout hook, "
                      "and I agreed the threshold with our product manager.")
    assert s.found
    quotes = [e.quote for e in s.evidence]
    assert quotes[0].startswith("The platform team owned the checkout hook")
    assert any("product manager" in q for q in quotes)
    assert s.evidence[0].start_s == pytest.approx(2.0)  # "The" is the sixth word
    assert s.remark is None


def test_no_partner_gets_a_remark_with_what_is_missing_and_why():
    s = collaboration("I built the feature pipeline, I trained the model, and I deployed it "
                      "behind the checkout API.")
    assert not s.found and s.evidence == ()
    assert "who you worked with to ship it" in (s.missing or "")
    assert "other people's systems" in s.why


def test_the_coach_asks_who_else_a_piece_of_their_own_work_depended_on():
    q = next_follow_up("I built the scoring service myself and deployed it behind checkout.",
                       WITH_PARTNERS)
    assert q.criterion == "collaboration"
    assert '"I built the scoring service' in q.text
    assert "engineering and product" in q.text


def test_only_questions_that_name_it_are_judged_on_it():
    """The open deep dive and the screen's ownership question are; a career walk-through,
    and a question of a script that names no criteria for it, are not."""
    assert "collaboration" not in [c.id for c in judged(RUBRIC, []).criteria]  # type: ignore[union-attr]
    text = "I built the scoring service myself and deployed it behind checkout."
    for script, qid, judged_here in (("ml-engineer-open", "deep-dive", True),
                                     ("ml-engineer-open", "career", False),
                                     ("ml-engineer-screen", "ownership", True),
                                     ("ml-engineer-screen", "modeling", False)):
        ids = [s.id for s in analyzed_as(script, qid, text).signals]
        assert ("collaboration" in ids) is judged_here, (script, qid)


@pytest.mark.parametrize("text, names", [
    ("The retention team called people who scored high.", ["the retention team"]),
    ("It cut the share that investigators opened by half.", []),
    ("The head of product signed it off.", ["head of product"]),
    ("The map the planners use is rebuilt every night.", ["the planners"]),
])
def test_a_partner_is_named_by_its_own_words(text, names):
    """The name a signal shows is the group or the role as said, not the words around it:
    a group ends at its first group noun, and no role spans a clause word ("that")."""
    assert named(text) == names


def test_the_act_of_working_with_someone_is_not_listed_as_a_name():
    f = collaboration_criterion("I owned the serving service, working with one data engineer "
                                "and a product manager.", "collaboration")
    assert f.covered and f.detail == "names “one data engineer”, “a product manager”"
    assert f.count("partners") == 2 and "one data engineer" in f.evidence.quote
    # Said alone, the act is what there is to name.
    f = collaboration_criterion("We partnered with checkout on the launch.", "collaboration")
    assert f.covered and "partnered with" in f.detail
