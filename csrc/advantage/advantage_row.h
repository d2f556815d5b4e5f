// The GAE + V-trace recurrence (generalized advantage estimation with V-trace's clipped importance
// ratios as trace weights), written once for every backend (CPU and CUDA).
// Data flow: row t holds V_t, ratio_t and the reward/done that arrived with observation t, so the
// reward earned by the action at t sits at t + 1. The scan runs backward from the end of the row.
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define METTA_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define METTA_HOST_DEVICE inline
#endif

namespace metta::advantage {

struct Params {
  float gamma;
  float gae_lambda;
  float rho_clip;
  float c_clip;
};

// min(x, clip) that keeps a NaN in x (fminf would replace it by the clip and hide bad input).
template <class F>
METTA_HOST_DEVICE F clip_above(F x, float clip) {
  return clip < x ? clip : x;
}

// The two halves of one backward step. td_error is the clipped temporal-difference term of step t;
// trace_discount is what the advantage carried back from t + 1 is multiplied by. F is float, or on
// the CPU a GCC/Clang vector of floats.
template <class F>
METTA_HOST_DEVICE F td_error(F value, F next_value, F next_reward, F next_done, F ratio,
                             const Params& p) {
  const F not_done = 1.0f - next_done;
  return clip_above(ratio, p.rho_clip) * (next_reward + p.gamma * next_value * not_done - value);
}

template <class F>
METTA_HOST_DEVICE F trace_discount(F next_done, F ratio, const Params& p) {
  return p.gamma * p.gae_lambda * clip_above(ratio, p.c_clip) * (1.0f - next_done);
}

// One backward step: the advantage at t from the advantage carried back from t + 1.
METTA_HOST_DEVICE float step(float carried, float value, float next_value, float next_reward,
                             float next_done, float ratio, const Params& p) {
  return td_error(value, next_value, next_reward, next_done, ratio, p) +
         trace_discount(next_done, ratio, p) * carried;
}

// One row of `horizon` elements. The last column is the bootstrap column: its value only feeds the
// step before it, and its advantage is written as exactly 0, so the output never holds stale data.
METTA_HOST_DEVICE void row(const float* values, const float* rewards, const float* dones,
                           const float* ratios, float* advantages, std::int64_t horizon,
                           const Params& p) {
  if (horizon <= 0) return;
  float carried = 0.0f;
  advantages[horizon - 1] = 0.0f;
  for (std::int64_t t = horizon - 2; t >= 0; --t) {
    carried = step(carried, values[t], values[t + 1], rewards[t + 1], dones[t + 1], ratios[t], p);
    advantages[t] = carried;
  }
}

}  // namespace metta::advantage
