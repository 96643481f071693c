"""Interview scripts: the default script is valid, and every kind of mistake is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.config.script import DEFAULT_SCRIPT_ID, discover_scripts, find_script, load_script
from simulator.errors import ScriptError

VALID = """
title = "T"
role = "R"
company = "C"

[[questions]]
id = "one"
prompt = "First?"
min_s = 10
max_s = 20

[[questions]]
id = "two"
prompt = "Second?"
min_s = 5
max_s = 15
"""


def write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ScriptError) as info:
        load_script(path)
    return str(info.value)


def test_default_script_follows_the_seed_structure():
    """The default asks the seed's screen as an interviewer would: the career in 1-2 minutes,
    then the flagship project as one open answer whose parts follow the seed's order."""
    script = find_script(None).script
    assert script.id == DEFAULT_SCRIPT_ID == "ml-engineer-open"
    assert script.role == "Machine Learning Engineer"
    assert [q.id for q in script.questions] == ["career", "deep-dive"]
    career, deep = script.questions
    assert (career.min_s, career.max_s) == (60, 120)  # the seed's "1-2 minutes"
    assert [p.id for p in deep.parts] == ["problem", "why-ml", "ownership", "data", "modeling",
                                          "serving", "trade-offs", "impact", "lessons"]
    assert all(q.sample_answer for q in script.questions)
    # The parts where "I" is expected: the team-without-individual signal reads those.
    assert [p.id for p in deep.parts if p.own_work] == ["ownership", "data", "modeling",
                                                        "serving", "trade-offs"]
    # Where each of the rubric's criteria is shown: quoted from there first, and the keyword
    # checks met by those parts told for their minimum (analysis.signals).
    # The career walk-through is not judged on serving a model or on what they would change;
    # the deep dive is judged on every default criterion, on what its results changed for
    # the business and on who the candidate worked with.
    assert career.judged_on == ["metrics", "ownership", "reasons"]
    assert deep.judged_on == ["metrics", "ownership", "trade-offs", "production", "reflection",
                              "business-impact", "collaboration"]
    assert {p.id: p.shows for p in deep.parts if p.shows} == {
        "ownership": ["ownership"], "serving": ["production"], "trade-offs": ["trade-offs"],
        "impact": ["metrics", "business-impact"], "lessons": ["reflection"]}


def test_the_screen_script_asks_one_question_per_part():
    script = find_script("ml-engineer-screen").script
    ids = [q.id for q in script.questions]
    assert ids[0] == "career-walkthrough"
    first = script.questions[0]
    assert (first.min_s, first.max_s) == (60, 120)
    for topic in ("problem", "why-ml", "ownership", "data", "modeling", "serving", "trade-offs",
                  "impact", "lessons"):
        assert any(topic in i for i in ids), topic
    assert all(q.sample_answer for q in script.questions)


def test_valid_script_gets_its_id_from_the_file_name(tmp_path):
    loaded = load_script(write(tmp_path, VALID, "My Script.toml"))
    assert loaded.script.id == "my-script"
    assert loaded.script.total_budget == (15, 35)
    assert len(loaded.sha256) == 64


def test_invalid_toml_names_file_and_line(tmp_path):
    path = write(tmp_path, VALID.replace('role = "R"', "role = R"))
    message = error_of(path)
    assert str(path) in message and "invalid TOML" in message and "line 3" in message


def test_unknown_key_is_named(tmp_path):
    message = error_of(write(tmp_path, VALID.replace("min_s = 5", "min_s = 5\nmax_sec = 9")))
    assert "questions[1] (id 'two').max_sec: unknown key" in message


def test_a_misspelt_key_leads_with_what_was_written_and_what_it_may_mean(tmp_path):
    """"max_sec" is an unknown key and leaves "max_s" missing: the message opens with the
    key the user wrote and suggests the one they meant."""
    message = error_of(write(tmp_path, VALID.replace("max_s = 20", "max_sec = 20")))
    assert message.split(": ", 1)[1] == \
        "questions[0] (id 'one').max_sec: unknown key (did you mean 'max_s'?)", message


