# Two entry points for a fresh machine: `make demo` and `make test`.
# Both create .venv when missing, install torch==2.13.0 first (an unpinned torch pulls a
# multi-GB CUDA build), then the package with the extras the target needs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test install-test clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install torch==2.13.0

$(VENV)/.installed-base: $(VENV)/bin/python pyproject.toml
	$(PY) -m pip install -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/bin/python pyproject.toml
	$(PY) -m pip install -e ".[test]"
	touch $@ $(VENV)/.installed-base

demo: $(VENV)/.installed-base
	HF_HUB_OFFLINE=1 $(VENV)/bin/hf-emotion demo

test: $(VENV)/.installed-test
	HF_HUB_OFFLINE=1 $(PY) -m pytest -n 2 --dist loadfile -q -ra $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) build dist .pytest_cache
