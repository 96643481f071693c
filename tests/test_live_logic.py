"""Unit tests of the live-answer logic: end-of-answer rules, chunking and speculation,
crash-safe WAV files, keys, stop signals. Test doubles stand in for Whisper here only; the
real model and devices are exercised in test_live.py."""

from __future__ import annotations

import os
import struct
import sys
import threading
import time

import numpy as np
import pytest

from audio.activity import QUIET, SOUND, SPEECH, Activity, ActivitySettings, spans
from audio.clip import SAMPLE_RATE
from audio.endpointing import MAX_TIME, NO_SPEECH, SILENCE, EndOfAnswer, EndpointSettings
from audio.errors import DeviceError, DiskWriteError
from audio.incremental import ChunkSettings, IncrementalTranscriber
from audio.io import read_audio
from audio.sources import StopSignal
from audio.transcriber import Segment, Transcript, Word
from audio.vad import FRAME, FRAME_S
from audio.wavstream import WavAppender, repair_wav
from simulator.interview.keys import Keyboard


def feed_frames(endpoint: EndOfAnswer, pattern: list[tuple[bool | int, float]]):
    """``pattern``: (state, seconds) pairs; True/False stand for SPEECH/QUIET."""
    for state, seconds in pattern:
        if state is True or state is False:
            state = SPEECH if state else QUIET
        for _ in range(round(seconds / FRAME_S)):
            reason = endpoint.update(state, FRAME_S)
            if reason:
                return reason, endpoint.elapsed
    return None, endpoint.elapsed


def test_thinking_pauses_shorter_than_the_silence_limit_never_end_an_answer():
    endpoint = EndOfAnswer(EndpointSettings(silence_s=5.0))
    reason, _ = feed_frames(endpoint, [(False, 8.0), (True, 10), (False, 3.0), (True, 5),
                                       (False, 4.9), (True, 2)])
    assert reason is None  # 8 s before speaking and pauses of 3 and 4.9 s are all fine
    reason, elapsed = feed_frames(endpoint, [(False, 6.0)])
    assert reason == SILENCE and elapsed == pytest.approx(8 + 10 + 3 + 5 + 4.9 + 2 + 5, abs=0.05)


def test_a_click_before_speaking_does_not_arm_the_silence_timer():
    endpoint = EndOfAnswer(EndpointSettings(silence_s=5.0))
    reason, _ = feed_frames(endpoint, [(True, 0.1), (False, 7.0)])
    assert reason is None


def test_maximum_plus_grace_ends_the_answer():
    endpoint = EndOfAnswer(EndpointSettings(max_s=60, grace_s=30))
    reason, elapsed = feed_frames(endpoint, [(True, 200)])
    assert reason == MAX_TIME and elapsed == pytest.approx(90, abs=0.05)


def test_the_time_limit_counts_from_the_first_word_like_the_verdict():
    endpoint = EndOfAnswer(EndpointSettings(max_s=60, grace_s=30))
    reason, elapsed = feed_frames(endpoint, [(False, 12.0), (True, 200)])
    assert reason == MAX_TIME and elapsed == pytest.approx(12 + 90, abs=0.05)
    assert endpoint.speaking_s == pytest.approx(90, abs=0.05)


def test_sound_the_vad_does_not_call_speech_never_lets_silence_end_the_answer():
    # A hoarse voice the VAD misses for 9 s after a pause: sustained sound counts as speech.
    endpoint = EndOfAnswer(EndpointSettings(silence_s=5.0))
    reason, _ = feed_frames(endpoint, [(True, 10), (False, 3.0), (SOUND, 9.0), (False, 4.5),
                                       (True, 5)])
    assert reason is None
    # Any sound well above the floor starts the silence count again: only quiet ends it.
    endpoint = EndOfAnswer(EndpointSettings(silence_s=5.0))
    reason, elapsed = feed_frames(endpoint, [(True, 10), (False, 4.0), (SOUND, 0.1),
                                             (False, 4.0), (SOUND, 0.1), (False, 6.0)])
    assert reason == SILENCE and elapsed == pytest.approx(10 + 4 + 0.1 + 4 + 0.1 + 5.0, abs=0.05)


def test_sound_alone_starts_the_answer_once_sustained_and_nothing_ends_it_as_no_speech():
    endpoint = EndOfAnswer(EndpointSettings(silence_s=5.0, max_s=10, grace_s=5))
    reason, _ = feed_frames(endpoint, [(False, 2.0), (SOUND, 0.2), (False, 1.5)])
    assert reason is None and not endpoint.speech_started  # a click is not an answer
    reason, _ = feed_frames(endpoint, [(SOUND, 1.0)])
    assert endpoint.speech_started and endpoint.speech_start == pytest.approx(3.7, abs=0.05)
    endpoint = EndOfAnswer(EndpointSettings(silence_s=5.0, max_s=10, grace_s=5))
    reason, elapsed = feed_frames(endpoint, [(False, 30)])
    assert reason == NO_SPEECH and elapsed == pytest.approx(15, abs=0.05)


