"""The offline coach and its rubric: each gap in an answer gets the right follow-up, in the
candidate's own words, and every rubric mistake is named with its file, key and problem.

The transcripts are written the way Whisper writes speech: mostly lowercase, fillers left in,
numbers sometimes as digits and sometimes as words. No audio, no model: these run in well
under a second.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simulator.analysis.criteria import assess
from simulator.analysis.keywords import find_keywords
from simulator.config.rubric import bundled_rubrics_dir, find_rubric, judged, load_rubric
from simulator.errors import ScriptError
from simulator.followups.coach import CoachQuestion, mentions, next_follow_up

BUNDLED = find_rubric("ml-engineer")
# What a question that names no criteria is judged on (`judged`): the answers below are such.
RUBRIC = judged(BUNDLED, ())
assert RUBRIC is not None

# Each answer below covers every criterion but one.
NO_NUMBERS = (
    "so um the project was fraud detection for card payments. I built the feature pipeline "
    "myself and I trained a gradient boosted model on the transaction history. we went with "
    "boosted trees instead of a neural net because the neural net was too slow to serve. I "
    "deployed it behind the checkout api and set up monitoring for drift, and it really "
    "improved the precision a lot and the analysts were happier. looking back I would have "
    "invested in labels earlier.")
NO_BASELINE = (
    "um so the model I built cut fraud losses by thirty percent and uh the false declines went "
    "down like 2% as well. I owned the training code and I chose xgboost rather than a neural "
    "network since it was easier to explain. it's served from a small service with a latency "
    "of around 20 milliseconds and I monitor drift weekly. in hindsight I'd have spent more "
    "time on label quality.")
ALL_WE = (
    "yeah so we built a fraud model for the checkout team. we collected about a year of "
    "transactions, we trained gradient boosted trees, and we picked them over a neural net "
    "because the neural net was too slow. we deployed it behind the payments api and our "
    "on-call team monitored drift. fraud losses dropped from two percent of volume to one "
    "point four percent compared to the old rules. if we did it again we'd probably invest in "
    "labels earlier.")
NO_TRADE_OFFS = (
    "the project was a real time fraud scoring system. I designed the features and I went with a "
    "gradient boosted model trained on six months of card transactions. I deployed it as a service "
    "behind the checkout api and I set up dashboards and drift alerts, and it retrains every week. "
    "compared to the old rules engine we cut chargebacks from two percent to about one point three "
    "percent. if I started again I would build the labelling tool first.")
NO_PRODUCTION = (
    "so for the fraud project I personally owned the modelling. I tried logistic regression "
    "and a random forest, and I went with gradient boosted trees because they handled the "
    "missing values better, even though they're harder to explain. on the holdout set "
    "precision went from sixty percent to seventy eight percent compared to the rules "
    "baseline. in hindsight I'd spend less time tuning and more time on the features.")
NO_REFLECTION = (
    "um so I led the fraud model project end to end. I chose gradient boosted trees over a "
    "neural network because the network was too slow for our latency budget. I deployed the "
    "model behind the checkout api with shadow traffic first and I set up drift monitoring and "
    "weekly retraining. in the A/B test fraud losses went down from two percent to one point "
    "four percent compared with the old rules.")
COMPLETE = (
    "I owned the fraud model end to end. I chose gradient boosted trees instead of a neural "
    "net because of the thirty millisecond latency budget. I deployed it behind the checkout "
    "api and monitored feature drift with weekly retraining. In an A/B test against the old "
    "rules, losses fell from two percent to 1.4 percent. Looking back, I would have fixed "
    "label quality earlier.")
# Misses both numbers and ownership: for the ordering tests.
TWO_GAPS = (
    "so we built a model to flag risky payments. we trained it on last year's chargebacks and "
    "we deployed it behind the checkout api with drift alerts. we picked boosted trees instead "
    "of a neural net, and it really reduced the fraud losses. in hindsight we should have "
    "started with better labels.")

GAPS = {
    "metrics-no-numbers": ("metrics", NO_NUMBERS),
    "metrics-no-baseline": ("metrics", NO_BASELINE),
    "ownership": ("ownership", ALL_WE),
    "trade-offs": ("trade-offs", NO_TRADE_OFFS),
    "production": ("production", NO_PRODUCTION),
    "reflection": ("reflection", NO_REFLECTION),
}
FILLERS = {"um", "uh", "so", "and", "but", "like"}


def check_question(q: CoachQuestion, transcript: str, *, quoted: bool = True) -> None:
    """The rules every coach question keeps: one question, short, in the candidate's words."""
    assert q.text.endswith("?"), q.text
    assert q.text.count("?") == 1, q.text
    assert len(q.text.split()) <= 40, q.text
    if quoted:
        assert q.quote, q
        assert q.quote in transcript, q.quote
        assert q.quote in q.text, q.text
        assert len(q.quote.split()) <= 12
        assert q.quote.split()[0].lower() not in FILLERS, q.quote
        assert q.quote[-1] not in ".,;:!?", q.quote


