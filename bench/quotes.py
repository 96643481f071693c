"""Benchmark: how often the offline coach quotes back words the candidate did not say.

    .venv/bin/python bench/quotes.py [--corpus dev plain holdout] [--cache FILE]

The part-labelled answers of tests/data/answers (development, plain words; held out, never
tuned on), spoken by the project's TTS and transcribed as a live answer is during the
interview (`bench.analysis.TranscribedLive`: chunks cut at pauses, base), which is what the
follow-up reads. For every answer every rubric criterion is forced in turn, and each
question's quote is checked against the text the TTS spoke (lower-cased, punctuation
removed: the quote's words must appear there in a row). Printed: quotes, and quotes not said
that way, reading the transcript alone and reading it with its timed words (the coach
then quotes no word under `UNSURE_BELOW`). A quote counted as not said can also be a
spelling of the same words ("40%" for "forty percent"), alike in both columns.

``--cache FILE`` keeps the live transcripts (pickle), so a second run takes a second.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

CORPORA = ("dev", "plain", "holdout")


def said_in(quote: str, text: str) -> bool:
    from bench.wer import normalise

    q, r = normalise(quote).split(), normalise(text).split()
    return any(r[i:i + len(q)] == q for i in range(len(r) - len(q) + 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+", choices=CORPORA, default=list(CORPORA))
    parser.add_argument("--cache", type=Path, help="keep the live transcripts here")
    args = parser.parse_args()

    import part_answers as pa

    from audio.io import read_audio
    from audio.transcriber import WhisperTranscriber
    from bench.analysis import TranscribedLive
    from simulator.analysis.text import AnswerText
    from simulator.config.rubric import find_rubric, judged
    from simulator.followups.coach import next_follow_up

    paths = {"dev": pa.CORPUS, "plain": pa.PLAIN, "holdout": pa.HOLDOUT}
    cache: dict = pickle.loads(args.cache.read_bytes()) if args.cache and \
        args.cache.exists() else {}
    rubric = judged(find_rubric("ml-engineer"), ())
    transcriber = None
    for name in args.corpus:
        counts = {"transcript alone": [0, 0], "with timed words": [0, 0]}
        for answer in pa.corpus(paths[name]):
            key = (name, answer.id)
            if key not in cache:
                if transcriber is None:
                    transcriber = WhisperTranscriber.load()
                    transcriber.warm_up()
                live = TranscribedLive(transcriber).transcribe(
                    read_audio(pa.build_audio(answer).path))
                cache[key] = (live.text, [{"word": w.word, "start": w.start, "end": w.end,
                                           "probability": w.probability} for w in live.words])
                if args.cache:
                    args.cache.write_bytes(pickle.dumps(cache))
            draft, words = cache[key]
            spoken = " ".join(p.text for p in answer.parts)
            for criterion in rubric.criteria:
                for label, text in (("transcript alone", draft),
                                    ("with timed words", AnswerText(draft, words))):
                    quote = next_follow_up(text, rubric, force=criterion.id).quote
                    if quote:
                        counts[label][0] += 1
                        if not said_in(quote, spoken):
                            counts[label][1] += 1
                            print(f"  {name:8} {answer.id:20} {criterion.id:12} {label:17} "
                                  f"{quote!r}")
        for label, (quotes, wrong) in counts.items():
            print(f"{name}: {label}: {quotes} quotes, {wrong} not said as quoted "
                  f"({wrong / max(quotes, 1):.0%})", flush=True)


if __name__ == "__main__":
    main()
