"""Local speech recognition with faster-whisper (CTranslate2).

Owns loading a model (chosen by `audio.models`) with the settings measured to be fastest on
small CPUs (the precision `audio.precision` picks for this CPU, one thread per core), warming
it up, and turning its lazy segment generator into a plain :class:`Transcript` with word timestamps.

Surprises handled here:
- ``WhisperModel.transcribe`` returns a generator; decoding happens while it is consumed, so
  :meth:`WhisperTranscriber.transcribe` consumes it right away and the caller knows where the
  time goes.
- Without ``compute_type`` faster-whisper silently runs float32, 3-4x slower than int8 on
  Intel CPUs; on AMD CPUs int8 is no faster and keeps fewer fillers (`audio.precision`).
- The first call carries ~0.5-1 s of one-off warm-up; :meth:`warm_up` pays it before the
  candidate is waiting.
- Every window is padded to 30 s before the encoder, which made the encoder most of the
  cost of a short chunk; `audio.window` encodes only the part that holds audio.
- On a second or two of hesitation or noise (a live chunk's "um", a laugh) Whisper's
  confidence falls below its threshold, and its temperature fallback decoded the same audio
  up to five more times, sampling: in the latency benchmark a 1.2 s chunk came out "calm"
  (for "um") after 4-11 s of decoding, while the candidate waited. Audio shorter than
  ``SHORT_AUDIO_S`` is decoded once (beam search at temperature 0, no sampling fallback),
  with its tokens capped in proportion to its length (a loop cannot run to 448 tokens):
  sampling has nothing to recover in a few words.
- Longer hesitant audio ("uh... uh-huh... um") made Whisper loop on a filler until the
  window's 448-token limit, then again at every fallback temperature: 17.7 s of decoding
  for mfa_uhuh's 6.9 s. Audio that fits one window (up to 30 s: every live chunk, a short
  file answer) has the same proportional budget, about twice what the fastest speech needs,
  and keeps its fallback. On the development speech that halved the decoding time of the
  hesitant files (41.3 s -> 20.0 s in all, mfa_uhuh 3.95 s) with WER 24.0 % -> 22.6 %, and
  more fillers survived (bench/fillers.py, 3 repeats: 48 % -> 52 % kept by the default
  decoding, 68 % -> 81 % with the verbatim pass, precision 97-98 % -> 100 %); on the
  held-out speech nothing changed (no file looped; WER 18.4 % both ways). Longer audio is
  left alone: a window's budget plus the previous window's text as prompt may not exceed
  448 tokens.
- That fallback samples, so the same hesitant recording came out differently from one
  decode to the next (mfa_uhuh: "Montreal, uh, uh, uh, uh, uh, uh, Force" and then
  "Montreal, uh, uh, uh... for Stellar"), and `analyze` gave the same file another filler
  count each time. CTranslate2 seeds each of its threads' random generators once, when the
  thread first samples, from a process-wide seed, and setting the seed later does not reseed
  them; :meth:`WhisperTranscriber.load` sets it (``SAMPLING_SEED``) before the model's
  threads exist, so one process's decodes come out the same in every run.
- A short stretch decoded on its own can still loop on a real phrase within its budget
  ("I'm sorry, I'm sorry, ..." seven times at one instant); such copies are cut back to the
  first (`audio.loops`).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any

from audio import precision
from audio.clip import Audio
from audio.errors import ModelError
from audio.loops import loop_copies
from audio.models import DEFAULT_MODEL, ModelSpec, resolve_model
from audio.window import fit_encoder_window, fitted_first_window

# Shorter audio gets one decode at temperature 0 with a capped token budget (see above).
SHORT_AUDIO_S = 3.0
# Audio up to one window long gets a token budget in proportion to its length (see above).
ONE_WINDOW_S = 30.0


def token_budget(seconds: float) -> int:
    """Tokens allowed for ``seconds`` of audio in one window: about 10 a second (fast speech
    needs 4-5, words and timestamps), plus a margin."""
    return 16 + round(10 * seconds)


SHORT_AUDIO_TOKENS = token_budget(SHORT_AUDIO_S)


__all__ = ["DEFAULT_MODEL", "ModelSpec", "Segment", "TranscribeSettings", "Transcript",
           "WhisperTranscriber", "Word", "resolve_model"]



@dataclass(frozen=True)
class Word:
    word: str
    start: float
    end: float
    probability: float


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Transcript:
    text: str
    words: list[Word]
    segments: list[Segment]
    model: str

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "words": [asdict(w) for w in self.words],
            "segments": [asdict(s) for s in self.segments],
            "model": self.model,
        }


@dataclass(frozen=True)
class TranscribeSettings:
    """Decoding settings. Shared with the benchmarks so comparisons use identical settings."""

    language: str | None = "en"
    beam_size: int = 5
    word_timestamps: bool = True
    # Silero VAD inside faster-whisper skips silence; without it tiny.en invents
    # "Thank you." in trailing silence.
    vad_filter: bool = True

    def as_kwargs(self) -> dict:
        return {
            "language": self.language,
            "beam_size": self.beam_size,
            "word_timestamps": self.word_timestamps,
            "vad_filter": self.vad_filter,
        }


# The seed of the temperature fallback's sampling: any fixed value makes decodes repeatable;
# this one was not chosen by its results.
SAMPLING_SEED = 0


@dataclass
class WhisperTranscriber:
    """A loaded Whisper model. Build it with :meth:`load`; the constructor does no work."""

    model: Any  # faster_whisper.WhisperModel (untyped)
    spec: ModelSpec
    settings: TranscribeSettings = field(default_factory=TranscribeSettings)
    compute_type: str = "int8"  # what `load` gave CTranslate2 (`audio.precision`)

    @classmethod
    def load(
        cls,
        model: str | None = None,
        *,
        compute_type: str | None = None,
        cpu_threads: int | None = None,
        settings: TranscribeSettings | None = None,
        seed: int = SAMPLING_SEED,
    ) -> WhisperTranscriber:
        """Load ``model`` (a name or a folder; None for the default); its encoder reads only
        the part of a transcription's first window that holds audio (`audio.window`).
        ``seed`` seeds the temperature fallback's sampling (the benchmarks' repeats vary it);
        ``compute_type`` defaults to this CPU's (`audio.precision`)."""
        compute_type = compute_type or precision.compute_type()
        spec = resolve_model(model)
        if spec.prepare is not None:
            spec.prepare()
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:  # pragma: no cover - a broken install
            raise ModelError(
                "faster-whisper is not installed", "run: pip install 'faster-whisper>=1.2,<1.3'"
            ) from exc
        threads = cpu_threads or os.cpu_count() or 1
        import ctranslate2  # installed with faster-whisper

        ctranslate2.set_random_seed(seed)  # read by the model's threads as they first sample
        try:
            whisper = WhisperModel(
                spec.source,
                device="cpu",
                compute_type=compute_type,
                cpu_threads=threads,
                local_files_only=spec.local,
            )
        except Exception as exc:
            raise _load_failure(spec, exc) from exc
        fit_encoder_window(whisper)
        return cls(model=whisper, spec=spec, settings=settings or TranscribeSettings(),
                   compute_type=compute_type)

    @property
    def name(self) -> str:
        return self.spec.name

    def warm_up(self) -> None:
        """Pay the first-call cost (memory allocation, kernel selection) up front."""
        self.transcribe(Audio.silence(1.0))

    def transcribe(self, audio: Audio) -> Transcript:
        decoded: list[tuple[Segment, list[Word]]] = []
        kwargs = self.settings.as_kwargs()
        if audio.duration < SHORT_AUDIO_S:
            kwargs.update(temperature=0.0, max_new_tokens=SHORT_AUDIO_TOKENS)
        elif audio.duration <= ONE_WINDOW_S:
            kwargs.update(max_new_tokens=token_budget(audio.duration))
        with fitted_first_window():
            segments_iter, _info = self.model.transcribe(audio.samples, **kwargs)
            for seg in segments_iter:  # decoding happens here
                text = seg.text.strip()
                if not text:
                    continue
                decoded.append((Segment(round(seg.start, 3), round(seg.end, 3), text),
                                [Word(w.word.strip(), round(w.start, 3), round(w.end, 3),
                                      round(w.probability, 3)) for w in seg.words or ()]))
        return _without_loops(decoded, self.spec.name)


def _without_loops(decoded: list[tuple[Segment, list[Word]]], model: str) -> Transcript:
    """The transcript, a decoding loop's copies left out (`audio.loops`; a loop may run over
    several segments, so it is looked for in all the words at once)."""
    dropped = loop_copies([w for _, seg_words in decoded for w in seg_words])
    words: list[Word] = []
    segments: list[Segment] = []
    k = 0
    for segment, seg_words in decoded:
        kept = [w for j, w in enumerate(seg_words, k) if j not in dropped]
        k += len(seg_words)
        if len(kept) < len(seg_words):
            if not kept:
                continue
            segment = Segment(segment.start, segment.end, " ".join(w.word for w in kept))
        segments.append(segment)
        words += kept
    text = " ".join(s.text for s in segments)
    return Transcript(text=text, words=words, segments=segments, model=model)


def _load_failure(spec: ModelSpec, exc: Exception) -> ModelError:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if spec.local:
        return ModelError(f"cannot load Whisper model {spec.name} from {spec.source}: {reason}")
    return ModelError(
        f"cannot download Whisper model {spec.name!r}: {reason}",
        "check the network, or pass --model with a local model folder",
    )
