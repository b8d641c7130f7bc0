#!/usr/bin/env bash
# Install the web app's pinned front-end assets (package-lock.json) and copy the files the app
# serves into src/gpworkforce/web/static/vendor/ (git-ignored; served by whitenoise).
# Idempotent: re-running only re-copies. Needs npm (Debian package `npm`).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then
  echo "web-assets: npm is not installed (apt-get install npm)" >&2
  exit 1
fi
if [ ! -d node_modules/nhsuk-frontend ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
DEST=src/gpworkforce/web/static/vendor
NHS=node_modules/nhsuk-frontend/dist/nhsuk
TMP="$(mktemp -d "${DEST%/*}/.vendor.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/nhsuk/assets" "$TMP/htmx" "$TMP/axe"
# The source maps too: the production settings' manifest storage follows every file's
# sourceMappingURL and fails collectstatic when the map is missing.
cp "$NHS/nhsuk-frontend.min.css" "$NHS/nhsuk-frontend.min.js" "$TMP/nhsuk/"
cp "$NHS/nhsuk-frontend.min.css.map" "$NHS/nhsuk-frontend.min.js.map" "$TMP/nhsuk/"
# The CSS names its icons at the site root (url(/assets/images/...)); here they live next to it.
sed -i 's#url(/assets/#url(assets/#g' "$TMP/nhsuk/nhsuk-frontend.min.css"
cp -R "$NHS/assets/." "$TMP/nhsuk/assets/"
cp node_modules/htmx.org/dist/htmx.min.js "$TMP/htmx/"
cp node_modules/axe-core/axe.min.js "$TMP/axe/"
rm -rf "$DEST"
mv "$TMP" "$DEST"
trap - EXIT
echo "web-assets: copied nhsuk-frontend $(node -p "require('./node_modules/nhsuk-frontend/package.json').version"), htmx $(node -p "require('./node_modules/htmx.org/package.json').version") into $DEST"
