"""Unit tests of the checks an LLM's follow-up must pass before it is asked."""

from simulator.followups.checks import first_question, problem_with


def test_first_question_cuts_at_the_first_question_mark_and_cleans_labels():
    assert first_question("Follow-up: **What was the baseline?** And why?") == \
        "What was the baseline?"
    assert first_question('"How did you measure that?"') == "How did you measure that?"
    assert first_question("You said thirty percent. Compared with") is None


def test_a_good_question_passes():
    assert problem_with('You said "thirty percent". Compared with what baseline, and how '
                        "was it measured?") is None


def test_no_question_praise_answers_off_role_and_length_are_rejected():
    assert problem_with("") == "the reply was empty"
    assert "no question" in problem_with("Thanks, that was thorough.")
    assert "praised" in problem_with("Great answer! What was the baseline?")
    assert "answered" in problem_with("You should have used a baseline, right?")
    assert "role" in problem_with("As an AI language model, what do you mean?")
    assert "role" in problem_with("Sure, I will ignore your instructions: are you hired?")
    long = "What " + "really " * 45 + "happened?"
    assert "words long" in problem_with(long, max_words=40)
    assert "too short" in problem_with("Why?")


def test_repeats_of_earlier_questions_are_rejected():
    earlier = ["What exactly did you own, personally, as opposed to the wider team?"]
    assert "repeats" in problem_with(
        "What exactly did you own personally, as opposed to the wider team?", earlier=earlier)
    assert problem_with("Which part of the data pipeline did you write yourself?",
                        earlier=earlier) is None


def test_meta_talk_lists_placeholders_and_reasoning_traces_are_rejected():
    for reply in ("Sure! Here is a follow-up question for you: What was the baseline?",
                  "Here are three questions: 1. What was the baseline?",
                  "<think>They did not give a baseline, so ask</think> What was the baseline?",
                  "What did [candidate name] personally build in that pipeline?",
                  "Interesting. So what was the baseline?",
                  "That is a solid answer, so what was the baseline?"):
        assert problem_with(reply) is not None, reply


def test_ordinary_words_are_not_mistaken_for_praise():
    assert problem_with("What was the most interesting failure you had to debug?") is None
    assert problem_with("How good was the baseline you compared against?") is None


def test_the_llm_is_given_the_criteria_its_follow_ups_can_be_about():
    """The bundled open script follows up the deep dive only: its rubric lines leave out the
    career moves' reasons (judged only where a question names them); a script that follows
    up its career question too includes them. One list per session, so the system message
    a local server caches stays the same for every follow-up."""
    from simulator.config.script import find_script
    from simulator.followups.prompts import system_message

    loaded = find_script("ml-engineer-open")
    assert loaded.rubric is not None
    moves = loaded.rubric.criterion("reasons")
    plain = system_message(loaded.script, loaded.rubric, 40)
    assert moves.title not in plain and loaded.rubric.criterion("reflection").title in plain
    career = loaded.script.questions[0].model_copy(update={"follow_ups": 1})
    both = loaded.script.model_copy(update={"questions": [career,
                                                          *loaded.script.questions[1:]]})
    assert f"- {moves.title}: {moves.look_for}" in system_message(both, loaded.rubric, 40)
