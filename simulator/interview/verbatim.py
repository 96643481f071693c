"""The verbatim pass over a session's answers, run when the interview is over.

`audio.fillers` listens to an answer again for the "um"s and "uh"s Whisper's default decoding
left out. It decodes each answer twice more (an eighth to two fifths of a long answer's
length with base on two cores, by the machine), so it never runs while the candidate waits
for the next question: `run` and `resume` call :func:`listen_again` after the last answer,
before the report is written. Each answer's result is saved as an event the moment it is
known, so Ctrl-C (or a crash) loses none of it; answers not reached stay *pending*, the
report says so, and `mock-interview resume ID` runs the rest. The decoding runs on a worker
thread (`audio.interruptible`): a Ctrl-C is answered at once, not when the decoder's
current call returns. An answer the pass fails on
(an unreadable saved recording, a decoder error) stays pending too, with a notice saying
why: the interview is still complete.
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
from simulator.sessions.records import AnswerRecord, FillerRecord, FillersHeard, Notice
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


def expected_seconds(audio_s: float) -> float:
    """About how long the pass takes over one answer of ``audio_s`` seconds."""
    return _WORK_PER_FIRST_WINDOW_S * min(audio_s, _FIRST_WINDOW_S) + _WORK_PER_AUDIO_S * audio_s


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
    expected = sum(expected_seconds(a.audio_seconds or 0.0) for a in todo)
    notice(f"Listening to {_count(len(todo), 'answer')} again for “um” and “uh” "
           f"(about {max(1, round(expected))} s; Ctrl-C skips it, "
           f"`{resume_command(session.dir)}` finishes it later).")
    added = 0
    done = failed = 0
    # The estimate above is fitted on one machine; machines differ (2 cores of another kind
    # took 2-3 times as long). What the answers done so far took scales the rest.
    spent = expected_done = 0.0
    try:
        for number, answer in enumerate(todo, 1):
            rest = sum(expected_seconds(a.audio_seconds or 0.0) for a in todo[number - 1:])
            left = rest * spent / expected_done if expected_done > 0 else None
            try:
                audio = session.recorded_audio(answer)
                words = [Word(w.word, w.start, w.end, w.probability) for w in answer.words]
                started = time.perf_counter()
                with view.listening_again(number, len(todo), audio.duration, left), \
                        (stop.decoding() if stop else nullcontext()):
                    # On a worker thread: Ctrl-C is answered at once, not when the
                    # decoder's current call returns (seconds; tens on a busy machine).
                    result = interruptible(
                        partial(listen_for_fillers, transcriber, audio, words),
                        on_interrupt=partial(notice, "Skipping the rest of the second "
                                             "listen: stopping the decoding under way…"))
                spent += time.perf_counter() - started
                expected_done += expected_seconds(answer.audio_seconds or audio.duration)
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
    notice((f"Second listen: added {_count(added, 'filler')} Whisper had left out." if added
            else "Second listen: no filler was left out.")
           + (f" {_count(failed, 'answer')} could not be listened to again (see above)."
              if failed else ""))
    return added


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
