// CPU backend: see advantage_cpu.h. One row's scan is a chain of dependent multiply-adds, so a
// thread advances kBlock rows in lockstep, giving the core kBlock independent chains to overlap.
#include "advantage_cpu.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <vector>

#include "../../cpp/common/thread_pool.hpp"

// On x86-64 with GCC, compile the kernel twice (AVX2+FMA and baseline) and pick at load time, so
// one wheel runs everywhere and still uses 8-wide vectors where the chip has them.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define METTA_CPU_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define METTA_CPU_CLONES
#endif

namespace metta::advantage {
namespace {

// Rows whose scans are interleaved: independent multiply-add chains that hide each other's latency.
constexpr std::int64_t kBlock = 8;
// Below this many elements a single thread beats waking the pool.
constexpr std::int64_t kMinElementsPerThread = 1 << 15;

// Rows [begin, end) in two passes per block of rows. Pass 1 computes td_error and trace_discount
// for every column with forward, contiguous, vectorisable loops; pass 2 is the serial part,
// advantage[t] = td_error[t] + trace_discount[t] * advantage[t + 1], over kBlock rows in lockstep.
// The rows of a block are adjacent, so the block's output is one contiguous span.
METTA_CPU_CLONES void rows_range(const float* values, const float* rewards, const float* dones,
                                 const float* ratios, float* advantages, std::int64_t begin,
                                 std::int64_t end, std::int64_t horizon, const Params& p) {
  // Scratch for one block of rows (fewer when the range is shorter): 8 bytes per element of it.
  const auto scratch = static_cast<std::size_t>(std::min(kBlock, end - begin) * horizon);
  std::vector<float> errors(scratch);
  std::vector<float> discounts(scratch);
  for (std::int64_t first = begin; first < end; first += kBlock) {
    const std::int64_t rows = std::min(kBlock, end - first);
    for (std::int64_t j = 0; j < rows; ++j) {
      const std::int64_t offset = (first + j) * horizon;
      const float* v = values + offset;
      const float* r = rewards + offset;
      const float* d = dones + offset;
      const float* q = ratios + offset;
      float* e = errors.data() + j * horizon;
      float* k = discounts.data() + j * horizon;
      for (std::int64_t t = 0; t + 1 < horizon; ++t) {
        e[t] = td_error(v[t], v[t + 1], r[t + 1], d[t + 1], q[t], p);
        k[t] = trace_discount(d[t + 1], q[t], p);
      }
    }
    // The scan overwrites the TD errors with advantages, then whole rows are copied out forward,
    // which the memory system handles far better than kBlock interleaved backward streams.
    float carried[kBlock] = {};
    for (std::int64_t j = 0; j < rows; ++j) errors[j * horizon + horizon - 1] = 0.0f;
    for (std::int64_t t = horizon - 2; t >= 0; --t) {
      for (std::int64_t j = 0; j < rows; ++j) {
        carried[j] = errors[j * horizon + t] + discounts[j * horizon + t] * carried[j];
        errors[j * horizon + t] = carried[j];
      }
    }
    std::copy_n(errors.data(), rows * horizon, advantages + first * horizon);
  }
}

// One process-wide pool, rebuilt only when a different thread count is asked for.
ThreadPool& pool_with(unsigned num_threads, std::unique_lock<std::mutex>& lock) {
  static std::mutex mutex;
  static std::unique_ptr<ThreadPool> pool;
  lock = std::unique_lock<std::mutex>(mutex);
  if (!pool || pool->num_threads() != num_threads) {
    pool.reset();
    pool = std::make_unique<ThreadPool>(num_threads);
  }
  return *pool;
}

}  // namespace

void compute_cpu(const float* values, const float* rewards, const float* dones, const float* ratios,
                 float* advantages, std::int64_t rows, std::int64_t horizon, const Params& params,
                 unsigned num_threads) {
  if (rows <= 0 || horizon <= 0) return;
  if (num_threads == 0) num_threads = ThreadPool::hardware_threads();
  const std::int64_t elements = rows * horizon;
  const std::int64_t useful = std::max<std::int64_t>(1, elements / kMinElementsPerThread);
  const auto threads = static_cast<unsigned>(std::min<std::int64_t>(num_threads, useful));
  if (threads <= 1) {
    rows_range(values, rewards, dones, ratios, advantages, 0, rows, horizon, params);
    return;
  }
  // Hand out whole blocks so every chunk but the last runs the interleaved path only. The pool
  // keeps the requested thread count whatever the input size (rebuilding it per size would start
  // and join threads on every call that alternates sizes); small inputs get fewer chunks instead.
  const std::int64_t blocks = (rows + kBlock - 1) / kBlock;
  std::unique_lock<std::mutex> lock;
  ThreadPool& pool = pool_with(num_threads, lock);
  pool.parallel_for(
      static_cast<std::size_t>(blocks),
      [&](std::size_t first, std::size_t last) {
        const auto begin = static_cast<std::int64_t>(first) * kBlock;
        const auto end = std::min(rows, static_cast<std::int64_t>(last) * kBlock);
        rows_range(values, rewards, dones, ratios, advantages, begin, end, horizon, params);
      },
      std::size_t{threads} * ThreadPool::kChunksPerThread);
}

}  // namespace metta::advantage
