#!/usr/bin/env bash
# The whole test suite: lint and import contracts, then every test (unit, spec, property,
# integration, browser) twice AT THE SAME TIME: once on the default SQLite database and once on
# PostgreSQL (scripts/test-postgres.sh, which fails when no server answers unless
# GPWORKFORCE_SKIP_POSTGRES=1 opts out; then only the SQLite run happens). Each suite runs mostly on
# one core, so on a machine with two the pair takes about as long as one (docs/testing.md).
#
# The two runs share nothing that a test writes: each has its own temporary folder (TMPDIR, so
# pytest's tmp_path and every tempfile), its own Redis database (GPWORKFORCE_TEST_REDIS_URL for the
# SQLite run, default redis://127.0.0.1:6379/1; GPWORKFORCE_TEST_REDIS_URL_POSTGRES for the other,
# default the next database number) and its own Django test database; servers take free ports.
# Each run's output goes to its own log, printed in full when both have ended; the script exits
# non-zero if either failed and says which. Extra arguments go to both pytest runs.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/lint-imports  # the import contracts in pyproject.toml (layers, no circles)

redis_sqlite="${GPWORKFORCE_TEST_REDIS_URL:-redis://127.0.0.1:6379/1}"
if [[ -n "${GPWORKFORCE_TEST_REDIS_URL_POSTGRES:-}" ]]; then
  redis_postgres="$GPWORKFORCE_TEST_REDIS_URL_POSTGRES"
elif [[ "${redis_sqlite##*/}" =~ ^[0-9]+$ ]]; then
  redis_postgres="${redis_sqlite%/*}/$((${redis_sqlite##*/} + 1))"
else
  echo "test.sh: GPWORKFORCE_TEST_REDIS_URL must end in a database number (redis://host:port/N)," >&2
  echo "test.sh: found '$redis_sqlite'; or set GPWORKFORCE_TEST_REDIS_URL_POSTGRES as well" >&2
  exit 2
fi
if [[ "$redis_sqlite" == "$redis_postgres" ]]; then
  echo "test.sh: the two runs need different Redis databases, both are $redis_sqlite" >&2
  exit 2
fi

# no PostgreSQL server: fail now, not after the SQLite run (the opt-out is handled by the script)
bash scripts/test-postgres.sh --server-check-only

work="$(mktemp -d "${TMPDIR:-/tmp}/gpworkforce-test.XXXXXX")"
mkdir -p "$work/sqlite-tmp" "$work/postgres-tmp"
pids=()
stop_runs() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap 'stop_runs; exit 130' INT TERM

TMPDIR="$work/sqlite-tmp" GPWORKFORCE_TEST_REDIS_URL="$redis_sqlite" \
  .venv/bin/python -m pytest -q -p no:cacheprovider "$@" > "$work/sqlite.log" 2>&1 &
pids+=("$!")
TMPDIR="$work/postgres-tmp" GPWORKFORCE_TEST_REDIS_URL="$redis_postgres" \
  bash scripts/test-postgres.sh "$@" > "$work/postgres.log" 2>&1 &
pids+=("$!")
if [[ "${GPWORKFORCE_SKIP_POSTGRES:-}" == "1" ]]; then
  echo "test.sh: the SQLite suite running (the PostgreSQL run is skipped); follow it with"
else
  echo "test.sh: SQLite and PostgreSQL suites running side by side; follow them with"
fi
echo "test.sh:   tail -f $work/sqlite.log $work/postgres.log"

sqlite_rc=0
postgres_rc=0
wait "${pids[0]}" || sqlite_rc=$?
wait "${pids[1]}" || postgres_rc=$?
trap - INT TERM

for run in sqlite postgres; do
  echo
  echo "================================ $run run: full output ================================"
  cat "$work/$run.log"
done
echo
rm -rf "$work/sqlite-tmp" "$work/postgres-tmp"
if [[ $sqlite_rc -ne 0 && $postgres_rc -ne 0 ]]; then
  echo "test.sh: FAILED - both runs failed: SQLite (exit $sqlite_rc) and PostgreSQL (exit $postgres_rc); logs in $work"
  exit 1
elif [[ $sqlite_rc -ne 0 ]]; then
  echo "test.sh: FAILED - the SQLite run failed (exit $sqlite_rc); PostgreSQL passed; logs in $work"
  exit 1
elif [[ $postgres_rc -ne 0 ]]; then
  echo "test.sh: FAILED - the PostgreSQL run failed (exit $postgres_rc); SQLite passed; logs in $work"
  exit 1
fi
rm -rf "$work"
if [[ "${GPWORKFORCE_SKIP_POSTGRES:-}" == "1" ]]; then
  echo "test.sh: the SQLite run passed; the PostgreSQL run was NOT RUN (GPWORKFORCE_SKIP_POSTGRES=1)"
else
  echo "test.sh: both runs passed (SQLite and PostgreSQL)"
fi