def test_sound_leading_into_speech_starts_the_timer_where_the_saved_measure_starts():
    """A soft onset (sound the VAD hears as speech only later) counts from its start, live
    as in the spans saved with the answer: the timer and the saved speaking time agree."""
    pattern = [(QUIET, 1.0), (SOUND, 0.2), (SPEECH, 3.0), (QUIET, 1.0)]
    endpoint = EndOfAnswer(EndpointSettings(silence_s=5.0))
    feed_frames(endpoint, pattern)
    states = np.concatenate([np.full(round(s / FRAME_S), state, np.int8) for state, s in pattern])
    floors = np.full(len(states), -60.0, np.float32)
    levels = np.where(states == QUIET, -60.0, -30.0).astype(np.float32)
    activity = Activity(np.where(states == SPEECH, 0.9, 0.0).astype(np.float32), levels,
                        levels, floors, states, -60.0, ActivitySettings())
    saved = spans(activity)
    assert endpoint.speech_start == pytest.approx(1.0, abs=0.04)
    assert saved[0].start == pytest.approx(endpoint.speech_start, abs=1e-6)


class SlowEcho:
    """Pretends to transcribe: one word per chunk naming its span; takes ``delay`` seconds."""

    name = "echo"

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.calls: list[float] = []

    def transcribe(self, audio):
        self.calls.append(audio.duration)
        time.sleep(self.delay)
        return Transcript(f"[{audio.duration:.1f}]", [Word("w", 0.1, 0.2, 1.0)],
                          [Segment(0.1, 0.2, f"[{audio.duration:.1f}]")], "echo")


def speech_pattern(pattern: list[tuple[bool, float]]):
    """Audio samples and matching VAD probabilities for a speech/silence pattern."""
    probs, samples = [], []
    for speech, seconds in pattern:
        n = round(seconds / FRAME_S)
        probs += [0.9 if speech else 0.05] * n
        samples.append(np.full(n * FRAME, 0.1 if speech else 0.0, dtype=np.float32))
    return np.concatenate(samples), np.array(probs, dtype=np.float32)


def run_incremental(pattern, settings=ChunkSettings(cover=False), delay=0.0, pace=0.0):
    echo = SlowEcho(delay)
    inc = IncrementalTranscriber(echo, settings)
    samples, probs = speech_pattern(pattern)
    for i in range(len(probs)):
        inc.feed(samples[i * FRAME:(i + 1) * FRAME], list(probs[i:i + 1] > 0.5))
        if pace:
            time.sleep(pace)
    return inc, inc.finish(), echo


def test_chunks_are_cut_at_pauses_once_long_enough_and_word_times_are_shifted():
    settings = ChunkSettings(min_chunk_s=5, max_chunk_s=20, cut_pause_s=0.5, speculate_pause_s=10,
                             cover=False)
    pattern = [(True, 3), (False, 0.6), (True, 3), (False, 0.6), (True, 3), (False, 0.2)]
    inc, transcript, echo = run_incremental(pattern, settings)
    # First cut 0.5 s into the second pause (the first came before 5 s), then the rest.
    assert inc.chunks_committed == 2
    assert echo.calls[0] == pytest.approx(3 + 0.6 + 3 + 0.5, abs=0.05)
    assert transcript.words[1].start == pytest.approx(7.1 + 0.1, abs=0.05)


def test_without_pauses_a_chunk_is_cut_at_the_longest_short_pause_near_its_end():
    settings = ChunkSettings(min_chunk_s=5, max_chunk_s=10, cut_pause_s=0.5, cover=False,
                             speculate_pause_s=10, fallback_pause_s=0.1)
    pattern = [(True, 6), (False, 0.15), (True, 1), (False, 0.3), (True, 4), (False, 0.1)]
    _, _, echo = run_incremental(pattern, settings)
    assert echo.calls[0] == pytest.approx(6 + 0.15 + 1 + 0.15, abs=0.07)  # mid 0.3 s pause


def test_speculation_at_the_last_pause_leaves_only_the_last_words():
    settings = ChunkSettings(min_chunk_s=30, max_chunk_s=40, speculate_pause_s=0.3, cover=False,
                             adopt_spec_s=30)
    pattern = [(True, 6), (False, 0.4), (True, 6), (False, 0.4), (True, 1.0), (False, 0.3)]
    inc, transcript, echo = run_incremental(pattern, settings, pace=0.0005)
    assert inc.speculative_hits == 1
    # The adopted speculation covered everything up to the last pause; the tail is ~1.3 s.
    assert echo.calls[-1] < 1.5
    assert len(transcript.segments) == 2


