"""Each content signal of the coaching analysis, found and not found, on answers written for
the case (simulator.analysis.signals with the bundled ml-engineer rubric), including the
tricky ones: numbers that are years or dates, "we" in a part about the team, a trade-off
mentioned only in passing. Every found signal quotes the words behind it."""

from __future__ import annotations

import pytest

from simulator.analysis.answer import AnswerAnalysis, AnswerInput, analyze
from simulator.analysis.parts import PartTiming, Timeline, Unit, parts_of
from simulator.analysis.signals import Signal, signals
from simulator.analysis.text import AnswerText
from simulator.config.rubric import find_rubric, judged
from simulator.config.script import find_script

RUBRIC = find_rubric("ml-engineer")


def timed(text: str, seconds_per_word: float = 0.4) -> AnswerText:
    """The text with a word every 0.4 s, as Whisper's timed words would give it."""
    words = [{"word": w, "start": k * seconds_per_word, "end": (k + 0.8) * seconds_per_word}
             for k, w in enumerate(text.split())]
    return AnswerText(text, words)


def analyzed_as(script_id: str, question_id: str, text: str) -> AnswerAnalysis:
    """The text analysed as an answer to one bundled question (a word every 0.4 s), judged on
    what that question is judged on."""
    loaded = find_script(script_id)
    question = loaded.script.question(question_id)
    assert question is not None
    words = [{"word": w, "start": k * 0.4, "end": k * 0.4 + 0.3}
             for k, w in enumerate(text.split())]
    end = len(words) * 0.4
    return analyze(AnswerInput(text, words, [(0.0, end)], 0.0, end, question_id),
                   parts_of(question), judged(loaded.rubric, question.judged_on))


def by_id(text: str, timeline: Timeline | None = None) -> dict[str, Signal]:
    return {s.id: s for s in signals(timed(text), RUBRIC, "balanced", timeline)}


def quotes(signal: Signal) -> list[str]:
    return [e.quote for e in signal.evidence]


# ----------------------------------------------------------------------------- metrics


def test_a_result_with_its_baseline_is_a_metric_and_is_quoted_with_its_time():
    s = by_id("I rebuilt the ranking model and it lifted click-through from 3.1% to 3.6% "
              "against the old heuristic.")["metrics"]
    assert s.found
    assert any("3.6%" in q or "3.1%" in q for q in quotes(s))
    assert all(e.start_s is not None for e in s.evidence)


def test_years_and_dates_are_not_results():
    s = by_id("I joined in 2019 and on March 3rd 2021 we launched the new model, which "
              "improved things a lot.")["metrics"]
    assert not s.found
    assert not any("2019" in q or "2021" in q for q in quotes(s))


def test_a_change_is_quoted_from_where_it_started_to_where_it_ended_and_first():
    """The quotes read on their own: a figure with what it measures, a change with both
    ends, the measured changes before the counts ("ten stores against ten others") and
    before bare words ("twice")."""
    s = by_id("Somebody walked the aisles twice a day. We ran ten stores with it against "
              "ten similar ones for two months, and a gap went from staying about three hours "
              "on average to under forty minutes.")["metrics"]
    assert s.found
    first = quotes(s)[0]
    assert "three hours" in first and "forty minutes" in first
    assert "ten stores with it against ten similar ones" in quotes(s)[1]
    assert all(len(q.split()) > 1 for q in quotes(s))


def test_a_figure_is_quoted_with_what_it_measures_from_its_clauses_start():
    """Grown back to the start of its clause, not cut at a word that starts a phrase:
    "streams from the home page more than doubled", not "the home page more than
    doubled"."""
    s = by_id("Retention went up to fifty two percent against forty five before, and "
              "streams from the home page more than doubled in the test.")["metrics"]
    assert any(q.startswith("streams from the home page more than doubled")
               for q in quotes(s)), quotes(s)


def test_a_met_numbers_check_quotes_only_the_results_with_a_baseline():
    """"Saved about $2 million a year" is a result without a baseline: not a quote behind
    "numbers with a baseline"; the strict check, not met by it, quotes it first."""
    answer = ("Manual review time fell from three days to four hours against the old "
              "process, and the company saved about $2 million a year.")
    s = by_id(answer)["metrics"]
    assert s.found and quotes(s)
    assert any("three days" in q for q in quotes(s))
    assert not any("2 million" in q for q in quotes(s)), quotes(s)
    strict = {x.id: x for x in signals(timed(answer), RUBRIC, "strict")}["metrics"]
    assert not strict.found and "2 million" in quotes(strict)[0], quotes(strict)


def test_a_result_without_a_baseline_is_missing_its_baseline():
    s = by_id("The model reached 92% precision and we shipped it.")["metrics"]
    assert not s.found and "baseline" in (s.missing or "")


