#!/usr/bin/env bash
# The GPU check, in one run on a bare machine without network (README, "GPU"):
#   bash tools/gpu_check.sh [--out DIR] [--carry DIR] [--budget SECONDS] [--dry-run | --install-only]
# 1. installs the wheels of gpu_carry/ (tools/prepare_gpu_carry.py) offline into /tmp/discseg-site;
# 2. builds mmcv 2.1.0's ops with CUDA for this GPU's architecture only, on all cores, with CUDA
#    kernels for the ops the suite uses (tools/gpu_check/mmcv_partial_ops.py);
# 3. runs each part in its own process under its own time limit, writing to --out ($OUT):
#    cuda_tests.xml (pytest, junit), loss.json, clustering.json, inference.json, table4.json;
#    summary.json records the machine (GPU, torch, CUDA, commit), the build and every part's exit
#    status and wall time; log.txt holds the output.
# A part that hangs is killed at its limit, and no part starts past the whole check's --budget.
# Without a GPU the ops are built for the CPU, the CUDA tests are skipped and the parts run on the
# CPU. --dry-run: the current Python environment as is (no install, no build), parts on the CPU;
# --install-only: steps 1 and 2 alone. Both rehearse the plumbing on a machine without a GPU.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT_DIR="${OUT:-$ROOT/work_dirs/gpu_check}"
CARRY="$ROOT/gpu_carry"
BUDGET=510  # seconds for everything: 8.5 of the 9 minutes a check may take
DRY_RUN=0
INSTALL_ONLY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT_DIR="$2"; shift 2 ;;
    --carry) CARRY="$2"; shift 2 ;;
    --budget) BUDGET="$2"; shift 2 ;;
    --dry-run) DRY_RUN=1; shift ;;
    --install-only) INSTALL_ONLY=1; shift ;;
    *) echo "gpu_check: unknown argument $1 (expected --out DIR, --carry DIR, --budget S, --dry-run, --install-only)" >&2
       exit 2 ;;
  esac
done
mkdir -p "$OUT_DIR"
PY="${PYTHON:-python3}"
SITE="${DISCSEG_SITE:-/tmp/discseg-site}"
PARTS="$OUT_DIR/parts.jsonl"  # one line per step: name, exit status, seconds; summary.json's source
: > "$PARTS"
exec > >(tee -a "$OUT_DIR/log.txt") 2>&1
START=$SECONDS
cd "$ROOT"
export ROOT CARRY PY SITE PYTHONUNBUFFERED=1 PYTHONPATH="$ROOT"

GPU=1
if ! "$PY" -c 'import torch, sys; sys.exit(not torch.cuda.is_available())'; then
  echo "gpu_check: torch sees no GPU: CPU build, no CUDA tests, parts on the CPU"
  GPU=0
fi
export GPU

