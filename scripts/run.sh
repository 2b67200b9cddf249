#!/usr/bin/env bash
# Installs what Actas needs, builds it and runs it. With arguments, they go to
# the `actas` command (e.g. `scripts/run.sh list`); without, it shows the
# catalogue and renders every form's example into ./salida/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh core
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/actas/target}"
cargo build --release --locked --bin actas
actas="$CARGO_TARGET_DIR/release/actas"

if [ "$#" -gt 0 ]; then
  exec "$actas" "$@"
fi

"$actas" templates
mkdir -p salida
for data in templates/examples/*.json; do
  id=$(basename "$data" .json)
  "$actas" render "$id" --data "$data" -o "salida/$id.pdf"
done
echo "Listo: los PDF de ejemplo están en ./salida/"