# ----------------------------------------------------------------------------- ownership


def test_i_for_own_work_is_ownership():
    s = by_id("I designed the feature pipeline, I wrote the training code and I owned the "
              "rollout plan with the platform team.")["ownership"]
    assert s.found and quotes(s)


def test_ownership_quotes_what_they_did_not_what_they_would_do():
    s = by_id("The one I'd pick is the shelf project. I fine tuned a small object detector "
              "on nine thousand photos and I'd do it again.")["ownership"]
    assert s.found and quotes(s)[0].startswith("I fine tuned a small object detector")


def test_only_we_is_missing_ownership():
    s = by_id("We built the pipeline, we trained the model, we deployed it and we "
              "monitored it for months.")["ownership"]
    assert not s.found and quotes(s)  # quotes a "we" phrase to ask about


def unit(text: str, start: float) -> Unit:
    return Unit(text, start, start + 10.0, len(text.split()))


def timeline_of(*parts: tuple[str, str], own_work: tuple[str, ...] = ("modeling",)) -> Timeline:
    """A timeline of the given (part id, text) units; ``own_work``: the parts the script marks
    as the candidate's own work."""
    units = tuple((pid, unit(text, 10.0 * k)) for k, (pid, text) in enumerate(parts))
    timings = tuple(PartTiming(pid, ((u.start_s, u.end_s),), 10.0, u.words, 5.0, 30.0, "within")
                    for pid, u in units)
    return Timeline(timings, (), (), units, own_work)


TEAM_PROBLEM = ("problem", "We were a team of six and we had a fraud problem that our rules "
                "could not catch, so we agreed we needed a model.")


def test_we_in_a_part_about_the_team_is_not_team_without_individual():
    own = ("modeling", "I chose gradient boosted trees and I tuned them myself.")
    text = TEAM_PROBLEM[1] + " " + own[1]
    assert "team-without-individual" not in by_id(text, timeline_of(TEAM_PROBLEM, own))


def test_ownership_is_counted_in_the_parts_about_the_candidate_s_own_work():
    """"We were a team of six" in the problem is the team, as it should be: the ownership
    signal counts "I" against "we" where the script marks the candidate's own work (the
    whole answer when it marks none, or none of them was told)."""
    own = ("modeling", "I chose gradient boosted trees and I tuned them myself.")
    text = TEAM_PROBLEM[1] + " " + own[1]
    alone = by_id(text)["ownership"]
    assert not alone.found and alone.detail.startswith("we x")  # the whole answer
    s = by_id(text, timeline_of(TEAM_PROBLEM, own))["ownership"]
    assert s.found and s.detail == "in the parts about the work: we x0, I x3"
    assert "I chose gradient boosted trees" in quotes(s)[0]
    # The same counts the other way: "we" in the work, "I" only about the team.
    team = ("problem", "I joined a team of six and I saw a fraud problem.")
    work = ("modeling", "We chose boosted trees and we tuned them and we shipped them.")
    s = by_id(team[1] + " " + work[1], timeline_of(team, work))["ownership"]
    assert not s.found and s.detail == "in the parts about the work: we x3, I x0"
    assert quotes(s) and quotes(s)[0].lower().startswith("we ")


def test_work_told_in_the_passive_is_not_ownership_and_is_quoted():
    """"I" about joining the team, and the work itself in the passive: nobody is said to
    have done the work the interviewer asks about, so ownership is missing, and the quote is
    the passive work in the part about the work (25 words: the problem fills its 10 s)."""
    team = ("problem", "I joined the fraud team two years ago and I saw quickly that the old "
            "rules missed a lot of the newer card testing attacks.")
    work = ("modeling", "Gradient boosted trees were chosen and tuned, and the model was "
            "retrained every week on fresh labels.")
    assert by_id(team[1] + " " + work[1])["ownership"].found  # the whole answer: "I" x2
    s = by_id(team[1] + " " + work[1], timeline_of(team, work))["ownership"]
    assert not s.found
    assert s.detail == ("in the parts about the work: we x0, I x0: nobody is said to have "
                        "done the work")
    assert quotes(s) and "trees were chosen" in quotes(s)[0]
    assert all((e.start_s or 0) >= 10.0 for e in s.evidence)


def test_we_in_the_parts_about_own_work_is_team_without_individual():
    own = ("modeling", "We chose gradient boosted trees, we tuned them and we trained them "
           "again every week, and we served them.")
    text = TEAM_PROBLEM[1] + " " + own[1]
    s = by_id(text, timeline_of(TEAM_PROBLEM, own))["team-without-individual"]
    assert s.found and s.kind == "mistake"
    # The quotes come from the part about the work, not the part about the team, and say
    # what "we" did there, not the word "we" alone.
    assert s.evidence and all((e.start_s or 0) >= 10.0 for e in s.evidence)
    assert all(q.lower().startswith("we ") and len(q.split()) > 2 for q in quotes(s))


