"""Benchmark: the coaching analysis of open answers (simulator/analysis/answer.py).

Prints, on three corpora of answers with known part boundaries (tests/part_answers.py): the
development corpus (tests/data/answers/open_answers.toml, which the locator's cues and
constants were tuned on), a second development corpus in plain words with few of the cues
(open_answers_plain.toml) and the held-out corpus (tests/data/answers/open_answers_holdout.toml,
never tuned on), each reported separately:

- **Parts**: where each part was said, against the known boundaries, per answer and overall:
  the share of speaking time given to the right part (per answer, median, minimum), the
  boundary errors, whether the missing and out-of-order parts reported are the true ones.
  First on the transcripts alone (words timed at 170 wpm: the locator with a perfect
  transcript), then on the answers spoken by the project's TTS and run through the real
  pipeline (speech measure, Whisper, analysis) for each model asked for. Targets (from the
  issue): >= 85 % of each answer's time right, median boundary error <= 3 s, every missing
  and out-of-order part named.
- **Analysis time**: ``analyze(...)`` alone on a transcribed answer of about three minutes
  (the development answer closest to 180 s of speech), median of ``--runs`` calls; the
  offline coach's choice of follow-up on the same transcript (a test once asserted it
  under 5 ms: speed is measured here, not in timed tests); and,
  unless ``--text-only``, the verbatim pass's time on the same answer's audio
  (`audio.fillers.listen_for_fillers`, the second decode a session gets when it ends).
- With ``--live``, also the parts on each answer transcribed the way a live answer is
  (`audio.incremental`, chunks cut at pauses and decoded on their own): what the interview's
  summary and a live session's report read.
- With ``--all``, also the other figures of the analysis: pauses against silences of known
  length (bench/pauses.py), filler recall and precision per file (bench/fillers.py
  --models base --holdout) and where the content signals' quotes come from
  (bench/signals.py), each printed by its own bench.

    .venv/bin/python bench/analysis.py [--model default tiny.en] [--text-only] [--runs 20]
                                       [--corpus dev plain holdout] [--live] [--all]

``--model``: Whisper models to run, ``default`` being the program's default (base).
Synthesised parts are cached in the system temp folder, so reruns only transcribe.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import part_answers as pa  # noqa: E402

THREE_MINUTES_S = 180.0


def time_analysis(data, question_id: str, runs: int) -> tuple[float, float, float]:
    """(first call, median, max) of ``analyze`` on ``data``, in milliseconds."""
    from simulator.analysis.answer import analyze
    from simulator.analysis.parts import parts_of
    from simulator.config.rubric import judged

    loaded, question = pa.script(), pa.question(question_id)
    parts, rubric = parts_of(question), judged(loaded.rubric, question.judged_on)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        analyze(data, parts, rubric, loaded.script.interviewer.strictness)
        times.append((time.perf_counter() - started) * 1000)
    return times[0], statistics.median(times), max(times)


def time_coach(text: str, runs: int) -> tuple[float, float]:
    """(fastest, median) of the offline coach choosing a follow-up for ``text`` (every
    criterion of the ml-engineer rubric read, as after each answer), in milliseconds."""
    from simulator.config.rubric import find_rubric
    from simulator.followups.coach import next_follow_up

    rubric = find_rubric("ml-engineer")
    next_follow_up(text, rubric)  # compile the patterns once, as the interview's warm-up does
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        next_follow_up(text, rubric)
        times.append((time.perf_counter() - started) * 1000)
    return min(times), statistics.median(times)


def verbatim_pass_time(transcriber: Any, path: Path, data: Any, text: str) -> str:
    """The verbatim pass on one answer's audio: how long it took and what it added (against
    the hesitations its text, ``text``, writes out for the TTS to say)."""
    from audio.fillers import listen_for_fillers
    from audio.hesitations import is_hesitation
    from audio.io import read_audio
    from audio.transcriber import Word

    audio = read_audio(path)
    words = [Word(w["word"], w["start"], w["end"], w["probability"]) for w in data.words]
    # What a live answer's second listen does first (`interview.verbatim`): the whole
    # recording transcribed again, in place of the live draft.
    started = time.perf_counter()
    transcriber.transcribe(audio)
    whole = time.perf_counter() - started
    started = time.perf_counter()
    heard = listen_for_fillers(transcriber, audio, words)
    elapsed = time.perf_counter() - started
    return (f"VERBATIM PASS: {elapsed:.1f} s on the same answer's {audio.duration:.0f} s of "
            f"audio with {transcriber.name} (real-time factor {elapsed / audio.duration:.2f}; "
            f"added {len(heard.added)} fillers to the first decoding's "
            f"{sum(is_hesitation(w.word) for w in words)}, where the text the TTS spoke has "
            f"{sum(is_hesitation(w) for w in text.split())})\n"
            f"LIVE DRAFT REVISED: {whole:.1f} s to transcribe the same audio again as a whole "
            f"(real-time factor {whole / audio.duration:.2f}); a live answer's second listen "
            f"in all: {whole + elapsed:.1f} s (real-time factor "
            f"{(whole + elapsed) / audio.duration:.2f})")


class TranscribedLive:
    """A transcriber that transcribes a recording as a live answer is: its audio fed block
    by block to `audio.incremental` (chunks cut at pauses, each decoded on its own, faster
    than real time). The interview's summary and the report of a live session read such
    transcripts, not the whole-file one `analyze` makes. ``pa.audio_scores`` takes it in
    place of the model, so the rest of the pipeline is the same."""

    BLOCK = 1600  # 0.1 s, a microphone block

    def __init__(self, transcriber: Any) -> None:
        self.transcriber = transcriber
        self.name = transcriber.name

    def transcribe(self, audio: Any) -> Any:
        from audio.activity import ActivitySettings, StreamingActivity
        from audio.cutpoints import CutPoints
        from audio.incremental import ChunkSettings, IncrementalTranscriber

        activity, cuts = StreamingActivity(ActivitySettings()), CutPoints()
        live = IncrementalTranscriber(self.transcriber, ChunkSettings())
        for i in range(0, len(audio.samples), self.BLOCK):
            samples = audio.samples[i:i + self.BLOCK]
            _probabilities, states = activity.feed(samples)
            levels = activity.smoothed[len(activity.smoothed) - len(states):]
            live.feed(samples, cuts.voiced(states, levels))
        return live.finish()


def closest_to_three_minutes(inputs: dict) -> tuple[str, Any]:
    def seconds(item) -> float:
        data = item[1][0]
        return abs((data.speech_end - data.speech_start) - THREE_MINUTES_S)

    answer_id, (data, _built) = min(inputs.items(), key=seconds)
    return answer_id, data


CORPORA = {"dev": ("DEV", pa.CORPUS), "plain": ("DEV PLAIN", pa.PLAIN),
           "holdout": ("HELD-OUT", pa.HOLDOUT)}


def summary_line(label: str, scores: list) -> str:
    m = pa.summarise(scores)
    med = "-" if m.median_boundary is None else f"{m.median_boundary:.2f} s"
    return (f"{label:34} right median {m.median_right:6.1%}  min {m.min_right:6.1%}  "
            f"boundary median {med:>7}  missing named {m.missing_named}/{m.answers}  "
            f"out of order named {m.order_named}/{m.answers}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", nargs="+", default=["default"],
                        help="Whisper models (default: the program's default model)")
    parser.add_argument("--text-only", action="store_true", help="skip TTS and Whisper")
    parser.add_argument("--live", action="store_true",
                        help="also transcribe every answer as a live answer is (chunked)")
    parser.add_argument("--runs", type=int, default=20, help="timed analysis calls")
    parser.add_argument("--corpus", nargs="+", choices=list(CORPORA), default=list(CORPORA),
                        help="which corpora (default all three, reported separately)")
    parser.add_argument("--answers", nargs="+", help="only these corpus answers")
    parser.add_argument("--all", action="store_true",
                        help="also run bench/pauses.py and bench/fillers.py")
    args = parser.parse_args()

    corpora = {}
    for key in args.corpus:
        name, path = CORPORA[key]
        answers = [a for a in pa.corpus(path) if not args.answers or a.id in args.answers]
        if answers:
            corpora[key] = (name, answers)
            print(f"{name} corpus: {len(answers)} answers "
                  f"({sum(a.question == 'deep-dive' for a in answers)} deep dives, "
                  f"{sum(a.question == 'career' for a in answers)} career), "
                  f"{path.relative_to(ROOT)}")
    print()
    summary: list[str] = []

    # Parts, on the transcripts alone.
    for name, answers in corpora.values():
        scores = pa.text_scores(answers)
        print(pa.render(scores, f"PARTS, {name}: transcript only, words timed at 170 wpm"))
        print()
        summary.append(summary_line(f"{name}, text only", scores))

    inputs: dict = {}
    first_transcriber = None
    if not args.text_only:
        from audio.transcriber import WhisperTranscriber

        started = time.perf_counter()
        for _name, answers in corpora.values():
            for a in answers:
                pa.build_audio(a)
        print(f"(speech synthesised or read from {pa.CACHE} in "
              f"{time.perf_counter() - started:.1f} s)\n")
        for model_name in args.model:
            model = None if model_name == "default" else model_name
            transcriber = WhisperTranscriber.load(model)
            transcriber.warm_up()
            first_transcriber = first_transcriber or transcriber
            for key, (name, answers) in corpora.items():
                keep: dict = {}
                started = time.perf_counter()
                scores = pa.audio_scores(transcriber, answers, keep)
                elapsed = time.perf_counter() - started
                audio_s = sum(built.duration for _data, built in keep.values())
                print(pa.render(scores, f"PARTS, {name}: spoken answers, model "
                                        f"{transcriber.name} (TTS -> speech measure -> "
                                        f"Whisper -> analyze)"))
                print(f"(pipeline time {elapsed:.0f} s for {audio_s:.0f} s of audio)\n")
                summary.append(summary_line(f"{name}, spoken, {transcriber.name}", scores))
                if not inputs and key == next(iter(corpora)):
                    inputs = keep
                if args.live:
                    started = time.perf_counter()
                    scores = pa.audio_scores(TranscribedLive(transcriber), answers)
                    print(pa.render(scores, f"PARTS, {name}: spoken answers transcribed live, "
                                            f"model {transcriber.name} (chunks cut at pauses)"))
                    print(f"(live pipeline time {time.perf_counter() - started:.0f} s)\n")
                    summary.append(summary_line(f"{name}, live, {transcriber.name}", scores))

    # Analysis time: analyze() alone, after transcription.
    first_answers = next(iter(corpora.values()))[1]
    if inputs:
        answer_id, data = closest_to_three_minutes(inputs)
        source = "transcribed by the first model"
    else:
        texts = {a.id: (pa.timed_text(a)[0], None) for a in first_answers}
        answer_id, data = closest_to_three_minutes(texts)
        source = "transcript only"
    question_id = next(a.question for a in first_answers if a.id == answer_id)
    first, median, worst = time_analysis(data, question_id, args.runs)
    speech = data.speech_end - data.speech_start
    verbatim = ""
    if first_transcriber is not None:
        said = next(a.text for a in first_answers if a.id == answer_id)
        verbatim = verbatim_pass_time(first_transcriber, inputs[answer_id][1].path, data, said)
    print("SUMMARY (targets: >= 85 % right for every answer, median boundary error <= 3 s, "
          "every missing and out-of-order part named)")
    print("\n".join(summary))
    print(f"ANALYSIS TIME: analyze() on {answer_id} ({speech:.0f} s of speech, "
          f"{len(data.words)} words, {source}): median {median:.1f} ms over {args.runs} runs "
          f"(first {first:.1f} ms, max {worst:.1f} ms)")
    fastest, typical = time_coach(data.transcript, args.runs)
    print(f"COACH TIME: the offline coach's follow-up on the same answer: median "
          f"{typical:.2f} ms, fastest {fastest:.2f} ms over {args.runs} runs")
    if verbatim:
        print(verbatim)
    if args.all:
        import subprocess

        for bench in (["pauses.py"], ["fillers.py", "--models", "base", "--holdout"],
                      ["signals.py"]):
            print(f"\n$ bench/{' '.join(bench)}", flush=True)
            subprocess.run([sys.executable, str(ROOT / "bench" / bench[0]), *bench[1:]],
                           check=True)


if __name__ == "__main__":
    main()
