"""The `analyze` command's arguments and what it prints: the coaching analysis of a
recording made elsewhere, without an interview (`commands.analyze_recording` does the work)."""

from __future__ import annotations

import argparse
import json

from rich.console import Console


def add_analyze_parser(sub, common: argparse.ArgumentParser) -> None:
    analyze = sub.add_parser(
        "analyze", parents=[common], help="coaching analysis of a recording made elsewhere",
        description="Analyse a recorded answer against a script's question, without an "
                    "interview: the timeline of its parts, pace, pauses, fillers and the "
                    "content signals.")
    analyze.add_argument("recording", metavar="RECORDING",
                         help="the answer's audio (WAV/FLAC/MP3/M4A, any rate)")
    analyze.add_argument("--script", metavar="NAME|PATH",
                         help="interview script id or TOML file (default: the default script)")
    analyze.add_argument("--question", metavar="ID",
                         help="the question it answers (default: the script's first question "
                              "with parts, else its first)")
    analyze.add_argument("--model", metavar="NAME|PATH", help="Whisper model (as for run)")
    analyze.add_argument("--json", action="store_true",
                         help="print one JSON object (format: docs/analysis-format.md)")
    analyze.add_argument("--no-verbatim", dest="verbatim", action="store_false",
                         help="skip the second listen for the “um”s and “uh”s Whisper leaves "
                              "out (an eighth to two fifths of the recording's length with "
                              "base, by the machine): quicker, but fillers may be undercounted")



def run_analyze(args, console: Console, err: Console) -> int:
    """`mock-interview analyze`: the coaching analysis of one recording, as a table or JSON."""
    from contextlib import contextmanager

    from simulator.commands import analyze_recording
    from simulator.terminal.tables import render_analysis, render_transcript

    @contextmanager
    def transcribing(seconds: float):
        with err.status(f"Transcribing {seconds:.0f} s of audio…"):
            yield

    @contextmanager
    def listening(seconds: float):
        with err.status(f"Listening to the {seconds:.0f} s again for “um” and “uh” "
                        "(Ctrl-C skips this)…"):
            yield

    def analysing():
        return err.status("Analysing the answer (slower the first time: the script's example "
                          "sentences are encoded once)…")

    question, timing, analysis, heard, transcript = analyze_recording(
        args.recording, args.script, args.question, args.model, transcribing,
        verbatim=args.verbatim, on_listening=listening, on_analysing=analysing,
        on_note=lambda text: err.print(f"note: {text}", markup=False, highlight=False))
    skipped = None if heard is not None else (
        "no words" if not analysis.words else "--no-verbatim" if not args.verbatim
        else "Ctrl-C")
    if args.json:
        data = analysis.to_json()
        data.update(recording=args.recording, speech_start=timing.speech_start,
                    speech_end=timing.speech_end, verdict=timing.verdict,
                    budget={"min_s": question.min_s, "max_s": question.max_s},
                    verbatim_pass=None if heard is None else {
                        "fillers_added": len(heard.added), "seconds": heard.seconds,
                        "model": heard.model, "version": heard.version},
                    verbatim_skipped=skipped,
                    transcript=transcript.text,
                    segments=[{"start_s": s.start, "end_s": s.end, "text": s.text.strip()}
                              for s in transcript.segments])
        print(json.dumps(data), flush=True)
        return 0
    if args.question is None:
        # Judged against the default question: say which, as a deep dive judged as the
        # career answer would read as nonsense.
        err.print(f"note: judged as the answer to question {question.id!r}; --question ID "
                  "picks another (mock-interview scripts lists each script's questions)",
                  markup=False, highlight=False)
    render_analysis(console, question, timing, analysis)
    render_transcript(console, transcript.segments)
    if skipped in ("--no-verbatim", "Ctrl-C"):
        console.print(f"[dim]Fillers may be undercounted: the second listen for “um” and “uh” "
                      f"was skipped ({skipped}).[/]")
    return 0