def test_a_script_that_marks_no_own_work_part_has_the_whole_answer_read():
    """Scripts that do not say which parts are the candidate's own work (and sessions saved
    before parts could say so): "we" anywhere in the answer counts."""
    team = ("problem", "We were a team of six, we owned fraud, and we agreed we needed a model.")
    work = ("approach", "Then we tried trees and we shipped them.")
    text = team[1] + " " + work[1]
    assert "team-without-individual" in by_id(text, timeline_of(team, work, own_work=()))
    # The same words with only the team part marked as the candidate's work: flagged there.
    s = by_id(text, timeline_of(team, work, own_work=("problem",)))["team-without-individual"]
    assert all((e.start_s or 0) < 10.0 for e in s.evidence)
    # Marked on a part that says "I": nothing to flag.
    mine = ("approach", "Then I tried trees and I shipped them myself.")
    assert "team-without-individual" not in by_id(
        team[1] + " " + mine[1], timeline_of(team, mine, own_work=("approach",)))


WE_WORK = ("modeling", "We chose gradient boosted trees, we tuned them, we trained them again "
           "every week and we served them behind our API.")


def stated(*sentences: str, strictness: str = "balanced") -> dict[str, Signal]:
    """The signals of an answer whose modelling is told as "we", after an ownership part
    (the part the script says shows ownership) said as ``sentences``, 10 s each."""
    said = [("ownership", t) for t in sentences] + [WE_WORK]
    units = tuple((pid, unit(t, 10.0 * k)) for k, (pid, t) in enumerate(said))
    timings = (PartTiming("ownership", ((0.0, 10.0 * len(sentences)),), 10.0 * len(sentences),
                          sum(u.words for pid, u in units if pid == "ownership"), 5.0, 30.0,
                          "within"),
               PartTiming("modeling", ((units[-1][1].start_s, units[-1][1].end_s),), 10.0,
                          units[-1][1].words, 5.0, 30.0, "within"))
    timeline = Timeline(timings, (), (), units, ("ownership", "modeling"),
                        titles=(("ownership", "Your part"),), shows=(("ownership", "ownership"),))
    words = [{"word": w, "start": 10.0 * k + 10.0 * j / len(t.split()),
              "end": 10.0 * k + 10.0 * (j + 0.8) / len(t.split())}
             for k, (_, t) in enumerate(said) for j, w in enumerate(t.split())]
    text = AnswerText(" ".join(t for _, t in said), words)
    return {s.id: s for s in signals(text, RUBRIC, strictness, timeline)}


def test_their_part_said_in_the_first_person_is_ownership_despite_we_in_the_work():
    """"I built the model ... A colleague owned the ad server" is the individual contribution
    the interviewer asks for, even when the modelling is told as "we": found, quoted from
    that part, and not the team-without-individual mistake."""
    s = stated("I built the training pipeline myself, and a colleague owned the ad server.")
    own = s["ownership"]
    assert own.found
    assert own.detail.startswith("said in its own part, Your part (10 s from 0:00)")
    assert own.detail.endswith("in the parts about the work: we x5, I x2")
    assert quotes(own)[0].startswith("I built the training pipeline")
    assert "team-without-individual" not in s
    # Without a verb of doing, the part's first sentence in the first person is quoted.
    own = stated("It was a team of four.", "The pipeline and the model were mine.")["ownership"]
    assert own.found and quotes(own)[0].startswith("The pipeline and the model were mine")


def test_their_part_said_as_we_is_not_ownership():
    s = stated("We owned the whole thing together, we built it and we ran it.")
    assert not s["ownership"].found
    assert s["ownership"].detail.startswith("in the parts about the work:")
    assert s["team-without-individual"].found


def test_a_strict_interviewer_counts_i_against_we_in_all_the_work():
    s = stated("I built the training pipeline myself, and a colleague owned the ad server.",
               strictness="strict")
    assert not s["ownership"].found


def test_a_keyword_is_quoted_with_enough_of_its_sentence_to_read_on_its_own():
    """"In production" alone says nothing: a keyword's clause under six words takes the next
    clause of its sentence (else the one before), and nothing beyond the sentence."""
    s = by_id("In production, the model runs as a small scoring service. It was fine."
              )["production"]
    assert quotes(s)[0] == "In production, the model runs as a small scoring service"
    s = by_id("We kept a human in the loop for the odd cases, rather than guess. "
              "Then we shipped it.")["trade-offs"]
    assert quotes(s)[0].endswith("for the odd cases, rather than guess")
    # A long next clause is taken as far as fits: the phrase itself is never cut.
    s = by_id("If I did it over, I'd go and stand in a store for a whole day with the "
              "people who fill the shelves.")["reflection"]
    assert quotes(s)[0].startswith("If I did it over, I'd go and stand")


