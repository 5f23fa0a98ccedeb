#!/usr/bin/env bash
# Renders the hand-built sample report and screenshots report.html with a
# headless Debian chromium at phone (420 px) and desktop (1280 px) widths.
#
#   scripts/screenshot.sh [out-dir]      (default: target/report-sample)
#
# Installs chromium with apt-get when it is missing. The browser runs with
# networking features off; the page itself loads nothing.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/target/report-sample}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

if ! command -v chromium >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

(cd "$root" && cargo run --quiet --example sample_report -- "$out")

shot() { # file width height png
    local profile
    profile="$(mktemp -d)"
    chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
        --user-data-dir="$profile" --window-size="$2,$3" --screenshot="$4" "file://$1" \
        >/dev/null 2>&1
    rm -rf "$profile"
    echo "$4"
}

shot "$out/report.html" 420 2400 "$out/phone.png"
shot "$out/report.html" 420 7000 "$out/phone-full.png"
shot "$out/report.html" 1280 4000 "$out/desktop.png"
shot "$out/imperial/report.html" 420 7000 "$out/phone-imperial.png"