def test_a_misspelt_optional_key_gets_the_nearest_key_of_its_table(tmp_path):
    """A key that is there already is not missing when misspelt a second time, so the hint
    comes from the keys that table may have; a key like none of them gets no guess."""
    message = error_of(write(tmp_path, VALID.replace('role = "R"', 'role = "R"\nrol = "X"')))
    assert "rol: unknown key (did you mean 'role'?)" in message, message
    message = error_of(write(tmp_path, VALID.replace("max_s = 20",
                                                     "max_s = 20\nnothing_like_a_key = 1")))
    assert "nothing_like_a_key: unknown key" in message and "did you mean" not in message


def test_wrong_type_is_named_not_coerced(tmp_path):
    message = error_of(write(tmp_path, VALID.replace("max_s = 20", 'max_s = "20"')))
    assert "questions[0] (id 'one').max_s" in message and "number" in message
    assert "not '20'" in message  # what was written, so the quotes can be seen


def test_min_greater_than_max(tmp_path):
    message = error_of(write(tmp_path, VALID.replace("min_s = 10", "min_s = 30")))
    assert "questions[0] (id 'one')" in message
    assert "min_s (30) is greater than max_s (20)" in message


def with_parts(*parts: str) -> str:
    """VALID whose second question (max_s 15) is an open answer with these parts."""
    return VALID + "".join(f"\n[[questions.parts]]\n{p}\n" for p in parts)


PART_A = 'id = "a"\ntitle = "A"\nmin_s = 2\nmax_s = 6\ncovers = "the first thing"'
PART_B = 'id = "b"\ntitle = "B"\nmin_s = 2\nmax_s = 6\ncovers = "the second thing"'


def test_parts_load_and_mark_own_work(tmp_path):
    loaded = load_script(write(tmp_path, with_parts(PART_A, PART_B + "\nown_work = true")))
    parts = loaded.script.questions[1].parts
    assert [(p.id, p.own_work) for p in parts] == [("a", False), ("b", True)]


def test_parts_take_example_sentences(tmp_path):
    text = with_parts(PART_A + '\nexamples = ["First I did this.", "Then that."]',
                      PART_B + '\nexamples = ["Second came this."]')
    parts = load_script(write(tmp_path, text)).script.questions[1].parts
    assert [p.examples for p in parts] == [["First I did this.", "Then that."],
                                           ["Second came this."]]


@pytest.mark.parametrize(("parts", "expected"), [
    ((PART_A, PART_A), "questions[1] (id 'two'): parts[1]: duplicate part id 'a'"),
    ((PART_A,), "parts: an answer with parts needs at least two of them"),
    ((PART_A, PART_B.replace("min_s = 2", "min_s = 14").replace("max_s = 6", "max_s = 15")),
     "parts: their minimums add up to 16 s, more than the question's max_s (15 s)"),
    ((PART_A, PART_B.replace("max_s = 6", "max_s = 20")),
     "questions[1] (id 'two'): parts[1] (id 'b').max_s: 20 s, more than the whole "
     "question's max_s (15 s)"),
    ((PART_A, PART_B.replace("min_s = 2", "min_s = 9")),
     "questions[1] (id 'two').parts[1] (id 'b'): min_s (9) is greater than max_s (6)"),
    ((PART_A, PART_B + '\ncue = ["x"]'), "questions[1] (id 'two').parts[1] (id 'b').cue: "
                                        "unknown key (did you mean 'cues'?)"),
    ((PART_A, PART_B + '\nown_work = "yes"'),
     "questions[1] (id 'two').parts[1] (id 'b').own_work"),
    ((PART_A, PART_B.replace('covers = "the second thing"', "")),
     "questions[1] (id 'two').parts[1] (id 'b').covers"),
    ((PART_A + '\nexamples = ["I did the first thing."]', PART_B),
     "questions[1] (id 'two'): parts: examples are given for some parts but not for b"),
    ((PART_A + '\nexamples = [""]', PART_B + '\nexamples = ["x"]'),
     "questions[1] (id 'two').parts[0] (id 'a').examples[0]"),
    ((PART_A, PART_B + '\nshows = ["production"]'),
     "questions[1] (id 'two').parts[1] (id 'b').shows names rubric criteria, but the script "
     "has no [follow_ups] table"),
])
def test_bad_part_declarations_are_named(tmp_path, parts, expected):
    message = error_of(write(tmp_path, with_parts(*parts)))
    assert expected in message, message
    assert str(tmp_path / "s.toml") in message and "\n" not in message.strip()


