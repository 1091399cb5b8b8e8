#!/usr/bin/env bash
# The main reproduction: `bash reproduce/run.sh` runs the scattered-sticks experiment (default CPU
# profile); arguments replace the default, e.g. `bash reproduce/run.sh sticks --profile smoke`.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
if [ "$#" -eq 0 ]; then set -- sticks; fi
exec "$PY" -m reproduce "$@"
