"""The content detectors on their own (simulator.analysis.content), and the evidence they
locate in the transcript's timed words (simulator.analysis.text).

Transcripts are written the way Whisper writes speech. No audio, no model: milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from simulator.analysis import quantities
from simulator.analysis.content import Finding, metrics, ownership
from simulator.analysis.criteria import assess, keyword_criterion
from simulator.analysis.quantities import numbers
from simulator.analysis.text import AnswerText, Evidence
from simulator.config.rubric import Criterion, find_rubric

RUBRIC = find_rubric("ml-engineer")


def mentions(text: str) -> dict[str, quantities.NumberMention]:
    return {n.evidence.quote: n for n in numbers(text)}


def kinds(n: quantities.NumberMention) -> set[str]:
    return {k for k in ("result", "baseline", "requirement", "duration", "date") if getattr(n, k)}


# ----------------------------------------------------------------------------- numbers


def test_years_and_dates_are_dates_not_results_and_not_counted_as_figures():
    text = "I joined in 2019, and in March 2021 I moved to the payments team."
    found = mentions(text)
    assert list(found) == ["2019", "March 2021"]  # the month is part of the date
    assert all(kinds(n) == {"date"} for n in found.values())
    assert metrics(text).detail == "no numbers"
    # A year-like figure with a unit is a measure, not a date.
    assert kinds(mentions("we saved 2019 dollars a month.")["2019 dollars"]) == {"result"}


@pytest.mark.parametrize("text, figure", [
    ("Analysts were reviewing 2000 alerts a day before the model.", "2000"),
    ("The team checked about 1800 a day by hand.", "1800"),
    ("We cut manual review from 2000 cases a week to 700.", "2000"),
    ("We route nearly 2000 trucks every night.", "2000"),
    ("The queue had about 2000 open cases on a Monday.", "2000"),
    ("We cut it down from 2000 to like 300 false positives a week.", "2000"),
    ("We were at 2000 requests per second at peak.", "2000"),
    ("The agents flagged 2000 of them by hand.", "2000"),
    ("We started with the 2000 heaviest customers.", "2000"),
    ("The model had 2048 features after the cleanup.", "2048"),
    ("We had like 2000 stores on the old system.", "2000"),
    ("We started with the 1999 most active users.", "1999"),
    ("The service handled 1900 requests at peak.", "1900"),
])
def test_a_year_like_number_that_counts_things_is_a_figure_not_a_date(text, figure):
    """A four-digit number between 1900 and 2099 is a year only where it reads as one: a
    plural noun or "a day" right after it makes it a count."""
    assert not mentions(text)[figure].date


@pytest.mark.parametrize("text", [
    "In 2019 customers started asking for it.",
    "After 2019 things changed for the team.",
    "2019 was the year we moved to streaming.",
    "The 2020 models were retrained every week.",
    "From 2019 onwards we retrained weekly.",
    "In 2020, teams were remote.",
    "I moved to Berlin in March 2021 and joined the payments team.",
    "The data from 2019 shows strong seasonality.",
    "Retention improved from 2019 levels.",
    "Around 2020 teams started moving to the cloud.",
    "By 2023 costs had doubled.",
    "From 2019 to 2021 we retrained monthly.",
    "The 2019 cohort was the largest, and by 2030 we want it in every store.",
    "In 2021 of all years the budget was cut.",
    "The company wants to hit net zero by 2045.",
    "The 2020 test results were bad, and the 2021 interest rates rose.",
])
def test_a_year_stays_a_date_before_a_plural_word(text):
    """Words that place a number in time, or make it a name, keep it a date, as do verbs
    and time words after it."""
    years = [n for n in numbers(text) if any(w.isdigit() for w in n.evidence.quote.split())]
    assert years and all(n.date for n in years), text


def test_a_counted_result_with_its_baseline_passes_the_numbers_check():
    """"from 2000 cases a week to 700" was read as the year 2000 and a bare 700."""
    f = metrics("We cut manual review from 2000 cases a week to 700.")
    assert f.covered and f.detail == "1 result number, 1 with a baseline"


def test_durations_and_counts_are_not_results():
    assert kinds(mentions("after two years I moved to a fintech.")["two years"]) == {"duration"}
    assert kinds(mentions("after two days it worked.")["two days"]) == {"duration"}
    assert kinds(mentions("we were five people on the team.")["five"]) == set()
    assert mentions("it was one project among many.") == {}  # "one" alone is not a figure
    f = metrics("after two years I moved to a fintech in 2019.")
    assert (f.covered, f.detail) == (False, "1 number, none a measured result")
    # ...but a duration that changed is a result with a baseline.
    changed = mentions("review went from two days to four hours.")
    assert kinds(changed["two days"]) == {"result", "baseline", "duration"}
    assert kinds(changed["four hours"]) == {"result", "baseline"}


def test_a_length_said_as_a_description_is_not_a_result():
    """"a four-week test against the rules engine" names how long the test ran and what it
    was against: no result, though "against" is near it. Whisper writes the piece "-week" on
    to "four" (its words "four", "-week")."""
    text = "In a four-week test against the rules engine we saw it. It was a two-year project."
    assert not any(n.result for n in numbers(text))
    said = ["In", "a", "four", "-week", "test", "against", "the", "rules", "engine", "we",
            "saw", "it."]
    timed = AnswerText(" ".join(said[:2]) + " four-week " + " ".join(said[4:]),
                       [{"word": w, "start": k * 0.3, "end": k * 0.3 + 0.25}
                        for k, w in enumerate(said)])
    assert not any(n.result for n in numbers(timed))
    # A length that changed is still a result: "from four weeks to one week".
    assert all(n.result for n in numbers("We cut the release cycle from four weeks to one week."))


def test_a_share_of_the_data_is_not_a_result_unless_it_changed_or_is_compared():
    # Facts about the inputs, said in the data part of an answer.
    for text, figure in [("about six percent of rows had missing device data.", "six percent"),
                         ("roughly 12% of the labels were wrong, so we relabelled them.", "12%"),
                         ("only 3 percent of our training data was fraud.", "3 percent")]:
        assert kinds(mentions(text)[figure]) == set(), text
        assert metrics(text).detail == "1 number, none a measured result"
    # A share that changed, or that is compared with something, is a result.
    assert "result" in kinds(mentions("we cut bad rows to 2 percent of rows.")["2 percent"])
    assert "result" in kinds(mentions("it reduced false declines by six percent of "
                                      "transactions.")["six percent"])
    compared = mentions("errors fell to 4 percent of the labels against 11 percent before.")
    assert kinds(compared["4 percent"]) == {"result", "baseline"}
    # A percentage of something that is not the data is still a result.
    assert "result" in kinds(mentions("that was 30 percent of revenue.")["30 percent"])


@pytest.mark.parametrize("text, figure", [
    ("we had a latency budget of 30 ms.", "30 ms"),
    ("I kept it under 20 ms for every request.", "20 ms"),
    ("the SLA was 200 milliseconds.", "200 milliseconds"),
])
def test_requirements_are_not_results(text, figure):
    assert kinds(mentions(text)[figure]) == {"requirement"}
    assert metrics(text, "gentle").covered  # a figure all the same
    assert metrics(text).detail.startswith("1 number, none a measured result")


def test_the_end_of_a_change_told_with_under_is_a_result_not_a_requirement():
    """"went from three hours to under forty minutes": where the change ended, against where
    it started; "kept it under 20 ms" above stays a requirement."""
    found = mentions("A gap went from staying about three hours on average to under forty "
                     "minutes.")
    assert kinds(found["forty minutes"]) == {"result", "baseline"}
    assert kinds(mentions("The budget was under 20 ms, from day one.")["20 ms"]) == {
        "requirement"}


def test_a_figure_right_after_from_starts_a_change_whatever_limit_word_came_before():
    """Whisper wrote "chargebacks" as "Charging Max": "Max fell from about 2%" is where a
    change started, a result with its baseline, not a limit ("max 30 ms") it had to meet."""
    found = mentions("Charging Max fell from about 2% on volume to 1.4, and false declines "
                     "dropped from 3% to just under 2.")
    assert kinds(found["2%"]) == {"result", "baseline"}
    # With the limit word after "from", the figure is still that limit.
    limit = kinds(mentions("It ran well within budget, far from the cap of 30 ms.")["30 ms"])
    assert "requirement" in limit and "result" not in limit


def test_as_much_as_is_a_comparison_and_twice_a_day_is_how_often():
    assert kinds(mentions("Paired kids stayed twice as long as the ones who picked a tutor.")
                 ["twice"]) == {"result", "baseline"}
    assert kinds(mentions("It ran three times as fast as the old one.")["three times"]) == {
        "result", "baseline"}
    assert kinds(mentions("Somebody walked the aisles twice a day.")["twice"]) == set()


def test_more_than_a_figure_is_its_size_not_a_comparison():
    """"than" right before a figure says how large it is; a "than" that compares still
    counts ("about 30 % faster than the old model")."""
    found = {n.evidence.quote: n for n in numbers(
        "We flagged customers with more than three dropped calls a month, and the new "
        "model was about 30% faster than the old one.")}
    assert not found["three"].baseline
    assert found["30%"].baseline
    for compared in ("Accuracy was 92%, better than 85% from the rules engine.",
                     "Latency dropped to 40 ms, lower than 120 ms."):
        assert metrics(compared).covered, compared


def test_a_baseline_word_after_a_figure_of_another_kind_is_that_figures():
    """"... to four hours against the old process and the company saved $2 million": the
    comparison is the hours', with or without the commas; figures of one kind share it, and
    a count or a length never takes it."""
    for said in ("Review time fell from three days to four hours against the old process, "
                 "and the company saved about $2 million a year.",
                 "Review time fell from three days to four hours against the old process "
                 "and the company saved about $2 million a year."):
        money = next(n for n in numbers(said) if n.unit == "money")
        assert money.result and not money.baseline, said
    for said, figure in (("Recall was 60% on the previous version, and now it's 85%.", "85%"),
                         ("We tested it on 10 stores against a control group, and sales "
                          "rose 8%.", "8%"),
                         ("For 3 months we compared it against the old model, and precision "
                          "went up 15%.", "15%"),
                         ("Compared with last year, revenue grew 10%.", "10%")):
        found = {n.evidence.quote: n for n in numbers(said)}
        assert found[figure].baseline, said


def test_results_with_and_without_a_baseline():
    based = "I cut latency from 80 ms to 30 ms."
    assert [kinds(n) for n in numbers(based)] == [{"result", "baseline"}] * 2
    f = metrics(based)
    assert f.covered and f.detail == "2 result numbers, 2 with a baseline"
    assert f.counts == (("numbers", 2), ("results", 2), ("with_baseline", 2))
    assert "80 ms" in f.evidence.quote

    unbased = "I cut latency by 30% last quarter."
    assert [kinds(n) for n in numbers(unbased)] == [{"result"}]
    f = metrics(unbased)
    assert not f.covered and f.detail == "1 result number, none with a baseline"
    assert "30%" in f.evidence.quote  # the number missing its baseline is what gets quoted
    assert metrics(unbased, "gentle").covered
    assert not metrics(unbased, "strict").covered
    # Strict: every result needs its baseline.
    mixed = based + " " + unbased
    assert metrics(mixed, "balanced").covered and not metrics(mixed, "strict").covered


def test_comparison_words_and_relative_numbers():
    assert kinds(mentions("precision was 0.78 compared with 0.6 for the rules.")["0.78"]) == \
        {"result", "baseline"}
    assert kinds(mentions("review time was halved.")["halved"]) == {"result"}
    assert kinds(mentions("we reduced false declines by a third.")["a third"]) == {"result"}
    # A result word earlier in the sentence makes a bare number a result.
    assert kinds(mentions("accuracy reached ninety one on the test set.")["ninety one"]) == \
        {"result"}


def test_a_starting_point_is_the_baseline_of_the_results_of_its_kind_told_later():
    # Spoken answers give the "before" in the problem and the "after" at the end.
    told = ("Our click rate was stuck at zero point three percent, and every page took "
            "900 ms. I rebuilt the ranking. In the end the click rate reached zero point "
            "four five percent and pages took 400 ms.")
    found = mentions(told)
    start = found["zero point three percent"]
    assert start.starting and kinds(start) == set()  # the state before: not a result
    assert kinds(found["zero point four five percent"]) == {"result", "baseline"}
    # Only a figure told as the starting point is one: "took 900 ms" is not, so the 400 ms
    # has no baseline and strict asks for one.
    assert kinds(found["900 ms"]) == {"result"} and kinds(found["400 ms"]) == {"result"}
    assert metrics(told).covered and not metrics(told, "strict").covered
    assert metrics(told.replace("every page took", "pages sat at"), "strict").covered
    # A result of another kind, or told before the starting point, gets no baseline from it.
    other = mentions("Latency fell to 40 ms. Accuracy had plateaued at 80%. It rose 3x.")
    assert kinds(other["40 ms"]) == {"result"} and kinds(other["3x"]) == {"result"}
    # A count after a starting word is no starting point, and gives no baseline.
    count = mentions("I sat with three engineers. Accuracy then reached ninety one.")
    assert not count["three"].starting and kinds(count["ninety one"]) == {"result"}
    # "Per thousand" is a denominator, not a figure.
    assert "thousand" not in mentions("revenue per thousand impressions rose by 12% against "
                                      "the control.")


def test_no_numbers_quotes_a_vague_claim_else_a_metric_named():
    f = metrics("the new model really improved things for the analysts.")
    # A quote with no number beside "no numbers" says what it is there for.
    assert (f.covered, f.detail) == (False, "no numbers; quoted: a claim a number could back")
    assert "improved" in f.evidence.quote and f.ask == f.span
    f = metrics("we looked at precision mostly.")
    assert "precision" in f.evidence.quote
    nothing = metrics("we shipped it on a friday.")
    assert nothing.evidence is None and nothing.detail == "no numbers"


# ----------------------------------------------------------------------------- ownership


def test_we_about_the_team_and_i_for_own_work():
    text = ("The team was five people and we met every morning. I built the feature pipeline "
            "and I trained the model.")
    f = ownership(text)
    assert f.covered and f.detail == "we x2, I x2"  # "the team" counts as "we"
    assert (f.count("we"), f.count("I")) == (2, 2)
    assert f.evidence.quote == "I built the feature pipeline"  # the richest "I <did>" phrase


@pytest.mark.parametrize("text", [
    "I guess we just kept iterating until it was good enough.",
    "The speech team at my company trained the model, and we used it.",
    "I mean, we trained it and I'd say we shipped it quickly.",
])
def test_a_hedge_or_my_company_is_not_the_candidates_own_work(text):
    assert not ownership(text).covered, text


def test_only_we_is_missing_ownership_and_quotes_a_we_phrase():
    f = ownership("we built a fraud model and we deployed it behind the api. I think it worked.")
    assert not f.covered and f.detail == "we x2, I x0"  # "I think" is a hedge, not my work
    assert f.evidence.quote.startswith("we built") and f.ask == f.span


def test_the_us_is_a_country_not_us():
    country = ownership("We sell in the US and Canada, and I built the pricing model.")
    assert country.detail == "we x1, I x1" and country.covered
    pronoun = ownership("we sell to them and they pay us, and I built the pricing model.")
    assert pronoun.detail == "we x2, I x1" and not pronoun.covered


def test_my_team_is_the_team_and_our_team_counts_once():
    assert ownership("my team built it.").detail == "we x1, I x0"
    assert ownership("our team built it.").detail == "we x1, I x0"


@pytest.mark.parametrize("strictness, covered", [
    ("gentle", True), ("balanced", False), ("strict", False)])
def test_ownership_strictness(strictness, covered):
    text = "we built the pipeline, we trained the model and I tested it."
    assert ownership(text, strictness).covered is covered


@pytest.mark.parametrize("strictness", ["gentle", "balanced", "strict"])
def test_work_told_in_the_passive_names_no_one_and_is_not_ownership(strictness):
    """"The model was trained ... and deployed" never says who did it: no "I" is missing
    ownership in every strictness, also with no "we", and the passive work is quoted."""
    f = ownership("The fraud model was trained on six months of card data and then deployed "
                  "behind the checkout API.", strictness)
    assert not f.covered and f.detail == "we x0, I x0: nobody is said to have done the work"
    assert f.evidence.quote.startswith("The fraud model was trained")
    # Nothing to quote: still missing, with no quote rather than a made-up one.
    f = ownership("The latency stayed under thirty milliseconds.", strictness)
    assert not f.covered and f.evidence is None


# ----------------------------------------------------------------------------- keywords


TRADE_OFFS = Criterion(
    id="trade-offs", title="Trade-offs", look_for="What was given up.",
    covered_by=["trade-off*", "instead of"], ask=['You said "{quote}". What did it cost?'],
    ask_plain="What did it cost?", sample_answer="I gave up accuracy.")
PRODUCTION = Criterion(
    id="production", title="Production", look_for="How it ran.", applies_when=["model*"],
    covered_by=["monitor*", "deploy*"], ask=['You said "{quote}". How did it run?'],
    ask_plain="How did it run?", sample_answer="I deployed it.")


@pytest.mark.parametrize("text", [
    "the main tradeoff was speed.", "there were trade offs.", "the trade-off was speed.",
    "We used rules Instead Of a model."])
def test_keywords_match_hyphen_space_and_joined_variants(text):
    f = keyword_criterion(text, TRADE_OFFS)
    assert f.covered and f.detail.startswith("mentions "), f
    assert f.evidence is not None and f.evidence.quote in text


@pytest.mark.parametrize("text", [
    "we traded off nothing.", "the trade was off.", "insteadof nothing.", "no trades."])
def test_keywords_do_not_match_other_words(text):
    f = keyword_criterion(text, TRADE_OFFS)
    assert not f.covered and f.detail == "none of its usual words (trade-off, instead of)"


def test_a_decision_quoted_for_a_criterion_never_named_says_why_it_is_there():
    """No trade-off word at all: the quote is the choice the follow-up will ask about, and
    the detail says so rather than leave it under "none of ..." unexplained."""
    f = keyword_criterion("We chose gradient boosted trees over a neural network for speed.",
                          TRADE_OFFS)
    assert not f.covered and f.evidence is not None
    assert "chose gradient boosted trees" in f.evidence.quote
    assert f.detail == ("none of its usual words (trade-off, instead of); quoted: a decision "
                        "it could be about")


def test_applies_when_decides_whether_a_criterion_is_asked_at_all():
    f = keyword_criterion("I led the team of five through the launch.", PRODUCTION)
    assert f.covered and f.detail == "does not apply: no mention of model"
    f = keyword_criterion("I trained gradient boosted trees as the model.", PRODUCTION)
    assert not f.covered
    assert f.detail == "mentions 'model' but none of its usual words (monitor, deploy)"
    assert "gradient boosted trees" in f.evidence.quote
    assert keyword_criterion("I trained the model and monitored it.", PRODUCTION).covered


def test_assess_runs_the_rubric_in_order_and_checks_strictness():
    text = "we built it. it improved things a lot."
    found = assess(text, RUBRIC)
    assert [f.criterion for f in found] == [c.id for c in RUBRIC.criteria]
    assert all(isinstance(f, Finding) for f in found)
    assert found[0] == metrics(text, criterion=RUBRIC.criteria[0].id)
    assert not found[1].covered and found[1].detail == "we x1, I x0"
    with pytest.raises(ValueError, match="strictness"):
        assess(text, RUBRIC, "harsh")


# ----------------------------------------------------------------------------- evidence


@dataclass(frozen=True)
class Word:  # as audio.transcriber.Word: stripped text, seconds
    word: str
    start: float
    end: float


TEXT = "Um, I built the XGBoost model. It cut p99 latency from 80 ms to 30%!"
# As Whisper gives them: punctuation attached ("Um,", "model."), "XGBoost" split in two,
# "30%" as "30" and "%", and a filler the text lacks ("uh", dropped from the segment text).
WORDS = [("Um,", 0.0, 0.2), ("I", 0.3, 0.4), ("built", 0.4, 0.7), ("the", 0.7, 0.8),
         ("XG", 0.8, 1.0), ("Boost", 1.0, 1.3), ("model.", 1.3, 1.7), ("It", 2.0, 2.1),
         ("uh", 2.1, 2.2), ("cut", 2.2, 2.4), ("p99", 2.4, 2.7), ("latency", 2.7, 3.0),
         ("from", 3.0, 3.2), ("80", 3.2, 3.5), ("ms", 3.5, 3.7), ("to", 3.7, 3.8),
         ("30", 3.8, 4.1), ("%!", 4.1, 4.3)]


@pytest.mark.parametrize("as_words", [
    lambda ws: [Word(*w) for w in ws],
    lambda ws: [{"word": w, "start": s, "end": e, "probability": 0.9} for w, s, e in ws]],
    ids=["objects", "dicts"])
def test_evidence_locates_words_and_seconds(as_words):
    t = AnswerText(TEXT, as_words(WORDS))
    by_quote = {n.evidence.quote: n.evidence for n in numbers(t)}
    assert by_quote["80 ms"] == Evidence("80 ms", TEXT.index("80"), TEXT.index("80") + 5,
                                         13, 14, 3.2, 3.7)
    assert by_quote["30%"].first_word == 16 and by_quote["30%"].last_word == 17
    assert (by_quote["30%"].start_s, by_quote["30%"].end_s) == (3.8, 4.3)
    # Across the split word and the punctuation attached to "model.".
    me = ownership(t).evidence
    assert me.quote == "I built the XGBoost model"
    assert (me.first_word, me.last_word, me.start_s, me.end_s) == (1, 6, 0.3, 1.7)
    # Part of a word Whisper split: only that part's word.
    boost = t.locate(TEXT.index("Boost"), TEXT.index("Boost") + 5)
    assert (boost.first_word, boost.last_word, boost.start_s) == (5, 5, 1.0)
    # The filler missing from the text is skipped; the words after it still align.
    cut = t.locate(TEXT.index("It cut"), TEXT.index("It cut") + 6)
    assert (cut.first_word, cut.last_word, cut.end_s) == (7, 9, 2.4)


def test_evidence_without_words_is_unlocated_but_the_same_quote():
    plain, timed = AnswerText(TEXT), AnswerText(TEXT, [Word(*w) for w in WORDS])
    for a, b in zip(numbers(plain), numbers(timed), strict=True):
        assert (a.evidence.quote, a.evidence.char_start, a.evidence.char_end) == \
            (b.evidence.quote, b.evidence.char_start, b.evidence.char_end)
        assert a.evidence.quote == TEXT[a.evidence.char_start:a.evidence.char_end]
        assert (a.evidence.first_word, a.evidence.last_word, a.evidence.start_s,
                a.evidence.end_s) == (None, None, None, None)
    assert ownership(plain).evidence.first_word is None
    # Findings are the same with or without words, apart from where they were said.
    assert [(f.covered, f.detail, f.evidence and f.evidence.quote) for f in assess(plain, RUBRIC)] \
        == [(f.covered, f.detail, f.evidence and f.evidence.quote) for f in assess(timed, RUBRIC)]


def test_a_span_no_word_aligns_with_is_unlocated():
    # The words cover only the first sentence: the second one cannot be located.
    t = AnswerText("I built it. Then we shipped it.", [Word("I", 0.0, 0.1), Word("built", 0.1, 0.4),
                                                       Word("it.", 0.4, 0.6)])
    assert t.locate(0, 8).last_word == 1
    shipped = t.locate(t.text.index("we"), len(t.text))
    assert (shipped.quote, shipped.first_word, shipped.start_s) == ("we shipped it.", None, None)
    # A word that is nowhere in the text does not pull later words out of place.
    t = AnswerText("we shipped the model", [Word(w, i, i + 0.5) for i, w in
                                            enumerate(["we", "zebra", "shipped", "the", "model"])])
    ev = t.locate(t.text.index("shipped"), len(t.text))
    assert (ev.first_word, ev.last_word) == (2, 4)
    # A word the words lack ("new") is skipped over.
    t = AnswerText("we shipped the new model", [Word(w, i, i + 0.5) for i, w in enumerate(
        ["we", "shipped", "the", "model"])])
    ev = t.locate(t.text.index("new"), len(t.text))
    assert (ev.first_word, ev.last_word, ev.start_s) == (3, 3, 3)
    # Nor does a filler the text lacks match inside a later word ("um" in "maximum").
    t = AnswerText("we set the maximum batch size", [Word(w, i, i + 0.5) for i, w in enumerate(
        ["we", "um", "set", "the", "maximum", "batch", "size"])])
    ev = t.locate(t.text.index("set"), t.text.index("maximum") + 7)
    assert (ev.first_word, ev.last_word) == (2, 4)


def test_a_figure_cut_short_mid_clause_is_quoted_from_where_its_phrase_starts():
    """A figure's quote reaching back 7 words mid-clause starts at a phrase's start, never
    inside the figure itself ("a third"), and after an "and" that joins a second result."""
    t = AnswerText("The launch improved precision by twelve percent and reduced manual review "
                   "by a third, while staying within thirty milliseconds.")
    third = next(n for n in numbers(t) if n.evidence.quote == "a third")
    assert t.quote(quantities.number_phrase(t, third)) == "reduced manual review by a third"


@pytest.mark.parametrize("said, figure", [
    ("Every new rule broke two old ones.", "two"),
    ("We had lost two clients the previous year because of late payrolls.", "two"),
    ("The trial ran across forty clubs with forty matched control clubs.", "forty"),
    ("We ran a holdout for three months on a random slice of users.", "three months"),
    ("We had about four years of old headline tests to learn from.", "four years"),
    ("It turned out about fifteen percent of old bans were probably legitimate.",
     "fifteen percent"),
    ("At my previous company we cut the cloud bill by 20%.", "20%"),
])
def test_a_describing_word_is_no_baseline_for_a_count_a_share_of_it_or_a_former_job(
        said, figure):
    """"old", "previous", "control", "holdout" and the like describe a thing as often as
    they compare with it: a count or a length beside them, a share "of" the old things and
    a result at a former job have no baseline from them."""
    assert not mentions(said)[figure].baseline, said


@pytest.mark.parametrize("said, figure", [
    ("Clip views were up about forty percent over the previous season.", "forty percent"),
    ("Sales went up eight points over the holdout.", "eight points"),
    ("The average miss came down by a quarter or so from the old way.", "a quarter"),
    ("Fuel per mile was down about 6% on the previous year.", "6%"),
    ("It answered in 40 ms where the legacy service took far longer.", "40 ms"),
    ("Down 6% from the old place we rented.", "6%"),
    ("Review took two days instead of the previous two weeks.", "two days"),
])
def test_a_describing_word_is_a_baseline_for_a_measured_change(said, figure):
    assert mentions(said)[figure].baseline, said
