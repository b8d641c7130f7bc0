#!/usr/bin/env bash
# The whole test suite again, against PostgreSQL (pytest-django creates a test_<name> database).
# Fails (exit 1) when no PostgreSQL server answers: CI starts one (.ci/run), so a missing server is
# a broken run, never a silent pass. A developer without PostgreSQL opts out explicitly with
# GPWORKFORCE_SKIP_POSTGRES=1 (a loud notice is printed). Usage: scripts/test-postgres.sh [pytest args]
# `scripts/test-postgres.sh --server-check-only` only checks that a server answers (or that the
# opt-out is set) and exits: scripts/test.sh calls it before starting the two runs side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
URL="${GPWORKFORCE_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
PY=.venv/bin/python
CHECK_ONLY=0
if [[ "${1:-}" == "--server-check-only" ]]; then
  CHECK_ONLY=1
  shift
fi
if [[ "${GPWORKFORCE_SKIP_POSTGRES:-}" == "1" ]]; then
  echo "################################################################################"
  echo "test-postgres: NOT RUN - GPWORKFORCE_SKIP_POSTGRES=1 was set; the PostgreSQL pass"
  echo "test-postgres: of the test suite was skipped on request. CI never sets this."
  echo "################################################################################"
  exit 0
fi
if ! "$PY" - "$URL" <<'PYEOF'
import sys
import psycopg
url = sys.argv[1]
admin = url.replace("/test", "/postgres", 1) if url.endswith("/test") else url
try:
    psycopg.connect(admin, connect_timeout=3).close()
except Exception as exc:  # any failure to connect means: no server to test against
    print(
        f"test-postgres: FAILED - no PostgreSQL server answers at {url} "
        f"({type(exc).__name__}: {exc}).\n"
        "test-postgres: start one, or opt out explicitly with GPWORKFORCE_SKIP_POSTGRES=1",
        file=sys.stderr,
    )
    sys.exit(1)
PYEOF
then
  exit 1
fi
if [[ $CHECK_ONLY == 1 ]]; then
  exit 0
fi
export DATABASE_URL="$URL"
echo "test-postgres: running the whole test suite against $URL"
exec "$PY" -m pytest -q -p no:cacheprovider "$@"
