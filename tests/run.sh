#!/usr/bin/env bash
# The test suite: `bash tests/run.sh` (fast tests); pytest arguments pass through (`-m slow`, `-k ...`).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../reproduce/env.sh"
cd "$ROOT"
exec "$PY" -m pytest "$@"
