"""Benchmark: how long a candidate waits for the transcript after a live answer ends.

Runs the real program against a private PulseAudio server (tests/soundserver.py): real speech
is played into the virtual microphone as answers of about 30, 90 and 180 seconds, each
ended by pressing Enter one second after the last word (the demanding case: a silence-ended
answer gives the transcriber five more seconds). For every answer it reports the delay from
``answer_ended`` to ``transcript_ready`` in the session's event log, next to the baseline of
transcribing the whole recording after it ends (the same saved audio, model and settings,
timed in this process), and the word error rate of both against the reference transcripts.
It also reports the program's peak memory over a session holding a 180 s answer, and the
time from launch to the interviewer's first audible word on the virtual speaker.

    .venv/bin/python bench/latency.py [--runs 3] [--end key|silence] [--models tiny.en base]
                                      [--holdout]

``--holdout`` also plays the held-out two-minute answer (twelve speakers, pauses up to 3 s,
../shared/holdout/speech/holdout_answer_2min.wav; never used for tuning) into the
microphone, ended by silence, and reports whether it stayed one answer, its speaking time
against the known one, and its word error rate.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from audio.io import read_audio, write_wav  # noqa: E402
from audio.precision import compute_type  # noqa: E402
from bench.wer import word_error_rate  # noqa: E402

from audio_fixtures import answer_with_pauses, manifest  # noqa: E402
from soundserver import PulseServer  # noqa: E402
from tests_paths import saved_session  # noqa: E402

LENGTHS = (30, 90, 180)
SCRIPT = """
id = "latency-bench"
title = "Latency benchmark"
role = "Benchmark"
company = "Bench"
[interviewer]
voice = "en-us"
intro = "Hello. Let us begin."
""" + "".join(
    f"""
