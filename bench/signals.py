"""Benchmark: the content signals' quotes, against where each part truly was.

For every answer of the three corpora with known part boundaries (tests/part_answers.py:
development, development in plain words, held out, each reported separately), on the
transcript alone (words timed at 170 wpm, the parts located as the analysis locates them),
and for every rubric criterion the question is judged on:

- **found**: answers whose signal is found, and of those how many were met by the part that
  shows the criterion (``shows`` in the script) rather than by words: told for its minimum
  (or told while its words came only in other parts), or for ownership told in the first
  person;
- **first quote in its part**: among the answers that truly told a part showing the
  criterion and have a located quote, those whose first quote lies in that part (by the
  known boundaries, not the located ones): the quote the reports show first.

    .venv/bin/python bench/signals.py [--corpus dev plain holdout] [--verbose]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import part_answers as pa  # noqa: E402

CORPORA = {"dev": ("DEV", pa.CORPUS), "plain": ("DEV PLAIN", pa.PLAIN),
           "holdout": ("HELD-OUT", pa.HOLDOUT)}


def homes(question_id: str) -> dict[str, set[str]]:
    """criterion -> the parts of the question that show it (the script's ``shows``)."""
    out: dict[str, set[str]] = defaultdict(set)
    for part in pa.question(question_id).parts:
        for criterion in part.shows:
            out[criterion].add(part.id)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+", choices=list(CORPORA), default=list(CORPORA))
    parser.add_argument("--verbose", action="store_true", help="every signal's first quotes")
    args = parser.parse_args()
    for key in args.corpus:
        name, path = CORPORA[key]
        stats: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for answer in pa.corpus(path):
            data, truth = pa.timed_text(answer)
            analysis = pa.analyze_text(data, answer.question)
            shown_in = homes(answer.question)
            told = {p.id for p in truth.parts}
            for signal in analysis.signals:
                if signal.kind != "quality":
                    continue
                st = stats[(answer.question, signal.id)]
                st["answers"] += 1
                st["found"] += signal.found
                st["by its part"] += signal.detail.startswith(("told in its own part",
                                                               "said in its own part"))
                home = shown_in.get(signal.id, set()) & told
                first = signal.evidence[0] if signal.evidence else None
                if home and first is not None and first.start_s is not None:
                    st["told and quoted"] += 1
                    st["first in its part"] += truth.label_at(first.start_s + 0.01) in home
                if args.verbose:
                    quotes = [(f"{e.start_s or 0:.0f}s", truth.label_at((e.start_s or 0) + 0.01),
                               e.quote) for e in signal.evidence[:2]]
                    print(f"  {answer.id:18} {signal.id:11} {signal.found!s:5} "
                          f"{signal.detail[:60]!r} {quotes}")
        print(f"SIGNALS, {name}: transcript only, parts located as the analysis does")
        print(f"  {'question':10} {'criterion':15} {'found':>7} {'by its part':>12} "
              f"{'first quote in its part':>24}")
        for (question, criterion), st in sorted(stats.items()):
            quoted = (f"{st['first in its part']}/{st['told and quoted']}"
                      if st["told and quoted"] else "-")
            print(f"  {question:10} {criterion:15} {st['found']:>3}/{st['answers']:<3} "
                  f"{st['by its part']:>12} {quoted:>24}")
        print()


if __name__ == "__main__":
    main()
