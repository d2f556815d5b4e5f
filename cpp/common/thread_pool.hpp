// ThreadPool: a fixed set of worker threads that run one parallel_for at a time.
// Data flow: caller publishes a task and bumps a generation counter -> the caller and every awake
// worker claim chunks from one atomic ticket until none is left -> the caller waits only for the
// chunks that were claimed to finish, never for a worker that has not woken up, so a worker the
// OS has descheduled (more runnable threads than cores, e.g. PyTorch's own pool beside ours) costs
// its share of the work, not a stall. Header-only and free of Python so that both the engine (cpp/)
// and the advantage kernels (csrc/) share it. No heap allocation per call: the task is a plain
// function pointer plus a context pointer.
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
  // Chunks handed out per thread: enough that a late or slow thread leaves little work behind,
  // few enough that claiming (one atomic compare-exchange) stays negligible.
  static constexpr std::size_t kChunksPerThread = 8;

  // num_threads counts the calling thread, so ThreadPool(1) starts no worker at all.
  explicit ThreadPool(unsigned num_threads) {
    if (num_threads == 0) {
      throw std::invalid_argument("ThreadPool: num_threads must be at least 1");
    }
    workers_.reserve(num_threads - 1);
    try {
      for (unsigned index = 1; index < num_threads; ++index) {
        workers_.emplace_back([this] { worker_loop(); });
      }
    } catch (...) {
      stop_workers();  // the threads already started must not be destroyed while joinable
      throw;
    }
  }

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  ~ThreadPool() { stop_workers(); }

  [[nodiscard]] unsigned num_threads() const { return static_cast<unsigned>(workers_.size()) + 1; }

  // Threads a machine offers; at least 1 even where the standard library cannot tell.
  [[nodiscard]] static unsigned hardware_threads() {
    return std::max(1u, std::thread::hardware_concurrency());
  }

  // Calls fn(begin, end) on disjoint contiguous chunks that cover [0, n). The chunk boundaries
  // depend only on n and num_threads(); which thread runs a chunk depends on timing, so fn must
  // give the same result on any thread (it must not keep per-thread state). Blocks until every
  // chunk is done; rethrows the first exception a chunk threw. Calls are serialised, so fn must
  // not call parallel_for on the same pool (that would deadlock). max_chunks caps the split for
  // work too small to feed every thread (the idle ones find nothing to claim).
  template <class Fn>
  void parallel_for(std::size_t n, Fn&& fn, std::size_t max_chunks = kMaxChunks) {
    const std::size_t chunks =
        std::min({n, std::size_t{num_threads()} * kChunksPerThread, kMaxChunks, max_chunks});
    if (chunks <= 1 || workers_.empty()) {
      if (n > 0) fn(std::size_t{0}, n);
      return;
    }
    const std::lock_guard<std::mutex> call_lock(call_mutex_);
    context_ = static_cast<void*>(&fn);
    invoke_ = [](void* context, std::size_t begin, std::size_t end) {
      (*static_cast<std::remove_reference_t<Fn>*>(context))(begin, end);
    };
    size_ = n;
    error_ = nullptr;
    finished_.store(0, std::memory_order_relaxed);
    // Opening the ticket publishes the task: a claim that reads it also sees the fields above.
    const std::uint64_t task = (task_id_ = (task_id_ + 1) & kTaskMask);
    ticket_.store(pack(task, chunks, 0), std::memory_order_release);
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();

    run_chunks();
    wait_for(static_cast<std::uint32_t>(chunks));
    if (error_) std::rethrow_exception(error_);
  }

 private:
  // Ticket layout: task id (32 bits) | chunk count (16 bits) | next chunk to claim (16 bits). The
  // task id makes a stale compare-exchange fail; it would have to sleep through 2^32 calls to pass.
  static constexpr unsigned kIndexBits = 16;
  static constexpr std::uint64_t kIndexMask = (std::uint64_t{1} << kIndexBits) - 1;
  static constexpr std::uint64_t kTaskMask = (std::uint64_t{1} << 32) - 1;
  static constexpr std::size_t kMaxChunks = kIndexMask;
  static constexpr int kSpinIterations = 4000;

  static constexpr std::uint64_t pack(std::uint64_t task, std::uint64_t chunks,
                                      std::uint64_t next) {
    return (task << (2 * kIndexBits)) | (chunks << kIndexBits) | next;
  }

  // Claims and runs chunks of the open task until none is left. A ticket that is claimed carries
  // the chunk count of its own task, so a worker that wakes late for an old task finds nothing to
  // claim (its index is already at the count) and never reads a task that is being replaced.
  void run_chunks() noexcept {
    std::uint64_t ticket = ticket_.load(std::memory_order_acquire);
    for (;;) {
      const std::uint64_t chunks = (ticket >> kIndexBits) & kIndexMask;
      const std::uint64_t index = ticket & kIndexMask;
      if (index >= chunks) return;
      if (!ticket_.compare_exchange_weak(ticket, ticket + 1, std::memory_order_acq_rel,
                                         std::memory_order_acquire)) {
        continue;
      }
      const std::size_t begin = size_ * index / chunks;
      const std::size_t end = size_ * (index + 1) / chunks;
      try {
        invoke_(context_, begin, end);
      } catch (...) {
        const std::lock_guard<std::mutex> error_lock(error_mutex_);
        if (!error_) error_ = std::current_exception();
      }
      // The caller cannot return (and reuse the task fields) before this count reaches chunks,
      // so the claimed chunk's reads of the task above were safe.
      if (finished_.fetch_add(1, std::memory_order_acq_rel) + 1 == chunks) finished_.notify_one();
      ticket = ticket_.load(std::memory_order_acquire);
    }
  }

  void stop_workers() {
    stop_.store(true, std::memory_order_release);
    generation_.fetch_add(1, std::memory_order_acq_rel);
    generation_.notify_all();
    for (auto& worker : workers_) worker.join();
  }

  void wait_for(std::uint32_t chunks) {
    for (int spin = 0; spin < kSpinIterations; ++spin) {
      if (finished_.load(std::memory_order_acquire) == chunks) return;
      METTA_CPU_RELAX();
    }
    for (;;) {
      const std::uint32_t done = finished_.load(std::memory_order_acquire);
      if (done == chunks) return;
      finished_.wait(done, std::memory_order_acquire);
    }
  }

  void worker_loop() {
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
      run_chunks();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex call_mutex_;
  std::mutex error_mutex_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::uint64_t> ticket_{0};
  std::atomic<std::uint32_t> finished_{0};  // 32 bits: waits on it are a plain futex on Linux
  std::atomic<bool> stop_{false};
  std::uint64_t task_id_ = 0;  // only touched by the caller holding call_mutex_
  // The current task; written by the caller before the ticket opens, read by claimed chunks only.
  void* context_ = nullptr;
  void (*invoke_)(void*, std::size_t, std::size_t) = nullptr;
  std::size_t size_ = 0;
  std::exception_ptr error_;
};

}  // namespace metta
