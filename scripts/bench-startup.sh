#!/usr/bin/env bash
# Start-up benchmark of the desktop window (issue 4): cold start of the
# release build under Xvfb until the Documentos screen is interactive (its
# first data shown; the window then calls `window_ready`, which with
# ACTAS_STARTUP_PROBE set prints the milliseconds since `main` and exits).
# Also prints the wall time from spawning the process to its exit.
# Usage: scripts/bench-startup.sh [runs]   (default 10; needs `scripts/test.sh` deps)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/actas/target}"

(cd ui && npm run build >/dev/null)
cargo build --release --locked -p actas-desktop
app="$CARGO_TARGET_DIR/release/actas-desktop"

work=$(mktemp -d)
trap 'kill "$xvfb" 2>/dev/null || true; rm -rf "$work"' EXIT
Xvfb :77 -screen 0 1366x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
sleep 0.5

# A database with some documents, as an office would have.
actas="$CARGO_TARGET_DIR/release/actas"
cargo build --release --locked --bin actas
for i in $(seq 1 20); do
  ACTAS_DB="$work/actas.db" "$actas" new mef-anexo-11-1 --data templates/examples/mef-anexo-11-1.json >/dev/null
done

echo "run  to_documentos_ms  spawn_to_exit_ms"
for i in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  ready=$(DISPLAY=:77 ACTAS_STARTUP_PROBE=1 ACTAS_DB="$work/actas.db" ACTAS_TEMPLATES="$PWD/templates" \
    timeout 30 "$app" 2>/dev/null | awk '/^arranque_ms/ {print $2}')
  end=$(date +%s%N)
  printf '%3d  %16s  %16d\n' "$i" "${ready:-?}" $(( (end - start) / 1000000 ))
done
