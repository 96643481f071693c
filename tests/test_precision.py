"""The precision Whisper is loaded with: int8 where CTranslate2 uses MKL, float32 on other x86
CPUs, an override that is checked (audio.precision). The real model loaded in the chosen
precision is exercised by every transcription test."""

from __future__ import annotations

import platform

import pytest

from audio import precision
from audio.errors import ModelError


@pytest.fixture
def x86(monkeypatch):
    monkeypatch.setattr(platform, "machine", lambda: "x86_64")
    monkeypatch.delenv(precision.OVERRIDE, raising=False)
    monkeypatch.delenv("CT2_USE_MKL", raising=False)
    return monkeypatch


def vendor(monkeypatch, name):
    monkeypatch.setattr(precision, "cpu_vendor", lambda: name)


def test_intel_keeps_int8_and_amd_gets_float32(x86):
    vendor(x86, "GenuineIntel")
    assert precision.compute_type() == "int8"
    assert precision.why() == "GenuineIntel CPU, MKL kernels"
    vendor(x86, "AuthenticAMD")
    assert precision.compute_type() == "float32"
    assert precision.why() == "AuthenticAMD CPU, oneDNN kernels"
    # Unknown: CTranslate2 asks the CPU itself and may well use MKL, where float32 would be
    # 3-4x slower; int8 on an AMD CPU only transcribes a little worse.
    vendor(x86, None)
    assert precision.compute_type() == "int8"
    assert "unknown" in precision.why()


def test_ct2_use_mkl_follows_ctranslate2s_own_switch(x86):
    vendor(x86, "AuthenticAMD")
    x86.setenv("CT2_USE_MKL", "1")
    assert precision.compute_type() == "int8"
    vendor(x86, "GenuineIntel")
    x86.setenv("CT2_USE_MKL", "0")
    assert precision.compute_type() == "float32"


def test_arm_keeps_int8(monkeypatch):
    monkeypatch.delenv(precision.OVERRIDE, raising=False)
    monkeypatch.setattr(platform, "machine", lambda: "arm64")
    vendor(monkeypatch, None)
    assert precision.compute_type() == "int8"
    assert precision.why() == "arm64 CPU"


def test_override_wins_and_a_typo_is_named(x86):
    vendor(x86, "AuthenticAMD")
    x86.setenv(precision.OVERRIDE, "int8")
    assert precision.compute_type() == "int8"
    assert precision.why() == f"set by {precision.OVERRIDE}"
    x86.setenv(precision.OVERRIDE, "fp16")
    with pytest.raises(ModelError) as err:
        precision.compute_type()
    assert "MOCK_INTERVIEW_COMPUTE_TYPE='fp16'" in err.value.message
    assert "int8, float32" in (err.value.hint or "")


def test_vendor_read_from_cpuinfo(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n"
                    "processor\t: 1\nvendor_id\t: AuthenticAMD\n")
    assert precision.cpu_vendor(info) == "AuthenticAMD"


def test_the_model_is_loaded_in_the_chosen_precision(monkeypatch):
    """`WhisperTranscriber.load` hands CTranslate2 what `compute_type` chose (a stand-in
    model records it; the real model in the chosen precision is what every transcription
    test runs)."""
    import faster_whisper

    from audio.transcriber import WhisperTranscriber

    asked = {}

    class Recorder:
        def __init__(self, *args, **kwargs):
            asked.update(kwargs)
            raise RuntimeError("stand-in: not a model")

    monkeypatch.setattr(faster_whisper, "WhisperModel", Recorder)
    monkeypatch.setattr(precision, "compute_type", lambda: "int8_float32")
    with pytest.raises(ModelError):
        WhisperTranscriber.load()
    assert asked["compute_type"] == "int8_float32"
