#!/usr/bin/env bash
# Creates .venv at the repository root with the pinned stack, or does nothing if it is up to date.
# Source it (`. reproduce/env.sh`) to get $PY; both README commands do. Idempotent: a stamp holding the
# hash of the requirement files skips every pip call on the second run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
STAMP="$VENV/.discseg-requirements.sha256"
want="$(cat "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" "$ROOT/reproduce/env.sh" | sha256sum | cut -d' ' -f1)"

if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ]; then
  echo "[env] setting up $VENV (first run only; building mmcv's ops takes ~5-10 min on 2 cores)" >&2
  [ -x "$PY" ] || python3 -m venv "$VENV"
  pin() { grep -E "^$1==" "$ROOT/requirements.txt"; }
  "$PY" -m pip install --quiet --upgrade "pip<26" "setuptools<81" wheel ninja
  # torch first: mmcv compiles against it. A CUDA torch installed beforehand at the same version is kept.
  "$PY" -m pip install --quiet "$(pin torch)" "$(pin numpy)"
  # mmcv 2.1.0 has no wheel on PyPI: build its ops once; pip caches the built wheel for later installs.
  # -O3 is kept explicitly (CFLAGS=-g0 alone drops it and the ops run ~50% slower).
  MMCV_WITH_OPS=1 MAX_JOBS="${MAX_JOBS:-2}" CFLAGS="-DNDEBUG -O3 -g0 -fwrapv -Wall" \
    "$PY" -m pip install --no-build-isolation "$(pin mmcv)"
  "$PY" -m pip install --quiet -r "$ROOT/requirements.txt" -r "$ROOT/requirements-dev.txt"
  echo "$want" > "$STAMP"
fi
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
