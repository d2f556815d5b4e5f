#!/usr/bin/env bash
# GPU check: the CUDA tests, then every benchmark in its GPU mode, printing their JSON lines.
# Meant for one GPU and under 8 minutes: the limits below add up to about 9.5 minutes (4 more for
# an install), each step with its own so that one slow step cannot eat the others' time. Run from the repository root:
#
#     bash benchmarks/gpu_check.sh              # installs the package first if it is missing
#
# The JSON lines of each step go to stdout as the step prints them; everything else (pip, pytest,
# progress) goes to stderr, so `bash benchmarks/gpu_check.sh > gpu.jsonl` keeps the figures.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()

# Runs one named step under a time limit; a failure is recorded and the next step still runs.
step() {
  local name="$1" limit="$2"
  shift 2
  echo "== ${name} (limit ${limit} s)" >&2
  local started=$SECONDS
  if timeout "${limit}" "$@"; then
    echo "-- ${name}: ok in $((SECONDS - started)) s" >&2
  else
    echo "-- ${name}: FAILED (exit $?) after $((SECONDS - started)) s" >&2
    failed+=("${name}")
  fi
}

# Like step, for a benchmark: its JSON lines to stdout, everything else it prints to stderr.
step_json() {
  local name="$1" limit="$2"
  shift 2
  echo "== ${name} (limit ${limit} s)" >&2
  local started=$SECONDS
  timeout "${limit}" "$@" 2>&1 | awk '/^\{/ { print; fflush(); next } { print > "/dev/stderr" }'
  local status="${PIPESTATUS[0]}"
  if ((status == 0)); then
    echo "-- ${name}: ok in $((SECONDS - started)) s" >&2
  else
    echo "-- ${name}: FAILED (exit ${status}) after $((SECONDS - started)) s" >&2
    failed+=("${name}")
  fi
}

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv >&2 || {
  echo "gpu_check: nvidia-smi found no GPU; the CUDA steps will skip" >&2
}

if ! python -c "import metta.rl.advantage, metta.mettagrid" 2>/dev/null; then
  # The torch already installed (a CUDA build, on a GPU machine) satisfies the dependency.
  step "install" 240 pip install -q -e ".[dev]" >&2
fi
python - >&2 <<'EOF'
import torch
from metta.rl.advantage import native_backends
print("torch", torch.__version__, "cuda available:", torch.cuda.is_available())
print("advantage backends:", native_backends())
EOF

step "CUDA tests" 120 python -m pytest -q -p no:cacheprovider tests/advantage tests/agent/test_extras.py >&2
step_json "advantage kernel (CPU and CUDA, up to 64M elements)" 100 python benchmarks/advantage.py
step_json "training, default agent (CUDA)" 75 python benchmarks/train.py --devices cuda
step_json "training, fast agent (CUDA)" 75 python benchmarks/train.py --devices cuda --agent fast
step_json "engine (CPU)" 45 python benchmarks/env.py --quick
step_json "maps (CPU)" 30 python benchmarks/mapgen.py --quick
step_json "ceilings (CPU)" 30 python benchmarks/ceilings.py --quick
step_json "learning (quick)" 45 python benchmarks/learning.py --quick
step_json "yardstick (quick)" 45 python benchmarks/cleanrl_ppo_lstm.py --quick

if ((${#failed[@]})); then
  echo "gpu_check: failed steps: ${failed[*]}" >&2
  exit 1
fi
echo "gpu_check: all steps passed" >&2
