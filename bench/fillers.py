"""Benchmark: filler recall and precision of each Whisper model, without and with the verbatim
pass (`audio.fillers`), per file, on real speech whose references write the fillers out.

    .venv/bin/python bench/fillers.py [--models tiny.en base] [--holdout] [--repeats 3] [--late]

Development files: the two spontaneous recordings of ../shared/speech and all of
../shared/speech_fillers (tuned on); with --holdout also ../shared/holdout/fillers, reported
separately (never tuned on). The read-speech recordings of ../shared/speech are a side check:
a filler "found" there was not said. With --late, every recording is said after 35 s of that
read speech and only what follows it is scored: in a real answer most hesitations come after
Whisper's first 30 s window, the only one that reads a prompt.

Counting: the reference and the transcript are lower-cased, punctuation removed, and aligned
word by word (jiwer). A filler is a hesitation sound of `audio.hesitations.HESITATIONS` (um, uh,
er, erm, ah, hmm, mm, ...); "mm-hmm" and "uh-huh" are answers, not fillers, and "you know" is
a phrase the text analysis finds, not a sound. A reference filler is *kept* when it is aligned
to a transcript filler; a transcript filler is *true* when aligned to a reference filler.
Recall = kept / reference fillers; precision = true / transcript fillers. The transcript is
scored as the analysis counts it: a hesitation a decoding loop wrote many times at one instant
counts once (`audio.hesitations.hesitation_marks`).

Whisper's decoding samples on hesitant speech: where the greedy decoding loops ("uh uh uh
..."), its temperature fallback draws, so the same file can come out with six fillers in one
draw and none in the next (mfa_uhuh with base). The program seeds that sampling
(`audio.transcriber.SAMPLING_SEED`), so one run is repeatable, but its figures are still one
draw. Each model is therefore run ``--repeats`` times (3 by default), repeat k in its own
process with seed k - 1 (repeat 1 is what the program itself does); the summary gives the
figures pooled over the repeats and each repeat's own, so one lucky draw is not reported as
the result, and a second run of the bench gives the same figures.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from audio.hesitations import HESITATIONS  # noqa: E402

SPONTANEOUS = ("mfa_acoustic_corpus_spontaneous.wav", "mfa_uhum.wav")
READ_PREFIXES = ("librispeech", "librivox", "ljspeech", "jfk", "cmu")


def tokens(text: str) -> list[str]:
    text = re.sub(r"\[[^\]]*\]|<[^>]*>", " ", text.lower())  # [cutoff], <VOCNOISE>
    text = re.sub(r"(^|\s)'er\b", r"\1her", text)  # "I hardly know 'er": the word "her"
    text = re.sub(r"\b(mm-hmm|uh-huh|mhm)\b", "backchannel", text)
    text = re.sub(r"[^a-z0-9' ]+", " ", text.replace("-", " "))
    return [w.strip("'") for w in text.split() if w.strip("'")]


def is_filler(token: str) -> bool:
    return token in HESITATIONS


@dataclass
class Score:
    reference: int = 0  # fillers in the reference
    kept: int = 0
    found: int = 0  # fillers in the transcript
    true: int = 0
    files: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.reference += other.reference
        self.kept += other.kept
        self.found += other.found
        self.true += other.true

    @property
    def recall(self) -> float | None:
        return self.kept / self.reference if self.reference else None

    @property
    def precision(self) -> float | None:
        return self.true / self.found if self.found else None


def score(reference: str, transcript: str) -> Score:
    import jiwer

    ref, hyp = tokens(reference), tokens(transcript)
    s = Score(reference=sum(map(is_filler, ref)), found=sum(map(is_filler, hyp)))
    if ref and hyp:
        out = jiwer.process_words(" ".join(ref), " ".join(hyp))
        for chunk in out.alignments[0]:
            if chunk.type not in ("equal", "substitute"):
                continue
            pairs = zip(ref[chunk.ref_start_idx:chunk.ref_end_idx],
                        hyp[chunk.hyp_start_idx:chunk.hyp_end_idx], strict=False)
            hits = sum(is_filler(a) and is_filler(b) for a, b in pairs)
            s.kept += hits
            s.true += hits
    return s


def counted_text(words: list[Any]) -> str:
    """The transcript as the analysis counts its fillers: a hesitation a decoding loop wrote
    over and over at one instant is one (`audio.hesitations.hesitation_marks`)."""
    from audio.hesitations import REPEAT, hesitation_marks

    marks = hesitation_marks([(w.word, w.start) for w in words])
    kept = [w.word.strip() for w, mark in zip(words, marks) if mark != REPEAT]
    # Whisper's word pieces ("mm" + "-hmm") are one word: an answer, not two fillers.
    return re.sub(r" -(?=\w)", "-", " ".join(kept))


def recordings(holdout: bool) -> list[tuple[str, Path, str]]:
    """(set, path, reference) of every recording to score."""
    shared = ROOT.parent / "shared"
    out = []

    def manifest(folder: Path) -> list[dict]:
        lines = (folder / "manifest.jsonl").read_text().splitlines()
        return [json.loads(x) for x in lines if x.strip()]

    for m in manifest(shared / "speech"):
        if m["file"] in SPONTANEOUS:
            out.append(("dev", shared / "speech" / m["file"], m["reference"]))
        elif m["file"].startswith(READ_PREFIXES):
            out.append(("read", shared / "speech" / m["file"], m["reference"]))
    if (shared / "speech_fillers").is_dir():
        out += [("dev", shared / "speech_fillers" / m["file"], m["reference"])
                for m in manifest(shared / "speech_fillers")]
    if holdout and (shared / "holdout" / "fillers").is_dir():
        out += [("holdout", shared / "holdout" / "fillers" / m["file"], m["reference"])
                for m in manifest(shared / "holdout" / "fillers")]
    return out


def _pct(x: float | None) -> str:
    return "   -" if x is None else f"{x:4.0%}"


# --late: every recording said after this read speech (0.7 s apart, about 35 s), as in a
# real answer, where most hesitations come after Whisper's first 30 s window.
LATE_PREFIX = ("jfk_inaugural_1961.wav", "librivox_sense_and_sensibility_ch01_0870.wav",
               "librivox_sense_and_sensibility_ch01_0880.wav",
               "librivox_sense_and_sensibility_ch01_0890.wav", "librispeech_61-70968-0000.wav")


def _late_prefix() -> Any:
    import numpy as np

    from audio.clip import SAMPLE_RATE
    from audio.io import read_audio

    gap = np.zeros(int(0.7 * SAMPLE_RATE), np.float32)
    return np.concatenate([np.concatenate([read_audio(ROOT.parent / "shared" / "speech" / n)
                                           .samples, gap]) for n in LATE_PREFIX])


def _late_score(reference: str, words: list[Any], offset: float) -> Score:
    """The words from ``offset`` on scored against ``reference``; fillers before it were not
    said (the read speech of --late; with no offset there is nothing before)."""
    s = score(reference, counted_text([w for w in words if w.start >= offset - 0.3]))
    s.found += sum(map(is_filler, tokens(counted_text([w for w in words
                                                        if w.start < offset - 0.3]))))
    return s


def evaluate(transcriber: Any, holdout: bool, repeat: int,
             late: bool = False) -> dict[str, dict[str, Score]]:
    import numpy as np

    from audio.clip import SAMPLE_RATE, Audio
    from audio.fillers import listen_for_fillers
    from audio.hesitations import with_fillers
    from audio.io import read_audio

    totals: dict[str, dict[str, Score]] = {}
    pass_seconds = audio_seconds = 0.0
    prefix = _late_prefix() if late else np.zeros(0, np.float32)
    offset = len(prefix) / SAMPLE_RATE
    print(f"\nWhisper {transcriber.name}, repeat {repeat}"
          + (f", every recording after {offset:.1f} s of read speech" if late else "")
          + ": per file, fillers in reference / kept / found / true (default decoding -> with "
          "the verbatim pass)")
    for kind, path, reference in recordings(holdout):
        if late and kind == "read":
            continue
        audio = Audio(np.concatenate([prefix, read_audio(path).samples]))
        default = transcriber.transcribe(audio)
        started = time.perf_counter()
        found = listen_for_fillers(transcriber, audio, default.words)
        pass_seconds += time.perf_counter() - started
        audio_seconds += audio.duration
        # --late: the recording is scored against its reference, and every filler written in
        # the read speech before it counts as found and not said.
        before = _late_score(reference, default.words, offset)
        after = _late_score(reference, with_fillers(default.words, found.added), offset)
        for variant, s in (("default", before), ("verbatim", after)):
            totals.setdefault(kind, {}).setdefault(variant, Score()).add(s)
        print(f"  {kind:7} {path.name:44} ref {before.reference:2}  "
              f"kept {before.kept:2} -> {after.kept:2}  found {before.found:2} -> {after.found:2}"
              f"  true {before.true:2} -> {after.true:2}"
              + (f"   added: {', '.join(f'{w.word}@{w.start:.1f}s' for w in found.added)}"
                 if found.added else ""))
    print(f"  verbatim pass: {pass_seconds:.1f} s for {audio_seconds:.0f} s of audio "
          f"(real-time factor {pass_seconds / max(audio_seconds, 1e-9):.2f})")
    return totals


RESULT_MARK = "RESULT "


def _repeat_in_own_process(model: str, repeat: int, holdout: bool,
                           late: bool = False) -> dict[str, dict[str, Score]]:
    """One repeat in a fresh process, seeded with ``repeat - 1``: CTranslate2 seeds a
    thread's sampling once, when the model's threads first sample, so a seed takes effect
    only in a process that has not decoded yet (`audio.transcriber`)."""
    import subprocess

    command = [sys.executable, __file__, "--models", model, "--one-repeat", str(repeat),
               *(["--holdout"] if holdout else []), *(["--late"] if late else [])]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = ""
    for line in out.splitlines():
        if line.startswith(RESULT_MARK):
            result = line[len(RESULT_MARK):]
        else:
            print(line, flush=True)
    return {kind: {v: Score(**fields) for v, fields in variants.items()}
            for kind, variants in json.loads(result).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="+", default=["tiny.en", "base"])
    parser.add_argument("--holdout", action="store_true",
                        help="also score ../shared/holdout/fillers (reported separately)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs per model (decoding samples where it loops: see above)")
    parser.add_argument("--late", action="store_true",
                        help="say every recording after 35 s of read speech (see LATE_PREFIX)")
    parser.add_argument("--one-repeat", type=int, help=argparse.SUPPRESS)  # internal
    args = parser.parse_args()
    if not recordings(False):
        sys.exit(f"no recordings found under {ROOT.parent / 'shared'}")
    if args.one_repeat is not None:  # a child process: one model, one repeat
        from audio.transcriber import WhisperTranscriber

        transcriber = WhisperTranscriber.load(args.models[0], seed=args.one_repeat - 1)
        transcriber.warm_up()
        scores = evaluate(transcriber, args.holdout, args.one_repeat, args.late)
        print(RESULT_MARK + json.dumps({kind: {v: vars(s) for v, s in variants.items()}
                                        for kind, variants in scores.items()}))
        return
    # (model, set, variant) -> one Score per repeat
    runs: dict[tuple[str, str, str], list[Score]] = {}
    for model in args.models:
        for repeat in range(1, args.repeats + 1):
            for kind, variants in _repeat_in_own_process(model, repeat, args.holdout,
                                                         args.late).items():
                for variant, s in variants.items():
                    runs.setdefault((model, kind, variant), []).append(s)
    print(f"\nPooled over {args.repeats} repeat(s); then recall / precision of each repeat")
    print("model    set      variant   ref fillers  kept  recall  found  true  precision"
          "   each repeat")
    for (model, kind, variant), scores in runs.items():
        s = Score()
        for one in scores:
            s.add(one)
        if kind == "read":
            print(f"{model:8} {kind:8} {variant:9} {s.reference:11}     -       -  {s.found:5}"
                  f"     -  (fillers on read speech: {s.found})")
        else:
            each = "  ".join(f"{_pct(x.recall).strip()}/{_pct(x.precision).strip()}"
                             for x in scores)
            print(f"{model:8} {kind:8} {variant:9} {s.reference:11} {s.kept:5}  "
                  f"{_pct(s.recall)}  {s.found:5} {s.true:5}  {_pct(s.precision)}"
                  f"       {each}")


if __name__ == "__main__":
    main()
