"""Benchmark: pauses measured on the audio against pauses of known length.

    .venv/bin/python bench/pauses.py

Development: real recordings of ../shared/speech (trimmed to their speech, joined by known
silences in room noise) and sentences synthesised by the project's TTS (exact edges, joined
by digital silence), as in tests/test_delivery.py. Held out (never tuned on):
../shared/holdout/pauses/known_pauses.wav and its manifest of inserted pauses. For every
known pause: the measured pause nearest to it, and the errors of its length and edges.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def measured_pauses(samples) -> list:
    from simulator.analysis.delivery import pauses
    from simulator.analysis.timing import Budget, measure_audio

    spans = measure_audio(samples, Budget(0, 3600)).spans
    return pauses([(s.start, s.end) for s in spans])


def edge_sound(samples, inserted: tuple[float, float], measured) -> str:
    """What is in the audio the measure called pause but the inserted silence does not
    cover (a clip's own edge): its loudest 32 ms frame in the speech band, against the
    loudness of the speech (95th percentile of all frames). Explains a miss; changes
    nothing."""
    from audio.activity import frame_levels
    from audio.vad import FRAME_S

    levels = frame_levels(samples)
    speech_db = float(np.percentile(levels, 95))
    out = []
    for a, b in ((measured.start_s, inserted[0]), (inserted[1], measured.end_s)):
        first, last = math.ceil(a / FRAME_S), math.floor(b / FRAME_S)  # frames inside
        if last > first:
            frames = levels[first:last]
            out.append(f"{a:.2f}-{b:.2f} s peaks {frames.max() - speech_db:+.0f} dB")
    return ("   extra pause: " + ", ".join(out) + " (speech band, against the speech)"
            if out else "")


def report(name: str, samples, inserted: list[tuple[float, float]]) -> list[float]:
    got = measured_pauses(samples)
    errors = []
    print(f"\n{name}: {len(inserted)} known pauses, {len(got)} measured pauses of 0.5 s or more")
    print("   known (s)       measured (s)    length error  start error  end error")
    for start, end in inserted:
        if not got:
            print(f"  {start:6.2f}-{end:6.2f}  none found")
            errors.append(float("inf"))
            continue
        p = min(got, key=lambda q: abs(q.start_s - start) + abs(q.end_s - end))
        err = p.seconds - (end - start)
        errors.append(abs(err))
        print(f"  {start:6.2f}-{end:6.2f}  {p.start_s:6.2f}-{p.end_s:6.2f}   {err:+8.3f}     "
              f"{p.start_s - start:+8.3f}   {p.end_s - end:+8.3f}"
              + (edge_sound(samples, (start, end), p) if abs(err) > 0.1 else ""))
    print(f"  worst length error {max(errors):.3f} s; within 0.1 s: "
          f"{sum(e <= 0.1 for e in errors)} of {len(errors)}")
    return errors


def main() -> None:
    import test_delivery as known

    from audio.io import read_audio

    from audio_fixtures import energy_trim
    from tests_paths import SPEECH_DIR

    if SPEECH_DIR.is_dir():
        clips = [energy_trim(read_audio(SPEECH_DIR / n)).samples for n in known.CLIPS]
        report("DEV real speech, room noise", *known.with_gaps(clips, noise=3e-4))
        from part_answers import spoken_part

        synth = [spoken_part(t, "en-us", 170).samples for t in known.SENTENCES]
        report("DEV synthesised speech, digital silence", *known.with_gaps(synth, noise=0.0))
    holdout = ROOT.parent / "shared" / "holdout" / "pauses"
    if (holdout / "manifest.json").is_file():
        meta = json.loads((holdout / "manifest.json").read_text())
        samples = read_audio(holdout / meta["file"]).samples
        inserted = [(p["start_s"], p["end_s"]) for p in meta["inserted_pauses"]]
        report("HELD OUT known_pauses.wav (never tuned on)", samples, inserted)
    else:
        print(f"held-out pauses not found under {holdout}")


if __name__ == "__main__":
    main()
