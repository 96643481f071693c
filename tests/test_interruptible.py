"""audio.interruptible: a Ctrl-C is answered while the work is still inside a long call, the
work stops at the first instruction after it, and nothing runs on behind the caller's back.

The "long call" here is ``time.sleep`` on the worker thread: like a CTranslate2 decode, it
does not return to Python until it is done, so nothing can stop the thread inside it."""

from __future__ import annotations

import threading
import time

import pytest

from audio.interruptible import interruptible


@pytest.fixture
def ctrl_c(ctrl_c_after):
    """Sends SIGINT to this process at the given delays (seconds) (conftest's
    ``ctrl_c_after``, one timer each)."""
    def at(*delays: float) -> None:
        for delay in delays:
            ctrl_c_after(delay)

    return at


def _workers_alive() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "interruptible-work" and t.is_alive()]


def test_the_value_and_the_error_of_the_work_come_back():
    assert interruptible(lambda: 42) == 42
    with pytest.raises(ValueError, match="bad audio"):
        interruptible(lambda: (_ for _ in ()).throw(ValueError("bad audio")))
    assert not _workers_alive()


def test_off_the_main_thread_the_work_runs_in_place():
    names = []

    def caller() -> None:
        names.append(interruptible(lambda: threading.current_thread().name))

    thread = threading.Thread(target=caller, name="the-caller")
    thread.start()
    thread.join()
    assert names == ["the-caller"]


def test_ctrl_c_is_answered_during_a_call_and_the_work_stops_right_after_it(ctrl_c):
    events: list[object] = []

    def work() -> str:
        for step in range(40):
            time.sleep(0.25)  # one decoder call: nothing stops the thread inside it
            events.append(step)
        events.append("finished")
        return "done"

    ctrl_c(0.6)  # in the middle of the third call (0.5-0.75 s)
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        interruptible(work, on_interrupt=lambda: events.append("told"))
    # Told while a call was still running, before it returned (about the third)...
    told = events.index("told")
    assert events[:told] == list(range(told)) and told >= 1
    # ...and stopped at the first instruction after it (at most its own step logged), with
    # the worker ended before the KeyboardInterrupt reached the caller.
    assert events[told + 1:] in ([], [told])
    assert not _workers_alive()
    assert time.monotonic() - started < 5  # not the forty calls (10 s): it did stop


def test_a_second_signal_while_the_user_is_told_still_stops_the_work(ctrl_c):
    """A second Ctrl-C (or a SIGTERM) landing while the first one is being handled, here
    while the user is told, must not cut that handling short: the work is stopped all the
    same, and nothing runs on behind the caller."""
    events: list[object] = []

    def work() -> None:
        for step in range(40):
            time.sleep(0.25)
            events.append(step)
        events.append("finished")

    def tell() -> None:
        events.append("told")
        time.sleep(0.6)  # the second press lands here

    ctrl_c(0.6, 0.9)
    with pytest.raises(KeyboardInterrupt):
        interruptible(work, on_interrupt=tell)
    assert not _workers_alive()
    assert "finished" not in events and len(events) - events.index("told") - 1 <= 1


def test_more_presses_while_waiting_change_nothing_until_the_third(ctrl_c):
    """After the first Ctrl-C the caller waits for the call under way; a second press
    changes nothing; a third stops waiting (the way out of a decoder that hangs)."""
    log: list[str] = []

    def hung() -> None:
        time.sleep(4)  # a call that does not return for a while
        log.append("returned")

    ctrl_c(0.2, 0.8, 1.4)  # apart enough never to arrive as one signal
    with pytest.raises(KeyboardInterrupt):
        interruptible(hung, on_interrupt=lambda: log.append("told"))
    assert log == ["told"]  # it stopped waiting while the call was still under way
    assert _workers_alive()
    for thread in _workers_alive():
        thread.join(10)
    assert log == ["told"] and not _workers_alive()  # and the stop landed after the call


def test_a_failure_to_tell_the_user_does_not_stop_the_stop(ctrl_c):
    """Telling the user is best effort (a terminal closed under the program): the work is
    stopped and the KeyboardInterrupt raised all the same."""
    events: list[object] = []

    def work() -> None:
        for step in range(40):
            time.sleep(0.25)
            events.append(step)

    def broken_terminal() -> None:
        raise BrokenPipeError("the terminal is gone")

    ctrl_c(0.4)
    with pytest.raises(KeyboardInterrupt):
        interruptible(work, on_interrupt=broken_terminal)
    assert not _workers_alive() and len(events) <= 3
