#!/usr/bin/env bash
# Runs every fuzz target of fuzz/fuzz_targets/ for a bounded time each, with
# libFuzzer's memory limit: a crash, a timeout or more than 1 GiB of memory
# fails the run and leaves the input in $FUZZ_DIR/artifacts/<target>/ (turn
# it into a regression test: copy it to fuzz/regressions/<target>/, see
# tests/fuzz_regressions.rs). New targets are picked up by their file.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET…]   (default 40, all)
# Needs cargo-fuzz (scripts/install-deps.sh test) and the nightly toolchain;
# where nightly is not installed (a machine that reaches crates.io but not
# the Rust distribution server), the stable toolchain builds the targets
# with RUSTC_BOOTSTRAP=1, which lets it take the nightly-only flags
# (-Zsanitizer) cargo-fuzz passes. ACTAS_FUZZ_TOOLCHAIN forces one.
# Seeds: fuzz/seeds/<target>/ (read only); the corpus the fuzzer grows is
# kept outside the clone, in $FUZZ_DIR/corpus/<target>/, so later runs
# start where earlier ones stopped.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-40}"
shift || true
export PATH="$HOME/.cargo/bin:$PATH"
# Instrumented builds never share a directory with the normal ones.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/actas/target}/fuzz"
FUZZ_DIR="${FUZZ_DIR:-$HOME/.cache/actas/fuzz}"

if [ "$#" -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for f in fuzz/fuzz_targets/*.rs; do
    targets+=("$(basename "$f" .rs)")
  done
fi

toolchain="${ACTAS_FUZZ_TOOLCHAIN:-}"
if [ -z "$toolchain" ]; then
  if cargo +nightly --version >/dev/null 2>&1; then toolchain=nightly; else toolchain=stable; fi
fi
if [ "$toolchain" != nightly ]; then
  export RUSTC_BOOTSTRAP=1
fi
fuzz() { (cd fuzz && cargo "+$toolchain" fuzz "$@"); }

echo "== cargo fuzz build (${#targets[@]} objetivos, toolchain $toolchain)"
fuzz build -O

failed=()
for t in "${targets[@]}"; do
  corpus="$FUZZ_DIR/corpus/$t"
  artifacts="$FUZZ_DIR/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  seeds=()
  [ -d "fuzz/seeds/$t" ] && seeds+=("$PWD/fuzz/seeds/$t")
  [ -d "fuzz/regressions/$t" ] && seeds+=("$PWD/fuzz/regressions/$t")
  echo "== fuzz $t (${seconds} s)"
  log="$FUZZ_DIR/$t.log"
  if fuzz run -O "$t" "$corpus" "${seeds[@]}" -- \
        -max_total_time="$seconds" -rss_limit_mb=1024 -malloc_limit_mb=1024 -timeout=25 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1; then
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)' "$log" | tr '\n' ' ' || true
    echo
  else
    echo "FALLO: $t (registro en $log; entradas en $artifacts/)"
    tail -n 40 "$log"
    failed+=("$t")
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: fallaron ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#targets[@]} objetivos sin fallos (${seconds} s cada uno)"
