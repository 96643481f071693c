"""The error funnel: the few error types the CLI turns into one clear line and an exit code.

Audio-layer errors (`audio.errors.AudioError`) are funnelled the same way; these are the
interview-level ones. Each carries a message saying what happened and, where useful, a hint
saying what to do.
"""

from __future__ import annotations

from audio.errors import ActionableError


class SimulatorError(ActionableError):
    """Base class for interview-level failures."""


class ScriptError(SimulatorError):
    """An interview script cannot be found, parsed or validated."""


class StorageError(SimulatorError):
    """The sessions folder cannot be written or a session cannot be read."""


class SessionNotFound(SimulatorError):
    """``review ID`` names no saved session."""


class InterviewIncomplete(SimulatorError):
    """The interview stopped before the last question; what was recorded is saved."""

    exit_code = 1


UserFacingError = ActionableError