ANSWERS = """
[[answers]]
id = "one-story"
[[answers.parts]]
part = "a"
text = "First there was this. And then, honestly, a bit more of it."
[[answers.parts]]
part = "b"
text = "Then came the second thing."
"""


def test_example_answers_load_from_a_file_beside_the_script(tmp_path):
    """A question's example answers may sit in their own file (relative to the script): the
    loaded script holds the answers themselves (so a session's snapshot needs no file), and
    their sentences join the parts' examples, cut as an answer's units are."""
    from simulator.analysis.parts import parts_of

    (tmp_path / "answers").mkdir()
    write(tmp_path, ANSWERS, "answers/stories.toml")
    text = with_parts(PART_A + '\nexamples = ["I did the first thing."]',
                      PART_B + '\nexamples = ["The second."]')
    text = text.replace('max_s = 15\n', 'max_s = 15\nexample_answers = "answers/stories.toml"\n')
    question = load_script(write(tmp_path, text)).script.questions[1]
    assert [a.id for a in question.example_answers] == ["one-story"]
    assert [p.examples for p in parts_of(question)] == [
        ("I did the first thing.", "First there was this.",
         "And then, honestly, a bit more of it."),
        ("The second.", "Then came the second thing.")]


def test_example_answers_may_be_inline(tmp_path):
    inline = ANSWERS.replace("[[answers]]", "[[questions.example_answers]]") \
        .replace("[[answers.parts]]", "[[questions.example_answers.parts]]")
    question = load_script(write(tmp_path, with_parts(PART_A, PART_B) + inline)).script.questions[1]
    assert [t.part for t in question.example_answers[0].parts] == ["a", "b"]


@pytest.mark.parametrize(("answers", "key", "expected"), [
    (None, 'example_answers = "missing.toml"',
     "questions[1] (id 'two').example_answers: {dir}/missing.toml: example answers file not found"),
    (ANSWERS.replace('part = "b"', 'part = "c"'), 'example_answers = "stories.toml"',
     "questions[1] (id 'two').example_answers: {dir}/stories.toml: answers[0] (id 'one-story')"
     ".parts[1].part: unknown part 'c' (the question's parts: a, b)"),
    (ANSWERS.replace('text = "Then came the second thing."', 'txt = "x"'),
     'example_answers = "stories.toml"', "{dir}/stories.toml: answers[0] (id 'one-story')"
     ".parts[1].txt: unknown key (did you mean 'text'?)"),
    (ANSWERS.replace('id = "one-story"', "id = one-story"), 'example_answers = "stories.toml"',
     "{dir}/stories.toml: invalid TOML"),
    (None, 'example_answers = "no-such-answers"', "questions[1] (id 'two').example_answers: "
     "unknown example answers 'no-such-answers'"),
])
def test_bad_example_answers_are_named(tmp_path, answers, key, expected):
    if answers is not None:
        write(tmp_path, answers, "stories.toml")
    text = with_parts(PART_A, PART_B).replace("max_s = 15\n", f"max_s = 15\n{key}\n")
    message = error_of(write(tmp_path, text))
    assert expected.format(dir=tmp_path) in message, message
    assert str(tmp_path / "s.toml") in message and "\n" not in message.strip()


def test_inline_example_answers_with_an_unknown_part_are_named(tmp_path):
    inline = ANSWERS.replace("[[answers]]", "[[questions.example_answers]]") \
        .replace("[[answers.parts]]", "[[questions.example_answers.parts]]") \
        .replace('part = "a"', 'part = "z"')
    message = error_of(write(tmp_path, with_parts(PART_A, PART_B) + inline))
    assert "questions[1] (id 'two'): example_answers[0] (id 'one-story').parts[0].part: " \
           "unknown part 'z' (the question's parts: a, b)" in message, message