# step NAME LIMIT CMD...: run CMD under min(LIMIT, what the budget leaves) and record how it ended.
step() {
  local name="$1" limit="$2"; shift 2
  local left=$((BUDGET - (SECONDS - START)))
  if [ "$left" -lt 15 ]; then
    echo "gpu_check: [$name] skipped: $left s of the budget left"
    echo "{\"part\": \"$name\", \"status\": \"skipped_budget\", \"seconds\": 0}" >> "$PARTS"
    return 1
  fi
  [ "$limit" -gt "$left" ] && limit="$left"
  echo "gpu_check: [$name] limit $limit s"
  local began=$SECONDS
  if declare -F "$1" > /dev/null; then  # a function of this script: in a child bash, killable
    timeout --kill-after=10 "$limit" bash -c "$(declare -f "$1"); $1"
  else
    timeout --kill-after=10 "$limit" "$@"
  fi
  local rc=$?
  local status=ok
  [ "$rc" -ne 0 ] && status=failed
  [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && status=timed_out
  echo "gpu_check: [$name] $status (exit $rc) after $((SECONDS - began)) s"
  echo "{\"part\": \"$name\", \"status\": \"$status\", \"exit_code\": $rc, \"limit_s\": $limit, \"seconds\": $((SECONDS - began))}" >> "$PARTS"
  return "$rc"
}

install_carry() {
  [ -d "$CARRY" ] || { echo "gpu_check: $CARRY missing: run tools/prepare_gpu_carry.py here first"; return 1; }
  "$PY" -m pip install --quiet --no-index --no-deps --no-compile --no-cache-dir \
    --target "$SITE" "$CARRY"/*.whl
}

build_mmcv() {
  # mmcv's ops against this machine's torch: CUDA kernels of the used ops for this GPU only.
  local source=/tmp/mmcv-build
  rm -rf "$source" && mkdir -p "$source"
  tar xzf "$CARRY"/mmcv-2.1.0.tar.gz -C "$source" --strip-components=1 || return 1
  if [ "$GPU" = 1 ]; then
    "$PY" tools/gpu_check/mmcv_partial_ops.py "$source" || return 1
    export FORCE_CUDA=1
    TORCH_CUDA_ARCH_LIST="$("$PY" -c 'import torch; print("%d.%d" % torch.cuda.get_device_capability())')"
    export TORCH_CUDA_ARCH_LIST
    # torch dropped THC/THCAtomics.cuh, which mmcv 2.1.0 still includes; ATen/cuda/Atomic.cuh is
    # what it became.
    local torch_include
    torch_include="$("$PY" -c 'import torch.utils.cpp_extension as c; print(c.include_paths()[0])')"
    if [ ! -f "$torch_include/THC/THCAtomics.cuh" ]; then
      mkdir -p /tmp/mmcv-shim/THC
      echo '#include <ATen/cuda/Atomic.cuh>' > /tmp/mmcv-shim/THC/THCAtomics.cuh
      export MMCV_CUDA_ARGS="-I/tmp/mmcv-shim"
    fi
  fi
  # torch builds in parallel only through the ninja executable, which a venv keeps beside python.
  PATH="$("$PY" -c 'import os, sys; print(os.path.dirname(sys.executable))'):$PATH"
  command -v ninja > /dev/null || echo "gpu_check: no ninja on PATH: mmcv builds one file at a time"
  echo "gpu_check: building mmcv ops (arch ${TORCH_CUDA_ARCH_LIST:-cpu}, $(nproc) jobs)"
  MMCV_WITH_OPS=1 MAX_JOBS="$(nproc)" CFLAGS="-DNDEBUG -O3 -g0 -fwrapv -Wall" \
    "$PY" -m pip install --quiet --no-index --no-deps --no-build-isolation --no-cache-dir \
    --target "$SITE" "$source"
}

if [ "$DRY_RUN" = 0 ]; then
  step install 90 install_carry && export PYTHONPATH="$ROOT:$SITE" && \
    step build_mmcv "${BUILD_LIMIT:-300}" build_mmcv
fi
if [ "$INSTALL_ONLY" = 1 ]; then
  cat "$PARTS"; exit 0
fi
if [ "$GPU" = 1 ]; then
  step cuda_tests 120 "$PY" -m pytest -q -p no:cacheprovider tests/discseg/test_cuda.py \
    tests/discseg/test_clustering.py -k cuda --junitxml="$OUT_DIR/cuda_tests.xml"
fi
DEVICE=cuda; [ "$GPU" = 0 ] && DEVICE=cpu
step inference 120 "$PY" -m tools.gpu_check.inference --device "$DEVICE" \
  --out "$OUT_DIR/inference.json" $([ "$GPU" = 0 ] && echo --smoke)
step loss_benchmark 60 "$PY" -m reproduce.benchmarks.loss --device "$DEVICE" --out "$OUT_DIR/loss.json"
if "$PY" -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("reproduce.benchmarks.table4") is None)'; then
  step table4 150 "$PY" -m reproduce.benchmarks.table4 --out "$OUT_DIR/table4.json"
else
  echo "gpu_check: [table4] reproduce.benchmarks.table4 does not exist in this tree"
  echo '{"part": "table4", "status": "missing_module", "seconds": 0}' >> "$PARTS"
fi
step clustering_benchmark 180 "$PY" -m reproduce.benchmarks.clustering --device "$DEVICE" \
  --out "$OUT_DIR/clustering.json"
"$PY" -m tools.gpu_check.summary --parts "$PARTS" --carry "$CARRY" --out "$OUT_DIR/summary.json" \
  --seconds $((SECONDS - START)) --gpu "$GPU"
rm -f "$PARTS"
echo "gpu_check: done in $((SECONDS - START)) s; results in $OUT_DIR"
