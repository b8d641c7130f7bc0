# gpworkforce developer loop. `make demo` sets everything up and runs the main job; `make test`
# sets up (if needed) and runs the whole test suite. Both work on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt 2>/dev/null | sha1sum | cut -c1-12)
DEMO_OUT ?= out/demo

.PHONY: setup bytecode system-deps web-assets demo report test test-fast lint format bench mutation clean

setup: $(STAMP) system-deps web-assets bytecode

# The package's byte-code, as pip writes it for an installed package: with PYTHONDONTWRITEBYTECODE
# set, an editable install would otherwise compile every module on each command's start-up
# (about 0.1 s of a one-ICB baseline; docs/performance.md). Up-to-date files are skipped.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q src/gpworkforce > /dev/null

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,bench]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

# Debian packages the tests and reports need (Chromium for browser tests, fonts for PDFs).
system-deps:
	@bash scripts/system-deps.sh

# NHS.UK frontend, htmx and axe-core from npm (pinned by package-lock.json), copied into static/.
web-assets:
	@bash scripts/web-assets.sh

# The main job: the LLR 2017 baseline report (HTML, XLSX, CSV) in $(DEMO_OUT), then the web app on
# the same demo with one user per role (address and logins printed; Ctrl-C stops it).
demo: report
	bash scripts/web-demo.sh

report: setup
	$(BIN)/gpworkforce demo --out $(DEMO_OUT)

test: setup
	bash scripts/test.sh

test-fast: setup
	$(BIN)/python -m pytest -m "not browser" -x -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python -m benchmarks

# Mutation testing of the core modules (scripts/mutation.py; hours for all of them, so a scheduled
# job, not part of `make test`). MODULES="workflow exports" runs some; scores in out/mutation/.
mutation: setup
	$(BIN)/python scripts/mutation.py $(MODULES)

clean:
	rm -rf $(VENV) out .pytest_cache
