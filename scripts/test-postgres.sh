#!/usr/bin/env bash
# The whole test suite again, against PostgreSQL (pytest-django creates a test_<name> database).
# Skips, saying why, only when no PostgreSQL server answers. Usage: scripts/test-postgres.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
URL="${GPWORKFORCE_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
PY=.venv/bin/python
if ! "$PY" - "$URL" <<'PYEOF'
import sys
import psycopg
try:
    psycopg.connect(sys.argv[1].replace("/test", "/postgres", 1) if sys.argv[1].endswith("/test") else sys.argv[1], connect_timeout=3).close()
except Exception as exc:  # any failure to connect means: no server to test against
    print(f"test-postgres: SKIPPED - no PostgreSQL server answers at the URL given ({type(exc).__name__}: {exc})")
    sys.exit(1)
PYEOF
then
  exit 0
fi
export DATABASE_URL="$URL"
echo "test-postgres: running the whole test suite against $URL"
exec "$PY" -m pytest -q -p no:cacheprovider "$@"
