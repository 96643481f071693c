"""Where the parts' timeline may be wrong (simulator/analysis/doubts.py): the stretches the
locator is unsure of, what else they could be, and how every view says so.

The chances themselves are checked against every path in tests/test_decoding.py. Here: how
doubts are cut and merged, that on the corpora with known parts they point at the
timeline's mistakes and name the true part, and that the remarks, the Markdown report, the
HTML report and the terminal's summary show them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import part_answers as pa
import pytest

from simulator.analysis.doubts import MAYBE_AT, SURE_AT, Doubt, doubts_of, maybe_told

PARTS = ("problem", "data", "modeling")


def test_units_in_doubt_between_the_same_two_parts_make_one_doubt():
    path = [0, 0, 1, 1, 1, 2]
    chances = np.array([[1.0, 0.0, 0.0],
                        [0.6, 0.4, 0.0],  # problem, or data
                        [0.3, 0.7, 0.0],  # data, or problem: a new doubt
                        [0.3, 0.6, 0.1],  # the same two, so the same doubt
                        [0.0, 0.95, 0.05],  # sure
                        [0.0, 0.2, 0.8]])  # modelling, or data
    owned = [(0.0, 5.0), (5.0, 10.0), (10.0, 20.0), (20.0, 30.0), (30.0, 40.0), (40.0, 45.0)]
    doubts = doubts_of(path, chances, owned, PARTS)
    assert doubts == (
        Doubt(5.0, 10.0, "problem", "data", 0.6, 0.4),
        Doubt(10.0, 30.0, "data", "problem", 0.65, 0.3),  # weighted by the time each owns
        Doubt(40.0, 45.0, "modeling", "data", 0.8, 0.2),
    )
    assert doubts[1].to_json() == {"start_s": 10.0, "end_s": 30.0, "read_as": "data",
                                   "could_be": "problem", "read_as_chance": 0.65,
                                   "could_be_chance": 0.3}


def test_a_sure_answer_has_no_doubt():
    chances = np.array([[SURE_AT, 1 - SURE_AT], [0.0, 1.0]])
    assert doubts_of([0, 1], chances, [(0.0, 1.0), (1.0, 2.0)], PARTS[:2]) == ()


def test_a_missing_part_is_maybe_told_only_where_a_doubt_gives_it_a_fair_chance():
    weak = Doubt(0.0, 5.0, "problem", "why-ml", 0.8, MAYBE_AT - 0.05)
    fair = Doubt(20.0, 30.0, "data", "why-ml", 0.6, MAYBE_AT + 0.05)
    better = Doubt(40.0, 45.0, "data", "why-ml", 0.5, 0.45)
    assert maybe_told([weak], "why-ml") is None
    assert maybe_told([weak, fair, better], "why-ml") == better
    assert maybe_told([fair], "lessons") is None


# ----------------------------------------------------------------------------- corpora

@pytest.fixture(scope="module")
def text_scores() -> dict[str, list[pa.Score]]:
    return {"dev": pa.text_scores(), "plain": pa.text_scores(pa.corpus(pa.PLAIN))}


@pytest.mark.parametrize("corpus", ["dev", "plain"])
def test_doubts_point_at_the_timelines_mistakes_and_name_the_true_part(text_scores, corpus):
    """On the development corpora's transcripts (measured: development 4 % of the time in
    doubt, 84 % of the wrong time among it, the true part one of the two named 100 %; plain
    25 %, 55 %, 96 %)."""
    scores = text_scores[corpus]
    line = pa.doubts_line(scores)
    total = sum(s.seconds for s in scores)
    wrong = sum(s.wrong_s for s in scores)
    doubted = sum(s.doubted_s for s in scores)
    assert sum(s.doubted_wrong_s for s in scores) >= 0.5 * wrong, line
    assert sum(s.doubted_named_s for s in scores) >= 0.9 * doubted, line
    assert doubted <= (0.1 if corpus == "dev" else 0.35) * total, line


# ----------------------------------------------------------------------------- views

@pytest.fixture(scope="module")
def hedged():
    """A plain answer whose timeline calls why ML missing where the candidate told it in
    plain words, and has it in doubt there: prepaid-churn (text, timed at 170 wpm)."""
    answer = next(a for a in pa.corpus(pa.PLAIN) if a.id == "prepaid-churn")
    data, truth = pa.timed_text(answer)
    analysis = pa.analyze_text(data, answer.question)
    tl = analysis.timeline
    assert "why-ml" in tl.missing and "why-ml" not in truth.missing
    maybe = tl.maybe_told("why-ml")
    assert maybe is not None
    told = next(p for p in truth.parts if p.id == "why-ml")
    assert maybe.start_s < told.end_s and told.start_s < maybe.end_s  # it is there
    return analysis


def test_the_remark_on_a_missing_part_says_where_it_may_be(hedged):
    from simulator.analysis.timing import format_duration

    tl = hedged.timeline
    maybe = tl.maybe_told("why-ml")
    remark = next(r for r in hedged.remarks if r.startswith("Part missing: Why machine"))
    assert remark.endswith(f"; or it may be the stretch at {format_duration(maybe.start_s)}–"
                           f"{format_duration(maybe.end_s)}, which was read as "
                           f"{tl.title(maybe.read_as)}."), remark
    assert hedged.to_json()["doubts"] == [d.to_json() for d in tl.doubts]


def test_the_markdown_report_lists_the_doubts(hedged):
    from simulator.reports.describe import clock, describe_doubt
    from simulator.reports.markdown import analysis_lines

    lines = analysis_lines(hedged)
    line = next(x for x in lines if x.startswith("*Unsure where the parts are:*"))
    for d in hedged.timeline.doubts:
        assert describe_doubt(d, hedged.timeline.title, clock) in line
    assert "read as The problem, may be Why machine learning (" in line, line


def test_every_part_in_order_is_said_only_when_no_stretch_may_well_be_another(hedged):
    """"Every part, in order" beside a stretch read as one part that may well be another
    (a chance of MAYBE_AT or more) contradicted itself in a career answer's report."""
    from dataclasses import replace

    from simulator.analysis.doubts import MAYBE_AT
    from simulator.reports.markdown import analysis_lines

    tl = replace(hedged.timeline, missing=(), out_of_order=())
    strong = replace(tl.doubts[0], could_be_chance=max(MAYBE_AT, 0.54))
    weak = replace(tl.doubts[0], could_be_chance=MAYBE_AT / 2)
    said = {c: analysis_lines(replace(hedged, timeline=replace(tl, doubts=(d,))))
            for c, d in (("strong", strong), ("weak", weak))}
    assert "*Every part, in order.*" in said["weak"]
    assert "*Every part, in order.*" not in said["strong"]
    assert "*Every part found, in order, as far as the stretches below allow.*" in said["strong"]


