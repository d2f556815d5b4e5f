"""Type stub of the compiled advantage module (csrc/advantage/binding.cpp)."""

import numpy as np
import numpy.typing as npt

def built_backends() -> list[str]: ...
def compute_cpu(
    values: npt.NDArray[np.float32],
    rewards: npt.NDArray[np.float32],
    dones: npt.NDArray[np.float32],
    importance_sampling_ratio: npt.NDArray[np.float32],
    advantages: npt.NDArray[np.float32],
    gamma: float,
    gae_lambda: float,
    vtrace_rho_clip: float,
    vtrace_c_clip: float,
    num_threads: int = 0,
) -> None: ...
def cuda_device_count() -> int: ...
def compute_cuda(
    values: int,
    rewards: int,
    dones: int,
    importance_sampling_ratio: int,
    advantages: int,
    rows: int,
    horizon: int,
    gamma: float,
    gae_lambda: float,
    vtrace_rho_clip: float,
    vtrace_c_clip: float,
    stream: int,
) -> None: ...
