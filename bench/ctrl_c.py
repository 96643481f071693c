"""Benchmark: how soon Ctrl-C is answered while the verbatim pass decodes.

    .venv/bin/python bench/ctrl_c.py [--model base] [--at 2 5 9 14 20]

The pass (`audio.fillers.listen_for_fillers`) runs on an answer of about three minutes (the
development recordings of ../shared/speech and ../shared/speech_fillers, joined); SIGINT is
sent to this process ``--at`` seconds after it starts, once per run. Two ways are timed:

- **in the main thread** (how the pass ran before `audio.interruptible`): the Ctrl-C is seen
  only when the decoder's current call returns, and nothing can be said before;
- **on a worker thread** (`audio.interruptible`, what the program does): the time until the
  user is told (``on_interrupt``), and until the pass has stopped.

Prints, per signal time, the seconds from the signal to each, and the worst of each.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

THREE_MINUTES_S = 180.0


def three_minute_answer():
    """The development recordings joined (0.6 s of silence between), cut at three minutes."""
    from audio.clip import SAMPLE_RATE, Audio
    from audio.io import read_audio

    from tests_paths import SPEECH_DIR

    files = sorted(SPEECH_DIR.glob("*.wav")) + sorted(
        (SPEECH_DIR.parent / "speech_fillers").glob("*.wav"))
    gap = np.zeros(int(0.6 * SAMPLE_RATE), dtype=np.float32)
    pieces = [p for f in files for p in (read_audio(f).samples, gap)]
    samples = np.concatenate(pieces)[: int(THREE_MINUTES_S * SAMPLE_RATE)]
    return Audio(samples)


def timed_stop(work, at: float, worker: bool) -> tuple[float | None, float]:
    """(seconds from the signal to the user being told, to the work stopped)."""
    from audio.interruptible import interruptible

    told: list[float] = []
    sent: list[float] = []

    def send() -> None:
        sent.append(time.perf_counter())
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Timer(at, send)
    timer.start()
    try:
        if worker:
            interruptible(work, on_interrupt=lambda: told.append(time.perf_counter()))
        else:
            work()
    except KeyboardInterrupt:
        stopped = time.perf_counter()
    else:
        timer.cancel()
        raise SystemExit(f"the pass ended before the signal at {at} s: choose earlier times")
    return (told[0] - sent[0] if told else None), stopped - sent[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="base")
    parser.add_argument("--at", nargs="+", type=float, default=[2, 5, 9, 14, 20])
    args = parser.parse_args()

    from audio.fillers import listen_for_fillers
    from audio.transcriber import WhisperTranscriber

    from tests_paths import SPEECH_DIR

    if not SPEECH_DIR.is_dir():
        print(f"skipped: {SPEECH_DIR} is absent (the development recordings)")
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    audio = three_minute_answer()
    transcriber = WhisperTranscriber.load(args.model)
    words = transcriber.transcribe(audio).words
    started = time.perf_counter()
    listen_for_fillers(transcriber, audio, words)
    whole = time.perf_counter() - started
    print(f"CTRL-C IN THE VERBATIM PASS: {transcriber.name}, {audio.duration:.0f} s answer, "
          f"the whole pass {whole:.1f} s on {os.cpu_count()} cores")
    print("signal at   main thread: stopped | worker thread: told, stopped")
    mains, tolds, stops = [], [], []
    for at in args.at:
        def work():
            return listen_for_fillers(transcriber, audio, words)
        _none, main_stop = timed_stop(work, at, worker=False)
        told, stop = timed_stop(work, at, worker=True)
        mains.append(main_stop)
        tolds.append(told if told is not None else float("inf"))
        stops.append(stop)
        print(f"  {at:5.1f} s   {main_stop:19.2f} s | {tolds[-1]:20.3f} s, {stop:5.2f} s")
    print(f"worst: in the main thread stopped after {max(mains):.2f} s; on a worker thread "
          f"told after {max(tolds):.3f} s, stopped after {max(stops):.2f} s")


if __name__ == "__main__":
    main()