def test_example_answers_need_parts(tmp_path):
    message = error_of(write(tmp_path, VALID + 'example_answers = "x.toml"\n'))
    assert "questions[1] (id 'two'): example_answers: given for a question without parts" \
        in message, message


def test_the_default_deep_dive_has_labelled_example_answers():
    deep = find_script(None).script.questions[1]
    told = {t.part for a in deep.example_answers for t in a.parts}
    assert len(deep.example_answers) == 120 and told == {p.id for p in deep.parts}


def test_duplicate_question_id(tmp_path):
    message = error_of(write(tmp_path, VALID.replace('id = "two"', 'id = "one"')))
    assert "duplicate question id 'one'" in message


def test_missing_required_key(tmp_path):
    message = error_of(write(tmp_path, VALID.replace('title = "T"\n', "")))
    assert message.endswith("title: required key is missing")


def test_no_questions(tmp_path):
    message = error_of(write(tmp_path, 'title = "T"\nrole = "R"\ncompany = "C"\nquestions = []\n'))
    assert "questions" in message and "at least 1" in message


def test_unknown_script_name_lists_known_ones():
    with pytest.raises(ScriptError) as info:
        find_script("no-such-script")
    assert "unknown script 'no-such-script'" in str(info.value)
    assert DEFAULT_SCRIPT_ID in str(info.value)


def test_user_scripts_are_discovered_and_broken_ones_reported(tmp_path):
    write(tmp_path, VALID, "mine.toml")
    write(tmp_path, "title = ", "broken.toml")
    entries = {e.id: e for e in discover_scripts(tmp_path)}
    assert entries["mine"].loaded is not None
    assert entries["broken"].loaded is None and "invalid TOML" in entries["broken"].error
    assert find_script("mine", tmp_path).script.title == "T"
    with pytest.raises(ScriptError, match=r"broken\.toml"):
        find_script("broken", tmp_path)
    # Asked for by the id it declares, an invalid script gives its error, not "unknown".
    write(tmp_path, 'id = "my-open"\n' + VALID.replace("min_s = 10", 'min_s = "10"'),
          "other.toml")
    with pytest.raises(ScriptError, match=r"other\.toml: questions\[0\].*min_s"):
        find_script("my-open", tmp_path)


def test_parts_show_criteria_of_the_script_s_rubric(tmp_path):
    from tests_paths import DATA

    base = (DATA / "scripts" / "follow_up.toml").read_text()
    parts = ('\n[[questions.parts]]\nid = "work"\ntitle = "Work"\nmin_s = 2\nmax_s = 9\n'
             'covers = "what was built"\nshows = ["production", "metrics"]\n'
             '\n[[questions.parts]]\nid = "result"\ntitle = "Result"\nmin_s = 2\nmax_s = 9\n'
             'covers = "what it changed"\n')
    path = write(tmp_path, base + parts)
    assert load_script(path).script.questions[0].parts[0].shows == ["production", "metrics"]
    judged = base.replace('section = "Project"', 'section = "Project"\njudged_on = ["metric"]')
    assert "questions[0] (id 'project').judged_on: unknown rubric criterion 'metric'" in \
        error_of(write(tmp_path, judged))
    message = error_of(write(tmp_path, base + parts.replace('"production"', '"prodution"')))
    assert ("questions[0] (id 'project').parts[0] (id 'work').shows: unknown rubric criterion "
            "'prodution' (rubric 'ml-engineer' has: metrics, ownership") in message, message
    narrowed = (base + parts).replace('section = "Project"',
                                      'section = "Project"\njudged_on = ["metrics"]')
    assert ("parts[0] (id 'work').shows: 'production' is not a criterion the question is "
            "judged_on (metrics)") in error_of(write(tmp_path, narrowed))
    no_table = base.split("[follow_ups]")[0] + base.split("time_limit_s = 2.0\n")[1]
    assert "questions[0] (id 'project').judged_on names rubric criteria, but the script has " \
        "no [follow_ups] table" in error_of(write(tmp_path, no_table.replace(
            'section = "Project"', 'section = "Project"\njudged_on = ["metrics"]')))


