// CPU backend: see advantage_cpu.h. One row's scan is a chain of dependent multiply-adds, so a
// thread advances kBlock rows in lockstep, giving the core kBlock independent chains to overlap.
#include "advantage_cpu.h"

#include <memory>
#include <mutex>

#include "../../cpp/common/thread_pool.hpp"

namespace metta::advantage {
namespace {

constexpr std::int64_t kBlock = 8;
// Below this many elements a single thread beats waking the pool.
constexpr std::int64_t kMinElementsPerThread = 1 << 15;

void block_of_rows(const float* values, const float* rewards, const float* dones,
                   const float* ratios, float* advantages, std::int64_t horizon, const Params& p) {
  float carried[kBlock] = {};
  for (std::int64_t j = 0; j < kBlock; ++j) advantages[j * horizon + horizon - 1] = 0.0f;
  for (std::int64_t t = horizon - 2; t >= 0; --t) {
    for (std::int64_t j = 0; j < kBlock; ++j) {
      const std::int64_t i = j * horizon + t;
      carried[j] = step(carried[j], values[i], values[i + 1], rewards[i + 1], dones[i + 1],
                        ratios[i], p);
      advantages[i] = carried[j];
    }
  }
}

void rows_range(const float* values, const float* rewards, const float* dones, const float* ratios,
                float* advantages, std::int64_t begin, std::int64_t end, std::int64_t horizon,
                const Params& p) {
  std::int64_t r = begin;
  for (; r + kBlock <= end; r += kBlock) {
    const std::int64_t offset = r * horizon;
    block_of_rows(values + offset, rewards + offset, dones + offset, ratios + offset,
                  advantages + offset, horizon, p);
  }
  for (; r < end; ++r) {
    const std::int64_t offset = r * horizon;
    row(values + offset, rewards + offset, dones + offset, ratios + offset, advantages + offset,
        horizon, p);
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
  // Hand out whole blocks so every thread but the last runs the interleaved path only.
  const std::int64_t blocks = (rows + kBlock - 1) / kBlock;
  std::unique_lock<std::mutex> lock;
  ThreadPool& pool = pool_with(threads, lock);
  pool.parallel_for(static_cast<std::size_t>(blocks), [&](std::size_t first, std::size_t last) {
    const auto begin = static_cast<std::int64_t>(first) * kBlock;
    const auto end = std::min(rows, static_cast<std::int64_t>(last) * kBlock);
    rows_range(values, rewards, dones, ratios, advantages, begin, end, horizon, params);
  });
}

}  // namespace metta::advantage
