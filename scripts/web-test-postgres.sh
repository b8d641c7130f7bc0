#!/usr/bin/env bash
# Run the web tests against PostgreSQL (pytest-django creates a test_<name> database).
# Skips, saying why, only when no PostgreSQL server answers. Usage: scripts/web-test-postgres.sh [pytest args]
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
    print(f"web-test-postgres: SKIPPED - no PostgreSQL server answers at the URL given ({type(exc).__name__}: {exc})")
    sys.exit(1)
PYEOF
then
  exit 0
fi
export DATABASE_URL="$URL"
shopt -s nullglob
FILES=(tests/unit/test_web_*.py tests/spec/test_web_*.py tests/property/test_web_*.py tests/integration/test_web_*.py tests/browser/test_web_*.py)
echo "web-test-postgres: running ${#FILES[@]} web test files against $URL"
exec "$PY" -m pytest -q -p no:cacheprovider "${FILES[@]}" "$@"
