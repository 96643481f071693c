"""Which numeric precision Whisper runs in on this CPU (CTranslate2's compute type).

int8 weights pay off where CTranslate2 multiplies them with Intel MKL's packed int8 kernels,
which it selects on Intel CPUs (or when ``CT2_USE_MKL=1``). On other x86 CPUs it uses oneDNN,
whose int8 path is no faster than float32 there and decodes differently. Measured on an AMD
EPYC with 2 cores and the base model (bench/transcribe.py, bench/fillers.py):

======================================  =============  =============
                                        int8 (oneDNN)  float32
======================================  =============  =============
real-time factor, held-out speech       0.120          0.117
word error rate, held-out speech        11.1 %         10.4 %
word error rate, development speech     3.6 %          4.2 % (76 s)
fillers kept, development, default      33 %           52 %
... with the verbatim pass              43 %           71 %
peak memory                             437 MB         644 MB
======================================  =============  =============

Forcing MKL on that CPU (``CT2_USE_MKL=1``) made int8 8x slower (../shared/NOTES.md; 10-13x
on three short recordings at stop 46), so it is not a way out. The project's earlier figures
(Intel CPUs) were measured with int8 on MKL, where NOTES.md measured float32 3-4x slower than
int8: Intel CPUs keep int8. ARM CPUs (Apple silicon) keep int8 too:
CTranslate2's int8 kernels there (Ruy) are its fast path; not measured on this project's
machines.

``MOCK_INTERVIEW_COMPUTE_TYPE`` overrides the choice (for a benchmark, or a CPU where the rule
guesses wrong).
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

from audio.errors import ModelError

OVERRIDE = "MOCK_INTERVIEW_COMPUTE_TYPE"
CHOICES = ("int8", "float32", "int8_float32")
_X86 = {"x86_64", "amd64", "i386", "i686", "x86"}


def compute_type() -> str:
    """The compute type to load Whisper with on this machine (see the module's docstring)."""
    chosen = os.environ.get(OVERRIDE, "").strip()
    if chosen:
        if chosen not in CHOICES:
            raise ModelError(f"{OVERRIDE}={chosen!r} is not a compute type",
                             f"use one of: {', '.join(CHOICES)}, or unset it")
        return chosen
    if platform.machine().lower() not in _X86:
        return "int8"
    # An unknown vendor keeps int8: CTranslate2 asks the CPU itself, so an Intel machine we
    # cannot read still gets MKL, and float32 there is 3-4x slower; int8 on an AMD CPU only
    # transcribes a little worse.
    return "int8" if _uses_mkl() is not False else "float32"


def why() -> str:
    """A few words saying why `compute_type` picks what it does here, for `doctor`."""
    if os.environ.get(OVERRIDE, "").strip():
        return f"set by {OVERRIDE}"
    if platform.machine().lower() not in _X86:
        return f"{platform.machine()} CPU"
    mkl = _uses_mkl()
    if mkl is None:
        return "CPU vendor unknown: int8, as on Intel"
    return f"{cpu_vendor() or 'unknown'} CPU, {'MKL' if mkl else 'oneDNN'} kernels"


def _uses_mkl() -> bool | None:
    """Whether CTranslate2 multiplies with MKL here: its own rule (an Intel CPU, or
    CT2_USE_MKL, which it reads as true for "1" or "true"); None when the vendor cannot be
    read."""
    forced = os.environ.get("CT2_USE_MKL", "").strip()
    if forced:
        return forced.lower() in ("1", "true")
    vendor = cpu_vendor()
    return None if vendor is None else vendor == "GenuineIntel"


def cpu_vendor(cpuinfo: Path = Path("/proc/cpuinfo")) -> str | None:
    """The CPU's vendor id ("GenuineIntel", "AuthenticAMD"), None where it cannot be read."""
    try:
        with cpuinfo.open(encoding="utf-8", errors="replace") as lines:
            for line in lines:
                key, _, value = line.partition(":")
                if key.strip() == "vendor_id":
                    return value.strip()
    except OSError:
        pass
    if sys.platform == "darwin":  # every x86 Mac has an Intel CPU
        return "GenuineIntel" if platform.machine().lower() in _X86 else None
    # Windows: "Intel64 Family 6 Model 142 Stepping 10, GenuineIntel"
    processor = platform.processor()
    for vendor in ("GenuineIntel", "AuthenticAMD"):
        if vendor in processor:
            return vendor
    return None
