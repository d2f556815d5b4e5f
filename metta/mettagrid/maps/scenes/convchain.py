"""ConvChain: a Metropolis sampler whose energy rewards N x N windows that are common in a sample.

The field (True = wall) starts as coin flips on a torus whose sides are rounded up to multiples
of N. Flipping a cell changes only the N*N windows that contain it, and cells N apart in both
directions share no window, so each of the N*N sublattices of cells N apart is updated at once:
one numpy pass computes every cell's change in log-weight from the precomputed window indices
and accepts with probability ``min(1, exp(delta / temperature))``. An iteration visits the N*N
sublattices once each in a random order (every cell once); the run is exactly ``iterations``
of them, and the area gets the top-left crop of the torus.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from metta.mettagrid.maps.scenes.patterns import Symmetry, pattern_indices, sample_patterns
from metta.mettagrid.maps.scenes.scene import Scene, SceneConfig

__all__ = ["DEFAULT_CONVCHAIN_SAMPLE", "ConvChainConfig", "convchain"]

DEFAULT_CONVCHAIN_SAMPLE = """
|..........|
|..###.....|
|.#####..#.|
|..###..###|
|.......##.|
|...#......|
|..###..##.|
|...#..###.|
|......##..|
|..........|
"""
"""Scattered blobs of wall in open ground."""

MIN_WEIGHT = 0.1
"""Weight of a window that never occurs in the sample (a rare window is unlikely, not banned)."""


class ConvChainConfig(SceneConfig):
    """Walls and empty cells with the local statistics of ``pattern`` (overwrites the area)."""

    type: Literal["convchain"] = "convchain"
    pattern: str = DEFAULT_CONVCHAIN_SAMPLE
    """The sample: ``#`` wall, ``.`` or space empty; lines may be framed by ``|``."""
    pattern_size: int = Field(default=3, ge=2, le=4)
    """N: the side of the windows whose counts make the weights (2**(N*N) of them)."""
    iterations: int = Field(default=5, ge=0, le=1000)
    """Sweeps over every cell (the run has exactly this many)."""
    temperature: float = Field(default=0.3, gt=0)
    """Lower is closer to the sample's statistics; 1 is the plain Metropolis rule."""
    symmetry: Symmetry = "all"
    """Variants of each sampled window: none, horizontal (mirror) or all (8 rotations/mirrors)."""
    periodic_input: bool = True
    """Windows wrap around the sample's edges."""

    @model_validator(mode="after")
    def _check(self) -> ConvChainConfig:
        _log_weights(self.pattern, self.pattern_size, self.periodic_input, self.symmetry)
        return self

    def render(self, scene: Scene) -> None:
        """Runs the sampler on the area's shape and writes walls and empty cells."""
        log_weights = _log_weights(
            self.pattern, self.pattern_size, self.periodic_input, self.symmetry
        )
        walls = convchain(
            log_weights,
            self.pattern_size,
            scene.height,
            scene.width,
            self.iterations,
            self.temperature,
            scene.rng,
        )
        scene.grid[:] = np.where(walls, "wall", "empty")


@lru_cache(maxsize=32)
def _log_weights(
    text: str, size: int, periodic: bool, symmetry: Symmetry
) -> npt.NDArray[np.float64]:
    """log of each window's sample count (floored at MIN_WEIGHT), indexed by window index."""
    patterns, counts = sample_patterns(text, size, periodic, symmetry)
    weights = np.full(1 << (size * size), MIN_WEIGHT)
    weights[pattern_indices(patterns)] = np.maximum(counts, MIN_WEIGHT)
    log_weights = np.log(weights)
    log_weights.setflags(write=False)
    return log_weights


@lru_cache(maxsize=64)
def _sublattice_windows(
    height: int, width: int, size: int
) -> tuple[tuple[npt.NDArray[np.intp], tuple[npt.NDArray[np.intp], ...]], ...]:
    """Per sublattice: flat indices of its cells, and per window offset the flat indices of the
    windows (by top-left cell) that contain each of them."""
    result = []
    for offset_row in range(size):
        for offset_col in range(size):
            rows = np.arange(offset_row, height, size)[:, None]
            cols = np.arange(offset_col, width, size)[None, :]
            cells = (rows * width + cols).ravel()
            windows = tuple(
                (((rows - dy) % height) * width + (cols - dx) % width).ravel()
                for dy in range(size)
                for dx in range(size)
            )
            result.append((cells, windows))
    return tuple(result)


def convchain(
    log_weights: npt.NDArray[np.float64],
    size: int,
    height: int,
    width: int,
    iterations: int,
    temperature: float,
    rng: np.random.Generator,
) -> npt.NDArray[np.bool_]:
    """A height x width wall mask sampled by ``iterations`` sweeps of the sublattice Metropolis."""
    torus_height = math.ceil(height / size) * size
    torus_width = math.ceil(width / size) * size
    field = rng.random((torus_height, torus_width)) < 0.5
    index = np.zeros((torus_height, torus_width), dtype=np.int64)
    for dy in range(size):
        for dx in range(size):
            shifted = np.roll(field, (-dy, -dx), axis=(0, 1))
            index |= shifted.astype(np.int64) << (dy * size + dx)
    flat_field = field.reshape(-1)
    flat_index = index.reshape(-1)
    bits = [np.int64(1 << (dy * size + dx)) for dy in range(size) for dx in range(size)]
    sublattices = _sublattice_windows(torus_height, torus_width, size)
    for _ in range(iterations):
        for which in rng.permutation(len(sublattices)).tolist():
            cells, windows = sublattices[which]
            delta = np.zeros(len(cells))
            for window, bit in zip(windows, bits, strict=True):
                current = flat_index[window]
                delta += log_weights[current ^ bit] - log_weights[current]
            accept = delta >= 0
            uncertain = ~accept
            accept[uncertain] = (
                np.log(rng.random(int(uncertain.sum()))) < delta[uncertain] / temperature
            )
            flip = cells[accept]
            flat_field[flip] ^= True
            for window, bit in zip(windows, bits, strict=True):
                flat_index[window[accept]] ^= bit
    return field[:height, :width].copy()
