#!/usr/bin/env bash
# Installs the system packages Actas needs on Debian 12 / Ubuntu: idempotent,
# uses sudo when not root. Usage: scripts/install-deps.sh [core|test]
#   core  build the core and the CLI (compiler, pkg-config, OpenSSL headers)
#   test  core + the real validators the tests call (qpdf, poppler-utils)
set -euo pipefail
profile="${1:-core}"

packages=(build-essential pkg-config libssl-dev ca-certificates curl)
if [ "$profile" = "test" ]; then
  packages+=(qpdf poppler-utils)
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
