"""The second listen over a session's answers, run when the interview is over.

Two things wait for the session's end, because each decodes an answer again and would slow
the interview down if it ran while the candidate waits for the next question:

- **A live answer is transcribed again as one recording.** While the candidate speaks,
  `audio.incremental` decodes the answer in chunks cut at pauses, each without the words
  around it, so the candidate sees it and the summary and follow-up come at once. That live
  draft misses words and sentence ends a decoding of the whole answer gets right, and the
  coaching analysis (parts, signals, quotes) reads whatever it is given: on the project's
  answers told in plain words, the parts' timeline was right for 63 % of the worst answer's
  time on live drafts and 81 % on whole-recording transcripts (bench/analysis.py). So the
  report and every later review read the whole-recording transcript (`TranscriptRevised`);
  the draft stays in the event log.
- **The verbatim pass** (`audio.fillers`) listens again for the "um"s and "uh"s Whisper's
  default decoding left out, on the final words. It decodes each answer twice more (an
  eighth to two fifths of a long answer's length with base on two cores, by the machine).

`run` and `resume` call :func:`listen_again` after the last answer, before the report is
written. Each answer's results are saved as events the moment they are known, so Ctrl-C (or a
crash) loses none of it; answers not reached stay *pending*, the report says so, and
`mock-interview resume ID` runs the rest. The decoding runs on a worker thread
(`audio.interruptible`): a Ctrl-C is answered at once, not when the decoder's current call
returns. An answer the second listen fails on (an unreadable saved recording, a decoder
error) stays pending too, with a notice saying why: the interview is still complete.
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from functools import partial

from audio.fillers import listen_for_fillers
from audio.interruptible import interruptible
from audio.transcriber import WhisperTranscriber, Word
from simulator.interview.signals import PassStop
from simulator.interview.view import InterviewView
from simulator.paths import resume_command
from simulator.sessions.records import (
    AnswerRecord,
    FillerRecord,
    FillersHeard,
    Notice,
    TranscriptRevised,
)
from simulator.sessions.writer import SessionWriter

# Seconds of work per second of audio, with base on two cores: the pass decodes an answer's
# first window (up to 30 s) once more, then the whole answer in short pieces, batched. Fitted
# on a `make rehearse` session (answers of 39, 40, 66 and 242 s took 6.1, 8.6, 9.3 and 30.0 s)
# and rounded up a little; hesitant speech takes longer where the decoding loops (up to 0.7 s
# a second on short recordings full of "uh"s, bench/fillers.py). A flat 0.4 s a second had
# said 155 s for a session the pass took 80 s over.
_FIRST_WINDOW_S = 30.0
_WORK_PER_FIRST_WINDOW_S = 0.2
_WORK_PER_AUDIO_S = 0.12
# Transcribing a live answer again as one recording (base, beam 5, two cores).
_WORK_PER_REVISED_S = 0.15


def expected_seconds(audio_s: float, revise: bool = False) -> float:
    """About how long the second listen takes over one answer of ``audio_s`` seconds
    (``revise``: transcribed again first)."""
    return (_WORK_PER_FIRST_WINDOW_S * min(audio_s, _FIRST_WINDOW_S) + _WORK_PER_AUDIO_S * audio_s
            + (_WORK_PER_REVISED_S * audio_s if revise else 0.0))


def _expected(answer: AnswerRecord, audio_s: float | None = None) -> float:
    return expected_seconds(audio_s or answer.audio_seconds or 0.0, answer.revision_pending)


def pending(answers: list[AnswerRecord]) -> list[AnswerRecord]:
    return [a for a in answers if a.fillers_pending and a.audio]


def listen_again(session: SessionWriter, transcriber: WhisperTranscriber,
                 view: InterviewView, stop: PassStop | None = None) -> int:
    """Run the verbatim pass over every answer of ``session`` that has not had it, showing
    which answer it is on. Returns how many fillers it added; Ctrl-C stops it between
    answers' results, keeping them, as SIGTERM and SIGHUP do with ``stop``."""
    notice = view.notice
    todo = pending(session.document().answers)
    if not todo:
        return 0
    expected = sum(_expected(a) for a in todo)
    drafts = sum(a.revision_pending for a in todo)
    notice((f"Transcribing {_count(drafts, 'live answer')} again as a whole, then listening "
            f"to {_count(len(todo), 'answer')} again for “um” and “uh” " if drafts else
            f"Listening to {_count(len(todo), 'answer')} again for “um” and “uh” ") +
           f"(about {max(1, round(expected))} s; Ctrl-C skips it, "
           f"`{resume_command(session.dir)}` finishes it later).")
    added = 0
    done = failed = revised = 0
    # The estimate above is fitted on one machine; machines differ (2 cores of another kind
    # took 2-3 times as long). What the answers done so far took scales the rest.
    spent = expected_done = 0.0
    try:
        for number, answer in enumerate(todo, 1):
            rest = sum(_expected(a) for a in todo[number - 1:])
            left = rest * spent / expected_done if expected_done > 0 else None
            try:
                audio = session.recorded_audio(answer)
                started = time.perf_counter()
                on_interrupt = partial(notice, "Skipping the rest of the second listen: "
                                       "stopping the decoding under way…")
                with view.listening_again(number, len(todo), audio.duration, left), \
                        (stop.decoding() if stop else nullcontext()):
                    # On a worker thread: Ctrl-C is answered at once, not when the
                    # decoder's current call returns (seconds; tens on a busy machine).
                    final = [Word(w.word, w.start, w.end, w.probability)
                             for w in answer.words]
                    if answer.revision_pending:
                        whole = interruptible(partial(transcriber.transcribe, audio),
                                              on_interrupt=on_interrupt)
                        # A whole decoding that heard nothing (the draft has words) would
                        # lose the answer's transcript: the draft stays.
                        if whole.words:
                            session.log.append(
                                TranscriptRevised, turn=answer.turn, model=whole.model,
                                seconds=round(time.perf_counter() - started, 3),
                                **{k: v for k, v in whole.to_dict().items() if k != "model"})
                            final = list(whole.words)
                            revised += 1
                    result = interruptible(
                        partial(listen_for_fillers, transcriber, audio, final),
                        on_interrupt=on_interrupt)
                spent += time.perf_counter() - started
                expected_done += _expected(answer, audio.duration)
            except Exception as exc:
                # The pass only adds to answers already saved and analysed: a failure here
                # (an unreadable saved recording, a decoder error) must not turn a finished
                # interview into a failed one. The answer stays pending, and says why.
                why = (f"Could not listen again to answer {answer.turn} ({exc}); its fillers "
                       f"may be undercounted. `{resume_command(session.dir)}` tries again.")
                session.log.append(Notice, text=why, turn=answer.turn)
                notice(why)
                failed += 1
                continue
            session.log.append(FillersHeard, turn=answer.turn, model=result.model,
                               version=result.version, seconds=result.seconds,
                               added=[FillerRecord(word=w.word, start=w.start, end=w.end,
                                                   probability=w.probability, before=w.before,
                                                   replaces=w.replaces)
                                      for w in result.added])
            added += len(result.added)
            done += 1
    except KeyboardInterrupt:
        notice(f"Stopped listening again after {done} of {len(todo)} answers; "
               f"`{resume_command(session.dir)}` finishes it.")
        return added
    session.checkpoint()
    notice((f"Second listen: {_count(revised, 'live answer')} transcribed again as a whole; "
            if revised else "Second listen: ")
           + (f"added {_count(added, 'filler')} Whisper had left out." if added
              else "no filler was left out.")
           + (f" {_count(failed, 'answer')} could not be listened to again (see above)."
              if failed else ""))
    return added


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
