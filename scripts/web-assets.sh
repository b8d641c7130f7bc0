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
mkdir -p "$TMP/nhsuk/assets" "$TMP/htmx" "$TMP/axe" "$TMP/vega"
# The source maps too: the production settings' manifest storage follows every file's
# sourceMappingURL and fails collectstatic when the map is missing.
cp "$NHS/nhsuk-frontend.min.css" "$NHS/nhsuk-frontend.min.js" "$TMP/nhsuk/"
cp "$NHS/nhsuk-frontend.min.css.map" "$NHS/nhsuk-frontend.min.js.map" "$TMP/nhsuk/"
# The CSS names its icons at the site root (url(/assets/images/...)); here they live next to it.
sed -i 's#url(/assets/#url(assets/#g' "$TMP/nhsuk/nhsuk-frontend.min.css"
cp -R "$NHS/assets/." "$TMP/nhsuk/assets/"
cp node_modules/htmx.org/dist/htmx.min.js "$TMP/htmx/"
cp node_modules/axe-core/axe.min.js "$TMP/axe/"
# Charts: Vega, Vega-Lite and vega-embed (UMD builds), and Vega's CSP-compliant expression
# interpreter (no eval, so the Content-Security-Policy needs no 'unsafe-eval'). The interpreter
# ships only as an ES module importing vega-util; the vega build carries vega-util's functions,
# so it becomes a classic script reading them from the global `vega`.
cp node_modules/vega/build/vega.min.js node_modules/vega-lite/build/vega-lite.min.js \
  node_modules/vega-embed/build/vega-embed.min.js "$TMP/vega/"
cp node_modules/vega-lite/build/vega-lite.min.js.map \
  node_modules/vega-embed/build/vega-embed.min.js.map "$TMP/vega/"
{
  echo "(function (vega) {"
  sed -e "s/^import { \(.*\) } from 'vega-util';$/const { \1 } = vega;/" \
      -e "s/^export { expression as expressionInterpreter };$/vega.expressionInterpreter = expression;/" \
      -e "/^\/\/# sourceMappingURL=/d" \
      node_modules/vega-interpreter/build/vega-interpreter.js
  echo "})(window.vega);"
} > "$TMP/vega/vega-interpreter.js"
if grep -qE "^(import|export) " "$TMP/vega/vega-interpreter.js"; then
  echo "web-assets: vega-interpreter's module form changed; update scripts/web-assets.sh" >&2
  exit 1
fi
rm -rf "$DEST"
mv "$TMP" "$DEST"
trap - EXIT
echo "web-assets: copied nhsuk-frontend $(node -p "require('./node_modules/nhsuk-frontend/package.json').version"), htmx $(node -p "require('./node_modules/htmx.org/package.json').version"), vega $(node -p "require('./node_modules/vega/package.json').version") into $DEST"
