// thread_pool_stress: hammers metta::ThreadPool (cpp/common/thread_pool.hpp) from one caller with
// many short tasks of varying size, exceptions, oversubscribed pools (more threads than cores) and
// pools created and destroyed back to back, checking that every index runs exactly once per call.
// Meant to run under ThreadSanitizer (cpp/tools/run_thread_pool_stress.sh); exits 1 on any error.
#include <atomic>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <vector>

#include "../common/thread_pool.hpp"

namespace {

int fail(const char* what, unsigned threads, int call) {
  std::fprintf(stderr, "thread_pool_stress: %s (threads %u, call %d)\n", what, threads, call);
  return 1;
}

}  // namespace

int main() {
  constexpr int kCalls = 20000;
  for (const unsigned threads : {2u, 3u, 8u}) {
    metta::ThreadPool pool(threads);
    for (int call = 0; call < kCalls; ++call) {
      const std::size_t n = 1 + static_cast<std::size_t>(call * 7919) % 300;
      // A fresh buffer per call, freed right after: a chunk that ran late would touch freed memory.
      auto hits = std::make_unique<std::vector<int>>(n, 0);
      pool.parallel_for(n, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) ++(*hits)[i];
      });
      for (const int count : *hits) {
        if (count != 1) return fail("an index ran other than once", threads, call);
      }
      if (call % 97 == 0) {
        bool thrown = false;
        try {
          pool.parallel_for(n, [&](std::size_t begin, std::size_t) {
            if (begin == 0) throw std::runtime_error("chunk 0");
          });
        } catch (const std::runtime_error&) {
          thrown = true;
        }
        if (!thrown) return fail("an exception in a chunk was lost", threads, call);
      }
    }
  }
  std::atomic<int> total{0};
  for (int round = 0; round < 500; ++round) {
    metta::ThreadPool pool(4);
    pool.parallel_for(64, [&](std::size_t begin, std::size_t end) {
      total.fetch_add(static_cast<int>(end - begin), std::memory_order_relaxed);
    });
  }
  if (total.load() != 500 * 64) return fail("lost work across pool lifetimes", 4, 0);
  std::puts("thread_pool_stress: ok");
  return 0;
}
