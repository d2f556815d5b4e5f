"""GAE with V-trace corrections: the native kernels, their PyTorch oracle, and the checked wrapper.

Convention: index ``t`` of a row holds the value and importance ratio of the step
taken at ``t`` and the reward / done that arrived *with* observation ``t``. The reward earned by the
action at ``t`` therefore sits at ``t + 1``, and ``dones[t + 1] == 1`` stops the bootstrap from
``t + 1`` back into ``t``. For every row and ``t = H-2 .. 0``::

    not_done = 1 - dones[t+1]
    delta_t  = min(ratio[t], rho_clip) * (rewards[t+1] + gamma * values[t+1] * not_done - values[t])
    adv[t]   = delta_t + gamma * gae_lambda * min(ratio[t], c_clip) * not_done * adv[t+1]
    adv[H-1] = 0

The last column of each row is the *bootstrap column*: its value feeds the step before it, and its
advantage is always written as exactly ``0`` (never left as whatever the caller had put there).
It carries no learning signal, so loss code should leave column ``H-1`` out rather than train the
value head towards its own old estimate. With ``ratio == 1`` and both clips ``>= 1`` this is plain
truncated GAE(gamma, lambda). NaN in any input propagates to the advantages it reaches (never
replaced by a clip); ``truncations`` do not cut the recursion, only ``dones`` do.
"""

from __future__ import annotations

import functools
import logging
import math
import numbers
from types import ModuleType

import torch

__all__ = [
    "compute_advantage",
    "compute_advantage_reference",
    "native_backends",
]

logger = logging.getLogger(__name__)

_TENSOR_NAMES = ("values", "rewards", "dones", "importance_sampling_ratio", "advantages")


def _load_native() -> ModuleType | None:
    try:
        from metta.rl import _advantage  # noqa: PLC0415  (optional compiled module)
    except ImportError as error:
        logger.warning("native advantage module not importable (%s); using the PyTorch path", error)
        return None
    return _advantage


_native = _load_native()
_logged_paths: set[str] = set()


def native_backends() -> list[str]:
    """Backends compiled into the native module (``[]`` when it is missing)."""
    return list(_native.built_backends()) if _native is not None else []


@functools.cache
def _cuda_native_usable() -> bool:
    """Whether the native CUDA kernel can run here (asked of the driver once per process)."""
    return _native is not None and "cuda" in native_backends() and _native.cuda_device_count() > 0


def _log_path_once(path: str, level: int = logging.INFO) -> None:
    if path not in _logged_paths:
        _logged_paths.add(path)
        logger.log(level, "compute_advantage: %s", path)


def compute_advantage_reference(
    values: torch.Tensor,
    rewards: torch.Tensor,
    dones: torch.Tensor,
    importance_sampling_ratio: torch.Tensor,
    gamma: float,
    gae_lambda: float,
    vtrace_rho_clip: float,
    vtrace_c_clip: float,
) -> torch.Tensor:
    """Plain PyTorch form of the recurrence in this module's docstring; returns a new tensor.

    Vectorised over rows, looping over time: the test oracle and the fallback on any device.
    """
    rows, horizon = values.shape
    advantages = torch.zeros_like(values)
    rho = torch.clamp(importance_sampling_ratio, max=vtrace_rho_clip)
    c = torch.clamp(importance_sampling_ratio, max=vtrace_c_clip)
    not_done = 1.0 - dones
    carried = torch.zeros(rows, dtype=values.dtype, device=values.device)
    for t in range(horizon - 2, -1, -1):
        next_value = values[:, t + 1] * not_done[:, t + 1]
        delta = rho[:, t] * (rewards[:, t + 1] + gamma * next_value - values[:, t])
        carried = delta + gamma * gae_lambda * c[:, t] * not_done[:, t + 1] * carried
        advantages[:, t] = carried
    return advantages


def _check_inputs(tensors: dict[str, torch.Tensor]) -> None:
    values = tensors["values"]
    for name, tensor in tensors.items():
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(f"compute_advantage: {name} must be a torch.Tensor, got {type(tensor)}")
        if tensor.dtype != torch.float32:
            raise TypeError(f"compute_advantage: {name} must be float32, got {tensor.dtype}")
        if tensor.dim() != 2:
            raise ValueError(
                f"compute_advantage: {name} must be 2-D [segments, horizon], "
                f"got shape {list(tensor.shape)}"
            )
        if tensor.shape != values.shape:
            raise ValueError(
                f"compute_advantage: {name} has shape {list(tensor.shape)}, "
                f"but values has {list(values.shape)}"
            )


