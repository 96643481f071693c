"""Live answers from the microphone: record until the answer ends, transcribing as it goes.

For each answer: drop what the microphone heard while the interviewer was speaking, then
read blocks from the microphone queue and, for each one, append it to the answer's WAV on
disk, run the streaming VAD, feed the incremental transcriber, and ask the end-of-answer
detector whether the answer is over. External ends (a key, Ctrl-C) arrive through the
request's :class:`StopSignal`; a device that stops delivering blocks ends the answer with
``device_lost``. Whatever happens, the audio recorded so far is on disk.
"""

from __future__ import annotations

import errno
import math
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from audio.clip import Audio
from audio.errors import AudioError
from audio.endpointing import EndOfAnswer, EndpointSettings
from audio.incremental import ChunkSettings, IncrementalTranscriber
from audio.microphone import Microphone
from audio.sources import AnswerRequest, Recording, RecordingProgress
from audio.vad import FRAME_S, StreamingVad, VadSettings
from audio.wavstream import WavAppender

DEVICE_LOST_AFTER_S = 1.5
# Room echo and output latency: the tail of the interviewer's voice can reach the microphone
# shortly after playback returns. Audio captured before this much time after the answer
# starts is dropped.
ECHO_GUARD_S = 0.25


class DiskWriteError(AudioError):
    """The answer's audio cannot be written (disk full, folder gone): stop recording, since
    nothing more could be kept; what is already in the file stays readable."""

    def __init__(self, path, exc: OSError) -> None:
        hint = "free some disk space" if exc.errno == errno.ENOSPC else None
        super().__init__(f"cannot write the answer audio {path}: {exc.strerror or exc}", hint)


class SpeechGate:
    """Frame probabilities -> speaking / not speaking, with Silero's hysteresis."""

    def __init__(self, vad: VadSettings = VadSettings()) -> None:
        self._vad = vad
        self.speaking = False

    def update(self, probability: float) -> bool:
        if probability >= self._vad.threshold:
            self.speaking = True
        elif probability < self._vad.neg_threshold:
            self.speaking = False
        return self.speaking


def level_db(samples: np.ndarray) -> float:
    if not len(samples):
        return -120.0
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return 20 * math.log10(max(rms, 1e-6))


class LiveAnswerSource:
    live = True

    def __init__(self, microphone: Microphone, transcriber, *, silence_s: float = 5.0,
                 grace_s: float = 30.0, chunks: ChunkSettings = ChunkSettings(),
                 progress_every_s: float = 0.1) -> None:
        self.microphone = microphone
        self.transcriber = transcriber
        self.silence_s = silence_s
        self.grace_s = grace_s
        self.chunks = chunks
        self.progress_every_s = progress_every_s
        # One transcription thread for the whole session (see audio.incremental), warmed up
        # on that thread so its first chunk does not pay the one-off start-up cost.
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="transcriber")
        self._executor.submit(transcriber.warm_up).result()

    def close(self) -> None:
        self._executor.shutdown(wait=True)

    def next_answer(self, request: AnswerRequest) -> Recording:
        mic = self.microphone
        mic.discard_pending()
        started = time.monotonic()
        writer = WavAppender(request.audio_path)
        vad = StreamingVad()
        gate = SpeechGate()
        endpoint = EndOfAnswer(EndpointSettings(self.silence_s, request.max_s, self.grace_s))
        incremental = IncrementalTranscriber(self.transcriber, self.chunks,
                                             executor=self._executor)
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
                    probabilities = vad.feed(samples)
                    incremental.feed(samples, probabilities)
                    level = level_db(samples)
                    for p in probabilities:
                        reason = endpoint.update(gate.update(p), FRAME_S)
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
                        elapsed=endpoint.elapsed, level_db=level, speaking=gate.speaking,
                        speech_started=endpoint.speech_started,
                        silence_s=endpoint.silence_run,
                        partial_text=incremental.partial_text,
                    ))
        finally:
            writer.close()
        return Recording(
            audio=incremental.audio(),
            end_reason=reason,
            source=None,
            vad_probabilities=list(vad.probabilities),
            finish_transcript=incremental.finish,
        )