def test_a_finished_speculation_becomes_a_chunk_so_the_open_chunk_stays_short():
    # No pause is long enough to cut at (min_chunk_s 30), but the speculation finished at
    # the first pause holds 6.3 s >= adopt_spec_s: at the next pause it becomes a chunk and
    # only the audio since it is speculated again, so nothing is decoded twice and the last
    # decode is short.
    settings = ChunkSettings(min_chunk_s=30, max_chunk_s=40, speculate_pause_s=0.3, cover=False,
                             adopt_spec_s=5)
    pattern = [(True, 6), (False, 0.4), (True, 3), (False, 0.4), (True, 1.0), (False, 0.4)]
    inc, transcript, echo = run_incremental(pattern, settings, pace=0.0005)
    assert echo.calls == pytest.approx([6.3, 3.4, 4.8], abs=0.1)
    assert inc.chunks_committed == 2 and inc.speculative_hits == 1
    assert transcript.words[1].start == pytest.approx(6.3 + 0.1, abs=0.05)


def test_transcriber_errors_surface_from_finish():
    class Broken:
        name = "broken"

        def transcribe(self, audio):
            raise RuntimeError("model exploded")

    inc = IncrementalTranscriber(Broken(), ChunkSettings(min_chunk_s=1))
    samples, probs = speech_pattern([(True, 2), (False, 1)])
    inc.feed(samples, list(probs > 0.5))
    with pytest.raises(RuntimeError, match="model exploded"):
        inc.finish()


def test_wav_appender_is_readable_at_any_moment_and_repairs_after_a_crash(tmp_path):
    path = tmp_path / "answer.wav"
    writer = WavAppender(path, sync_every_s=1.0)
    tone = (0.2 * np.sin(np.arange(SAMPLE_RATE * 3) / 5)).astype(np.float32)
    writer.append(tone[: SAMPLE_RATE * 2])
    # Mid-recording: the header already covers the synced part.
    assert read_audio(path).duration == pytest.approx(2.0, abs=0.01)
    writer.append(tone[SAMPLE_RATE * 2: SAMPLE_RATE * 2 + 8000])  # not synced yet
    writer._fh.flush()  # the process "dies" here: the writer is never closed
    with open(path, "ab") as fh:
        fh.write(b"\x01")  # half a sample, as a crash mid-write can leave
    assert struct.unpack("<I", path.read_bytes()[40:44])[0] == SAMPLE_RATE * 2 * 2
    assert repair_wav(path) is True
    assert read_audio(path).duration == pytest.approx(2.5, abs=0.01)
    assert repair_wav(path) is False


def test_a_full_disk_while_recording_is_a_clear_error():
    writer = WavAppender("/dev/full", sync_every_s=0.01)
    with pytest.raises(OSError) as info:
        writer.append(np.zeros(SAMPLE_RATE, dtype=np.float32))
    error = DiskWriteError("/dev/full", info.value)
    assert "No space left on device" in str(error) and "free some disk space" in str(error)


def test_enter_or_space_on_a_pipe_ends_the_answer_and_end_of_input_does_not():
    read_fd, write_fd = os.pipe()
    stop = StopSignal()
    with open(read_fd, "rb", buffering=0) as reader, Keyboard(reader).during_answer(stop):
        os.write(write_fd, b"x")
        time.sleep(0.2)
        assert not stop.is_set()
        os.write(write_fd, b" ")
        deadline = time.monotonic() + 2
        while not stop.is_set() and time.monotonic() < deadline:
            time.sleep(0.02)
    assert stop.reason == "key"
    os.close(write_fd)

    read_fd, write_fd = os.pipe()
    os.close(write_fd)  # stdin at end of input, as under CI or cron
    stop = StopSignal()
    with open(read_fd, "rb", buffering=0) as reader, Keyboard(reader).during_answer(stop):
        time.sleep(0.3)
    assert not stop.is_set()


def test_first_ctrl_c_ends_the_answer_second_also_the_session():
    from simulator.interview.signals import SessionSignals

    signals = SessionSignals()
    stop = StopSignal()
    signals.answering(stop)
    signals.interrupt()
    assert stop.reason == "interrupted" and not signals.end_session
    signals.interrupt()
    assert signals.end_session


def test_ctrl_c_while_the_interviewer_speaks_cuts_the_question_not_the_session():
    from simulator.interview.signals import SessionSignals

    signals = SessionSignals()
    cut = signals.asking()
    signals.interrupt()
    assert cut.is_set() and signals.question_cut and not signals.end_session
    stop = StopSignal()
    signals.answering(stop)  # the answer is listened for as usual
    assert not stop.is_set()
    signals.interrupt()  # a second press in the same turn ends the session
    assert signals.end_session and stop.reason == "interrupted"