def _check_scalars(gamma: float, gae_lambda: float, rho_clip: float, c_clip: float) -> None:
    named = {
        "gamma": gamma,
        "gae_lambda": gae_lambda,
        "vtrace_rho_clip": rho_clip,
        "vtrace_c_clip": c_clip,
    }
    for name, given in named.items():
        number = given.item() if isinstance(given, torch.Tensor) and given.numel() == 1 else given
        if (
            isinstance(number, bool)
            or not isinstance(number, numbers.Real)
            or not math.isfinite(float(number))
        ):
            raise ValueError(f"compute_advantage: {name} must be a finite number, got {given!r}")
    if rho_clip <= 0 or c_clip <= 0:
        raise ValueError(
            f"compute_advantage: vtrace_rho_clip and vtrace_c_clip must be > 0, "
            f"got {rho_clip} and {c_clip}"
        )


def _run_native(inputs: list[torch.Tensor], out: torch.Tensor, scalars: tuple[float, ...]) -> bool:
    """Runs a native kernel into the contiguous ``out``; False when none fits the device."""
    if out.device.type == "cpu" and _native is not None:
        _log_path_once("native CPU kernel")
        arrays = [t.detach().numpy() for t in inputs]
        _native.compute_cpu(*arrays, out.numpy(), *scalars, num_threads=torch.get_num_threads())
        return True
    if out.device.type == "cuda" and _cuda_native_usable():
        _log_path_once("native CUDA kernel")
        with torch.cuda.device(out.device):
            stream = torch.cuda.current_stream(out.device).cuda_stream
            rows, horizon = out.shape
            pointers = [t.data_ptr() for t in inputs]
            _native.compute_cuda(*pointers, out.data_ptr(), rows, horizon, *scalars, stream)
        return True
    return False


def compute_advantage(
    values: torch.Tensor,
    rewards: torch.Tensor,
    dones: torch.Tensor,
    importance_sampling_ratio: torch.Tensor,
    advantages: torch.Tensor,
    gamma: float,
    gae_lambda: float,
    vtrace_rho_clip: float,
    vtrace_c_clip: float,
    device: torch.device | str,
) -> torch.Tensor:
    """Writes GAE / V-trace advantages into ``advantages`` and returns it (see module docstring).

    All five tensors are float32 ``[segments, horizon]``. The work runs on ``device``: inputs that
    live elsewhere are moved there first, and the result is copied back into ``advantages``
    wherever that lives. Non-contiguous tensors and an ``advantages`` that shares memory with an
    input are handled through temporary copies. The native CPU kernel uses
    ``torch.get_num_threads()`` threads; CUDA work is queued on the current stream of ``device``.
    Without a usable native kernel for that device the PyTorch reference runs instead, and the
    path taken is logged once.
    """
    tensors = {
        "values": values,
        "rewards": rewards,
        "dones": dones,
        "importance_sampling_ratio": importance_sampling_ratio,
        "advantages": advantages,
    }
    _check_inputs(tensors)
    _check_scalars(gamma, gae_lambda, vtrace_rho_clip, vtrace_c_clip)
    device = torch.device(device)
    if device.type == "cuda" and device.index is None:
        device = torch.device("cuda", torch.cuda.current_device())
    scalars = (float(gamma), float(gae_lambda), float(vtrace_rho_clip), float(vtrace_c_clip))

    with torch.no_grad():
        # resolve_neg/resolve_conj: lazily negated views must be materialised before numpy().
        inputs = [
            tensors[name].to(device).resolve_neg().resolve_conj().contiguous()
            for name in _TENSOR_NAMES[:-1]
        ]
        writes_in_place = (
            advantages.device == device
            and advantages.is_contiguous()
            and not any(_shares_memory(advantages, t) for t in inputs)
        )
        out = (
            advantages
            if writes_in_place
            else torch.empty(values.shape, dtype=torch.float32, device=device)
        )
        if out.numel() > 0 and not _run_native(inputs, out, scalars):
            _log_path_once(f"PyTorch reference on {device.type}", logging.WARNING)
            out.copy_(compute_advantage_reference(*inputs, *scalars))
        if not writes_in_place:
            advantages.copy_(out)
    return advantages


def _shares_memory(a: torch.Tensor, b: torch.Tensor) -> bool:
    if a.device != b.device:
        return False
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
