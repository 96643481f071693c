"""Long decodings that Ctrl-C can stop at once, rather than when the decoder returns.

Python runs a signal handler only in the main thread, and only between two of its own
instructions: while the main thread is inside CTranslate2 (one encoding or beam search of a
batch of windows, several seconds on two cores, tens when the machine is busy) a Ctrl-C is
not even seen, so the user presses it and nothing happens. :func:`interruptible` runs the
work on a worker thread instead and waits for it in a loop the signal does interrupt: the
caller hears of the Ctrl-C at once (``on_interrupt``, to tell the user what happens now),
and the work is stopped where a Ctrl-C in the main thread would have stopped it, at the
first Python instruction after the decoder's current call (an exception raised in the
worker, `PyThreadState_SetAsyncExc`). Nothing the work had not finished is kept: like a
KeyboardInterrupt, the stop discards the call's partial results, and the caller gets the
KeyboardInterrupt once the worker has ended, so no decoder runs on behind its back.

The decoder itself cannot be cut short: the wait after a Ctrl-C is its current call. A
third Ctrl-C stops waiting for it (the way out of a decoder that hangs); the decoder then runs
on in a daemon thread until the program exits, which on these machines ended it cleanly.
"""

from __future__ import annotations

import ctypes
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
POLL_S = 0.1  # the main thread's wait is cut in slices this long (signals land between)


class Cancelled(BaseException):
    """Raised inside the worker to stop the work (a BaseException, like KeyboardInterrupt:
    code that catches Exception to carry on must not carry on)."""


def interruptible(work: Callable[[], T], on_interrupt: Callable[[], None] | None = None) -> T:
    """``work()``, run so that a KeyboardInterrupt (Ctrl-C, or a signal handler raising it)
    reaches the caller at once: ``on_interrupt`` is called, the work is stopped at its next
    Python instruction, and the KeyboardInterrupt is raised once the worker has ended. Off
    the main thread (where no signal is delivered) ``work`` simply runs."""
    if threading.current_thread() is not threading.main_thread():
        return work()
    outcome: dict[str, object] = {}
    lock = threading.Lock()
    state = {"running": False, "finished": False, "cancelled": False}
    # Waited for with an Event, not Thread.join: a join that a KeyboardInterrupt cuts short
    # can mark a thread that is still running as ended (CPython 3.11, bpo-45274's fix
    # releases the running thread's own lock), and the caller would not wait for it.
    done = threading.Event()

    def run() -> None:
        # Two levels: the stop may land in the work, or just after it while the outcome is
        # stored; either way it ends here and never escapes the thread as a traceback.
        try:
            try:
                with lock:
                    if state["cancelled"]:  # the Ctrl-C came while the thread started
                        raise Cancelled
                    state["running"] = True
                outcome["value"] = work()
            except BaseException as exc:  # handed back to the caller below
                outcome["error"] = exc
            with lock:
                state["finished"] = True
        except Cancelled:
            pass
        finally:
            done.set()

    worker = threading.Thread(target=run, name="interruptible-work", daemon=True)
    try:
        # Started inside the try: work that starts at once can be interrupted at once (a
        # signal it sends itself lands before the next line of this thread).
        worker.start()
        while not done.wait(POLL_S):
            pass
    except KeyboardInterrupt:
        # From here on a signal only counts (`_counted`): a second Ctrl-C, or a SIGTERM
        # raising KeyboardInterrupt, landing while the user is told or the worker stopped
        # would otherwise cut this short and leave the decoding running to its end.
        with _counted() as presses:
            with lock:
                state["cancelled"] = True
                running = state["running"] and not state["finished"]
                if running:
                    _raise_in(worker, Cancelled)
            if on_interrupt is not None:
                try:
                    on_interrupt()
                except Exception:  # telling is best effort (a terminal gone): stopping is not
                    pass
            # A second press changes nothing; a third stops waiting, the way out if the
            # decoder hangs (the worker is a daemon thread: it dies with the program).
            while running and not done.wait(POLL_S) and presses[0] < 2:
                pass
            if done.is_set():
                worker.join()  # its last instruction; no signal can cut this join short now
        raise
    worker.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def _raise_in(thread: threading.Thread, exc: type[BaseException]) -> None:
    """Raise ``exc`` in ``thread`` at its next Python instruction (CPython's own API for it;
    a thread inside C code sees it when that code returns)."""
    if thread.ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident),
                                                   ctypes.py_object(exc))


@contextmanager
def _counted() -> Iterator[list[int]]:
    """While the block runs, the Python handlers of SIGINT, SIGTERM and SIGHUP still run but
    cannot raise: a KeyboardInterrupt they raise is counted in the list yielded instead."""
    presses = [0]
    previous: dict[int, Callable[..., Any]] = {}

    def counted(signum: int, frame: Any) -> None:
        try:
            previous[signum](signum, frame)
        except KeyboardInterrupt:
            presses[0] += 1

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        handler = signal.getsignal(sig)
        if callable(handler):
            previous[sig] = handler
            signal.signal(sig, counted)
    try:
        yield presses
    finally:
        for number, restored in previous.items():
            signal.signal(number, restored)
