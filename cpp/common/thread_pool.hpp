// ThreadPool: a fixed set of worker threads that run one parallel_for at a time.
// Data flow: caller publishes a task and bumps a generation counter -> every worker runs its own
// chunk (or nothing) and checks in -> caller runs chunk 0, waits for all check-ins, rethrows errors.
// Header-only and free of Python so that both the engine (cpp/) and the advantage kernels (csrc/)
// share it. No heap allocation per call: the task is a plain function pointer plus a context pointer.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define METTA_CPU_RELAX() _mm_pause()
#else
#define METTA_CPU_RELAX() std::this_thread::yield()
#endif

namespace metta {

class ThreadPool {
 public:
  // num_threads counts the calling thread, so ThreadPool(1) starts no worker at all.
  explicit ThreadPool(unsigned num_threads) {
    if (num_threads == 0) {
      throw std::invalid_argument("ThreadPool: num_threads must be at least 1");
    }
    workers_.reserve(num_threads - 1);
    for (unsigned index = 1; index < num_threads; ++index) {
      workers_.emplace_back([this, index] { worker_loop(index); });
    }
  }

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  ~ThreadPool() {
    stop_.store(true, std::memory_order_release);
    generation_.fetch_add(1, std::memory_order_acq_rel);
    generation_.notify_all();
    for (auto& worker : workers_) worker.join();
  }

  [[nodiscard]] unsigned num_threads() const { return static_cast<unsigned>(workers_.size()) + 1; }

  // Threads a machine offers; at least 1 even where the standard library cannot tell.
  [[nodiscard]] static unsigned hardware_threads() {
    return std::max(1u, std::thread::hardware_concurrency());
  }

  // Calls fn(begin, end) on disjoint contiguous chunks that cover [0, n). Chunk k always goes to
  // thread k and the split depends only on n and num_threads(), so results never depend on timing.
  // Blocks until every chunk is done; rethrows the first exception a chunk threw.
  template <class Fn>
  void parallel_for(std::size_t n, Fn&& fn) {
    const std::size_t chunks = std::min<std::size_t>(num_threads(), n);
    if (chunks <= 1) {
      if (n > 0) fn(std::size_t{0}, n);
      return;
    }
    const std::lock_guard<std::mutex> call_lock(call_mutex_);
    context_ = static_cast<void*>(&fn);
    invoke_ = [](void* context, std::size_t begin, std::size_t end) {
      (*static_cast<std::remove_reference_t<Fn>*>(context))(begin, end);
    };
    size_ = n;
    chunks_ = chunks;
    error_ = nullptr;
    pending_.store(static_cast<std::uint32_t>(workers_.size()), std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_acq_rel);
    generation_.notify_all();

    run_chunk(0);
    wait_for_workers();
    if (error_) std::rethrow_exception(error_);
  }

 private:
  static constexpr int kSpinIterations = 4000;

  void run_chunk(std::size_t index) noexcept {
    if (index >= chunks_) return;
    const std::size_t begin = size_ * index / chunks_;
    const std::size_t end = size_ * (index + 1) / chunks_;
    try {
      invoke_(context_, begin, end);
    } catch (...) {
      const std::lock_guard<std::mutex> error_lock(error_mutex_);
      if (!error_) error_ = std::current_exception();
    }
  }

  void wait_for_workers() {
    for (int spin = 0; spin < kSpinIterations; ++spin) {
      if (pending_.load(std::memory_order_acquire) == 0) return;
      METTA_CPU_RELAX();
    }
    for (;;) {
      const std::uint32_t left = pending_.load(std::memory_order_acquire);
      if (left == 0) return;
      pending_.wait(left, std::memory_order_acquire);
    }
  }

  void worker_loop(std::size_t index) {
    std::uint64_t seen = 0;
    for (;;) {
      std::uint64_t current = generation_.load(std::memory_order_acquire);
      for (int spin = 0; current == seen && spin < kSpinIterations; ++spin) {
        METTA_CPU_RELAX();
        current = generation_.load(std::memory_order_acquire);
      }
      while (current == seen) {
        generation_.wait(seen, std::memory_order_acquire);
        current = generation_.load(std::memory_order_acquire);
      }
      seen = current;
      if (stop_.load(std::memory_order_acquire)) return;
      run_chunk(index);
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) pending_.notify_one();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex call_mutex_;
  std::mutex error_mutex_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::uint32_t> pending_{0};
  std::atomic<bool> stop_{false};
  // The current task; written by the caller before the generation bump, read by workers after it.
  void* context_ = nullptr;
  void (*invoke_)(void*, std::size_t, std::size_t) = nullptr;
  std::size_t size_ = 0;
  std::size_t chunks_ = 0;
  std::exception_ptr error_;
};

}  // namespace metta
