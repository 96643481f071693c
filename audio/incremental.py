"""Transcribing an answer while it is being spoken, so the transcript is ready when it ends.

The answer is cut into chunks at real pauses (frames in which nobody speaks: quiet, or a lull
the VAD hears no speech in; see `audio.cutpoints`) and each chunk is transcribed on a worker
thread while recording goes on. Cutting inside words, or re-decoding overlapping windows,
cost far more accuracy than it saved time in measurements on these machines (see
shared/NOTES.md), while cuts at pauses with long chunks matched whole-file accuracy. So:

- a chunk is *committed* at the first pause of at least ``cut_pause_s`` once it holds
  ``min_chunk_s`` of audio; at ``max_chunk_s`` without such a pause it is cut at the longest
  shorter pause in its last part (through speech only if there is no pause at all);
- every chunk's transcript is checked against where someone spoke, and speech it left out is
  decoded again (`audio.coverage`: Whisper sometimes skips the rest of a chunk);
- at every shorter pause (``speculate_pause_s``) the open chunk is transcribed
  *speculatively* when the worker has time. When the answer ends, the latest speculation
  is adopted as a chunk (it ends at a pause, so it is a clean cut) and only the speech
  after it remains to transcribe: usually the last clause, a fraction of a second of work.
  A finished speculation holding ``adopt_spec_s`` of audio becomes a chunk when speech goes
  on past it, so the speculation running when the answer ends covers only the audio since
  (re-decoding a 15-28 s open chunk made base answers wait 1.5-2.5 s). Continuous speech
  with no pause at all still waits for its whole open chunk.

Transcription runs on one long-lived worker thread per session (an executor passed in):
a new thread per answer made CTranslate2 and glibc keep a fresh set of buffers per thread,
and peak memory grew with every answer.

Previous-chunk text is deliberately not passed to Whisper as a prompt. With a prompt, the
0.2-1 s of pause a chunk keeps after its last word decodes to ". . ." or "Thank you." (kept:
faster-whisper drops a window only below avg_logprob -1.0), that junk becomes the next
chunk's prompt, the next chunk loops, fails the compression check, and every temperature
fallback loops too; the loop wins on log-probability. Every prompted variant measured was
worse than none, for tiny.en and base, and cost twice the work.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from audio.clip import SAMPLE_RATE, Audio
from audio.coverage import covered
from audio.transcriber import Segment, Transcript, Word
from audio.vad import FRAME, FRAME_S


@dataclass(frozen=True)
class ChunkSettings:
    min_chunk_s: float = 10.0
    max_chunk_s: float = 28.0
    cut_pause_s: float = 0.5
    speculate_pause_s: float = 0.3
    # On reaching max_chunk_s, pauses this short still beat cutting through a word.
    fallback_pause_s: float = 0.12
    # Decode again what a chunk's transcript left out where someone spoke (audio.coverage).
    cover: bool = True
    # A finished speculation holding this much audio becomes a chunk at the next pause that
    # would speculate again (see _adopt_finished_spec): the open chunk, whose decode is what
    # the candidate waits for at the end, then stays short.
    adopt_spec_s: float = 6.0
    # A speculation needs this much open chunk. A second of "um" or a laugh in a noisy room,
    # decoded on its own, came out as a wrong word ("calm") or a loop ("ha ha ha ha ha")
    # after seconds of temperature fallback; with the words after it, it decoded right.
    min_spec_s: float = 3.0


@dataclass(eq=False)
class _Chunk:
    start: int  # samples into the answer
    end: int
    speculative: bool = False
    cancelled: bool = False
    result: Transcript | None = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


class IncrementalTranscriber:
    """Feed blocks and their VAD frame probabilities; call :meth:`finish` at the end."""

    def __init__(self, transcriber, settings: ChunkSettings = ChunkSettings(),
                 executor: Executor | None = None) -> None:
        self._transcriber = transcriber
        self.settings = settings
        self._blocks: list[np.ndarray] = []
        self._offsets: list[int] = []  # start sample of each block
        self._samples = 0
        self._frames = 0  # VAD frames seen
        self._chunk_start = 0
        self._speech_in_chunk = False
        self._last_speech_end = 0  # samples
        self._silence_frames = 0
        self._pauses: list[tuple[int, int]] = []  # (start frame, length) in the open chunk
        self._chunks: list[_Chunk] = []  # committed, in order
        self._spec: _Chunk | None = None
        self._own_executor = executor is None
        self._executor = executor or ThreadPoolExecutor(1, thread_name_prefix="transcriber")
        self._inflight = 0
        self._lock = threading.Lock()
        self._voiced: list[bool] = []  # per frame of the answer: someone speaking
        self.speculative_hits = 0

    # ------------------------------------------------------------------ feeding

    def feed(self, samples: np.ndarray, voiced: Sequence[bool]) -> None:
        """Add a block and, for each of its completed 32 ms frames, whether someone is
        speaking there (`audio.activity`: speech, or sound the VAD missed). Chunks are cut
        only where nobody is: sound the VAD does not recognise is never taken for a pause."""
        self._offsets.append(self._samples)
        self._blocks.append(samples)
        self._samples += len(samples)
        for is_voiced in voiced:
            self._frames += 1
            self._voiced.append(bool(is_voiced))
            if is_voiced:
                if self._silence_frames:
                    self._pauses.append((self._frames - 1 - self._silence_frames,
                                         self._silence_frames))
                self._silence_frames = 0
                self._speech_in_chunk = True
                self._last_speech_end = self._frames * FRAME
            else:
                self._silence_frames += 1
            self._maybe_cut()

    def _maybe_cut(self) -> None:
        s = self.settings
        if not self._speech_in_chunk:
            return
        now = self._frames * FRAME
        chunk_s = (now - self._chunk_start) / SAMPLE_RATE
        pause_s = self._silence_frames * FRAME_S
        if chunk_s >= s.min_chunk_s and pause_s >= s.cut_pause_s:
            # Cut at the end of the pause so far: the chunk keeps the whole pause after its
            # last word (Whisper tends to drop a final word the audio ends right after).
            self._commit(now, speech_after=False)
        elif chunk_s >= s.max_chunk_s:
            tail_start = self._chunk_start // FRAME + int(s.min_chunk_s / FRAME_S)
            candidates = [(length, start) for start, length in self._pauses
                          if start >= tail_start and length * FRAME_S >= s.fallback_pause_s]
            if candidates:
                length, start = max(candidates)
                self._commit((start + length // 2) * FRAME, speech_after=True)
            else:
                self._commit(now, speech_after=self._silence_frames == 0)
        elif pause_s >= s.speculate_pause_s and self._worker_idle():
            spec = self._spec
            if spec is None or spec.start != self._chunk_start or spec.end < self._last_speech_end:
                self._adopt_finished_spec()
                if (now - self._chunk_start) / SAMPLE_RATE >= s.min_spec_s:
                    self._speculate(now)

    def _adopt_finished_spec(self) -> None:
        """Make a finished speculation of the open chunk a chunk of its own, when it holds
        ``adopt_spec_s`` of audio and speech came after it (the caller speculates again).

        Without this, each speculation re-decodes the whole open chunk, and the one started
        in the answer's last pause is what the candidate waits for: with base on two cores a
        15-28 s open chunk took 1.5-2.5 s after its last word, most of it after Enter. The
        speculation ends 0.3 s into a pause (a clean cut) and is already decoded, so cutting
        there costs no work; later speculations only decode the audio since it."""
        spec = self._spec
        if (spec is None or spec.cancelled or not spec.done.is_set() or spec.error is not None
                or spec.start != self._chunk_start or spec.end >= self._last_speech_end
                or (spec.end - spec.start) / SAMPLE_RATE < self.settings.adopt_spec_s):
            return
        self._chunks.append(spec)
        self._spec = None
        self._chunk_start = spec.end
        cut_frame = spec.end // FRAME
        self._pauses = [(start, length) for start, length in self._pauses if start >= cut_frame]

    def _worker_idle(self) -> bool:
        with self._lock:
            return self._inflight == 0

    def _submit(self, chunk: _Chunk) -> None:
        with self._lock:
            self._inflight += 1
        self._executor.submit(self._job, chunk)

    def _speculate(self, at_sample: int) -> None:
        if self._spec is not None:
            self._spec.cancelled = True
        self._spec = _Chunk(self._chunk_start, at_sample, speculative=True)
        self._submit(self._spec)

    def _spec_covers_all_speech(self) -> bool:
        spec = self._spec
        return (spec is not None and not spec.cancelled and spec.start == self._chunk_start
                and spec.end >= self._last_speech_end)

    def _commit(self, at_sample: int, speech_after: bool) -> None:
        spec = self._spec
        if not speech_after and spec is not None and self._spec_covers_all_speech():
            # A speculation already running (or done) ends in this same pause: it becomes the
            # chunk, instead of transcribing the same audio a second time behind it.
            chunk, at_sample = spec, spec.end
            self._spec = None
            self._chunks.append(chunk)
        else:
            if self._spec is not None:
                self._spec.cancelled = True
                self._spec = None
            chunk = _Chunk(self._chunk_start, at_sample)
            self._chunks.append(chunk)
            self._submit(chunk)
        self._chunk_start = at_sample
        self._speech_in_chunk = speech_after
        cut_frame = at_sample // FRAME
        self._pauses = [(start, length) for start, length in self._pauses if start >= cut_frame]
        if not speech_after:
            self._silence_frames = 0

    # ------------------------------------------------------------------ working

    def _job(self, chunk: _Chunk) -> None:
        try:
            if not chunk.cancelled:
                result = self._transcriber.transcribe(self._slice(chunk))
                if self.settings.cover and not chunk.cancelled:
                    result = covered(result, chunk.start, chunk.end, self._voiced,
                                     self._transcriber.transcribe, self._audio_between)
                chunk.result = result
        except BaseException as exc:  # reported by finish(), never lost in the thread
            chunk.error = exc
        finally:
            with self._lock:
                self._inflight -= 1
            chunk.done.set()

    def _slice(self, chunk: _Chunk) -> Audio:
        return self._audio_between(chunk.start, chunk.end)

    def _audio_between(self, start: int, end: int) -> Audio:
        """Samples start..end of the answer, joining only the blocks they overlap.

        Blocks and offsets are only appended by the feeding thread; reading a prefix of
        both without a lock is safe (list append is atomic in CPython)."""
        count = min(len(self._offsets), len(self._blocks))
        offsets = self._offsets[:count]
        first = max(0, bisect.bisect_right(offsets, start) - 1)
        last = bisect.bisect_left(offsets, end)
        parts = self._blocks[first:last]
        if not parts:
            return Audio(np.zeros(0, np.float32))
        data = np.concatenate(parts)
        base = offsets[first]
        return Audio(data[start - base : end - base])

    def audio(self) -> Audio:
        """Everything fed so far, as one clip."""
        return Audio(np.concatenate(self._blocks) if self._blocks else np.zeros(0, np.float32))

    @property
    def partial_text(self) -> str:
        """Everything transcribed so far (committed chunks, then a current speculation)."""
        parts = [c.result.text for c in self._chunks if c.result is not None]
        spec = self._spec
        if spec is not None and spec.result is not None and spec.start == self._chunk_start:
            parts.append(spec.result.text)
        return " ".join(p for p in parts if p)

    @property
    def chunks_committed(self) -> int:
        return len(self._chunks)

    def finish(self) -> Transcript:
        """Transcribe what is left since the last cut, wait for all chunks, and join them."""
        spec = self._spec
        if self._speech_in_chunk:
            if spec is not None and not spec.cancelled and spec.start == self._chunk_start:
                # The latest speculation ends at a pause: adopt it as a chunk, and only the
                # speech after it (if any) is left to transcribe.
                self._chunks.append(spec)
                self.speculative_hits += 1
                self._chunk_start = spec.end
                self._spec = None
                if self._last_speech_end > spec.end:
                    self._commit(self._samples, speech_after=False)
            else:
                self._commit(self._samples, speech_after=False)
        elif spec is not None:
            spec.cancelled = True
        for chunk in self._chunks:
            chunk.done.wait()
        if self._own_executor:
            self._executor.shutdown(wait=True)
        words: list[Word] = []
        segments: list[Segment] = []
        model = getattr(self._transcriber, "name", "whisper")
        for chunk in self._chunks:
            if chunk.error is not None:
                raise chunk.error
            offset = chunk.start / SAMPLE_RATE
            result = chunk.result
            assert result is not None  # done without an error means transcribed
            model = result.model
            words += [Word(w.word, round(w.start + offset, 3), round(w.end + offset, 3),
                           w.probability) for w in result.words]
            segments += [Segment(round(s.start + offset, 3), round(s.end + offset, 3), s.text)
                         for s in result.segments]
        return Transcript(text=" ".join(s.text for s in segments), words=words,
                          segments=segments, model=model)
