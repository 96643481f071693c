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

rehearse: system-deps $(VENV)/.installed
	$(BIN)/mock-interview run --samples-if-no-mic $(ARGS)

test: system-deps-test $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: system-deps-test $(VENV)/.installed-test
	$(BIN)/python bench/transcribe.py
	$(BIN)/python bench/latency.py

system-deps:
	@scripts/install-system-deps.sh

system-deps-test:
	@scripts/install-system-deps.sh --test

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "error: Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

clean:
	rm -rf $(VENV) build *.egg-info