def test_the_summary_after_an_answer_marks_the_parts_in_doubt(hedged):
    from rich.console import Console

    from simulator.analysis.timing import format_duration
    from simulator.terminal.live import ConsoleView

    tl = hedged.timeline
    console = Console(record=True, width=400)
    ConsoleView(console)._summary(hedged)
    lines = console.export_text().splitlines()
    parts = next(x for x in lines if x.startswith("Parts: "))
    cells = parts.removeprefix("Parts: ").split(" · ")
    unsure = {d.read_as for d in tl.doubts if d.could_be_chance >= MAYBE_AT}
    assert unsure
    for cell, p in zip(cells, tl.parts):
        assert cell.removesuffix(" (out of order)").endswith("?") == (p.id in unsure), parts
    maybe = tl.maybe_told("why-ml")
    assert (f"Why machine learning missing, or at {format_duration(maybe.start_s)}?"
            in cells), parts
    assert any(x.startswith("? the parts' boundaries there are unsure") for x in lines)


def test_the_html_report_shades_the_doubts_and_lists_them(tmp_path, home):
    """A saved session of a development answer with a stretch in doubt, reviewed into HTML."""
    from session_factory import Rehearsal, told, write_session

    from simulator.review import analyses_of, html_report
    from simulator.sessions.store import read_session

    folder = write_session(tmp_path, Rehearsal(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),
                                               (told("deep-dive", "search-ranking"),)))
    doc = read_session(folder)
    analyses = analyses_of(doc)
    doubts = [d for a in analyses.values() if a.timeline for d in a.timeline.doubts]
    assert doubts, "search-ranking's retelling has no stretch in doubt"
    html = html_report(doc, analyses=analyses)
    assert html.count('<rect class="doubt"') == len(doubts)
    assert "Unsure where the parts are (paler in the strip above)" in html


def test_an_overrun_the_locator_may_have_made_says_so():
    """A part over its budget only because of a stretch in doubt: the remark says which
    stretch and what else it may be; a doubt too short to explain the overrun changes
    nothing."""
    from simulator.analysis.answer import remarks
    from simulator.analysis.parts import PartTiming, Timeline, parts_of

    titles = tuple((p.id, p.title) for p in parts_of(pa.question("deep-dive")))

    def said(*doubts: Doubt) -> list[str]:
        data = PartTiming("data", ((10.0, 80.0),), 70.0, 180, 25.0, 45.0, "over", 25.0)
        timeline = Timeline((data,), (), (), titles=titles, doubts=doubts)
        analysis = pa.analyze_text(pa.timed_text(pa.corpus()[0])[0], "deep-dive")
        return remarks(type(analysis)(**{**analysis.__dict__, "timeline": timeline,
                                         "signals": (), "fillers": ()}))

    maybe = Doubt(50.0, 80.0, "data", "modeling", 0.6, 0.4)
    assert ("Data and features ran 70 s, 25 s over its 25-45 s budget, but 0:50–1:20 of it "
            "may be Modelling decisions.") in said(maybe)
    short = Doubt(70.0, 80.0, "data", "modeling", 0.6, 0.4)
    assert "Data and features ran 70 s, 25 s over its 25-45 s budget." in said(short)
    weak = Doubt(50.0, 80.0, "data", "modeling", 0.85, MAYBE_AT - 0.1)
    assert "Data and features ran 70 s, 25 s over its 25-45 s budget." in said(weak)
    # Two stretches that meet, each of which may be another part: one stretch, both parts.
    two = (Doubt(40.0, 60.0, "data", "why-ml", 0.6, 0.4),
           Doubt(60.0, 80.0, "data", "modeling", 0.6, 0.4))
    assert ("Data and features ran 70 s, 25 s over its 25-45 s budget, but 0:40–1:20 of it "
            "may be Why machine learning or Modelling decisions.") in said(*two)


def test_units_no_path_could_take_and_a_single_part_raise_no_doubt():
    """Chances that are not numbers (scores no path could take: never from the locator,
    whose scores are smoothed) and a question of one part give no doubt, never NaN."""
    nan = np.full((2, 2), np.nan)
    assert doubts_of([0, 1], nan, [(0.0, 1.0), (1.0, 2.0)], PARTS[:2]) == ()
    assert doubts_of([0], np.array([[0.5]]), [(0.0, 1.0)], PARTS[:1]) == ()
