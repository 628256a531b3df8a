# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench dist clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,fast]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/mockzenoti demo

test: $(STAMP)
	@sh tools/ensure_chromium.sh
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check mockzenoti tests tools bench examples
	$(VENV)/bin/ruff format --check mockzenoti tests tools bench examples
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) -m bench

# A wheel and an sdist in dist/ (what a consumer's project installs; README "Use it in your project").
dist: $(STAMP)
	rm -rf dist
	$(PY) -m build --outdir dist .

clean:
	rm -rf $(VENV) dist .mockzenoti .bench .pytest_cache .mypy_cache .ruff_cache
