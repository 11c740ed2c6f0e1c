#!/usr/bin/env bash
# Render `reserve report` in headless Chromium and keep a screenshot to look at.
#
#   scripts/check-report.sh [OUT_DIR]      (needs Debian's chromium: apt-get install chromium)
#
# Writes OUT_DIR/report.html and OUT_DIR/report.png (a full-page screenshot)
# and checks that Chromium loaded nothing from the network: the report must
# be one self-contained file.
set -euo pipefail
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
    echo "no chromium on this machine: apt-get install chromium" >&2
    exit 2
fi
reserve report -o "$out/report.html"
profile="$(mktemp -d)"
# The flags keep Chromium off the network (it has none here) and headless.
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --window-size=1200,5200 \
    --screenshot="$out/report.png" "file://$out/report.html" 2>"$out/chromium.log"
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --dump-dom "file://$out/report.html" >"$out/dom.html" 2>>"$out/chromium.log"
grep -q "How big must the reserve be?" "$out/dom.html"
if grep -Eo '(src|href)="https?://' "$out/report.html"; then
    echo "the report fetches from the network" >&2
    exit 1
fi
echo "rendered: $out/report.png ($(stat -c %s "$out/report.png") bytes)"
