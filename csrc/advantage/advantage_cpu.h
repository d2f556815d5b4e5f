// CPU backend of the advantage recurrence: rows split over a thread pool, rows interleaved in
// blocks inside a thread so the serial dependency of one row never stalls the core.
#pragma once

#include <cstdint>

#include "advantage_row.h"

namespace metta::advantage {

// Computes advantages for `rows` contiguous rows of `horizon` float32 elements each, on up to
// `num_threads` threads (0 = all hardware threads). All pointers address rows * horizon floats.
void compute_cpu(const float* values, const float* rewards, const float* dones, const float* ratios,
                 float* advantages, std::int64_t rows, std::int64_t horizon, const Params& params,
                 unsigned num_threads);

}  // namespace metta::advantage
