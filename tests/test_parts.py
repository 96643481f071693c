"""Where the parts of an open answer were said (simulator/analysis/parts.py), measured on
answers with known part boundaries (tests/part_answers.py, which holds the scoring conventions).

The issue's targets:

- at least 85 % of every answer's speaking time given to the right part;
- a median boundary error of at most 3 s (over every boundary between said parts);
- every missing part named, every part told out of the recommended order named.

Where they stand (measured when the examples, cues and constants were last tuned;
`bench/analysis.py` prints the current figures). The parts' example sentences
(configs/ml_engineer_open.toml) and the deep dive's 120 example answers
(configs/example_answers/) were written from the parts' descriptions by writers who read no
corpus; the cues and the constants were tuned on the two development corpora
(tests/data/answers/open_answers.toml and open_answers_plain.toml) only; the held-out corpus
(tests/data/answers/open_answers_holdout.toml) was never tuned on.

================================  ============  ======  ============  =======  ============
corpus, path                      right median  min     bound. med.   missing  out of order
================================  ============  ======  ============  =======  ============
dev, text at 170 wpm              100.0 %       89.5 %  0.0 s         12/12    12/12
dev, spoken (TTS, base)           96.8 %        87.7 %  0.2 s         11/12    12/12
dev plain, text at 170 wpm        91.3 %        84.2 %  0.0 s         10/10    10/10
dev plain, spoken (TTS, base)     91.1 %        76.7 %  0.4 s         10/10    10/10
held-out, text at 170 wpm         100.0 %       83.0 %  0.0 s         10/12    12/12
held-out, spoken (TTS, base)      95.0 %        76.3 %  0.2 s         9/12     12/12
================================  ============  ======  ============  =======  ============

Transcribed as a live answer is (`bench/analysis.py --live`: chunks cut at pauses, each
decoded on its own; what the interview's summary reads): dev 98.1 % / 87.8 % (0.3 s, 12/12,
12/12), dev plain 87.8 % / 67.9 % (0.4 s, 10/10, 9/10), held-out 93.5 % / 67.7 % (0.4 s,
10/12, 12/12).

With the first 60 example answers only (before batches 5-8, in plainer talk, were added)
the rows read, on the same transcripts: dev text 100.0 % / 89.5 % (97.8 % time-weighted,
97.0 % now), dev spoken as now, plain text 88.4 % / 81.4 % (9/10 out of order), plain spoken
86.9 % / 79.8 % (9/10 missing), held-out text 99.0 % / 74.7 %, held-out spoken 95.6 % / 67.7 %
(11/12 missing); live: dev 98.1 % / 87.8 %, plain 83.9 % / 67.9 % (9/10, 9/10), held-out
96.7 % / 72.3 % (11/12). Held out, missing parts are named less often with them: the
stories pull towards "why machine learning", so image-moderation, which leaves it out, has
its problem read as it (docs/architecture.md, "Parts").

The spoken rows are from a fresh machine (December 2026) that transcribes some of the TTS
answers differently from the machine of the earlier figures (docs/architecture.md, "Parts").
There, with the locator as it was before a short answer's parts could be short and a sentence
cut at the unit limit stopped leaving a stub, they read: dev spoken 95.1 % / 65.5 % (11/12,
12/12), dev live 98.1 % / 87.8 %, plain spoken 83.5 % / 79.8 % (9/10, 8/10), plain live 83.9
% / 67.9 % (9/10, 8/10), held-out spoken 93.6 % / 67.7 %, held-out live 95.0 % / 78.1 %
(12/12); plain text 89.2 % / 75.0 % (8/10 out of order), held-out text as now. On the
earlier machine the spoken rows were: dev 97.7 % / 87.8 % (12/12), dev plain 88.6 % / 71.4 %
(10/10, 8/10), held-out 96.9 % / 67.7 % (11/12); live: dev 98.6 % / 87.8 %, dev plain 82.0 %
/ 67.9 % (8/10, 8/10), held-out 93.6 % / 69.8 % (12/12).

A part now changes where a sentence starts rather than inside one (a change at a unit that
goes on its sentence, cut at a clause, costs 2 nats: simulator/analysis/decoding.py). Before
that the rows read: dev text as now, dev spoken 96.5 % / 78.0 %, plain text 88.6 % / 76.3 %
(9/10 missing, 9/10 out of order), plain spoken 86.6 % / 74.2 % (0.7 s, 9/10, 8/10),
held-out text 92.5 % / 74.7 %, held-out spoken 94.4 % / 61.4 % (10/12 missing); spoken rows
compared on the same transcripts.

Each part is now told in one stretch (simulator/analysis/decoding.py: the search never
enters a part again once it has left it), and the examples weigh 1.5 against the cues (chosen
after that change). With the one-stretch search and the weight still 1.0 the rows read: dev
text 100.0 % / 89.5 %, dev spoken 96.5 % / 82.7 %, plain text 85.2 % / 71.1 % (8/10 out of
order), plain spoken 82.5 % / 64.2 % (2.3 s, 7/10), held-out text 92.5 % / 74.7 %, held-out
spoken 91.9 % / 61.4 %. Before both the rows read: dev text 98.2 % /
89.5 %, dev spoken 96.1 % / 84.9 %, plain text 80.3 % / 60.0 % (8/10 out of order), plain
spoken 70.9 % / 56.2 % (0.7 s, 7/10), held-out text 89.4 % / 74.7 %, held-out spoken 91.9 % /
61.4 %, the missing parts named as now (spoken rows compared on the same transcripts;
Whisper varies between runs, so a spoken answer may gain or lose a part's name from one run
to the next: one run named 9/12 of the held-out missing parts).

Before the example answers (examples and cues only) the rows read: dev text 100.0 % / 88.1 %,
dev spoken 90.8 % / 85.5 %, plain text 76.6 % / 58.9 % (8/10, 10/10), plain spoken 68.3 % /
43.0 % (2.3 s, 9/10, 8/10), held-out text 86.8 % / 62.0 % (9/12), held-out spoken 85.5 % /
54.7 % (9/12).

With cue words alone (no examples, or without the sentence model) the text rows read:
dev 100.0 % / 81.0 %, plain 34.5 % / 6.9 % (29.6 s), held-out 72.8 % / 43.9 %; before the
changes at sentence starts dev 100.0 % / 79.5 %, plain 34.1 % / 6.9 % (32.2 s), held-out
67.8 % / 43.9 % (5.3 s); before the one-stretch search 95.1 % / 79.5 %, 38.9 % / 12.9 %
(26.4 s) and 63.0 % / 43.9 % (the spoken rows, measured then: dev 90.4 % / 74.9 %, held-out
59.9 % / 41.0 % (4.4 s)).

"dev plain" is a second development corpus, written later in plain conversational words with
about a quarter of the cue words per word of the first: it shows how much of the accuracy
comes from the cues. Tried on it before the sentence model, none near the targets: a prior on
each part's position from its budget (46 %), stickier or looser transitions and scoring
constants (at most 47 %), wordllama sentence embeddings against the parts' descriptions
(worse). What made the difference: example sentences compared by meaning, after taking away
what all of an answer's sentences share (docs/architecture.md, "Parts").

Met on the development corpus: every target in text and live; spoken (whole-file) every
target but one missing part named, where Whisper wrote "the biggest lesson" as "the biggest
reason" (on the earlier machine every target). NOT met on the plain and held-out corpora:
85 % for every answer (the median answers are above it, the worst ones are not: plain text
84.2 %, spoken 76.7 %, live 67.9 %), every missing part named on the held-out corpus (a part
left out can still get a sentence or two that resemble it), and, live, every part told out
of order named on the plain one (9 of 10: a career highlight told first read as the current
role; 10 of 10 in text and whole-file).

These tests are regression floors, not the targets: each asserts what is met today, with a
small margin (the ``FLOOR_*`` constants below); a floor may only be raised. The held-out corpus
gets one lenient floor, so that a change that helps the development corpus at the cost of
generality shows up; it is not a target to tune for.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import part_answers as pa
import pytest


class Floor(NamedTuple):
    median_right: float  # median share of an answer's time given to the right part
    min_right: float  # the worst answer's share
    order_named: int  # answers whose out-of-order parts are all named
    missing_named: int | None = None  # answers whose missing parts are all named (None: all)


# Regression floors (see the docstring for the measured figures and the targets).
FLOOR_DEV_TEXT = Floor(median_right=0.98, min_right=0.85, order_named=12)
# Spoken: Whisper's transcripts vary from run to run (its temperature fallback) and from
# machine to machine (a fresh install decoded two answers differently from the machine the
# floors were first set on): there, sensor-anomaly's "the biggest lesson for me" came out as
# "the biggest reason for me", which reads as a trade-off, and its missing trade-offs were
# not named (11 of 12).
FLOOR_DEV_SPOKEN = Floor(median_right=0.90, min_right=0.78, order_named=11, missing_named=11)
FLOOR_HELDOUT_TEXT_MEDIAN = 0.88  # measured 100.0 %
FLOOR_PLAIN_TEXT_MEDIAN = 0.88  # measured 91.3 %
FLOOR_PLAIN_TEXT_MIN = 0.81  # measured 84.2 % (the worst answer)
FLOOR_PLAIN_TEXT_MEDIAN_CUES_ONLY_BELOW = 0.45  # cue words alone: measured 34.5 %


def _lis_length(seq: list[int]) -> int:
    best: list[int] = []
    for i, x in enumerate(seq):
        best.append(1 + max((best[j] for j in range(i) if seq[j] < x), default=0))
    return max(best, default=0)


def _assert_floors(scores: list[pa.Score], title: str, floor: Floor) -> None:
    """The floors of an answer set, and the targets this locator meets on it: the median
    boundary error and every missing part named."""
    table = pa.render(scores, title)
    summary = pa.summarise(scores)
    print(table)
    assert summary.median_right >= floor.median_right, table
    assert summary.min_right >= floor.min_right, table
    assert summary.median_boundary is not None, table
    assert summary.median_boundary <= pa.TARGET_BOUNDARY_S, table
    wanted = summary.answers if floor.missing_named is None else floor.missing_named
    assert summary.missing_named >= wanted, table
    assert summary.order_named >= floor.order_named, table


def test_the_corpus_is_well_formed():
    answers = pa.corpus()
    assert sum(a.question == "deep-dive" for a in answers) >= 6
    assert sum(a.question == "career" for a in answers) >= 3
    kinds = {k for a in answers for k in a.kinds}
    assert {"complete", "missing", "out-of-order", "overlap"} <= kinds


@pytest.mark.parametrize("path", [pa.CORPUS, pa.PLAIN, pa.HOLDOUT], ids=lambda p: p.stem)
def test_every_corpus_answer_is_well_formed(path):
    # The held-out answers were written to their own brief (some parts are one sentence).
    sentence_rule = path != pa.HOLDOUT
    answers = pa.corpus(path)
    ids = [a.id for a in answers]
    assert len(ids) == len(set(ids))
    for a in answers:
        declared = pa.part_ids(a.question)
        said = a.said
        assert set(said) <= set(declared), a.id
        assert len(said) == len(set(said)), a.id
        for part in a.parts:
            sentences = len(re.findall(r"[.?!](?:\s|$)", part.text))
            assert 2 <= sentences <= 5 or not sentence_rule, (a.id, part.id, sentences)
        # The declared out-of-order parts are what the locator's rule gives for the true
        # order: removing them leaves the parts in script order, and no fewer would.
        order = [declared.index(p) for p in said]
        rest = [declared.index(p) for p in said if p not in a.out_of_order]
        assert rest == sorted(rest), a.id
        assert len(a.out_of_order) == len(said) - _lis_length(order), a.id
        assert ("out-of-order" in a.kinds) == bool(a.out_of_order), a.id
        assert ("missing" in a.kinds) == (len(said) < len(declared)), a.id


def test_the_truth_of_timed_text_and_scoring_agree():
    """A timeline equal to the truth scores perfectly (the scorer checks itself)."""
    from simulator.analysis.parts import PartTiming, Timeline

    answer = next(a for a in pa.corpus() if a.id == "music-recs")
    _data, truth = pa.timed_text(answer)
    bounds = [*truth.boundaries, truth.end_s]
    perfect = Timeline(
        tuple(PartTiming(p.id, ((p.start_s, end),), end - p.start_s, 1, 0, 1, "within")
              for p, end in zip(truth.parts, bounds)),
        truth.missing, truth.out_of_order)
    s = pa.score(answer.id, perfect, truth)
    assert s.right == 1.0
    assert max(s.boundary_errors) == 0.0
    assert s.missing_exact and s.order_exact


def test_parts_are_found_in_transcripts_timed_at_170_wpm():
    _assert_floors(pa.text_scores(), "dev, text only, words timed at 170 wpm", FLOOR_DEV_TEXT)


def test_held_out_answers_keep_a_lenient_floor():
    """Held-out answers (never tuned on): short of the targets, but no worse than today."""
    scores = pa.text_scores(pa.corpus(pa.HOLDOUT))
    table = pa.render(scores, "held-out, text only, words timed at 170 wpm")
    print(table)
    assert {a.id for a in pa.corpus(pa.HOLDOUT)}.isdisjoint(a.id for a in pa.corpus())
    assert pa.summarise(scores).median_right >= FLOOR_HELDOUT_TEXT_MEDIAN, table


def test_plain_answers_keep_a_lenient_floor():
    """The second development corpus, in plain words with few of the script's cues: short
    of the targets (cue words alone were far from them); this guards against getting worse."""
    plain = pa.corpus(pa.PLAIN)
    scores = pa.text_scores(plain)
    table = pa.render(scores, "plain development answers, text only, words timed at 170 wpm")
    print(table)
    others = {a.id for a in pa.corpus()} | {a.id for a in pa.corpus(pa.HOLDOUT)}
    assert others.isdisjoint(a.id for a in plain)
    assert pa.summarise(scores).median_right >= FLOOR_PLAIN_TEXT_MEDIAN, table
    assert pa.summarise(scores).min_right >= FLOOR_PLAIN_TEXT_MIN, table


@pytest.mark.slow
def test_parts_are_found_in_spoken_answers(transcriber):
    """The real pipeline: TTS answers with known part boundaries, speech measured and
    transcribed by the default Whisper model, then analysed."""
    _assert_floors(pa.audio_scores(transcriber), "dev, spoken answers, default model",
                   FLOOR_DEV_SPOKEN)


@pytest.mark.slow
def test_the_pipeline_is_the_analyze_command(transcriber, home):
    """tests/part_answers.analyze_file does what `mock-interview analyze --no-verbatim`
    does (the verbatim pass adds only fillers, which the parts do not read)."""
    from simulator.commands import analyze_recording

    answer = next(a for a in pa.corpus() if a.id == "career-games")
    built = pa.build_audio(answer)
    _data, ours = pa.analyze_file(built.path, answer.question, transcriber)
    _question, _timing, theirs, heard, _said = analyze_recording(
        str(built.path), str(pa.SCRIPT), answer.question, verbatim=False)
    assert heard is None
    assert ours.timeline == theirs.timeline
    assert ours.to_json() == theirs.to_json()


def test_without_the_sentence_model_the_cue_words_locate_the_parts(monkeypatch):
    """A bare `pip install` has no sentence model: the locator falls back to the cue words
    and says so in the analysis; with the model the examples are read. On the plain corpus
    (few cue words) the examples make the difference this test pins down."""
    from simulator.analysis import parts as locator

    plain = pa.corpus(pa.PLAIN)
    with_model = pa.text_scores(plain)
    data, _truth = pa.timed_text(plain[0])
    assert pa.analyze_text(data, plain[0].question).to_json()["parts_located_by"] \
        == locator.LOCATED_BY_EXAMPLES
    monkeypatch.setattr(locator, "sentence_encoder", lambda: None)
    assert pa.analyze_text(data, plain[0].question).to_json()["parts_located_by"] \
        == locator.LOCATED_BY_CUES
    cues_only = pa.text_scores(plain)
    assert pa.summarise(cues_only).median_right < FLOOR_PLAIN_TEXT_MEDIAN_CUES_ONLY_BELOW
    assert pa.summarise(with_model).median_right >= FLOOR_PLAIN_TEXT_MEDIAN


def test_old_sessions_take_the_examples_from_the_script_file():
    """A session saved before parts had examples keeps its snapshot, but its open answers are
    located with the examples of the script file, when that question's parts are the same;
    so with where the parts show the rubric's criteria (`shows`, for the signals' quotes),
    and with the criteria each question is judged on (`judged_on`), which a question whose
    parts changed takes too."""
    from types import SimpleNamespace

    from simulator.config.script import Script
    from simulator.reports.analysis import script_context

    loaded = pa.script()
    definition = loaded.script.model_dump(mode="json")
    for q in definition["questions"]:
        q.pop("judged_on", None)
        for p in q.get("parts", []):
            p.pop("examples", None)
            p.pop("shows", None)
    renamed = next(q for q in definition["questions"] if q["id"] == "career")
    renamed["parts"][0]["id"] = "now"  # a question whose parts changed since: left alone
    assert not any(p.get("examples") for q in definition["questions"]
                   for p in q.get("parts", []))
    info = SimpleNamespace(definition=definition, rubric=None, path=str(pa.SCRIPT),
                           id=loaded.script.id)
    context = script_context(SimpleNamespace(script=info))
    assert isinstance(context.script, Script)
    deep, career = context.question("deep-dive"), context.question("career")
    assert deep is not None and career is not None
    assert [p.examples for p in deep.parts] == \
        [p.examples for p in pa.question("deep-dive").parts]
    assert all(p.examples for p in deep.parts)
    assert not any(p.examples for p in career.parts)
    assert [p.shows for p in deep.parts] == [p.shows for p in pa.question("deep-dive").parts]
    assert any(p.shows for p in deep.parts) and not any(p.shows for p in career.parts)
    assert career.judged_on == pa.question("career").judged_on != []
    # Read from the bundled file, which is part of the code's version: results may be kept.
    assert context.read_from == pa.SCRIPT and not context.reads_user_file


@pytest.mark.slow
def test_the_analyze_command_prints_the_documented_json(home):
    """`mock-interview analyze RECORDING --script ID --question ID --json`, through the real
    CLI on a spoken deep dive with a part left out: one JSON object in the documented format
    (docs/analysis-format.md), the parts located with the example sentences."""
    import json

    from conftest import mock_interview

    answer = next(a for a in pa.corpus() if a.question == "deep-dive" and "missing" in a.kinds)
    built = pa.build_audio(answer)
    done = mock_interview("analyze", str(built.path), "--script", str(pa.SCRIPT), "--question",
                          "deep-dive", "--json", home=home)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["parts_located_by"] == "example sentences and cue words"
    assert data["parts"] and all(
        {"id", "start_s", "end_s", "seconds", "budget", "verdict"} <= set(p) for p in data["parts"])
    starts = [p["start_s"] for p in data["parts"]]
    assert starts == sorted(starts)  # in spoken order
    _data, truth = pa.timed_text(answer)
    assert set(truth.missing) <= set(data["missing"])
    assert isinstance(data["out_of_order"], list) and isinstance(data["wpm"], float)
    assert all({"start_s", "end_s"} <= set(p) for p in data["pauses"])
    assert all({"text", "start_s", "end_s"} <= set(f) for f in data["fillers"])
    assert data["signals"] and all({"id", "found", "evidence"} <= set(s) for s in data["signals"])
    quotes = [e for s in data["signals"] for e in s["evidence"]]
    assert quotes and all({"quote", "start_s"} <= set(e) for e in quotes)
    # What Whisper heard, to check a part found missing against.
    assert data["transcript"] and data["segments"]
    said = " ".join(s["text"] for s in data["segments"])
    assert said.split() == data["transcript"].split()

    # In the terminal: which question it was judged as, when none was named, and the
    # transcript, in whole sentences with their times.
    shown = mock_interview("analyze", str(built.path), "--script", str(pa.SCRIPT),
                           "--no-verbatim", home=home)
    assert shown.returncode == 0, shown.stderr
    assert "note: judged as the answer to question" in " ".join(shown.stderr.split())
    assert "Transcript" in shown.stdout and "0:0" in shown.stdout.split("Transcript")[1]

    wrong = mock_interview("analyze", str(built.path), "--script", str(pa.SCRIPT),
                           "--question", "deep-div", home=home)
    assert wrong.returncode != 0 and "deep-div" in wrong.stdout + wrong.stderr
    assert "Traceback" not in wrong.stdout + wrong.stderr


def test_the_markdown_report_names_parts_by_their_script_titles():
    """The report's parts table and its notes say "Why machine learning", as the remarks do,
    not the ids the JSON keeps."""
    from simulator.reports.markdown import analysis_lines

    answer = next(a for a in pa.corpus() if "out-of-order" in a.kinds and "missing" in a.kinds)
    data, _truth = pa.timed_text(answer)
    timeline = pa.analyze_text(data, answer.question).timeline
    titles = {p.id: p.title for p in pa.question(answer.question).parts}
    lines = analysis_lines(pa.analyze_text(data, answer.question))
    rows = [line.split("|")[1].strip() for line in lines[2:] if line.startswith("| ")]
    assert rows == [titles[p.id] for p in timeline.parts]
    assert timeline.missing and timeline.out_of_order
    note = next(line for line in lines if line.startswith("*Parts"))
    assert all(titles[p] in note for p in (*timeline.missing, *timeline.out_of_order)), note
    assert not any(p in note for p in (*timeline.missing, *timeline.out_of_order)
                   if titles[p].lower() != p), note


def test_the_summary_after_an_answer_names_parts_by_their_titles_and_marks_the_order():
    """The line the terminal shows after an open answer: each part's title and time, in
    spoken order, "(out of order)" after a part told out of the recommended order, and the
    missing parts by title."""
    from rich.console import Console

    from simulator.terminal.live import ConsoleView

    answer = next(a for a in pa.corpus() if "out-of-order" in a.kinds and "missing" in a.kinds)
    data, _truth = pa.timed_text(answer)
    analysis = pa.analyze_text(data, answer.question)
    timeline = analysis.timeline
    titles = {p.id: p.title for p in pa.question(answer.question).parts}
    console = Console(record=True, width=400)
    ConsoleView(console)._summary(analysis)
    line = next(x for x in console.export_text().splitlines() if x.startswith("Parts: "))
    cells = line.removeprefix("Parts: ").split(" · ")
    assert len(cells) == len(timeline.parts) + len(timeline.missing), line
    assert all(c.startswith(titles[p.id] + " ") for c, p in zip(cells, timeline.parts)), line
    assert timeline.out_of_order and all(
        any(c.startswith(titles[p]) and c.endswith("(out of order)") for c in cells)
        for p in timeline.out_of_order), line
    assert cells[len(timeline.parts):] == [f"{titles[m]} missing" for m in timeline.missing]
