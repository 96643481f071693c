"""Live answers from the microphone: record until the answer ends, transcribing as it goes.

For each answer: drop what the microphone heard while the interviewer was speaking, then
read blocks from the microphone queue and, for each one, append it to the answer's WAV on
disk, run the streaming VAD, feed the incremental transcriber, and ask the end-of-answer
detector whether the answer is over. External ends (a key, Ctrl-C) arrive through the
request's :class:`StopSignal`; a device that stops delivering blocks ends the answer with
``device_lost``. Whatever happens, the audio recorded so far is on disk.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from audio.activity import (
    STATE_NAMES,
    ActivitySettings,
    StreamingActivity,
    frame_levels,
    level_db,
    seed_floor,
    silent_edges,
)
from audio.cutpoints import CutPoints
from audio.endpointing import EndOfAnswer, EndpointSettings
from audio.errors import DiskWriteError
from audio.incremental import ChunkSettings, IncrementalTranscriber
from audio.microphone import Microphone
from audio.sources import AnswerRequest, Recording, RecordingProgress
from audio.vad import FRAME_S
from audio.wavstream import WavAppender

DEVICE_LOST_AFTER_S = 1.5
# Room echo and output latency: the tail of the interviewer's voice can reach the microphone
# shortly after playback returns. Audio captured before this much time after the answer
# starts is dropped.
ECHO_GUARD_S = 0.25
# At most this much of what the microphone heard before the answer seeds the noise floor.
PRELUDE_S = 10.0


class LiveAnswerSource:
    live = True

    def __init__(self, microphone: Microphone, transcriber, *, silence_s: float = 5.0,
                 grace_s: float = 30.0, chunks: ChunkSettings = ChunkSettings(),
                 activity: ActivitySettings = ActivitySettings(),
                 progress_every_s: float = 0.1) -> None:
        self.microphone = microphone
        self.transcriber = transcriber
        self.silence_s = silence_s
        self.grace_s = grace_s
        self.chunks = chunks
        self.activity = activity
        self.progress_every_s = progress_every_s
        # One transcription thread for the whole session (see audio.incremental), warmed up
        # on that thread so its first chunk does not pay the one-off start-up cost.
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="transcriber")
        self._executor.submit(transcriber.warm_up).result()

    def close(self) -> None:
        self._executor.shutdown(wait=True)

    def next_answer(self, request: AnswerRequest) -> Recording:
        mic = self.microphone
        # What the microphone heard since the last answer (the interviewer's question, the
        # room between words) is dropped, but its quietest moments are the room's noise floor.
        heard = mic.discard_pending(PRELUDE_S)
        prelude = frame_levels(heard, self.activity)[~silent_edges(heard)]  # as analyse() does
        floor = seed_floor(prelude, self.activity.floor_percentile)
        started = time.monotonic()
        writer = WavAppender(request.audio_path)
        activity = StreamingActivity(self.activity, initial_floor_db=floor)
        endpoint = EndOfAnswer(EndpointSettings(
            self.silence_s, request.max_s, self.grace_s,
            min_sound_run_s=self.activity.min_sound_run_s))
        incremental = IncrementalTranscriber(self.transcriber, self.chunks,
                                             executor=self._executor)
        cuts = CutPoints()
        reason: str | None = None
        last_progress = 0.0
        level = -120.0
        try:
            while reason is None:
                block = mic.read(timeout=0.05)
                if block is not None and block.captured_at >= started + ECHO_GUARD_S:
                    samples = block.samples
                    try:
                        writer.append(samples)
                    except OSError as exc:
                        raise DiskWriteError(request.audio_path, exc) from exc
                    _probabilities, states = activity.feed(samples)
                    # Chunks are cut at lulls (audio.cutpoints), a looser rule than the
                    # silence that ends an answer: a wrong cut costs a word, not an answer.
                    new_levels = activity.smoothed[len(activity.smoothed) - len(states):]
                    incremental.feed(samples, cuts.voiced(states, new_levels))
                    level = level_db(samples)
                    for state in states:
                        reason = endpoint.update(state, FRAME_S)
                        if reason:
                            break
                elif block is None and mic.stalled_for() > DEVICE_LOST_AFTER_S:
                    reason = "device_lost"
                if reason is None and request.stop.is_set():
                    reason = request.stop.reason
                now = time.monotonic()
                if request.on_progress and now - last_progress >= self.progress_every_s:
                    last_progress = now
                    request.on_progress(RecordingProgress(
                        waited_s=endpoint.elapsed, speaking_s=endpoint.speaking_s,
                        speech_started=endpoint.speech_started, level_db=level,
                        state=STATE_NAMES[endpoint.state], silence_s=endpoint.silence_run,
                        silence_end_s=self.silence_s,
                        floor_db=activity.gate.floor.db,
                        partial_text=incremental.partial_text,
                    ))
        finally:
            try:
                writer.close()
            except OSError:
                pass  # a full disk: the error that matters is already on its way
        return Recording(
            audio=incremental.audio(),
            end_reason=reason,
            source=None,
            activity=activity.result(),
            finish_transcript=incremental.finish,
        )