# ----------------------------------------------------------------------------- trade-offs


@pytest.mark.parametrize("text", [
    "I went with boosted trees instead of a neural network, which cost a little recall.",
    "The main trade-off was latency against accuracy, so I kept the model small.",
    "We gave up some accuracy to stay under thirty milliseconds.",
])
def test_a_trade_off_named_explicitly(text):
    s = by_id(text)["trade-offs"]
    assert s.found and quotes(s)


@pytest.mark.parametrize("text", [
    "There were some trade-offs, but overall the project went well and I learned a lot.",
    "We considered a few things and then we built the model.",
])
def test_a_trade_off_mentioned_only_in_passing_is_not_enough(text):
    s = by_id(text)["trade-offs"]
    assert not s.found
    assert "in passing" in s.detail and quotes(s)


def test_no_trade_off_at_all():
    s = by_id("I built the model and it worked well in production for two years.")["trade-offs"]
    assert not s.found and "in passing" not in s.detail


# ----------------------------------------------------------------------------- production


def test_production_language_is_production():
    s = by_id("I trained the model, served it behind an API at 20 ms p99 and set up drift "
              "alerts and weekly retraining.")["production"]
    assert s.found and quotes(s)
    assert "accuracy-without-deployment" not in by_id(
        "I trained the model to 91% accuracy, served it behind an API and monitored drift.")


def test_production_names_the_aspects_told_and_not_told_with_a_quote_for_each():
    """The seed's list of what running a model takes (serving, latency, features and their
    versions, monitoring, retraining, experiments): which were named, one quote for each."""
    s = by_id("It runs as a small scoring service behind the checkout API. It answers in "
              "20 ms at the p99. I set up drift alerts for the on-call engineer.")["production"]
    assert s.found
    assert s.detail == ("named 3 of 6: how it was served, latency, monitoring (not named: how "
                        "features were computed and versioned, retraining, experiments)")
    assert len(s.evidence) >= 3
    assert "scoring service" in quotes(s)[0] and "20 ms" in quotes(s)[1]
    assert "drift alerts" in quotes(s)[2]
    # A model kept up to date in other words than "retrained": its embeddings rebuilt every
    # night; "we rebuilt the ranking model" is the project, not retraining.
    nightly = by_id("The model runs as a service and its embeddings are rebuilt every night.")
    assert "retraining" in nightly["production"].detail.split(" (not named")[0]
    rebuilt = by_id("We rebuilt the ranking model and it runs as a service.")["production"]
    assert "retraining" in rebuilt.detail.split(" (not named")[1]
    # "drifted into a product role" is not monitoring, nor production at all.
    career = by_id("I drifted into a product role after two years of research.")["production"]
    assert "monitoring" not in career.detail


def test_accuracy_without_deployment_is_the_seed_s_mistake():
    found = by_id("I trained a model and got 91% accuracy on the test set, then tuned it to "
                  "94% accuracy with better features.")
    assert not found["production"].found
    mistake = found["accuracy-without-deployment"]
    assert mistake.found and mistake.kind == "mistake"
    assert any("accuracy" in q for q in quotes(mistake))
    assert all(len(q.split()) >= 4 for q in quotes(mistake))  # "accuracy" alone says nothing


def test_production_does_not_apply_without_a_model():
    s = by_id("I moved from the analytics team to the platform team to be closer to users.")
    assert s["production"].found and "does not apply" in s["production"].detail
    assert "accuracy-without-deployment" not in s


# ------------------------------------------------------------------- parts that show a criterion


def told(*parts: tuple[str, str, float], shows: tuple[tuple[str, str], ...] = ()
         ) -> tuple[str, Timeline]:
    """The answer of the given (part id, text, minimum seconds) parts, a word every 0.4 s as
    :func:`timed` says them, and its timeline; ``shows``: (part id, criterion) pairs, as a
    script's ``shows`` declares them."""
    timings, units, k = [], [], 0
    for pid, text, min_s in parts:
        n = len(text.split())
        a, b = k * 0.4, (k + n) * 0.4
        timings.append(PartTiming(pid, ((a, b),), b - a, n, min_s, 3 * min_s,
                                  "under" if b - a < min_s else "within"))
        units.append((pid, Unit(text, a, b, n)))
        k += n
    titles = tuple((pid, pid.title()) for pid, _, _ in parts)
    return (" ".join(text for _, text, _ in parts),
            Timeline(tuple(timings), (), (), tuple(units), titles=titles, shows=shows))


