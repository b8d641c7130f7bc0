#!/usr/bin/env bash
# Set up and start the web app on the LLR 2017 demo: assets, database, demo users; prints the
# address and logins, then serves on 127.0.0.1 (Ctrl-C stops). Needs `make setup` first.
#   PORT=8000 DEMO_PASSWORD=... scripts/web-demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-gpworkforce.web.settings.dev}"
bash scripts/web-assets.sh
.venv/bin/python -m gpworkforce.web migrate --no-input -v0
ARGS=(--address "http://127.0.0.1:${PORT}/")
if [ -n "${DEMO_PASSWORD:-}" ]; then ARGS+=(--password "$DEMO_PASSWORD"); fi
.venv/bin/python -m gpworkforce.web seed_demo "${ARGS[@]}"
exec .venv/bin/python -m gpworkforce.web runserver "127.0.0.1:${PORT}" --noreload
