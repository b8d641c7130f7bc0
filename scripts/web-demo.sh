#!/usr/bin/env bash
# Set up and start the web app on the LLR 2017 demo: assets, database (and cache table), demo users;
# prints the address and logins, then serves on 127.0.0.1 under gunicorn (gunicorn.conf.py) with
# the task worker that computes the dashboards (Django Tasks, database backend). Ctrl-C stops
# every process this script started, and waits for them. Needs `make setup` first.
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

# The long-running processes of the demo, one `start` each; all are stopped together.
PIDS=()
start() {
  "$@" &
  PIDS+=("$!")
}
stop() {
  trap - INT TERM EXIT
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait "${PIDS[@]}" 2>/dev/null || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

start .venv/bin/gunicorn -c gunicorn.conf.py --bind "127.0.0.1:${PORT}"
# the task worker, at a lower CPU priority than the pages
start nice -n 10 .venv/bin/python -m gpworkforce.web db_worker --no-reload --interval 0.2

# Whichever process ends first (or Ctrl-C) ends the demo; the EXIT trap stops the others.
# gunicorn and the worker catch Ctrl-C themselves and exit 0; bash then takes the interrupt as
# handled by its child and may not run the INT trap (its "wait and cooperative exit" rule). A
# server of the demo never ends with 0 unless it was told to stop, so that is reported as the
# interrupt it was (130), not as success.
status=0
wait -n "${PIDS[@]}" || status=$?
if [ "$status" -eq 0 ]; then status=130; fi
exit "$status"
