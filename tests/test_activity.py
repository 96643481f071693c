"""Voice activity from the VAD and the signal's level together (`audio.activity`), and the
end-of-answer rule that reads it. Real speech from the development set; synthetic noise."""

from __future__ import annotations

import numpy as np
import pytest

from audio.activity import QUIET, SOUND, SPEECH, ActivitySettings, StreamingActivity, analyse, spans
from audio.clip import SAMPLE_RATE
from audio.endpointing import SILENCE, EndOfAnswer, EndpointSettings
from audio.vad import FRAME_S

from audio_fixtures import answer_with_pauses, pink_noise, weak_vad_answer


def longest_run(mask) -> float:
    best = run = 0
    for value in mask:
        run = run + 1 if value else 0
        best = max(best, run)
    return best * FRAME_S


def vad_only_silence(probabilities, settings=ActivitySettings()) -> list[bool]:
    """Frames a VAD-only timer would count as silence (Silero with its hysteresis)."""
    speaking, out = False, []
    for p in probabilities:
        if p >= settings.vad.threshold:
            speaking = True
        elif p < settings.vad.neg_threshold:
            speaking = False
        out.append(not speaking)
    return out


def test_feeding_blocks_of_any_size_gives_exactly_the_whole_clip_result():
    known = answer_with_pauses(["librispeech_1272-128104-0000.wav", "mfa_uhum.wav"])
    samples = known.audio.samples
    whole = analyse(samples, initial_floor_db=-70.0)
    streaming = StreamingActivity(initial_floor_db=-70.0)
    rng = np.random.default_rng(3)
    at = 0
    while at < len(samples):
        size = int(rng.integers(100, 3000))
        streaming.feed(samples[at: at + size])
        at += size
    result = streaming.result()
    assert np.array_equal(result.states, whole.states)
    assert np.allclose(result.floors, whole.floors) and np.allclose(result.smoothed, whole.smoothed)


def test_a_soft_voice_the_vad_misses_keeps_the_answer_open_and_is_timed():
    answer = weak_vad_answer()
    activity = analyse(answer.audio.samples)
    inside = slice(int(answer.speech_start / FRAME_S), int(answer.speech_end / FRAME_S))
    # The trap is real: Silero alone hears no speech for longer than the 5 s silence limit...
    assert longest_run(vad_only_silence(activity.probabilities[inside])) > 6.0
    # ...but the soft voice is well above the fan, so the only quiet is the real pause.
    assert longest_run(activity.states[inside] == QUIET) < answer.pause_s + 0.5
    endpoint = EndOfAnswer(EndpointSettings(silence_s=5.0))
    for state in activity.states:
        if endpoint.update(int(state), FRAME_S) == SILENCE:
            break
    # It ends 5 s after the last word (not inside the answer), and is timed from the soft start.
    assert answer.speech_end + 5.0 - 0.1 <= endpoint.elapsed <= answer.speech_end + 5.5
    found = spans(activity)
    assert abs((found[-1].end - found[0].start) - answer.speech_seconds) <= 0.3


def test_digital_silence_does_not_sink_the_noise_floor():
    # A virtual or muted input sends zeros before the room noise and speech arrive: the zeros
    # must not make the room's own noise look like someone speaking.
    known = answer_with_pauses(["librispeech_1272-128104-0000.wav"], lead_s=1.5, tail_s=2.0)
    samples = np.concatenate([np.zeros(SAMPLE_RATE, np.float32), known.audio.samples])
    found = spans(analyse(samples, initial_floor_db=None))
    assert len(found) == 1
    assert found[0].start == pytest.approx(1.0 + known.speech_start, abs=0.1)
    assert found[0].end - found[0].start == pytest.approx(known.speech_seconds, abs=0.3)


@pytest.mark.parametrize("lead_zeros", [8000, 8137, 8301, 300, 352, 416])
def test_room_noise_between_digital_silences_is_not_speech(lead_zeros):
    """A file or device that sends zeros, then room noise, speech, room noise, zeros. The
    frames beside the zeros are part zeros and read 10 dB or more below the room: they must
    not sink the floor, or the room noise after them counts as speech (it once did: 4.5 s
    of it, the whole lead and tail). Less than a frame of zeros is an AAC file's encoder
    delay (1024 samples at 44.1 or 48 kHz: 340-372 once resampled to 16 kHz); its first
    frame, the only one, once seeded the floor and the whole lead was timed as speech."""
    known = answer_with_pauses(["jfk_inaugural_1961.wav"], lead_s=2.0, tail_s=2.5)
    samples = np.concatenate([np.zeros(lead_zeros, np.float32), known.audio.samples,
                              np.zeros(SAMPLE_RATE, np.float32)])
    found = spans(analyse(samples))
    assert found[0].start == pytest.approx(lead_zeros / SAMPLE_RATE + known.speech_start, abs=0.1)
    assert found[-1].end - found[0].start == pytest.approx(known.speech_seconds, abs=0.1)


def test_steady_fan_noise_alone_is_quiet_and_a_cough_is_not_speech():
    fan = pink_noise(6.0, -45.0, seed=1)
    cough = np.zeros_like(fan)
    at = 3 * SAMPLE_RATE
    burst = np.random.default_rng(2).standard_normal(int(0.15 * SAMPLE_RATE)) * 0.05
    cough[at: at + len(burst)] = burst
    activity = analyse(fan + cough)
    assert np.mean(activity.states == QUIET) > 0.95
    assert spans(activity) == []
    assert set(np.unique(activity.states)) <= {QUIET, SOUND, SPEECH}


def test_settings_round_trip_through_the_saved_form():
    settings = ActivitySettings(sound_db=7.5)
    assert ActivitySettings.from_dict(settings.to_dict()) == settings
