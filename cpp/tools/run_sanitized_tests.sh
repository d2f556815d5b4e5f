#!/usr/bin/env bash
# Builds the native modules with AddressSanitizer + UndefinedBehaviorSanitizer (METTA_SANITIZE=ON)
# in build/sanitize (the editable install is left alone), then runs the MettaGrid tests (or the
# pytest arguments given) against that build. Any ASan/UBSan report aborts the run. libstdc++ is
# preloaded with libasan because the Python binary does not link it (C++ exceptions need it).
#   cpp/tools/run_sanitized_tests.sh                  # tests/mettagrid
#   cpp/tools/run_sanitized_tests.sh tests/mettagrid/test_mettagrid_actions.py -x
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$root/build/sanitize"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMETTA_SANITIZE=ON \
  -DMETTA_PYTHON_BINDINGS=ON -DMETTA_CUDA=OFF -Dpybind11_DIR="$(python -m pybind11 --cmakedir)" >/dev/null
cmake --build "$build" -j"$(nproc)"
# A package tree of the Python sources and package data (e.g. the navigation maps) plus the
# sanitized modules, imported instead of the editable install (whose import hook is removed below).
pkg="$build/pkg"
rm -rf "$pkg" && mkdir -p "$pkg"
(cd "$root" && find metta -type f ! -name '*.so' ! -name '*.pyc' ! -path '*/__pycache__/*' \
  -exec cp --parents {} "$pkg" \;)
cp "$build"/cpp/_mettagrid*.so "$pkg/metta/mettagrid/"
cp "$build"/csrc/_advantage*.so "$pkg/metta/rl/" 2>/dev/null || true
[ "$#" -gt 0 ] || set -- tests/mettagrid
cd "$root"
LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libstdc++.so)" \
ASAN_OPTIONS="detect_leaks=0:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
PYTHONPATH="$pkg" python - "$@" <<'PY'
import os
import sys
sys.meta_path[:] = [f for f in sys.meta_path if "skbc" not in type(f).__module__]
sys.path[:] = [p for p in sys.path if p not in ("", os.getcwd())]
import pytest
import metta.mettagrid._mettagrid as native
assert "/build/sanitize/" in native.__file__, native.__file__
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", *sys.argv[1:]]))
PY
