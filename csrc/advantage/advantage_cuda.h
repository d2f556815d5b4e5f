// CUDA backend of the advantage recurrence: one thread per row, launched on the caller's stream.
#pragma once

#include <cstdint>

#include "advantage_row.h"

namespace metta::advantage {

// Device pointers to rows * horizon floats each. `stream` is a cudaStream_t passed as an integer
// (0 = the legacy default stream). Throws std::runtime_error with CUDA's message on failure.
void compute_cuda(const float* values, const float* rewards, const float* dones,
                  const float* ratios, float* advantages, std::int64_t rows, std::int64_t horizon,
                  const Params& params, std::uintptr_t stream);

// Number of CUDA devices the driver reports (0 when there is no driver or no device).
int cuda_device_count();

}  // namespace metta::advantage