PLAIN_SERVING = ("serving", "The way it worked in the end, a photo every ten minutes went to a "
                 "little box in the back office of each store, and only the gaps got sent up, so "
                 "whoever was on that aisle got a message on their handheld within twenty "
                 "minutes, and when a store dismissed a lot of them it was usually a camera "
                 "that got knocked and pointed at the floor.")
PROBLEM = ("problem", "Shelves in our supermarkets kept going empty for hours and nobody "
           "noticed, so shoppers walked out without what they came for.", 5.0)


def test_a_part_that_shows_a_criterion_makes_it_apply():
    """Without a model word ("detector", not "model") production "does not apply" to an
    answer; in a question whose serving part shows it, it always does."""
    text, timeline = told(PROBLEM, (*PLAIN_SERVING, 60.0))  # told, but short of its minimum
    assert "does not apply" in by_id(text, timeline)["production"].detail
    text, timeline = told(PROBLEM, (*PLAIN_SERVING, 60.0), shows=(("serving", "production"),))
    s = by_id(text, timeline)["production"]
    assert not s.found and s.detail.startswith("none of its usual words (production")


def test_a_part_told_for_its_minimum_covers_its_keyword_criterion_in_plain_words():
    text, timeline = told(PROBLEM, (*PLAIN_SERVING, 15.0), shows=(("serving", "production"),))
    serving = timeline.part("serving")
    assert serving is not None and serving.seconds >= 15.0
    s = by_id(text, timeline)["production"]
    assert s.found and s.detail.startswith("told in its own part, Serving (")
    assert "without the usual words" in s.detail
    # The quote is the part's opening, with when it was said.
    assert quotes(s)[0].startswith("The way it worked in the end")
    assert s.evidence[0].start_s == pytest.approx(serving.start_s)


def test_a_lessons_part_whose_words_say_there_is_nothing_to_change_is_not_a_lesson():
    """Told for its minimum, a lessons part counts as reflection in words of its own, but
    not when what it does say is that nothing would change."""
    nothing = ("lessons", "Honestly I would not change anything about it, it went well and "
               "everyone was happy with it in the end, so that is how it went really.", 5.0)
    text, timeline = told(PROBLEM, nothing, shows=(("lessons", "reflection"),))
    assert timeline.part("lessons").seconds >= 5.0
    s = by_id(text, timeline)["reflection"]
    assert not s.found and s.detail == ("mentions 'change anything' but says they would "
                                        "change nothing")
    # Said in another part, such words do not stop the lessons part from counting.
    # Went on to a change "with" something: that is a lesson.
    for said in ("I would not do anything differently, I would start with a proper baseline.",
                 "Looking back, I would not change much, I would begin with cleaner labels."):
        assert by_id(said)["reflection"].found, said
    assert not by_id("Honestly I would not do anything differently, everyone was happy with "
                     "it.")["reflection"].found
    own = ("lessons", "My rule these days is to put a plain baseline in front of users in "
           "the first month before anyone tunes a thing.", 5.0)
    problem = ("problem", "I would not change anything about that team, it went well.", 1.0)
    text, timeline = told(problem, own, shows=(("lessons", "reflection"),))
    s = by_id(text, timeline)["reflection"]
    assert s.found and s.detail.startswith("told in its own part, Lessons (")


def test_a_part_told_for_its_minimum_does_not_make_up_numbers_or_ownership():
    """The built-in checks measure what a part's length cannot show: numbers with a
    baseline, "I" against "we"."""
    impact = ("impact", "We made the stores a lot better and the managers were really happy "
              "with what we did for them, and we kept it running.", 5.0)
    text, timeline = told(PROBLEM, impact, shows=(("impact", "metrics"),
                                                  ("impact", "ownership")))
    s = by_id(text, timeline)
    assert not s["metrics"].found and not s["ownership"].found


def test_a_missing_criterion_quoted_only_by_its_parts_opening_says_why_that_is_quoted():
    """With nothing of its own to quote, a missing criterion quotes the opening of the part
    where the script puts it, and says so: beside "no numbers" a plain sentence would read
    as the evidence."""
    impact = ("impact", "The stores got their shelves back and the managers were pleased "
              "with it.", 5.0)
    text, timeline = told(PROBLEM, impact, shows=(("impact", "metrics"),))
    s = by_id(text, timeline)["metrics"]
    assert not s.found and quotes(s) and quotes(s)[0].startswith("The stores got")
    assert s.detail == ("no numbers; quoted: the opening of Impact, the part where the script "
                        "puts it")


