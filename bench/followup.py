"""Benchmark: how long the candidate waits for a follow-up question.

Runs the real program (`mock-interview run --answers ...`) against a private PulseAudio server
(tests/soundserver.py), so the interviewer's voice really plays on a (virtual) speaker. The
script has three questions with one follow-up each; answers are real speech recordings. For
every follow-up the session log records ``delay_s``: from the moment the previous answer's
transcript was ready to the moment the follow-up's audio started playing.

Writers measured, each over ``--runs`` sessions (3 follow-ups per session):
  offline        the offline coach (target: median under 0.3 s)
  llama          llama.cpp's server with SmolLM2-135M-Instruct, default 4 s time limit:
                 time to first token, to the first complete question, and the delay heard
  llama-nolimit  the same with a 30 s limit, to see the model's real question time

    .venv/bin/python bench/followup.py [--runs 5] [--writers offline,llama,llama-nolimit]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from llama_server import LlamaServer  # noqa: E402
from soundserver import PulseServer  # noqa: E402
from tests_paths import SPEECH_DIR  # noqa: E402

SPEECH = SPEECH_DIR
ANSWERS = [
    "jfk_inaugural_1961.wav", "librispeech_1272-128104-0000.wav",
    "mfa_acoustic_corpus_spontaneous.wav", "librivox_sense_and_sensibility_ch01_0870.wav",
    "librispeech_61-70968-0000.wav", "librivox_sense_and_sensibility_ch01_0880.wav",
]
SCRIPT = """
id = "follow-up-bench"
title = "Follow-up benchmark"
role = "Machine Learning Engineer"
company = "Bench"
[interviewer]
voice = "en-us"
[follow_ups]
rubric = "ml-engineer"
sections = ["Project"]
min_s = 1
max_s = 60
""" + "".join(f"""
[[questions]]
id = "q{i}"
section = "Project"
prompt = "{prompt}"
min_s = 1
max_s = 60
""" for i, prompt in enumerate([
    "Tell me about a project you are proud of.",
    "How did you measure whether it worked?",
    "What did you personally own?"], 1))

EXE = Path(sys.executable).with_name("mock-interview")


def one_session(server: PulseServer, work: Path, run: int, extra: list[str]) -> list[dict]:
    home = work / f"home-{run}"
    work.mkdir(parents=True, exist_ok=True)
    script = work / "bench.toml"
    script.write_text(SCRIPT)
    env = {**os.environ, **server.env, "MOCK_INTERVIEW_HOME": str(home)}
    env.pop("OPENAI_API_KEY", None)
    env.pop("OPENAI_BASE_URL", None)
    done = subprocess.run(
        [str(EXE), "run", "--script", str(script), "--answers-include-follow-ups", "--answers",
         *[str(SPEECH / name) for name in ANSWERS], *extra],
        env=env, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise SystemExit(f"run failed: {done.stderr[-2000:]}")
    log = next((home / "sessions").glob("*/events.jsonl"))
    events = [json.loads(line) for line in log.read_text().splitlines()]
    return [e for e in events if e["type"] == "question_asked" and e["kind"] == "follow_up"]


def median(values: list[float]) -> str:
    values = [v for v in values if v is not None]
    if not values:
        return "—"
    return f"{statistics.median(values):.3f} s (n={len(values)}, max {max(values):.3f})"


def report(name: str, follow_ups: list[dict]) -> None:
    print(f"\n== {name}: {len(follow_ups)} follow-ups")
    print("  delay transcript_ready -> first audio: median "
          f"{median([f['delay_s'] for f in follow_ups])}")
    first = [f for i, f in enumerate(follow_ups) if i % 3 == 0]
    later = [f for i, f in enumerate(follow_ups) if i % 3 != 0]
    print(f"    first follow-up of a session: {median([f['delay_s'] for f in first])}; "
          f"later ones: {median([f['delay_s'] for f in later])}")
    llm = [f["llm"] for f in follow_ups if f.get("llm")]
    if llm:
        print(f"  LLM time to first token: median {median([x['first_token_s'] for x in llm])}")
        print(f"  LLM time to first complete question: median "
              f"{median([x['question_s'] for x in llm])}")
    writers: dict[str, int] = {}
    for f in follow_ups:
        key = f["writer"]["kind"] if not f.get("fallback") else f"offline ({f['fallback'][:60]})"
        writers[key] = writers.get(key, 0) + 1
    for key, count in sorted(writers.items(), key=lambda kv: -kv[1]):
        print(f"    written by {key}: {count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--writers", default="offline,llama,llama-nolimit")
    args = parser.parse_args()
    writers = args.writers.split(",")
    with tempfile.TemporaryDirectory(prefix="bench-followup-") as tmp:
        work = Path(tmp)
        server = PulseServer(work / "pulse").start()
        llama = None
        try:
            if any(w.startswith("llama") for w in writers):
                llama = LlamaServer(work / "llama.log").start()
            for writer in writers:
                extra = {"offline": ["--llm", "offline"],
                         "llama": ["--llm-base-url", llama.base_url if llama else ""],
                         "llama-nolimit": ["--llm-base-url", llama.base_url if llama else "",
                                           "--llm-timeout", "30"]}[writer]
                follow_ups = []
                for run in range(args.runs):
                    follow_ups += one_session(server, work / writer, run, extra)
                report(writer, follow_ups)
        finally:
            if llama is not None:
                llama.stop()
            server.stop()


if __name__ == "__main__":
    main()
