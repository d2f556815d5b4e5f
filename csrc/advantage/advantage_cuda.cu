// CUDA backend: see advantage_cuda.h. Each thread scans one row backward with the same row()
// as the CPU; the loads of neighbouring t share cache sectors, so L1 serves most of them.
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "advantage_cuda.h"

namespace metta::advantage {
namespace {

constexpr int kThreadsPerBlock = 128;

__global__ void rows_kernel(const float* __restrict__ values, const float* __restrict__ rewards,
                            const float* __restrict__ dones, const float* __restrict__ ratios,
                            float* __restrict__ advantages, std::int64_t rows, std::int64_t horizon,
                            Params params) {
  const std::int64_t r = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (r >= rows) return;
  const std::int64_t offset = r * horizon;
  row(values + offset, rewards + offset, dones + offset, ratios + offset, advantages + offset,
      horizon, params);
}

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) {
    throw std::runtime_error(std::string("compute_advantage (CUDA): ") + what + ": " +
                             cudaGetErrorString(status));
  }
}

}  // namespace

void compute_cuda(const float* values, const float* rewards, const float* dones,
                  const float* ratios, float* advantages, std::int64_t rows, std::int64_t horizon,
                  const Params& params, std::uintptr_t stream) {
  if (rows <= 0 || horizon <= 0) return;
  const std::int64_t blocks = (rows + kThreadsPerBlock - 1) / kThreadsPerBlock;
  if (blocks > 0x7fffffff) throw std::invalid_argument("compute_advantage (CUDA): too many rows");
  rows_kernel<<<static_cast<unsigned>(blocks), kThreadsPerBlock, 0,
                reinterpret_cast<cudaStream_t>(stream)>>>(values, rewards, dones, ratios,
                                                          advantages, rows, horizon, params);
  check(cudaGetLastError(), "kernel launch failed");
}

int cuda_device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver" error so later calls see a clean state
    return 0;
  }
  return count;
}

}  // namespace metta::advantage