def test_a_criterion_s_words_in_another_part_with_its_own_part_untold_are_in_passing():
    """"at the cost of" inside the impact, in an answer whose trade-offs part was never told,
    is not a trade-off named; with the trade-offs part told, the same words count."""
    impact = ("impact", "The moderators now spend their day on listings that are actually "
              "bad, at the cost of a slightly longer queue.", 5.0)
    shows = (("trade-offs", "trade-offs"),)
    text, timeline = told(PROBLEM, impact, shows=shows)
    s = by_id(text, timeline)["trade-offs"]
    assert not s.found
    # (the timeline has no title for a part never told here: its id names it)
    assert s.detail == ("'at the cost of' only in passing, with no part of its own "
                        "(trade-offs not told)")
    assert "at the cost of" in quotes(s)[0]  # what fell short, quoted
    # The missing part's remark says where its words were heard: the parts finder may have
    # read the trade-offs as the impact.
    from simulator.analysis.answer import _missing_part

    remark = _missing_part(timeline, "trade-offs", list(by_id(text, timeline).values()))
    assert remark == ("Part missing: trade-offs; or it may be what was said at 0:13 (“at the "
                      "cost of a slightly longer queue”), which was read as Impact.")
    trade = ("trade-offs", "We kept the threshold high.", 1.0)
    text, timeline = told(PROBLEM, impact, trade, shows=shows)
    assert by_id(text, timeline)["trade-offs"].found
    # A script that declares no part for it: the words alone decide, as before.
    text, timeline = told(PROBLEM, impact)
    assert by_id(text, timeline)["trade-offs"].found


def test_quotes_from_the_part_that_shows_the_criterion_come_first():
    modeling = ("modeling", "I compared a detector versus a segmentation network and picked "
                "the detector.", 5.0)
    trade = ("trade-offs", "The trade-off was between alerting fast and alerting right: we "
             "waited twenty minutes instead of five, at the cost of some late alerts.", 5.0)
    text, timeline = told(modeling, trade)
    assert "detector versus" in quotes(by_id(text, timeline)["trade-offs"])[0]
    text, timeline = told(modeling, trade, shows=(("trade-offs", "trade-offs"),))
    s = by_id(text, timeline)["trade-offs"]
    start = timeline.part("trade-offs").start_s  # type: ignore[union-attr]
    assert s.found and (s.evidence[0].start_s or 0) >= start
    assert any("versus" in q for q in quotes(s))  # the rest still follow


def test_the_words_a_finding_names_are_in_its_first_quote():
    """"mentions 'X'" names the words said in the part that shows the criterion, whose
    phrase is then quoted first; said only elsewhere, the finding leads with the part."""
    modeling = ("modeling", "I compared a detector versus a segmentation network and picked "
                "the detector.", 5.0)
    trade = ("trade-offs", "The trade-off was between alerting fast and alerting right.", 2.0)
    shows = (("trade-offs", "trade-offs"),)
    text, timeline = told(modeling, trade, shows=shows)
    s = by_id(text, timeline)["trade-offs"]
    assert s.found and s.detail == "mentions 'trade-off'"  # not the modelling's 'versus'
    assert "trade-off was between" in quotes(s)[0]
    plain = ("trade-offs", "We kept the threshold high, so some alerts came late.", 2.0)
    text, timeline = told(modeling, plain, shows=shows)
    s = by_id(text, timeline)["trade-offs"]
    assert s.found
    assert s.detail.startswith("told in its own part, Trade-Offs (4 s from 0:05); ")
    assert s.detail.endswith("mentions 'versus' at 0:02")  # its fifth word, 1.6 s in
    assert quotes(s)[0].startswith("We kept the threshold high")
    assert any("versus" in q for q in quotes(s))


# ----------------------------------------------------------------------------- reflection


def test_what_they_would_do_differently_is_reflection():
    s = by_id("Looking back, I would invest in label quality from the first week.")
    assert s["reflection"].found and quotes(s["reflection"])


def test_no_reflection():
    assert not by_id("I built the model and then I moved to another team.")["reflection"].found


@pytest.mark.parametrize("text", [
    "I would invest in label quality from the first week, with a proper review tool.",
    "I'd bring the fraud analysts into the design reviews from the start.",
    "I'd go and stand in a store for a week at the start.",
    "We would add tests that compare online and offline features on day one, instead of after "
    "the first incident.",
    "Knowing what I know now, I'd have started with a smaller vocabulary.",
    "Something I'd do better is to set up a golden test set early.",
])
def test_a_change_of_approach_said_as_a_plan_is_reflection(text):
    """Answers to "what would you do differently" often use none of the rubric's words
    ("in hindsight", "would have"): a first-person plan with a marker of the change counts."""
    s = by_id(text)["reflection"]
    assert s.found and "would change" in s.detail and quotes(s)


