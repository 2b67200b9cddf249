#!/usr/bin/env bash
# Installs the system packages Actas needs on Debian 12 / Ubuntu: idempotent,
# uses sudo when not root. Usage: scripts/install-deps.sh [core|desktop|test]
#   core     build the core and the CLI (compiler, pkg-config, OpenSSL headers)
#   desktop  core + the desktop window: WebKitGTK 4.1 (Tauri 2) and Node.js/npm
#            for the window's front end (ui/)
#   test     desktop + the real validators the tests call (qpdf, poppler-utils,
#            pyHanko from PyPI, pinned), SoftHSM2 and OpenSC (a PKCS#11 token
#            and pkcs11-tool for the token tests), the end-to-end tools:
#            Xvfb, WebKitWebDriver and tauri-driver (from crates.io, pinned),
#            PostgreSQL 15 (the shared register's tests run a throwaway
#            server), and the fuzzing tools: the nightly toolchain and
#            cargo-fuzz (pinned)
set -euo pipefail
profile="${1:-core}"

packages=(build-essential pkg-config libssl-dev ca-certificates curl)
if [ "$profile" = "desktop" ] || [ "$profile" = "test" ]; then
  packages+=(libwebkit2gtk-4.1-dev file)
  # Node.js 18 or newer builds the window; keep the machine's when it has one.
  command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
fi
if [ "$profile" = "test" ]; then
  packages+=(qpdf poppler-utils unzip xvfb xauth webkit2gtk-driver softhsm2 opensc postgresql-15)
  # pyHanko needs a Python 3 with pip; use the machine's if it has one.
  command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1 \
    || packages+=(python3 python3-pip)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
  echo "Instalando paquetes del sistema: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "Instalando Rust (rustup) …"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --component clippy,rustfmt
  fi
fi

# pyHanko (PAdES validator used by the signing tests and the baseline of
# benches/sign.rs), pinned; installed only when it can't be imported.
pyhanko_pins=('pyHanko==0.38.0' 'pyhanko-certvalidator==0.33.0')
if [ "$profile" = "test" ] && ! python3 -c 'import pyhanko.sign, pyhanko_certvalidator' >/dev/null 2>&1; then
  echo "Instalando pyHanko: ${pyhanko_pins[*]}"
  # Debian's own python3 is "externally managed" (PEP 668): allow the install there.
  python3 -m pip install --quiet --disable-pip-version-check "${pyhanko_pins[@]}" 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${pyhanko_pins[@]}"
fi

# openpyxl (the baseline of benches/licences.rs: benches/openpyxl_baseline.py
# reads the same 50,000-row master), pinned; installed only when missing.
openpyxl_pin='openpyxl==3.1.5'
if [ "$profile" = "test" ] && ! python3 -c 'import openpyxl' >/dev/null 2>&1; then
  echo "Instalando ${openpyxl_pin}"
  python3 -m pip install --quiet --disable-pip-version-check "$openpyxl_pin" 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "$openpyxl_pin"
fi

# tauri-driver (WebDriver bridge for the end-to-end test), pinned.
tauri_driver_version='2.1.0'
export PATH="$HOME/.cargo/bin:$PATH"
if [ "$profile" = "test" ] && ! "$HOME/.cargo/bin/tauri-driver" --help >/dev/null 2>&1; then
  echo "Instalando tauri-driver ${tauri_driver_version}"
  cargo install --quiet --locked tauri-driver --version "$tauri_driver_version"
fi

# cargo-fuzz (scripts/fuzz.sh, run by scripts/test.sh) on the nightly
# toolchain, pinned; installed only when missing. Without nightly (the Rust
# distribution server unreachable) scripts/fuzz.sh builds with stable and
# RUSTC_BOOTSTRAP=1.
cargo_fuzz_version='0.13.2'
if [ "$profile" = "test" ]; then
  rustup toolchain list 2>/dev/null | grep -q '^nightly' \
    || rustup toolchain install nightly --profile minimal \
    || echo "nightly no disponible: scripts/fuzz.sh usará stable con RUSTC_BOOTSTRAP=1"
  if ! cargo fuzz --version 2>/dev/null | grep -q "$cargo_fuzz_version"; then
    echo "Instalando cargo-fuzz ${cargo_fuzz_version}"
    cargo install --quiet --locked cargo-fuzz --version "$cargo_fuzz_version"
  fi
fi