def test_a_criterion_judged_only_where_named_needs_the_question_to_name_it(tmp_path):
    """The bundled rubric's "reasons" (a reason for each career move) is `by_default =
    false`: focusing a question's follow-ups on it, or having a part show it, without the
    question's judged_on naming it would silently do nothing, so it is an error."""
    from tests_paths import DATA

    base = (DATA / "scripts" / "follow_up.toml").read_text()
    focus = base.replace('section = "Project"',
                         'section = "Project"\nfollow_up_focus = ["reasons"]')
    message = error_of(write(tmp_path, focus))
    assert ("questions[0] (id 'project').follow_up_focus: 'reasons' is judged only where a "
            "question's judged_on names it (by_default = false in rubric 'ml-engineer'); add "
            "a judged_on to this question") in message, message
    named = focus.replace('section = "Project"',
                          'section = "Project"\njudged_on = ["reasons", "metrics"]')
    assert load_script(write(tmp_path, named)).script.questions[0].follow_up_focus == [
        "reasons"]
    parts = ('\n[[questions.parts]]\nid = "path"\ntitle = "Path"\nmin_s = 2\nmax_s = 9\n'
             'covers = "the moves"\nshows = ["reasons"]\n'
             '\n[[questions.parts]]\nid = "now"\ntitle = "Now"\nmin_s = 2\nmax_s = 9\n'
             'covers = "the role today"\n')
    assert "parts[0] (id 'path').shows: 'reasons' is judged only where" in error_of(
        write(tmp_path, base + parts))


def test_follow_up_settings_that_would_do_nothing_are_errors(tmp_path):
    from simulator.config.script import load_script
    from simulator.errors import ScriptError

    from tests_paths import DATA

    base = (DATA / "scripts" / "follow_up.toml").read_text()
    cases = {
        'sections = ["Project"]': ('sections = ["Projekt"]', "no question has section 'Projekt'"),
        'rubric = "ml-engineer"': ('rubric = "ml-engineers"', "unknown rubric 'ml-engineers'"),
        'section = "Project"': ('section = "Project"\nfollow_up_focus = ["metric"]',
                                "unknown rubric criterion 'metric'"),
    }
    for old, (new, message) in cases.items():
        path = tmp_path / "s.toml"
        path.write_text(base.replace(old, new))
        with pytest.raises(ScriptError, match=message):
            load_script(path)
    no_table = base.split("[follow_ups]")[0] + base.split("time_limit_s = 2.0\n")[1]
    path.write_text(no_table.replace('section = "Project"', 'section = "Project"\nfollow_ups = 2'))
    with pytest.raises(ScriptError,
                       match=r"questions\[0\] \(id 'project'\).*no \[follow_ups\] table"):
        load_script(path)


def test_a_sessions_saved_script_is_read_as_it_was_saved(tmp_path):
    """A rule added after a session was saved (a part's max_s within its question's) is a
    file's rule: the session's own copy of its script still reads, so its report keeps its
    parts."""
    from simulator.config.script import Script

    loaded = load_script(write(tmp_path, with_parts(PART_A, PART_B)))
    saved = loaded.script.model_dump(mode="json")
    saved["questions"][1]["parts"][1]["max_s"] = 99.0  # over the question's 15 s
    assert Script.model_validate(saved).questions[1].parts[1].max_s == 99.0


def test_a_number_in_quotes_or_a_list_is_told_what_to_write_instead(tmp_path):
    """TOML reads "60" as text: the error shows the number as it should be written, and a
    value given as a list says so (pydantic's own words alone did not)."""
    quoted = error_of(write(tmp_path, VALID.replace("min_s = 10", 'min_s = "10"')))
    assert quoted.endswith("min_s: Input should be a valid number, not '10' (write the "
                           "number without quotes: 10)"), quoted
    listed = error_of(write(tmp_path, VALID.replace("max_s = 20", "max_s = [20]")))
    assert listed.endswith("max_s: Input should be a valid number, not a list"), listed
    worded = error_of(write(tmp_path, VALID.replace("min_s = 10", 'min_s = "ten"')))
    assert "not 'ten'" in worded and "without quotes" not in worded