# ----------------------------------------------------------------------------- gaps


@pytest.mark.parametrize("name", GAPS)
def test_each_gap_is_found_and_asked_about_in_the_candidates_words(name):
    missing, transcript = GAPS[name]
    findings = assess(transcript, RUBRIC)
    assert [f.criterion for f in findings] == [c.id for c in RUBRIC.criteria]
    assert [f.criterion for f in findings if not f.covered] == [missing]
    q = next_follow_up(transcript, RUBRIC)
    assert q.criterion == missing
    assert q.detail == next(f.detail for f in findings if f.criterion == missing)
    check_question(q, transcript)


def test_what_each_question_quotes():
    # A number without its baseline is quoted with the number.
    assert "thirty percent" in next_follow_up(NO_BASELINE, RUBRIC).quote
    # No numbers at all: the vague claim is quoted.
    assert "improved" in next_follow_up(NO_NUMBERS, RUBRIC).quote
    # "we" everywhere: a "we <did something>" phrase.
    assert next_follow_up(ALL_WE, RUBRIC).quote.lower().startswith("we ")
    # The model described, nothing on running it: the model mention.
    assert "gradient boosted trees" in next_follow_up(NO_PRODUCTION, RUBRIC).quote
    # Reflection and trade-offs: a decision the candidate made.
    assert next_follow_up(NO_REFLECTION, RUBRIC).quote.startswith("I chose")


def test_findings_carry_verbatim_evidence_and_a_reason():
    for _, transcript in GAPS.values():
        for f in assess(transcript, RUBRIC):
            assert f.detail
            if f.evidence is not None:
                assert f.evidence.quote in transcript
                assert len(f.evidence.quote.split()) <= 12
    by_id = {f.criterion: f for f in assess(ALL_WE, RUBRIC)}
    assert by_id["ownership"].detail == "we x8, I x0"
    assert by_id["metrics"].covered  # "from two percent ... to one point four percent"
    assert "none with a baseline" in {f.criterion: f for f in assess(NO_BASELINE, RUBRIC)}[
        "metrics"].detail


def test_numbers_are_found_as_digits_and_as_words():
    def metrics(text, strictness="balanced"):
        return next(f for f in assess(text, RUBRIC, strictness) if f.criterion == "metrics")

    for text in ("we reduced false declines by a third.", "losses dropped by thirty percent.",
                 "latency went down 40% in the end.", "review time was halved."):
        f = metrics(text)
        assert not f.covered and "none with a baseline" in f.detail, (text, f)
        assert metrics(text, "gentle").covered
    for text in ("losses fell from two percent to one point four percent.",
                 "precision was 0.78 compared with 0.6 for the rules.",
                 "we cut review hours by a fifth versus the old queue."):
        assert metrics(text).covered, text
    # Career dates and durations are not results that need a baseline.
    assert metrics("after two years I moved to a fintech in 2019.").detail == \
        "1 number, none a measured result"  # and 2019 is a year, not a number at all


# ----------------------------------------------------------------------------- choosing


def test_a_complete_answer_gets_a_depth_probe_on_its_most_specific_phrase():
    assert all(f.covered for f in assess(COMPLETE, RUBRIC))
    q = next_follow_up(COMPLETE, RUBRIC)
    assert q.criterion == "depth"
    check_question(q, COMPLETE)
    assert re.search(r"\d|percent", q.quote)


def test_force_asks_that_criterion_even_when_it_is_covered():
    q = next_follow_up(COMPLETE, RUBRIC, force="reflection")
    assert q.criterion == "reflection"
    check_question(q, COMPLETE)
    assert q.quote.startswith("I chose")  # a decision to look back on
    assert mentions(RUBRIC.criterion("reflection"), q.text)
    # Nothing decided to quote: the plain question.
    plain = next_follow_up("the fraud losses were a big problem for the business that year.",
                           RUBRIC, force="reflection")
    assert (plain.criterion, plain.quote) == ("reflection", None)
    assert plain.text == RUBRIC.criterion("reflection").ask_plain
    with pytest.raises(KeyError, match="no criterion 'nope'"):
        next_follow_up(COMPLETE, RUBRIC, force="nope")


