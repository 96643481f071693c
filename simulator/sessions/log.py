"""The session's event log: the source of truth for everything shown afterwards.

Every step of the loop appends a typed event (`sessions.records`), stamped with ``t``, the
seconds since the session started on an injected monotonic clock, so times are testable.
Answers, transcripts, timing and every later analysis are projections of this log
(`sessions.project`), which is what lets reports be regenerated for any saved session.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from simulator.sessions.records import E, Event


class EventLog:
    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sink: Callable[[Event], None] | None = None,
        events: Sequence[Event] = (),
    ) -> None:
        self._clock = clock
        self._sink = sink
        self.events: list[Event] = list(events)
        # When continuing an existing log, keep times increasing from where it stopped.
        offset = self.events[-1].t if self.events else 0.0
        self._origin = clock() - offset

    def now(self) -> float:
        return round(self._clock() - self._origin, 3)

    def append(self, event_type: type[E], /, **fields: Any) -> E:
        """Record an event of ``event_type`` now; the sink (the session file) gets it first."""
        event = event_type.model_validate({"t": self.now(), "type": event_type.TYPE, **fields})
        self.events.append(event)
        if self._sink is not None:
            self._sink(event)
        return event

    def of(self, event_type: type[E]) -> list[E]:
        return [e for e in self.events if isinstance(e, event_type)]
