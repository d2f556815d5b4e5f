"""Numbers a scene config may give as a constant or as an inclusive range sampled per render."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import AfterValidator

__all__ = ["FloatRange", "IntRange", "sample_float", "sample_int"]


def _check_int_range(value: int | tuple[int, int]) -> int | tuple[int, int]:
    if isinstance(value, tuple) and value[0] > value[1]:
        raise ValueError(f"range ({value[0]}, {value[1]}) must have low <= high")
    return value


def _check_float_range(value: float | tuple[float, float]) -> float | tuple[float, float]:
    if isinstance(value, tuple) and value[0] > value[1]:
        raise ValueError(f"range ({value[0]}, {value[1]}) must have low <= high")
    return value


IntRange = Annotated[int | tuple[int, int], AfterValidator(_check_int_range)]
"""An int, or [low, high]: an int drawn uniformly from low..high (both included)."""

FloatRange = Annotated[float | tuple[float, float], AfterValidator(_check_float_range)]
"""A float, or [low, high]: a float drawn uniformly from [low, high)."""


def sample_int(value: int | tuple[int, int], rng: np.random.Generator) -> int:
    """The constant, or a uniform draw from the inclusive range."""
    if isinstance(value, tuple):
        return int(rng.integers(value[0], value[1] + 1))
    return int(value)


def sample_float(value: float | tuple[float, float], rng: np.random.Generator) -> float:
    """The constant, or a uniform draw from [low, high)."""
    if isinstance(value, tuple):
        return float(rng.uniform(value[0], value[1]))
    return float(value)
