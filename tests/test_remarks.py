"""Remarks: what the analysis says is most worth working on after an answer, and what the
live view shows of it. A follow-up's answer is judged on the criterion it was asked about."""

from __future__ import annotations

from simulator.config.rubric import find_rubric

RUBRIC = find_rubric("ml-engineer")


def analysed(text: str, focus: str | None = None):
    from simulator.analysis.answer import AnswerInput, analyze

    words = [{"word": w, "start": k * 0.4, "end": (k + 0.8) * 0.4}
             for k, w in enumerate(text.split())]
    return analyze(AnswerInput(text, words, [[0.0, len(words) * 0.4]], 0.0, len(words) * 0.4,
                               "deep-dive-follow-up-1", focus=focus), (), RUBRIC)


OWN_PART = ("I wrote the feature pipeline and the training code myself, and I designed the "
            "scoring service. A teammate built the labelling tool and the platform team owned "
            "the checkout hook. The model and the rollout were mine.")


def test_a_main_answer_gets_every_missing_criterion_as_a_remark():
    remarks = analysed(OWN_PART).remarks
    assert any(r.startswith("Numbers with a baseline: missing") for r in remarks)
    assert any(r.startswith("Trade-offs and alternatives: missing") for r in remarks)


def test_an_answer_under_half_its_minimum_is_told_so_first():
    """An 8-second deep dive once heard only "Part missing: ..." twice: the remark that
    matters, that the whole answer was far too short, comes first."""
    from simulator.analysis.answer import AnswerInput, analyze

    def remarks(text: str, min_s: float) -> tuple[str, ...]:
        words = [{"word": w, "start": k * 0.4, "end": (k + 0.8) * 0.4}
                 for k, w in enumerate(text.split())]
        end = len(words) * 0.4
        return analyze(AnswerInput(text, words, [[0.0, end]], 0.0, end, "deep-dive",
                                   min_s=min_s, max_s=min_s * 2), (), RUBRIC).remarks

    short = remarks(OWN_PART, 180.0)  # 38 words, 15 s of speaking
    assert short[0].startswith("Far too short: 0:15 of speaking against a minimum of 3:00")
    assert not any(r.startswith("Far too short") for r in remarks(OWN_PART, 20.0))
    assert not any(r.startswith("Far too short") for r in analysed(OWN_PART).remarks)


def test_parts_are_named_by_their_titles_in_remarks():
    """A remark names a part as the script titles it ("Why machine learning"), not by its id."""
    import part_answers as pa

    answer = next(a for a in pa.corpus() if a.id == "delivery-eta")  # why-ml, lessons missing
    remarks = pa.analyze_text(pa.timed_text(answer)[0], answer.question).remarks
    missing = [r for r in remarks if r.startswith("Part missing: ")]
    assert [r.split(" (")[0] for r in missing] == ["Part missing: Why machine learning",
                                                   "Part missing: Lessons learned"]
    assert not any("why-ml" in r for r in remarks)


def test_a_missing_part_says_where_in_the_answer_it_belongs():
    """A missing part points at a moment of the answer, as every remark does: before the next
    part the script puts after it (when that began), or, at the end of the script, after the
    last part told (when that ended)."""
    import part_answers as pa

    from simulator.analysis.timing import format_duration

    answer = next(a for a in pa.corpus() if a.id == "delivery-eta")  # why-ml, lessons missing
    analysis = pa.analyze_text(pa.timed_text(answer)[0], answer.question)
    timeline = analysis.timeline
    assert timeline is not None and timeline.missing == ("why-ml", "lessons")
    ownership, last = timeline.part("ownership"), timeline.parts[-1]
    assert ownership is not None and last.id == "impact"
    assert (f"Part missing: Why machine learning (it belongs before Your part, which began at "
            f"{format_duration(ownership.start_s)}).") in analysis.remarks
    assert (f"Part missing: Lessons learned (it belongs after Impact, which ended at "
            f"{format_duration(last.end_s)}).") in analysis.remarks


def _timeline(*told: tuple[str, float, float], missing: tuple[str, ...] = (),
              out_of_order: tuple[str, ...] = ()):
    """A timeline of the deep dive's parts told as (id, start, end), titled as the script
    titles them."""
    import part_answers as pa

    from simulator.analysis.parts import PartTiming, Timeline, parts_of

    titles = tuple((p.id, p.title) for p in parts_of(pa.question("deep-dive")))
    parts = tuple(PartTiming(pid, ((a, b),), b - a, 10, 10.0, 60.0, "within")
                  for pid, a, b in told)
    return Timeline(parts, missing, out_of_order, titles=titles)


def test_a_part_told_early_is_no_landmark_for_where_a_missing_part_goes():
    """Impact told first (out of order) and lessons never: lessons belong after the last
    part told in order, not "after Impact, which ended at 0:30"."""
    from simulator.analysis.answer import _missing_part

    order = ["problem", "why-ml", "ownership", "data", "modeling", "serving", "trade-offs"]
    told = [("impact", 1.0, 30.0)] + [(pid, 30.0 + 20 * k, 50.0 + 20 * k)
                                      for k, pid in enumerate(order)]
    t = _timeline(*told, missing=("lessons",), out_of_order=("impact",))
    assert _missing_part(t, "lessons") == ("Part missing: Lessons learned (it belongs after "
                                           "Trade-offs, which ended at 2:50).")


