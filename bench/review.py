"""Benchmark: reviewing many sessions, and the HTML report of a long one.

Generates ``--sessions`` (500) rehearsals of the bundled ml-engineer-open script with the
test tools (tests/session_factory.py: the real session writer, made-up timed transcripts of
the career walk-through and the deep dive, half a second of audio per answer), then times,
through the Python API of ``mock-interview review``:

- **list**: the session summaries (``SessionIndex.summaries``) with no index (cold: every
  session read and the index built), with an up-to-date index (warm), and with one session
  changed since (the index reads that one again);
- **search**: a phrase in the transcripts, cold and warm;
- **compare**: ``review.compare`` of every rehearsal of the script (read every session,
  analyse every answer, compare), with the index cold and warm;
- the same three through the installed CLI, warm (what a user waits for, Python start-up
  included).

Then one session of ``--minutes`` (20) minutes of answers (the career walk-through, the deep
dive told twice at length, four follow-ups), with full-length audio: real speech from
../shared/speech (tone bursts when it is absent; the table says which), and times the
self-contained HTML report (``review.html_report``: analysis, Opus encoding of the audio,
rendering) and reports its size, with the audio and without.

    .venv/bin/python bench/review.py [--sessions 500] [--minutes 20] [--runs 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from session_factory import long_session, make_sessions  # noqa: E402

from simulator import review  # noqa: E402
from simulator.sessions.index import INDEX_FILE, SessionIndex  # noqa: E402
from simulator.sessions.store import SessionStore, read_session  # noqa: E402

from tests_paths import SPEECH_DIR  # noqa: E402

SEARCH = "randomisation experiment"  # in every telling's lessons part (dropped in some)
EXE = Path(sys.executable).with_name("mock-interview")


def timed(fn: Callable[[], object], runs: int = 1, before: Callable[[], object] | None = None
          ) -> tuple[list[float], object]:
    """Seconds of each of ``runs`` calls of ``fn`` (``before`` runs untimed before each)."""
    times, result = [], None
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def cli(*args: str, home: Path) -> float:
    env = {**os.environ, "MOCK_INTERVIEW_HOME": str(home), "COLUMNS": "160"}
    start = time.perf_counter()
    result = subprocess.run([str(EXE), *args], capture_output=True, text=True, env=env,
                            timeout=600)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"mock-interview {' '.join(args)} failed: {result.stderr}")
    return elapsed


def bench_many(root: Path, n: int, runs: int) -> list[tuple[str, str, list[float], str]]:
    store = SessionStore(root)
    index = SessionIndex(store)
    existing = len(store.session_dirs())
    if not existing:
        start = time.perf_counter()
        make_sessions(root, n, report=True)
        print(f"generated {n} sessions in {time.perf_counter() - start:.1f} s "
              f"(the real session writer, report.md rendered for each)")
    elif existing != n:
        print(f"note: {root} already holds {existing} sessions; they are used as they are")
    sessions = store.session_dirs()
    size = sum(f.stat().st_size for d in sessions for f in d.rglob("*") if f.is_file())
    print(f"{len(sessions)} sessions in {root}, {size / 1e6:.0f} MB on disk")

    def drop_index() -> None:
        (root / INDEX_FILE).unlink(missing_ok=True)

    rows = []
    t, summaries = timed(index.summaries, 1, drop_index)
    rows.append(("list", "cold: no index, all read", t, f"{len(summaries)} sessions"))
    t, _ = timed(index.summaries, runs)
    rows.append(("list", "warm: index up to date", t, ""))

    def touch_one() -> None:
        events = sessions[len(sessions) // 2] / "events.jsonl"
        os.utime(events, ns=(events.stat().st_atime_ns, time.time_ns()))

    t, _ = timed(index.summaries, runs, touch_one)
    rows.append(("list", "one session changed", t, ""))
    t, hits = timed(lambda: review.search(SEARCH, str(root), limit=1000), 1, drop_index)
    rows.append(("search", "cold: no index", t, f"{len(hits)} answers say it"))
    t, _ = timed(lambda: review.search(SEARCH, str(root), limit=1000), runs)
    rows.append(("search", "warm", t, ""))
    t, comparison = timed(lambda: review.compare(None, str(root)), 1, drop_index)
    rehearsals = len(comparison.sessions)  # type: ignore[attr-defined]
    rows.append(("compare", "cold: no index", t, f"{rehearsals} rehearsals of the script"))
    t, _ = timed(lambda: review.compare(None, str(root)), runs)
    rows.append(("compare", "warm", t, ""))
    home = root.parent / "home"
    for what, args in (("list", ["review"]), ("search", ["review", "--search", SEARCH]),
                       ("compare", ["review", "--compare"]),
                       ("compare", ["review", "--compare", "--json"])):
        t = [cli(*args, "--sessions-dir", str(root), home=home) for _ in range(runs)]
        shown = " ".join(a if " " not in a else f'"{a}"' for a in args)
        rows.append((what, f"CLI: mock-interview {shown}", t, "warm; process start included"))
    return rows


def bench_long(root: Path, minutes: float, runs: int) -> None:
    audio = "speech" if any(SPEECH_DIR.glob("*.wav")) else "tone"
    start = time.perf_counter()
    folder = long_session(root, minutes=minutes, audio=audio)
    made = time.perf_counter() - start
    doc = read_session(folder)
    audio_s = sum(a.audio_seconds or 0 for a in doc.answers)
    wav_mb = sum((folder / a.audio).stat().st_size for a in doc.answers if a.audio) / 1e6
    words = sum(len(a.words) for a in doc.answers)
    source = f"real speech from {SPEECH_DIR}" if audio == "speech" else \
        f"tone bursts: {SPEECH_DIR} is absent"
    print(f"\nOne long session: {len(doc.answers)} answers, {audio_s / 60:.1f} min of audio "
          f"({source}), {words} transcript words, WAV {wav_mb:.1f} MB (written in {made:.1f} s)")
    with_audio, page = timed(lambda: review.html_report(doc), runs)
    without, bare = timed(lambda: review.html_report(doc, with_audio=False), runs)
    md, _ = timed(lambda: review.markdown_report(doc), runs)
    size = len(str(page).encode())
    bare_size = len(str(bare).encode())
    print(f"{'report':<28} {'median':>8} {'worst':>8} {'size':>10}")
    print(f"{'HTML with audio (Opus)':<28} {statistics.median(with_audio):>7.2f}s "
          f"{max(with_audio):>7.2f}s {size / 1e6:>8.2f} MB")
    print(f"{'HTML without audio':<28} {statistics.median(without):>7.2f}s "
          f"{max(without):>7.2f}s {bare_size / 1e6:>8.2f} MB")
    print(f"{'Markdown':<28} {statistics.median(md):>7.2f}s {max(md):>7.2f}s")
    opus_kbps = (size - bare_size) * 3 / 4 * 8 / audio_s / 1000  # base64: 4 chars per 3 bytes
    print(f"embedded audio: {(size - bare_size) / 1e6:.2f} MB of base64, about "
          f"{opus_kbps:.1f} kbit/s of Opus for {audio_s / 60:.1f} minutes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of the warm cases")
    parser.add_argument("--keep", type=Path, help="generate the sessions there, and keep them "
                                                  "(reused by the next run)")
    args = parser.parse_args()
    print(f"mock-interview review benchmark, {os.cpu_count()} cores, Python "
          f"{sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="review-bench-") as tmp:
        root = args.keep or Path(tmp) / "sessions"
        rows = bench_many(root, args.sessions, args.runs)
        print(f"\n{'':<8} {'case':<60} {'median':>8} {'worst':>8}  note")
        for what, case, times, note in rows:
            print(f"{what:<8} {case:<60} {statistics.median(times):>7.3f}s "
                  f"{max(times):>7.3f}s  {note}")
        bench_long(Path(tmp) / "long", args.minutes, args.runs)


if __name__ == "__main__":
    main()
