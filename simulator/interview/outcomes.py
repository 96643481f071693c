"""Why a turn ended the way it did, in words that say what to do: an answer with no speech
(silence, steady noise and sounds that are not speech are different problems), a microphone
that disappeared, which turn it was."""

from __future__ import annotations

from audio.activity import Activity
from audio.errors import AudioFileError, DeviceError
from audio.sources import Recording
from simulator.interview.turns import Turn

# Below this, a recording is too short to tell its background from its sound (the noise
# floor is seeded on the first 0.5 s: `audio.activity.ActivitySettings.seed_s`).
TOO_SHORT_S = 1.0


def no_speech(recording: Recording, activity: Activity) -> AudioFileError:
    """Why an answer holds no speech, in words that say what to do: silence, steady noise and
    sounds that are not speech are different problems."""
    what = recording.source or "the answer"
    live = recording.source is None
    loud = activity.loudest_db
    floor = activity.initial_floor_db
    if (recording.end_reason == "key" and live
            and loud < (floor or -90) + activity.settings.sound_db):
        return AudioFileError("no answer recorded: Enter was pressed before anything was said",
                              "press r to answer again")
    duration = recording.audio.duration
    if duration < TOO_SHORT_S and loud > -60:
        # The background is measured on the recording's first half second: in a clip this
        # short that is all of it, so its sound would be "steady background noise".
        return AudioFileError(f"no speech found in {what}: it is only {duration:.1f} s long, "
                              "too short to hold an answer",
                              "press r to answer again" if live else
                              "is it the right recording, and is it whole?")
    if loud <= -60:
        hint = ("is the microphone muted or its input volume at zero?" if live
                else "check that it is the right file and that it plays")
        return AudioFileError(f"no speech found in {what}: it is silent (loudest moment "
                              f"{loud:.0f} dBFS)", hint)
    if floor is None or loud < floor + activity.settings.sound_db:
        return AudioFileError(
            f"no speech found in {what}: it holds only steady background noise (about "
            f"{loud:.0f} dBFS)",
            "is the microphone picking up only a fan or a hum?" if live
            else "is it the right recording?")
    return AudioFileError(
        f"no speech found in {what}: it holds sound (up to {loud:.0f} dBFS over a background "
        f"of {floor:.0f} dBFS) but nothing recognisable as speech",
        "is it the right recording?" if not live else
        "is the microphone picking up only noise? Speak closer to it")


def describe_turn(turn: Turn) -> str:
    if turn.kind == "main":
        return f"question {turn.position or turn.number} ({turn.question.id})"
    return f"follow-up {turn.depth} to {turn.follows}"


def device_lost(resume: str) -> DeviceError:
    return DeviceError(
        "the microphone stopped delivering audio (unplugged, or the sound server stopped)",
        f"the answer so far is saved; reconnect it and continue with: {resume}",
    )
