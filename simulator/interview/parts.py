"""Factories that build the loop's parts from command-line choices.

Kept apart from the loop so the loop never decides which devices or models exist, and from
the CLI so the same choices can be made from Python. All heavy loading happens here.
"""

from __future__ import annotations

from audio.playback import find_output_device
from audio.speaker import Speaker, TextOnlySpeaker, TtsSpeaker
from audio.tts import Pyttsx3Synthesizer, Voice
from simulator.config.script import Interviewer

TTS_MODES = ("speak", "file", "off")


def build_speaker(
    mode: str, interviewer: Interviewer, output_device: str | None = None
) -> tuple[Speaker, str | None]:
    """The interviewer's voice for ``--tts MODE``, and a one-line notice if it fell back."""
    if mode == "off":
        return TextOnlySpeaker(), None
    synth = Pyttsx3Synthesizer(Voice(interviewer.voice, interviewer.rate))
    if mode == "file":
        return TtsSpeaker(synth, None), None
    device = find_output_device(output_device)
    if device is None:
        notice = (
            "No sound output device found: the interviewer's questions are written to the "
            "session folder instead of played (--tts file)."
        )
        return TtsSpeaker(synth, None), notice
    return TtsSpeaker(synth, device), None
