#!/usr/bin/env bash
# Load while editing: wrk hammers a served page of the example project for 15 s while a
# loop saves one document every 200 ms (alternating two versions). Prints wrk's summary
# and the number of rebuilds. Needs wrk (`apt-get install wrk`).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin align
work=$(mktemp -d)
cp -r content-example "$work/project"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./target/release/align serve "$work/project" --port "$port" --today 2026-11-23 >"$work/out" 2>"$work/err" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
until grep -q "serving at" "$work/out" 2>/dev/null; do sleep 0.1; done
doc="$work/project/content/initiatives/guided-setup.md"
cp "$doc" "$work/original"
( for i in $(seq 1 75); do
    if (( i % 2 )); then printf '\nEdited under load %s.\n' "$i" >>"$doc"; else cp "$work/original" "$doc"; fi
    sleep 0.2
  done ) &
editor=$!
wrk -t2 -c32 -d15s --latency "http://127.0.0.1:$port/exec/initiatives/guided-setup.html"
wait $editor
echo "rebuilds during the run: $(grep -c 'rebuilt in' "$work/err")"
echo "failed rebuilds: $(grep -c 'rebuild failed' "$work/err" || true)"