@pytest.mark.parametrize("text", [
    # the habitual "would": what they used to do, not what they would change
    "Every Monday we would retrain the model and I would check the dashboards.",
    # a hedge, even beside a marker of time
    "I would say the hardest part was the data, before anything else.",
    # the plan and the marker in different sentences
    "I would add more tests. The first version shipped in May.",
    # "I'd" as "I had", beside a marker of time
    "Before all of that I was a teacher, and I'd been doing the school's spreadsheets.",
    "I'd started with a rules engine before that.",
])
def test_would_without_a_change_of_approach_is_not_reflection(text):
    assert not by_id(text)["reflection"].found


@pytest.mark.parametrize("text", [
    "My takeaway was that you have to version the data, not just the code.",
    "What that project taught me is to get the model in front of users fast.",
    "If I had to redo it I would push back on the deadline.",
    "Since then I always ask who will consume the predictions before I build anything.",
])
def test_a_lesson_in_other_words_is_reflection(text):
    assert by_id(text)["reflection"].found, text


@pytest.mark.parametrize("text", [
    # a counterfactual about the design, not a lesson
    "It would have cost too much to label everything, so we sampled ten thousand examples.",
    "I'd have to check the exact numbers, but the lift was around five percent.",
    # a lesson named, not told
    "I learned a lot on that project, it was a great experience overall.",
    # a hedge or a wish after "would have"
    "I would have to check the numbers, and I'd have said it was fine.",
    "I'd have liked more time on it.",
    # the words in another sense: reading logs, the model's errors, a schedule, a modifier
    "Looking back at the logs, we saw the spike in declines right around two a.m.",
    "The classifier's mistakes were mostly on sarcastic reviews.",
    "Most of the mistakes the detector made were on small parcels.",
    "Next time the model retrains, it picks up the corrected labels.",
    "The nightly job should have finished by six, and it usually did.",
    "The lesson recommender picks the next exercise from the quiz scores.",
    "It handles weekend orders differently from weekday ones.",
    "I wish the lift had been bigger, honestly.",
    "We should have enough data by June.",
    # a preference or a habit, not a plan
    "We'd rather keep it simple, so we used a linear model.",
    "Back then we would retrain it every night, and today it still runs that way.",
    # a hedge after "would have", also when nothing else is said
    "I would have to say it went well.",
])
def test_a_lesson_named_a_counterfactual_or_another_sense_is_not_reflection(text):
    s = by_id(text)["reflection"]
    assert not s.found, (text, s.detail)


@pytest.mark.parametrize("text, why", [
    ("Looking back, I wouldn't change anything about it.", "would change nothing"),
    ("If I did it again, I'd do it exactly the same way.", "would change nothing"),
    ("In hindsight it all went more or less to plan.", "would change nothing"),
    ("Next time I would run the same playbook, really.", "would change nothing"),
    ("I wish we'd had more time and a bigger team.", "nothing it would change"),
    ("The main lesson is that machine learning is hard.", "nothing it would change"),
    ("Communication is key, that's the big takeaway.", "nothing it would change"),
    ("I made some mistakes, like everyone, and I learned from them.", "nothing it would change"),
    # a short sentence does not borrow the next one's words, unless it asks ("Next time?")
    ("Overall I learned a lot. The model still runs in production today.",
     "nothing it would change"),
    ("Lessons learned? Plenty.", "nothing it would change"),
    ("Next time I'd spend more time on it.", "nothing it would change"),
])
def test_reflection_that_says_nothing_is_not_reflection_and_says_why(text, why):
    """"Not a generic wish to have had more time": a change denied, or no word of substance
    beside the stock ones, is not met, and the detail says what was said and why it is not
    enough, quoting it."""
    s = by_id(text)["reflection"]
    assert not s.found and s.detail.startswith("mentions ") and why in s.detail, s.detail
    assert quotes(s)


@pytest.mark.parametrize("text", [
    "Looking back, I wouldn't change the model, but I'd get the labelling guide written first.",
    "The big mistake was splitting train and test at random instead of by time.",
    "My mistake was trusting the vendor's timestamps without checking them.",
    "The face blurring should've been there from day one, not bolted on later.",
    "I'd now put a rules fallback behind the classifier.",
    "What I took away is that the random audit sample is worth more than any feature.",
    "These days I always sit with the people who will use the scores before I build.",
    "I'd also have pushed to fix the item master data way earlier.",
    # a denial's words that deny nothing (a review's finds)
    "My mistake was testing on exactly the same users we trained on.",
    "Nothing was versioned, so next time I'd change that first.",
    "Next time I'd go straight to plan B: a rules baseline.",
    "Looking back, nothing was monitored, so I would set up drift alerts first.",
    "Looking back, I'd run the same playbook, just with a proper holdout.",
    # "Next time?" alone: the next sentence says what
    "Next time? Freeze the test set before tuning anything.",
    "Today I'd start by sitting with the warehouse leads.",
])
def test_a_concrete_change_or_lesson_is_reflection(text):
    s = by_id(text)["reflection"]
    assert s.found, (text, s.detail)