def test_asked_questions_are_never_repeated():
    first = next_follow_up(TWO_GAPS, RUBRIC)
    assert first.criterion == "metrics"
    # Case and spacing do not make a question new.
    again = next_follow_up(TWO_GAPS, RUBRIC, asked=["  " + first.text.upper().replace(" ", "  ")])
    assert again.criterion == "metrics" and again.text != first.text
    check_question(again, TWO_GAPS)
    # Once every metrics question was asked, the next gap is taken.
    asked = [first.text]
    for _ in range(len(RUBRIC.criterion("metrics").ask)):
        q = next_follow_up(TWO_GAPS, RUBRIC, asked=asked)
        if q.criterion != "metrics":
            break
        assert q.text not in asked
        asked.append(q.text)
    assert RUBRIC.criterion("metrics").ask_plain in asked
    q = next_follow_up(TWO_GAPS, RUBRIC, asked=asked)
    assert q.criterion == "ownership" and q.text not in asked


def test_focus_goes_first_and_avoid_goes_last():
    assert next_follow_up(TWO_GAPS, RUBRIC).criterion == "metrics"
    assert next_follow_up(TWO_GAPS, RUBRIC, avoid=["metrics"]).criterion == "ownership"
    assert next_follow_up(TWO_GAPS, RUBRIC, focus=["ownership"]).criterion == "ownership"
    # With a focus, only the focus is probed: covered focus -> a depth probe, not another gap.
    assert next_follow_up(TWO_GAPS, RUBRIC, focus=["production", "x"]).criterion == "depth"
    # Unknown ids are ignored: a focus of only unknown ids is no focus.
    assert next_follow_up(TWO_GAPS, RUBRIC, focus=["x"]).criterion == "metrics"
    # Everything missing was asked before: still asked, rather than nothing.
    assert next_follow_up(TWO_GAPS, RUBRIC, avoid=["metrics", "ownership"]).criterion == "metrics"
    # ...the one asked least often first, so a session does not keep asking the same thing.
    assert next_follow_up(TWO_GAPS, RUBRIC, avoid=["metrics", "ownership", "metrics"]
                          ).criterion == "ownership"


def test_the_analysis_verdicts_decide_where_they_differ_from_the_transcript():
    """The coaching analysis reads the answer with its located parts: a candidate whose own
    part was told in the first person is not asked "what did you do yourself?" (however
    much "we" the rest has), and a criterion whose words came only in passing is asked,
    plainly, without quoting that phrase back as if it were a choice."""
    assert next_follow_up(TWO_GAPS, RUBRIC).criterion == "metrics"
    own = (True, "said in its own part, Your part (12 s from 0:18)")
    q = next_follow_up(TWO_GAPS, RUBRIC, focus=["ownership"], verdicts={"ownership": own})
    assert q.criterion == "depth"
    passing = (False, "'instead of' only in passing, with no part of its own")
    q = next_follow_up(COMPLETE, RUBRIC, verdicts={"trade-offs": passing, "unknown": passing})
    assert (q.criterion, q.quote) == ("trade-offs", None)
    assert q.text == RUBRIC.criterion("trade-offs").ask_plain and q.detail == passing[1]
    # Where they agree, nothing changes.
    assert next_follow_up(COMPLETE, RUBRIC, verdicts={"trade-offs": (True, "x")}) == \
        next_follow_up(COMPLETE, RUBRIC)


def test_strictness_sets_how_much_we_is_too_much():
    def ownership(text, strictness):
        return next(f for f in assess(text, RUBRIC, strictness) if f.criterion == "ownership")

    even = "I built the pipeline and we trained the model, then we shipped it and I monitored it."
    assert ownership(even, "balanced").covered
    assert not ownership(even, "strict").covered
    mostly_we = "we built the pipeline, we trained the model and we shipped it, and I tested it."
    assert ownership(mostly_we, "gentle").covered
    assert not ownership(mostly_we, "balanced").covered
    assert ownership(mostly_we, "balanced").detail == "we x3, I x1"
    assert not ownership("we built it and we shipped it to the whole company.", "gentle").covered
    with pytest.raises(ValueError, match="strictness"):
        assess(even, RUBRIC, "harsh")


def test_the_same_answer_always_gets_the_same_question():
    for _, transcript in GAPS.values():
        results = {next_follow_up(transcript, RUBRIC, force="reflection") for _ in range(3)}
        results |= {next_follow_up(transcript, RUBRIC) for _ in range(3)}
        assert len(results) <= 2


