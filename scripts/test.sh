#!/usr/bin/env bash
# Installs what the tests need and runs every check: the window's front end
# (type check, unit tests, build), formatting, clippy with warnings as
# errors, and all Rust tests — unit, integration against the real binaries
# and PDF tools, the Tauri commands without a window, and the end-to-end
# test of the real window under Xvfb — then every fuzz target for a bounded
# time (scripts/fuzz.sh, ACTAS_FUZZ_SECONDS per target, default 40: twelve
# targets in 8 minutes, after an instrumented build of ≈ 14 minutes on a
# fresh machine and seconds once built; 0 skips).
# The store's tests run on SQLite and on a throwaway PostgreSQL 15 server
# started here on a free loopback port (scripts/pg-test-cluster.sh) and
# stopped on exit. Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh test
export PATH="$HOME/.cargo/bin:$PATH"
# A persistent build directory outside the clone keeps re-runs fast; a clean one works too.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/actas/target}"
export CARGO_TERM_COLOR=never

echo "== PostgreSQL: throwaway test server"
eval "$(bash scripts/pg-test-cluster.sh start)"
trap 'bash scripts/pg-test-cluster.sh stop "$ACTAS_TEST_PGDATA"' EXIT
echo "servidor de pruebas: $ACTAS_TEST_POSTGRES"

echo "== ui: npm ci, unit tests, build"
(cd ui && npm ci --no-audit --no-fund --loglevel=error && npm test && npm run build)

rustup component add rustfmt clippy >/dev/null 2>&1 || true
echo "== cargo fmt --check"
cargo fmt --all -- --check
cargo fmt --manifest-path fuzz/Cargo.toml -- --check
echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
log=$(mktemp)
trap 'rm -f "$log"; bash scripts/pg-test-cluster.sh stop "$ACTAS_TEST_PGDATA"' EXIT
set +e
cargo test --workspace --all-targets --locked 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole run (the last cargo block may be a target without tests).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
[ "$status" -eq 0 ] || exit "$status"

fuzz_seconds="${ACTAS_FUZZ_SECONDS:-40}"
if [ "$fuzz_seconds" -gt 0 ]; then
  echo "== fuzz (${fuzz_seconds} s por objetivo)"
  bash scripts/fuzz.sh "$fuzz_seconds"
fi