# ----------------------------------------------------------------------------- judged on


def test_a_question_is_judged_on_the_criteria_it_names():
    """A career walk-through that mentions "the modelling side" is not asked how a model was
    served: the bundled career question is judged on numbers, ownership and the reasons for
    its moves. A question that names none is judged on every criterion judged by default
    (not on a career move's reasons, nor on what a result changed for the business, nor on
    who the candidate worked with)."""
    from part_answers import analyze_text, corpus, timed_text

    from simulator.config.rubric import judged

    everything = judged(RUBRIC, ())
    assert everything is not None and judged(None, ["metrics"]) is None
    opt_in = {"reasons", "business-impact", "collaboration"}
    assert [c.id for c in everything.criteria] == [c.id for c in RUBRIC.criteria
                                                   if c.id not in opt_in]
    with_reasons = judged(RUBRIC, (), also="reasons")
    assert with_reasons is not None and [c.id for c in with_reasons.criteria] == [
        c.id for c in RUBRIC.criteria if c.id not in {"business-impact", "collaboration"}]
    only = judged(RUBRIC, ["ownership", "metrics"])
    assert only is not None and [c.id for c in only.criteria] == ["metrics", "ownership"]
    text = "I'm the most senior one on the modeling side. We built it together."
    assert [s.id for s in signals(timed(text), only)] == ["metrics", "ownership"]
    career = next(a for a in corpus() if a.question == "career")
    quality = [s.id for s in analyze_text(timed_text(career)[0], "career").signals
               if s.kind == "quality"]
    assert quality == ["metrics", "ownership", "reasons"]
    deep = next(a for a in corpus() if a.question == "deep-dive")
    assert "production" in [s.id for s in analyze_text(timed_text(deep)[0], "deep-dive").signals]


# ----------------------------------------------------------------------------- why


def test_every_signal_says_why_it_matters_for_the_role():
    """From the rubric's `why` line (every bundled criterion has one), else what it looks
    for: never empty, never the title again."""
    found = by_id("We built the model and it went well.")
    for criterion in RUBRIC.criteria:
        assert criterion.why and found[criterion.id].why == criterion.why
    bare = RUBRIC.model_copy(update={"criteria": [c.model_copy(update={"why": ""})
                                                  for c in RUBRIC.criteria]})
    first = signals(timed("We built the model."), bare)[0]
    assert first.why == RUBRIC.criteria[0].look_for


# ----------------------------------------------------------------------------- time balance


def test_a_part_over_budget_while_another_is_missing_is_time_balance():
    over = PartTiming("problem", ((0.0, 90.0),), 90.0, 200, 15.0, 40.0, "over", 50.0)
    ok = PartTiming("modeling", ((90.0, 120.0),), 30.0, 70, 20.0, 45.0, "within")
    s = {x.id: x for x in signals(timed("x"), None, "balanced",
                                  Timeline((over, ok), ("impact",), ()))}["time-balance"]
    assert s.found and "problem" in s.detail and "impact (missing)" in (s.missing or "")
    # With the script's titles (every located timeline has them), parts are named by those.
    titled = Timeline((over, ok), ("impact",), (),
                      titles=(("problem", "The problem"), ("impact", "Impact")))
    s = {x.id: x for x in signals(timed("x"), None, "balanced", titled)}["time-balance"]
    assert s.detail.startswith("The problem ran 90 s") and s.missing == "time for Impact (missing)"
    # Where the time went: the opening of the part that ran over, to play.
    text = timed("Shelves kept going empty for hours and nobody noticed it at all.")
    over = PartTiming("problem", ((0.0, 4.8),), 4.8, 12, 1.0, 2.0, "over", 2.8)
    ok = PartTiming("modeling", ((4.8, 6.0),), 1.2, 3, 1.0, 2.0, "within")
    s = {x.id: x for x in signals(text, None, "balanced",
                                  Timeline((over, ok), ("impact",), ()))}["time-balance"]
    assert s.evidence and s.evidence[0].quote.startswith("Shelves kept going empty")
    assert s.evidence[0].start_s == 0.0


def test_balanced_parts_are_not_time_balance():
    ok = PartTiming("problem", ((0.0, 30.0),), 30.0, 70, 15.0, 40.0, "within")
    assert signals(timed("x"), None, "balanced", Timeline((ok,), (), ())) == []