@pytest.mark.parametrize("transcript", ["", "   ", "um yeah", "I think so, yes."])
def test_an_empty_or_very_short_answer_is_asked_to_expand(transcript):
    q = next_follow_up(transcript, RUBRIC)
    assert (q.criterion, q.quote) == ("depth", None)
    check_question(q, transcript, quoted=False)
    assert len(assess(transcript, RUBRIC)) == len(RUBRIC.criteria)


def test_mentions_tells_whether_a_question_is_about_a_criterion():
    reflection, metrics = RUBRIC.criterion("reflection"), RUBRIC.criterion("metrics")
    assert mentions(reflection, "Looking back, what would you change about the labels?")
    assert mentions(reflection, "If you did it again, what would you do differently?")
    assert not mentions(reflection, "How did you measure the drop in losses?")
    assert mentions(metrics, "How did you measure the drop in losses?")
    assert mentions(RUBRIC.criterion("ownership"), "Which part did you personally build?")


# ----------------------------------------------------------------------------- keywords


def test_keywords_match_whole_words_prefixes_and_spelling_variants():
    def hits(text, *keywords):
        return [text[m.start():m.end()] for m in find_keywords(text, list(keywords))]

    assert hits("The main tradeoff, two trade offs and a trade-off.", "trade-off*") == \
        ["tradeoff", "trade offs", "trade-off"]
    assert hits("We were Monitoring it; monitors too; premonitor no.", "monitor*") == \
        ["Monitoring", "monitors"]
    assert hits("an A B test, an AB testing run and an a/b test", "a/b test*") == \
        ["A B test", "AB testing", "a/b test"]
    assert hits("we used rules instead of a model", "instead of") == ["instead of"]
    assert hits("insteadof", "instead of") == []
    assert hits("the servers", "serve") == []


# ----------------------------------------------------------------------------- the rubric


def test_the_bundled_rubric_is_in_priority_order_and_well_formed():
    assert BUNDLED.id == "ml-engineer"
    assert [c.id for c in BUNDLED.criteria] == ["metrics", "ownership", "trade-offs",
                                                "production", "reflection", "business-impact",
                                                "collaboration", "reasons"]
    assert [c.check for c in BUNDLED.criteria[:2]] == ["metrics", "ownership"]
    assert [c.id for c in BUNDLED.criteria if not c.by_default] == ["business-impact",
                                                                     "collaboration",
                                                                     "reasons"]
    assert BUNDLED.criterion("reflection").applies_when == []
    assert BUNDLED.criterion("trade-offs").applies_when == []
    assert BUNDLED.criterion("production").applies_when
    for c in BUNDLED.criteria:
        assert len(c.ask) >= 2
        for template in c.ask:
            assert len(template.replace('"{quote}"', "").split()) <= 30, template
        sentences = len(re.findall(r"[.!?](?:\s|$)", c.sample_answer))
        assert 2 <= sentences <= 6, c.id
        # The sample candidate answers a follow-up within its 30-90 s budget: at the sample
        # voice's ~170 words a minute, 95-250 words.
        assert 95 <= len(c.sample_answer.split()) <= 250, c.id
        assert re.search(r"\bI\b", c.sample_answer), c.id


VALID = '''
title = "T"

[[criteria]]
id = "numbers"
title = "Numbers"
look_for = "Numbers with a baseline."
check = "metrics"
ask = ['You said "{quote}". Compared with what?']
ask_plain = "Compared with what?"
sample_answer = "It went from two to one. I measured it."
'''


def rubric_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "r.toml"
    path.write_text(text)
    with pytest.raises(ScriptError) as info:
        load_rubric(path)
    message = str(info.value)
    assert message.startswith(f"{path}: "), message
    return message


def test_a_valid_rubric_file_loads_and_gets_its_id_from_the_file_name(tmp_path):
    path = tmp_path / "My Rubric.toml"
    path.write_text(VALID)
    rubric = load_rubric(path)
    assert rubric.id == "my-rubric"
    assert rubric.criterion("numbers").check == "metrics"


