#!/usr/bin/env bash
# The whole test suite: lint and import contracts, then every test (unit, spec, property,
# integration, browser) on the default SQLite database, then the whole suite again on PostgreSQL
# (fails when no server answers, unless GPWORKFORCE_SKIP_POSTGRES=1 opts out). Extra arguments go
# to the first pytest run.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports  # the import contracts in pyproject.toml (layers, no circles)
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
bash scripts/test-postgres.sh
