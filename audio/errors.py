"""Error types raised by the audio layer.

Every message is written for the person at the keyboard: it says what happened and, where
there is one, what to do about it. The CLI shows the message as a single line.
"""

from __future__ import annotations


class ActionableError(Exception):
    """An error the user can act on: what happened, and (optionally) what to do.

    The base of every error the CLI reports as one line; `simulator.errors` builds on it.
    """

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class AudioError(ActionableError):
    """Base class for audio-layer failures."""


class AudioFileError(AudioError):
    """An audio file is missing, empty, unreadable, corrupt or holds no speech."""


class ModelError(AudioError):
    """The Whisper model cannot be found or loaded."""


class SpeechSynthesisError(AudioError):
    """The text-to-speech engine is missing or produced no audio."""


class UnknownVoiceError(SpeechSynthesisError):
    """The text-to-speech engine has no voice of the name asked for."""


class DeviceError(AudioError):
    """A sound device is missing, unusable or disappeared."""


class DiskWriteError(AudioError):
    """An answer's audio cannot be written (disk full, folder gone): stop recording, since
    nothing more could be kept; what is already in the file stays readable."""

    def __init__(self, path, exc: OSError) -> None:
        import errno

        hint = "free some disk space" if exc.errno == errno.ENOSPC else None
        super().__init__(f"cannot write the answer audio {path}: {exc.strerror or exc}", hint)
