#!/usr/bin/env bash
# Renders the demo report and checks report.html in a real headless browser
# (Debian's chromium, installed when missing) at 390 px and 1280 px: no
# horizontal overflow on the phone, every chart SVG has a size, no request
# leaves the page, no console error, the answer on the first screen.
# Screenshots land in target/browser-check/.
#
#   scripts/browser-check.sh [report.html]     (default: the demo, rendered here)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/target/browser-check"
mkdir -p "$out"

if ! command -v chromium >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

if [ $# -ge 1 ]; then
    html="$1"
else
    rm -rf "$out/demo"
    (cd "$root" && cargo run --locked -q -- report samples/demo -o "$out/demo" --no-progress -q)
    html="$out/demo/report.html"
fi

python3 "$root/scripts/browser_check.py" "$html" "$out" 390 1280
