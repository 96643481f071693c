"""Ctrl-C, a closed terminal and ``kill``: ending what is happening without losing anything.

For the whole interview the handlers only set flags that the loop acts on at safe points, so
a signal never lands in the middle of saving an answer:

- **Ctrl-C once** ends what is happening now: the interviewer's line is cut short (the answer
  is listened for as usual), or the answer being recorded ends and is saved.
- **Ctrl-C twice** in one turn ends the session, once the answer so far is saved.
- A **third** press in one turn raises KeyboardInterrupt at once: the way out if something hangs.
- **SIGTERM** and **SIGHUP** (the terminal was closed) end the session after saving, like a
  double Ctrl-C (in the verbatim pass after the last answer, like the Ctrl-C that skips it).
  After SIGHUP there is no terminal any more, so standard output and error are pointed at
  /dev/null: writing to a vanished terminal would fail in the middle of saving.

With answers from files there is nothing live to cut short: the first Ctrl-C ends the
session after the current answer is saved.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from audio.sources import StopSignal


class SessionSignals:
    """What the handlers found, for the loop to act on; ``phase`` is what is happening now."""

    def __init__(self) -> None:
        self.end_session: str | None = None  # why the session must end, once it is safe
        self.question_cut = False
        self._phase = "other"  # "question" (the interviewer speaks), "answer", or "other"
        self._question = threading.Event()
        self._answer: StopSignal | None = None
        self._presses = 0

    # ------------------------------------------------------------------ the loop's side

    def asking(self) -> threading.Event:
        """A new turn's question is about to be said; returns the event that cuts it short."""
        self._presses = 0
        self.question_cut = False
        self._question = threading.Event()
        if self.end_session:
            self._question.set()
        self._phase = "question"
        return self._question

    def answering(self, stop: StopSignal) -> None:
        self._answer = stop
        self._phase = "answer"
        if self.end_session:
            stop.set("interrupted")

    def idle(self) -> None:
        """Between the steps that can be cut short (saving, transcribing, writing)."""
        self._phase = "other"
        self._answer = None

    # ------------------------------------------------------------------ the handlers' side

    def interrupt(self) -> None:
        self._presses += 1
        if self._presses >= 3:
            raise KeyboardInterrupt
        if self._presses == 2 or self._phase == "other":
            self.end_session = self.end_session or "interrupted by the user (Ctrl-C)"
        self._cut()

    def terminate(self, why: str) -> None:
        self.end_session = self.end_session or why
        self._cut()

    def _cut(self) -> None:
        if self._phase == "answer" and self._answer is not None:
            self._answer.set("interrupted")
        elif self._phase == "question" and not self._question.is_set():
            self._question.set()
            self.question_cut = True


@contextmanager
def handled(signals: SessionSignals, live: bool) -> Iterator[SessionSignals]:
    """Install the handlers (main thread only; elsewhere signals keep their defaults)."""
    if threading.current_thread() is not threading.main_thread():
        yield signals
        return

    def on_int(*_):
        if live:
            signals.interrupt()
        elif signals.end_session:
            raise KeyboardInterrupt
        else:
            signals.end_session = "interrupted by the user (Ctrl-C)"

    def on_term(*_):
        signals.terminate("the program was asked to stop (SIGTERM)")

    def on_hup(*_):
        _silence_output()
        signals.terminate("the terminal was closed")

    with _installed({signal.SIGINT: on_int, signal.SIGTERM: on_term, signal.SIGHUP: on_hup}):
        yield signals


class PassStop:
    """SIGTERM or SIGHUP while the verbatim pass runs: it stops as Ctrl-C stops it, but only
    in the middle of a decode (`decoding`), never while a result is being saved; a signal
    between decodes stops the pass before the next one."""

    def __init__(self) -> None:
        self.requested = False
        self._armed = False

    @contextmanager
    def decoding(self) -> Iterator[None]:
        if self.requested:
            raise KeyboardInterrupt
        self._armed = True
        try:
            yield
        finally:
            self._armed = False

    def request(self) -> None:
        self.requested = True
        if self._armed:
            raise KeyboardInterrupt


@contextmanager
def stopped_like_ctrl_c() -> Iterator[PassStop]:
    """SIGTERM and SIGHUP stop the verbatim pass after the last answer as Ctrl-C does (see
    `PassStop`): with the defaults the program died there without a word, its session left
    unfinished and its report unwritten."""
    stop = PassStop()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def on_term(*_):
        stop.request()

    def on_hup(*_):
        _silence_output()
        stop.request()

    with _installed({signal.SIGTERM: on_term, signal.SIGHUP: on_hup}):
        yield stop


@contextmanager
def _installed(handlers: dict[signal.Signals, Callable[..., None]]) -> Iterator[None]:
    """``handlers`` installed while the block runs, the previous ones restored after."""
    previous = {sig: signal.getsignal(sig) for sig in handlers}
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _silence_output() -> None:
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)
    except OSError:
        pass