def test_a_part_out_of_order_says_when_it_was_told_and_where_it_belongs():
    from simulator.analysis.answer import _out_of_order

    early = _timeline(("impact", 1.0, 30.0), ("problem", 30.0, 60.0), ("trade-offs", 60.0, 90.0),
                      ("lessons", 90.0, 120.0), out_of_order=("impact",))
    assert _out_of_order(early) == ("Told out of the recommended order: Impact at 0:01 "
                                    "(recommended after Trade-offs).")
    late = _timeline(("problem", 1.0, 30.0), ("ownership", 30.0, 40.0), ("why-ml", 40.0, 50.0),
                     ("data", 50.0, 90.0), out_of_order=("why-ml",))
    assert _out_of_order(late) == ("Told out of the recommended order: Why machine learning "
                                   "at 0:40 (recommended before Your part).")


def test_a_follow_up_answer_is_judged_on_what_it_was_asked():
    """A follow-up about ownership, answered well, is not told it lacks numbers and
    trade-offs: those were not the question."""
    a = analysed(OWN_PART, focus="ownership")
    assert a.focus == "ownership" and a.to_json()["focus"] == "ownership"
    assert a.remarks == ()
    # Asked about reflection, the same answer is told what it lacked, and only that.
    assert analysed(OWN_PART, focus="reflection").remarks == (
        "Reflection and lessons: missing one concrete thing you would do differently if you "
        "started again, and why.",)


def test_a_missing_criterion_says_what_to_add_not_its_own_title_again():
    """Without its own `missing` line a keyword criterion's remark falls back on what it looks
    for; the title alone ("Trade-offs: missing trade-offs") would tell the candidate nothing."""
    from simulator.analysis.signals import _missing

    by_id = {c.id: c for c in RUBRIC.criteria}
    assert _missing(by_id["trade-offs"]).startswith("the option you turned down")
    bare = by_id["trade-offs"].model_copy(update={"missing": ""})
    assert _missing(bare).startswith("the alternatives that were considered")
    assert _missing(by_id["metrics"].model_copy(update={"missing": ""})).startswith(
        "results as numbers")


def test_a_mistake_is_remarked_on_only_when_its_criterion_was_asked():
    notebook = ("I tuned the model until its accuracy on the test set reached ninety percent, "
                "and I was happy with the precision and recall I got.")
    about_production = analysed(notebook, focus="production").remarks
    assert any(r.startswith("Model accuracy without deployment") for r in about_production)
    assert not any(r.startswith("Model accuracy without deployment")
                   for r in analysed(notebook, focus="reflection").remarks)


def test_the_live_view_says_when_a_follow_up_got_what_it_asked_for():
    from rich.console import Console

    from simulator.terminal.live import ConsoleView

    def summary(text: str, focus: str) -> str:
        console = Console(record=True, width=200)
        ConsoleView(console)._summary(analysed(text, focus=focus))
        return console.export_text()

    plan = "I would bring the fraud analysts into the design reviews from the start."
    assert "✓ Reflection and lessons: says what they would change" in summary(plan, "reflection")
    # Not what was asked: no tick, the remark instead.
    missed = summary(OWN_PART, "reflection")
    assert "✓" not in missed and "→ Reflection and lessons: missing" in missed


def test_the_reports_show_a_follow_up_only_the_signals_of_its_question():
    """The report's "what an interviewer would notice" for a follow-up lists what it was asked
    about (and its mistake), not every rubric criterion; the JSON keeps them all."""
    from simulator.reports.markdown import analysis_lines

    main, follow_up = analysed(OWN_PART), analysed(OWN_PART, focus="ownership")
    assert {s.id for s in follow_up.signals} == {s.id for s in main.signals}
    assert [s.id for s in follow_up.signals_in_focus] == ["ownership"]  # (no mistake found)
    assert main.signals_in_focus == main.signals
    shown = "\n".join(analysis_lines(follow_up))
    assert "Personal ownership" in shown and "Trade-offs" not in shown and "Numbers" not in shown
    assert "Trade-offs" in "\n".join(analysis_lines(main))
    assert len(follow_up.to_json()["signals"]) == len(main.signals)


def test_the_report_says_why_a_signal_that_falls_short_matters():
    """Beside what fell short, why it matters for the role (the rubric's `why`); not beside
    what was found."""
    from simulator.reports.markdown import analysis_lines

    main = analysed(OWN_PART)
    short = [s for s in main.signals if s.kind == "quality" and not s.found]
    found = [s for s in main.signals if s.kind == "quality" and s.found]
    assert short and found
    shown = "\n".join(analysis_lines(main))
    for s in short:
        assert f"*Why it matters:* {s.why}" in shown
    for s in found:
        assert s.why not in shown
