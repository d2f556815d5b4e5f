"""``compute_gae``: a standalone 1-D GAE helper for users' scripts.

Training never calls it (it uses ``metta.rl.advantage.compute_advantage``). Reward index: the reward
of step ``t`` is ``rewards[t]`` here but ``rewards[t + 1]`` in ``compute_advantage``; scripts
written against this helper's ``rewards[t]`` convention rely on it, so it is kept.

``adv[T-1] = 0`` if ``dones[T-1] == 1``, else ``rewards[T-1] - values[T-1]``. Then, t = T-2 .. 0::

    not_done = 1 - dones[t+1]
    delta    = rewards[t] + gamma * values[t+1] * not_done - values[t]
    adv[t]   = delta + gamma * gae_lambda * not_done * adv[t+1]

Arithmetic is in float32 (inputs are cast to it).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["compute_gae"]


def _as_float32_vector(name: str, value: ArrayLike) -> np.ndarray:
    """``value`` as a non-empty 1-D float32 array, or a ValueError naming ``name``."""
    try:
        array = np.asarray(value, dtype=np.float32)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"compute_gae: {name} must be a 1-D float32 array (or convertible to one): {error}"
        ) from error
    if array.ndim != 1:
        raise ValueError(
            f"compute_gae: {name} must be a 1-D float32 array of shape [T], got shape {array.shape}"
        )
    if array.size == 0:
        raise ValueError(f"compute_gae: {name} must not be empty (shape [T] with T >= 1)")
    return array


def _as_float32_scalar(name: str, value: float) -> np.float32:
    """``value`` as a float32 scalar, or a ValueError naming ``name``."""
    # str would convert via float("0.9"), bool is almost surely a mistake: refuse both.
    if not isinstance(value, (str, bytes, bool)):
        try:
            return np.float32(float(value))
        except (TypeError, ValueError):
            pass
    raise ValueError(f"compute_gae: {name} must be a real number, got {value!r}")


def compute_gae(
    dones: ArrayLike,
    values: ArrayLike,
    rewards: ArrayLike,
    gamma: float,
    gae_lambda: float,
) -> np.ndarray:
    """Generalised advantage estimates ``[T]`` (float32) for one 1-D trajectory.

    ``dones``, ``values`` and ``rewards`` are 1-D arrays of equal length ``T >= 1`` (converted to
    float32). ``dones[t+1] == 1`` stops the bootstrap from ``t+1`` back into ``t``. Raises
    ValueError, naming the argument, for any other shape, an empty input or unequal lengths.
    """
    dones_ = _as_float32_vector("dones", dones)
    values_ = _as_float32_vector("values", values)
    rewards_ = _as_float32_vector("rewards", rewards)
    steps = dones_.shape[0]
    for name, array in (("values", values_), ("rewards", rewards_)):
        if array.shape[0] != steps:
            raise ValueError(
                f"compute_gae: {name} has length {array.shape[0]}, but dones has length {steps}; "
                "dones, values and rewards must have the same length"
            )
    gamma_ = _as_float32_scalar("gamma", gamma)
    decay = gamma_ * _as_float32_scalar("gae_lambda", gae_lambda)

    advantages = np.empty(steps, dtype=np.float32)
    if dones_[-1] == 1.0:
        advantages[-1] = 0.0
    else:
        advantages[-1] = rewards_[-1] - values_[-1]
    # Every step's TD error at once (float32 throughout), then the backward recursion.
    not_done = np.float32(1.0) - dones_[1:]
    deltas = rewards_[:-1] + gamma_ * values_[1:] * not_done - values_[:-1]
    acc = advantages[-1]
    for t in range(steps - 2, -1, -1):
        acc = deltas[t] + decay * not_done[t] * acc
        advantages[t] = acc
    return advantages
