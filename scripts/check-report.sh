#!/usr/bin/env bash
# Render `reserve report` in headless Chromium and keep a screenshot to look at.
#
#   scripts/check-report.sh [OUT_DIR] [REPORT.html]   (needs Debian's chromium:
#                                                     apt-get install chromium)
#
# Renders REPORT.html (default: a fresh `reserve report` of the default
# question, written to OUT_DIR/report.html) to OUT_DIR/report.png, the whole
# page: Chromium draws a window taller than any report and the blank below
# the page is trimmed; and prints it to OUT_DIR/report.pdf as Chromium's
# "print to PDF" does (A4, the report's print style sheet), to look at page
# by page. Checks that the page holds the report's heading and
# that Chromium loaded nothing from the network: the report must be one
# self-contained file.
set -euo pipefail
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
    echo "no chromium on this machine: apt-get install chromium" >&2
    exit 2
fi
if [ -n "${2:-}" ]; then
    cp "$2" "$out/report.html"
else
    reserve report -o "$out/report.html"
fi
profile="$(mktemp -d)"
# The flags keep Chromium off the network (it has none here) and headless.
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --window-size=1200,16000 \
    --screenshot="$out/report.png" "file://$out/report.html" 2>"$out/chromium.log"
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --no-pdf-header-footer \
    --print-to-pdf="$out/report.pdf" "file://$out/report.html" 2>>"$out/chromium.log"
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --dump-dom "file://$out/report.html" >"$out/dom.html" 2>>"$out/chromium.log"
grep -q "How big must the reserve be?" "$out/dom.html"
if grep -Eo '(src|href)="https?://' "$out/report.html"; then
    echo "the report fetches from the network" >&2
    exit 1
fi
# trim the blank below the page, so the picture is the page, whole
python3 - "$out/report.png" <<'PY'
import sys
from PIL import Image, ImageChops
image = Image.open(sys.argv[1]).convert("RGB")
box = ImageChops.difference(image, Image.new("RGB", image.size, (255, 255, 255))).getbbox()
if box is None:
    sys.exit("the screenshot is blank")
if box[3] >= image.height - 2:
    sys.exit("the page is taller than the window: raise --window-size")
image.crop((0, 0, image.width, box[3] + 40)).save(sys.argv[1])
PY
pages="$(grep -aoE '/Type ?/Page([^s]|$)' "$out/report.pdf" | wc -l)"
echo "rendered: $out/report.png ($(stat -c %s "$out/report.png") bytes), $out/report.pdf ($pages pages)"
