#!/usr/bin/env bash
# Installs what Actas needs, builds it and opens the desktop window, with its
# database in the user's data folder (~/.local/share/actas/actas.db; set
# ACTAS_DB to use another). With arguments, they go to the `actas` command
# line instead (e.g. `scripts/run.sh list`, `scripts/run.sh ejemplos` renders
# every form's example into ./salida/).
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/actas/target}"

if [ "$#" -eq 0 ]; then
  bash scripts/install-deps.sh desktop
  (cd ui && npm ci --no-audit --no-fund --loglevel=error && npm run build)
  cargo build --release --locked -p actas-desktop
  ACTAS_TEMPLATES="${ACTAS_TEMPLATES:-$PWD/templates}" exec "$CARGO_TARGET_DIR/release/actas-desktop"
fi

bash scripts/install-deps.sh core
cargo build --release --locked --bin actas
actas="$CARGO_TARGET_DIR/release/actas"
if [ "$1" != "ejemplos" ]; then
  exec "$actas" "$@"
fi
"$actas" templates
mkdir -p salida
for data in templates/examples/*.json; do
  id=$(basename "$data" .json)
  "$actas" render "$id" --data "$data" -o "salida/$id.pdf"
done
echo "Listo: los PDF de ejemplo están en ./salida/"
