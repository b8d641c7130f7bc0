#!/usr/bin/env bash
# The whole test suite: lint, then every test (unit, spec, property, integration, browser).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
.venv/bin/python -m pytest -q "$@"
