"""Benchmark: the default Whisper model on real speech, next to plain faster-whisper.

Prints, for the program's transcriber and for faster-whisper used directly with the same
model and settings, in the same run: model load time, real-time factor (transcription time /
audio duration, after one warm-up call), peak memory (max RSS of a fresh process) and word
error rate against the reference transcripts. The program's transcriber encodes only the
part of a recording's first window that holds audio (`audio.window`); faster-whisper pads it
to 30 s, so the two rows also compare that.

    .venv/bin/python bench/transcribe.py [--speech-dir DIR] [--model NAME|PATH]

Each pipeline runs in its own subprocess so peak memory is not shared between them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from audio.precision import compute_type, why  # noqa: E402


def default_speech_dir() -> Path:
    return ROOT.parent / "shared" / "speech"


def load_manifest(folder: Path) -> list[dict]:
    lines = (folder / "manifest.jsonl").read_text().splitlines()
    return [json.loads(x) for x in lines if x.strip()]


def worker(pipeline: str, speech_dir: Path, model: str | None) -> dict:
    """Runs inside the subprocess: one pipeline, measured."""
    from audio.clip import Audio
    from audio.transcriber import TranscribeSettings, WhisperTranscriber, resolve_model

    entries = load_manifest(speech_dir)
    paths = [speech_dir / e["file"] for e in entries]
    settings = TranscribeSettings()
    started = time.perf_counter()
    if pipeline == "mock-interview":
        from audio.io import read_audio

        transcriber = WhisperTranscriber.load(model)
        load_s = time.perf_counter() - started
        transcriber.warm_up()

        def run(path):
            return transcriber.transcribe(read_audio(path)).text
    else:
        from faster_whisper import WhisperModel, decode_audio

        spec = resolve_model(model)
        whisper = WhisperModel(spec.source, device="cpu", compute_type=compute_type(),
                               cpu_threads=os.cpu_count() or 1)
        load_s = time.perf_counter() - started
        list(whisper.transcribe(Audio.silence(1.0).samples, **settings.as_kwargs())[0])

        def run(path):
            segments, _ = whisper.transcribe(str(path), **settings.as_kwargs())
            return " ".join(s.text.strip() for s in segments)

    from faster_whisper import decode_audio

    audio_s = sum(len(decode_audio(str(p))) / 16000 for p in paths)
    t0 = time.perf_counter()
    hypotheses = [run(p) for p in paths]
    elapsed = time.perf_counter() - t0
    from bench.wer import word_error_rate

    return {
        "pipeline": pipeline,
        "load_s": load_s,
        "audio_s": audio_s,
        "transcribe_s": elapsed,
        "rtf": elapsed / audio_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "wer": word_error_rate([e["reference"] for e in entries], hypotheses),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speech-dir", type=Path, default=default_speech_dir())
    parser.add_argument("--model", default=None)
    parser.add_argument("--worker", choices=("mock-interview", "faster-whisper"))
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.worker:
        print(json.dumps(worker(args.worker, args.speech_dir, args.model)))
        return

    rows = []
    for pipeline in ("mock-interview", "faster-whisper"):
        cmd = [sys.executable, __file__, "--worker", pipeline, "--speech-dir", str(args.speech_dir)]
        if args.model:
            cmd += ["--model", args.model]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))

    files = len(load_manifest(args.speech_dir))
    from audio.transcriber import resolve_model

    print(f"Whisper {resolve_model(args.model).name}, {compute_type()} ({why()}), "
          f"{os.cpu_count()} threads, "
          f"{files} files, {rows[0]['audio_s']:.1f} s of real speech from {args.speech_dir}")
    print(f"{'pipeline':<16} {'load':>7} {'RTF':>7} {'peak RSS':>10} {'WER':>7}")
    for r in rows:
        print(f"{r['pipeline']:<16} {r['load_s']:>6.2f}s {r['rtf']:>7.3f} "
              f"{r['peak_rss_mb']:>8.0f}MB {r['wer']:>6.2f}%")


if __name__ == "__main__":
    main()