@pytest.mark.parametrize("change, expected", [
    (("check = \"metrics\"", "check = \"metrics\"\ncolour = 1"),
     "criteria[0] (id 'numbers').colour: unknown key"),
    (("ask_plain = \"Compared with what?\"\n", ""),
     "criteria[0] (id 'numbers').ask_plain: required key is missing"),
    (("'You said \"{quote}\". Compared with what?'", "'Compared with what?'"),
     "criteria[0] (id 'numbers').ask[0]: template has no {quote}"),
    (("{quote}\". Compared", "{quote}\". Compared with {baseline}"),
     "criteria[0] (id 'numbers').ask[0]: unknown placeholder {baseline}"),
    (("Compared with what?']", "Compared with what? And why?']"),
     "criteria[0] (id 'numbers').ask[0]: must be one question"),
    (("check = \"metrics\"", "check = \"vibes\""), "criteria[0] (id 'numbers').check: "),
    (("check = \"metrics\"", "check = \"keywords\""),
     "criteria[0] (id 'numbers'): covered_by: a keywords check needs at least one phrase"),
    (("check = \"metrics\"", "check = \"metrics\"\ncovered_by = [\"mid*dle\"]"),
     "'*' is only allowed at the end"),
    (("sample_answer = \"It went from two to one. I measured it.\"",
      "sample_answer = \"It went from two to one. I measured it.\"\n[[criteria.aspects]]\n"
      "title = \"latency\"\ncovered_by = []"),
     "criteria[0] (id 'numbers').aspects[0].covered_by"),
    (("title = \"T\"", "title = = \"T\""), "invalid TOML"),
    (("title = \"T\"", "title = 5"), "title: Input should be a valid string"),
])
def test_rubric_mistakes_name_the_key_and_the_problem(tmp_path, change, expected):
    old, new = change
    assert old in VALID
    assert expected in rubric_error(tmp_path, VALID.replace(old, new, 1))


def test_duplicate_ids_bad_toml_and_missing_files_are_named(tmp_path):
    criterion = VALID[VALID.index("[[criteria]]"):]
    assert "criteria: duplicate criterion id 'numbers'" in rubric_error(tmp_path, VALID + criterion)
    message = rubric_error(tmp_path, VALID.replace('title = "T"', 'title = "T'))
    assert "invalid TOML" in message and "line 2" in message
    assert "criteria: Field required" in rubric_error(tmp_path, 'title = "T"\n') or \
        "criteria: required key is missing" in rubric_error(tmp_path, 'title = "T"\n')
    with pytest.raises(ScriptError, match="rubric file not found"):
        load_rubric(tmp_path / "missing.toml")


def test_find_rubric_by_id_by_path_and_relative_to_the_script(tmp_path):
    assert find_rubric("ml-engineer") == load_rubric(bundled_rubrics_dir() / "ml-engineer.toml")
    (tmp_path / "rubrics").mkdir()
    (tmp_path / "rubrics" / "mine.toml").write_text(VALID)
    script = tmp_path / "script.toml"
    assert find_rubric("rubrics/mine.toml", relative_to=script).id == "mine"
    assert find_rubric(str(tmp_path / "rubrics" / "mine.toml")).id == "mine"
    with pytest.raises(ScriptError) as info:
        find_rubric("no-such-rubric")
    assert "unknown rubric 'no-such-rubric'" in str(info.value)
    assert "ml-engineer" in str(info.value)  # the known ids are listed


def _timed(transcript: str, unsure: frozenset[str] = frozenset()) -> list[dict]:
    """Whisper-like timed words for ``transcript``: probability 0.2 for the ``unsure``
    words, 0.95 for the rest."""
    return [{"word": w, "start": k * 0.4, "end": k * 0.4 + 0.35,
             "probability": 0.2 if w.strip(".,").lower() in unsure else 0.95}
            for k, w in enumerate(transcript.split())]


def test_a_word_whisper_was_unsure_of_is_never_quoted_back():
    """Quoting a misheard word ("our immune capacity") tells the candidate nobody listened:
    with timed words, a quote holds no word under `UNSURE_BELOW`, cut shorter where that
    leaves it out, else the question is asked without a quote."""
    from simulator.analysis.text import AnswerText

    sure = next_follow_up(AnswerText(NO_PRODUCTION, _timed(NO_PRODUCTION)), RUBRIC)
    assert sure.quote == next_follow_up(NO_PRODUCTION, RUBRIC).quote
    assert "gradient boosted trees" in sure.quote and "went" in sure.quote, sure.quote
    # The quote's edge word misheard: a shorter quote without it.
    edge = next_follow_up(AnswerText(NO_PRODUCTION, _timed(NO_PRODUCTION, frozenset({"went"}))),
                          RUBRIC)
    assert edge.criterion == sure.criterion and edge.quote, edge
    assert "gradient boosted trees" in edge.quote and "went" not in edge.quote, edge.quote
    # Its core misheard: no quote from it at all.
    core = next_follow_up(
        AnswerText(NO_PRODUCTION, _timed(NO_PRODUCTION, frozenset({"boosted"}))), RUBRIC)
    assert core.criterion == sure.criterion, core
    assert core.quote is None or "boosted" not in core.quote, core
