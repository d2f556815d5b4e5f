#!/usr/bin/env bash
# The C++ style checks CI runs (.ci/run): clang-format (.clang-format) over every C++/CUDA source
# of cpp/ and csrc/ in --dry-run --Werror mode, then clang-tidy (.clang-tidy, warnings as errors)
# over every translation unit the CPU build compiles (engine, binding, driver, advantage kernel),
# using the compile_commands.json of a CMake configure in build/tidy. Both tools come with the
# dev extra (pip install -e ".[dev]").
#   cpp/tools/check_cpp_style.sh           # check
#   cpp/tools/check_cpp_style.sh --fix     # reformat in place instead (clang-tidy still checks)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
mapfile -t sources < <(git ls-files -co --exclude-standard \
  'cpp/*.cpp' 'cpp/*.hpp' 'csrc/*.cpp' 'csrc/*.h' 'csrc/*.cu' 'csrc/*.cuh')

echo "-- clang-format $(clang-format --version | grep -o '[0-9][0-9.]*' | head -1): ${#sources[@]} files"
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${sources[@]}"
else
  clang-format --dry-run --Werror "${sources[@]}"
fi

build="$root/build/tidy"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DMETTA_PYTHON_BINDINGS=ON \
  -DMETTA_CUDA=OFF -Dpybind11_DIR="$(python -m pybind11 --cmakedir)" >/dev/null
mapfile -t units < <(python -c "
import json, sys
for entry in json.load(open(sys.argv[1])):
    print(entry['file'])" "$build/compile_commands.json")
echo "-- clang-tidy $(clang-tidy --version | grep -o 'version [0-9.]*' | cut -d' ' -f2): ${#units[@]} translation units"
printf '%s\n' "${units[@]}" | xargs -P "$(nproc)" -n 1 clang-tidy -p "$build" --quiet
