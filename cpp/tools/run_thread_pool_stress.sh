#!/usr/bin/env bash
# Builds cpp/tools/thread_pool_stress.cpp with ThreadSanitizer and runs it: any data race, lost
# chunk, lost exception or hang in metta::ThreadPool fails (TSan exits non-zero on a report).
#   cpp/tools/run_thread_pool_stress.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/build/thread_pool_stress"
mkdir -p "$(dirname "$out")"
"${CXX:-c++}" -std=c++20 -O1 -g -fsanitize=thread -Wall -Wextra -Werror -pthread \
  "$root/cpp/tools/thread_pool_stress.cpp" -o "$out"
TSAN_OPTIONS="halt_on_error=1" timeout 300 "$out"