class StuckStream:
    """Pretends to be a PortAudio output stream that plays until aborted and whose release
    never returns (a drain or close stuck on the sound server)."""

    def __init__(self) -> None:
        self.active = True
        self.calls: list[str] = []
        self.stuck = threading.Event()  # never set: stop and abort wait on it for ever

    def abort(self, ignore_errors=True):
        self.calls.append("abort")
        self.stuck.wait()

    def stop(self, ignore_errors=True):
        self.calls.append("stop")
        self.stuck.wait()

    def close(self, ignore_errors=True):
        self.calls.append("close")


class FakeSounddevice:
    def __init__(self, stream: StuckStream) -> None:
        self.stream = stream

    def play(self, *args, **kwargs):
        pass

    def get_stream(self):
        return self.stream


def test_a_cut_question_is_aborted_and_a_stuck_stream_does_not_hang_the_interview(monkeypatch):
    import audio.playback as playback
    from audio.clip import Audio
    from audio.devices import Device

    stream = StuckStream()
    monkeypatch.setattr(playback, "sounddevice_module", lambda: FakeSounddevice(stream))
    monkeypatch.setattr(playback, "RELEASE_LIMIT_S", 0.2)
    device = Device(0, "virtual_speaker", 0, 1, SAMPLE_RATE, "ALSA")
    stop = threading.Event()
    stop.set()  # Ctrl-C while the line plays
    played = playback.play(Audio(np.zeros(SAMPLE_RATE * 5, np.float32)), device, stop)
    # Cut short, its queue dropped (abort, not a drain), and play() returned although the
    # stream never gave itself back.
    assert played is False and stream.calls == ["abort"]


def test_missing_sounddevice_package_is_explained(monkeypatch):
    from audio.devices import list_devices

    monkeypatch.setitem(sys.modules, "sounddevice", None)
    with pytest.raises(DeviceError, match="sounddevice package is not installed"):
        list_devices()


class Skipping:
    """Pretends to be Whisper stopping early: it hears only the first two seconds of whatever
    it is given, and reports one word per second there."""

    name = "skipping"

    def __init__(self):
        self.calls: list[float] = []

    def transcribe(self, audio):
        self.calls.append(audio.duration)
        words = [Word(f"w{len(self.calls)}-{i}", i + 0.1, i + 0.6, 1.0)
                 for i in range(int(min(2, audio.duration)))]
        text = " ".join(w.word for w in words)
        return Transcript(text, words, [Segment(0.1, words[-1].end, text)] if words else [],
                          "skipping")


def test_speech_a_chunk_decode_left_out_is_decoded_again():
    from audio.clip import Audio
    from audio.coverage import covered

    # 8 s of speech in one chunk; the decoder stops after 2 s (as Whisper does after a
    # lone timestamp): the rest is decoded again, at most twice, and joined in order.
    voiced = [True] * round(8 / FRAME_S)
    model = Skipping()
    first = model.transcribe(Audio(np.zeros(8 * SAMPLE_RATE, np.float32)))
    result = covered(first, 0, 8 * SAMPLE_RATE, voiced, model.transcribe,
                     lambda a, b: Audio(np.zeros(b - a, np.float32)))
    assert len(model.calls) == 3
    starts = [w.start for w in result.words]
    assert starts == sorted(starts) and len(result.words) == 6
    assert result.words[2].start == pytest.approx(1.6 + 0.1, abs=0.05)  # after the first stop
    # Where nobody spoke after the last word, nothing is decoded again.
    quiet_after = [True] * round(2 / FRAME_S) + [False] * round(6 / FRAME_S)
    model = Skipping()
    first = model.transcribe(Audio(np.zeros(8 * SAMPLE_RATE, np.float32)))
    result = covered(first, 0, 8 * SAMPLE_RATE, quiet_after, model.transcribe,
                     lambda a, b: Audio(np.zeros(b - a, np.float32)))
    assert len(model.calls) == 1 and result is first


def test_words_decoded_again_over_silence_are_dropped():
    from audio.clip import Audio
    from audio.coverage import covered

    # Speech 0-2 s and 4-5 s; the decoder's extra pass "hears" words in the silence too.
    voiced = ([True] * round(2 / FRAME_S) + [False] * round(2 / FRAME_S)
              + [True] * round(1 / FRAME_S) + [False] * round(3 / FRAME_S))
    model = Skipping()
    first = model.transcribe(Audio(np.zeros(8 * SAMPLE_RATE, np.float32)))
    result = covered(first, 0, 8 * SAMPLE_RATE, voiced, model.transcribe,
                     lambda a, b: Audio(np.zeros(b - a, np.float32)))
    # The extra decode starts at 1.6 s: its words at 1.7 s (voiced) and 2.7 s (silence);
    # only the voiced one is kept.
    assert [round(w.start, 1) for w in result.words] == [0.1, 1.1, 1.7]
