#!/usr/bin/env bash
# Renders each site's home of a project (default: content-example) in headless Chromium to
# docs/screenshots/<site>.png at 1280×2000.
#
#   scripts/screenshots.sh [PROJECT]
#
# Needs chromium (.ci/install-quality-tools.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."

project="${1:-content-example}"
today=2026-11-23
shots=docs/screenshots
chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$chromium" ]; then
  echo "screenshots.sh: chromium is not installed (run .ci/install-quality-tools.sh)" >&2
  exit 1
fi

cargo build --quiet --bin align
align=target/debug/align

work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A full build first, so content errors stop here with every message printed.
"$align" build "$project" --out "$work/out" --today "$today"
sites=$(find "$work/out" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)

"$align" serve "$project" --port 0 --no-reload --today "$today" >"$work/serve.log" 2>&1 &
server=$!
base=
for _ in $(seq 300); do
  base=$(sed -n 's/^serving at \(http[^ ]*\).*/\1/p' "$work/serve.log" | head -n 1)
  [ -n "$base" ] && break
  if ! kill -0 "$server" 2>/dev/null; then
    cat "$work/serve.log" >&2
    echo "screenshots.sh: align serve exited" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$base" ]; then
  cat "$work/serve.log" >&2
  echo "screenshots.sh: align serve did not start" >&2
  exit 1
fi
base="${base%/}/"

mkdir -p "$shots"
for site in $sites; do
  shot="$shots/$site.png"
  rm -f "$shot"
  if ! "$chromium" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --disable-background-networking --no-first-run --user-data-dir="$work/profile-$site" \
    --hide-scrollbars --window-size=1280,2000 \
    --screenshot="$shot" "$base$site/" >"$work/chromium-$site.log" 2>&1 || [ ! -s "$shot" ]; then
    cat "$work/chromium-$site.log" >&2
    echo "screenshots.sh: no screenshot of $base$site/" >&2
    exit 1
  fi
  echo "$shot"
done
