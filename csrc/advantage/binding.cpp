// pybind11 binding of the advantage kernels: check, convert, release the GIL, delegate.
// CPU work takes numpy arrays (torch CPU tensors share theirs through .numpy() without a copy);
// CUDA work takes device pointers that metta/rl/advantage.py has already checked.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "advantage_cpu.h"
#if defined(METTA_WITH_CUDA)
#include "advantage_cuda.h"
#endif

namespace py = pybind11;
using metta::advantage::Params;

namespace {

Params make_params(double gamma, double gae_lambda, double rho_clip, double c_clip) {
  const auto require_finite = [](double x, const char* name) {
    if (!std::isfinite(x)) throw std::invalid_argument(std::string(name) + " must be finite");
  };
  require_finite(gamma, "gamma");
  require_finite(gae_lambda, "gae_lambda");
  require_finite(rho_clip, "vtrace_rho_clip");
  require_finite(c_clip, "vtrace_c_clip");
  if (rho_clip <= 0 || c_clip <= 0) {
    throw std::invalid_argument("vtrace_rho_clip and vtrace_c_clip must be > 0");
  }
  return Params{static_cast<float>(gamma), static_cast<float>(gae_lambda),
                static_cast<float>(rho_clip), static_cast<float>(c_clip)};
}

// The array itself, after checking that it is exactly a C-contiguous float32 [rows, horizon].
py::array checked(const py::handle& obj, const char* name, py::ssize_t rows, py::ssize_t horizon,
                  bool writeable) {
  if (!py::array_t<float>::check_(obj)) {
    throw std::invalid_argument(std::string(name) + ": expected a numpy float32 array");
  }
  auto array = py::reinterpret_borrow<py::array>(obj);
  if (array.ndim() != 2 || array.shape(0) != rows || array.shape(1) != horizon) {
    throw std::invalid_argument(std::string(name) + ": expected shape [" + std::to_string(rows) +
                                ", " + std::to_string(horizon) + "]");
  }
  if (!(array.flags() & py::array::c_style)) {
    throw std::invalid_argument(std::string(name) + ": expected a C-contiguous array");
  }
  if (writeable && !array.writeable()) {
    throw std::invalid_argument(std::string(name) + ": expected a writeable array");
  }
  return array;
}

void compute_cpu(const py::array& values, const py::array& rewards, const py::array& dones,
                 const py::array& ratios, const py::array& advantages, double gamma,
                 double gae_lambda, double rho_clip, double c_clip, unsigned num_threads) {
  if (values.ndim() != 2) throw std::invalid_argument("values: expected a 2-D array");
  const py::ssize_t rows = values.shape(0);
  const py::ssize_t horizon = values.shape(1);
  const auto v = checked(values, "values", rows, horizon, false);
  const auto r = checked(rewards, "rewards", rows, horizon, false);
  const auto d = checked(dones, "dones", rows, horizon, false);
  const auto q = checked(ratios, "importance_sampling_ratio", rows, horizon, false);
  auto a = checked(advantages, "advantages", rows, horizon, true);
  const Params params = make_params(gamma, gae_lambda, rho_clip, c_clip);
  const auto* pv = static_cast<const float*>(v.data());
  const auto* pr = static_cast<const float*>(r.data());
  const auto* pd = static_cast<const float*>(d.data());
  const auto* pq = static_cast<const float*>(q.data());
  auto* pa = static_cast<float*>(a.mutable_data());
  const py::gil_scoped_release release;
  metta::advantage::compute_cpu(pv, pr, pd, pq, pa, rows, horizon, params, num_threads);
}

std::vector<std::string> built_backends() {
  std::vector<std::string> names{"cpu"};
#if defined(METTA_WITH_CUDA)
  names.emplace_back("cuda");
#endif
  return names;
}

}  // namespace

PYBIND11_MODULE(_advantage, m) {
  m.doc() = "Native GAE with V-trace advantage kernels (use metta.rl.advantage, not this module).";
  m.def("built_backends", &built_backends, "Backends compiled into this module.");
  m.def("compute_cpu", &compute_cpu, py::arg("values"), py::arg("rewards"), py::arg("dones"),
        py::arg("importance_sampling_ratio"), py::arg("advantages"), py::arg("gamma"),
        py::arg("gae_lambda"), py::arg("vtrace_rho_clip"), py::arg("vtrace_c_clip"),
        py::arg("num_threads") = 0u,
        "Writes advantages for C-contiguous float32 [rows, horizon] arrays in place.");
#if defined(METTA_WITH_CUDA)
  m.def("cuda_device_count", &metta::advantage::cuda_device_count);
  m.def(
      "compute_cuda",
      [](std::uintptr_t values, std::uintptr_t rewards, std::uintptr_t dones, std::uintptr_t ratios,
         std::uintptr_t advantages, std::int64_t rows, std::int64_t horizon, double gamma,
         double gae_lambda, double rho_clip, double c_clip, std::uintptr_t stream) {
        if (rows < 0 || horizon < 0) throw std::invalid_argument("rows and horizon must be >= 0");
        const Params params = make_params(gamma, gae_lambda, rho_clip, c_clip);
        const py::gil_scoped_release release;
        metta::advantage::compute_cuda(
            reinterpret_cast<const float*>(values), reinterpret_cast<const float*>(rewards),
            reinterpret_cast<const float*>(dones), reinterpret_cast<const float*>(ratios),
            reinterpret_cast<float*>(advantages), rows, horizon, params, stream);
      },
      py::arg("values"), py::arg("rewards"), py::arg("dones"), py::arg("importance_sampling_ratio"),
      py::arg("advantages"), py::arg("rows"), py::arg("horizon"), py::arg("gamma"),
      py::arg("gae_lambda"), py::arg("vtrace_rho_clip"), py::arg("vtrace_c_clip"),
      py::arg("stream"),
      "Launches the kernel on device pointers that the caller has checked; asynchronous.");
#endif
}