[[questions]]
id = "answer-{n}s"
prompt = "Please answer for about {n} seconds."
min_s = {n * 0.5}
max_s = {n * 1.5}
""" for n in LENGTHS)


def make_answer(target_s: float, rng: random.Random):
    """Real speech clips with natural pauses until the answer is about ``target_s`` long."""
    files = [m["file"] for m in manifest()]
    clips: list[str] = []
    total = 0.0
    durations = {m["file"]: m["duration_s"] for m in manifest()}
    while total < target_s - 4:
        pool = [f for f in files if not clips or f != clips[-1]]
        name = rng.choice(pool)
        clips.append(name)
        total += durations[name] + 0.9
    return answer_with_pauses(clips, pause_s=rng.choice([0.6, 0.9, 1.2]), lead_s=0.8, tail_s=0.1)


def wait_for(home: Path, kind: str, count: int, process, timeout=600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for log in (home / "sessions").glob("*/events.jsonl"):
            events = [json.loads(x) for x in log.read_text().splitlines() if x.endswith("}")]
            found = [e for e in events if e["type"] == kind]
            if len(found) >= count:
                return found[count - 1]
        if process.poll() is not None:
            raise RuntimeError(f"program exited before {kind} #{count}")
        time.sleep(0.02)
    raise TimeoutError(kind)


def first_sound_offset(wav: Path, threshold: float = 0.01) -> float | None:
    audio = read_audio(wav)
    loud = (abs(audio.samples) > threshold).nonzero()[0]
    return None if len(loud) == 0 else loud[0] / 16000


def one_run(server: PulseServer, work: Path, run: int, end: str, transcriber,
            model: str) -> dict:
    rng = random.Random(run)
    home = work / f"home-{model}-{run}"
    script = work / "latency.toml"
    script.write_text(SCRIPT)
    answers = [make_answer(n, rng) for n in LENGTHS]
    wavs = [write_wav(work / f"run{run}-{n}.wav", a.audio) for n, a in zip(LENGTHS, answers)]
    env = {**os.environ, **server.env, "MOCK_INTERVIEW_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    speaker_wav = work / f"speaker-{model}-{run}.wav"
    speaker = server.record_speaker(speaker_wav)
    time.sleep(0.5)
    launched = time.monotonic()
    speaker_started = launched - 0.5
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "run", "--script", str(script), "--tts", "speak",
         "--model", model, "--json"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    for i, wav in enumerate(wavs, start=1):
        wait_for(home, "answer_started", i, process)
        server.feed(wav).wait()
        if end == "key":
            time.sleep(1.0)
            process.stdin.write(b"\n")
            process.stdin.flush()
    _, status, usage = os.wait4(process.pid, 0)
    speaker.terminate()
    speaker.wait()
    if status != 0:
        raise RuntimeError(f"run {run}: program exit status {status}")
    log = next((home / "sessions").glob("*/session.json"))
    doc = saved_session(log.parent)
    onset = first_sound_offset(speaker_wav)
    rows = []
    for n, known, answer in zip(LENGTHS, answers, doc["answers"]):
        ended, ready = (next(e for e in doc["events"]
                             if e["type"] == kind and e["turn"] == answer["turn"])
                        for kind in ("answer_ended", "transcript_ready"))
        audio = read_audio(log.parent / answer["audio"])
        started = time.perf_counter()
        whole = transcriber.transcribe(audio)
        baseline_s = time.perf_counter() - started
        rows.append({
            "length": n, "audio_s": audio.duration, "reason": answer["end_reason"],
            "delay_s": ready["t"] - ended["t"], "baseline_s": baseline_s,
            "wer": word_error_rate([known.text], [answer["transcript"]]),
            "baseline_wer": word_error_rate([known.text], [whole.text]),
        })
    return {
        "rows": rows,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "first_sound_s": None if onset is None else speaker_started + onset - launched,
    }


HOLDOUT = ROOT.parent / "shared" / "holdout" / "speech"


def holdout_run(server: PulseServer, work: Path, transcriber, model: str) -> dict | None:
    """The held-out two-minute answer, played into the microphone and ended by silence."""
    entry = next((json.loads(x) for x in (HOLDOUT / "manifest.jsonl").read_text().splitlines()
                  if '"holdout_answer_2min.wav"' in x), None) if HOLDOUT.is_dir() else None
    if entry is None:
        return None
    home = work / f"home-holdout-{model}"
    script = work / "holdout.toml"
    script.write_text(SCRIPT.replace("answer-30s", "answer-holdout").split("[[questions]]")[0]
                      + '[[questions]]\nid = "long"\nprompt = "Tell me everything."\n'
                        'min_s = 60\nmax_s = 180\n[[questions]]\nid = "next"\n'
                        'prompt = "And the next question."\nmin_s = 5\nmax_s = 60\n')
    env = {**os.environ, **server.env, "MOCK_INTERVIEW_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "run", "--script", str(script), "--tts", "file",
         "--model", model, "--json"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    wait_for(home, "answer_started", 1, process)
    server.feed(HOLDOUT / "holdout_answer_2min.wav").wait()
    wait_for(home, "answer_started", 2, process)
    process.stdin.write(b"\n")  # the next question: Enter, nothing said
    process.stdin.flush()
    process.wait(timeout=600)
    doc = saved_session(next((home / "sessions").glob("*/session.json")).parent)
    first = doc["answers"][0]
    audio = read_audio(next((home / "sessions").glob("*/session.json")).parent / first["audio"])
    whole = transcriber.transcribe(audio)
    return {
        "answers_to_first": sum(1 for a in doc["answers"] if a["question_id"] == "long"),
        "reason": first["end_reason"],
        "speech_s": first["speech_seconds"], "expected_s": entry["speech_s_expected"],
        "wer": word_error_rate([entry["reference"]], [first["transcript"] or ""]),
        "baseline_wer": word_error_rate([entry["reference"]], [whole.text]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--end", choices=("key", "silence"), default="key")
    parser.add_argument("--models", nargs="+", default=["tiny.en", "base"])
    parser.add_argument("--holdout", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from audio.transcriber import WhisperTranscriber

    with tempfile.TemporaryDirectory(prefix="latency-bench-") as tmp:
        work = Path(tmp)
        server = PulseServer(work / "pulse").start()
        try:
            for model in args.models:
                transcriber = WhisperTranscriber.load(model)
                transcriber.warm_up()
                results = [one_run(server, work, run, args.end, transcriber, model)
                           for run in range(args.runs)]
                report(model, results, args)
                if args.holdout:
                    held = holdout_run(server, work, transcriber, model)
                    report_holdout(model, held)
                del transcriber
        finally:
            server.stop()


def report(model: str, results: list[dict], args) -> None:
    print(f"\nWhisper {model} (bundled), {compute_type()}, {os.cpu_count()} cores; "
          f"{args.runs} runs; answers "
          f"ended by {'Enter 1 s after the last word' if args.end == 'key' else '5 s of silence'}")
    print(f"{'answer':>7} {'audio':>7} | {'delay median':>12} {'worst':>6} | "
          f"{'baseline median':>15} {'worst':>6} | {'WER live':>8} {'whole':>8} (median of runs)")
    for n in LENGTHS:
        rows = [r for res in results for r in res["rows"] if r["length"] == n]
        d = [r["delay_s"] for r in rows]
        b = [r["baseline_s"] for r in rows]
        runs = ", ".join(f"{r['wer']:.1f}/{r['baseline_wer']:.1f}" for r in rows)
        print(f"{n:>6}s {statistics.mean(r['audio_s'] for r in rows):>6.1f}s | "
              f"{statistics.median(d):>11.2f}s {max(d):>5.2f}s | "
              f"{statistics.median(b):>14.2f}s {max(b):>5.2f}s | "
              f"{statistics.median(r['wer'] for r in rows):>7.2f}% "
              f"{statistics.median(r['baseline_wer'] for r in rows):>7.2f}%   runs: {runs}")
    reasons = sorted({r["reason"] for res in results for r in res["rows"]})
    print(f"end reasons seen: {', '.join(reasons)}")
    rss = [r["peak_rss_mb"] for r in results]
    print(f"peak RSS of the program over a session with a 180 s answer: max {max(rss):.0f} MB, "
          f"median {statistics.median(rss):.0f} MB ({args.runs} runs)")
    onsets = [r["first_sound_s"] for r in results if r["first_sound_s"] is not None]
    if onsets:
        print(f"launch to the interviewer's first audible word: median "
              f"{statistics.median(onsets):.2f} s, worst {max(onsets):.2f} s")


def report_holdout(model: str, held: dict | None) -> None:
    if held is None:
        print("held-out answer: ../shared/holdout/speech is absent; skipped")
        return
    print(f"HELD OUT (never tuned on), {model}: the 2-minute, 12-speaker answer ended by "
          f"{held['reason']}; recorded as {held['answers_to_first']} answer(s); speaking time "
          f"{held['speech_s']:.1f} s (expected {held['expected_s']:.1f} s); WER live "
          f"{held['wer']:.1f}% vs whole-file {held['baseline_wer']:.1f}%")


if __name__ == "__main__":
    main()
