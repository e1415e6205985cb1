#!/usr/bin/env bash
# Renders each site's home of content-example in headless Chromium to docs/screenshots/.
# Needs Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin align
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp)
./target/release/align serve content-example --port "$port" --no-reload --today 2026-11-23 >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$log"' EXIT
until grep -q "serving at" "$log"; do sleep 0.1; done
mkdir -p docs/screenshots
for site in exec team public; do
  profile=$(mktemp -d)
  chromium --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --disable-background-networking --no-first-run --user-data-dir="$profile" \
    --hide-scrollbars --window-size=1280,1800 \
    --screenshot="docs/screenshots/$site.png" "http://127.0.0.1:$port/$site/" >/dev/null 2>&1
  rm -rf "$profile"
done
ls -l docs/screenshots
