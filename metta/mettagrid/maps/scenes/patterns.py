"""Two-colour ASCII samples and their N x N patterns, shared by the WFC and ConvChain scenes.

A sample draws walls as ``#`` and empty cells as ``.`` or spaces; each line may be framed by
``|`` characters (so trailing spaces survive YAML). A pattern's index packs its cells row-major,
bit ``y * N + x`` set where the cell is a wall.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt

from metta.mettagrid.maps.ascii import trim_blank_lines

__all__ = ["Symmetry", "parse_sample", "pattern_indices", "sample_patterns"]

Symmetry = Literal["none", "horizontal", "all"]
"""Which variants of each sampled pattern count: as drawn, plus its mirror image, or all eight
rotations and reflections."""


def parse_sample(text: str, field_name: str = "pattern") -> npt.NDArray[np.bool_]:
    """A sample as a bool array (True = wall); errors name ``field_name``, line and column."""
    lines = trim_blank_lines(text)
    if not lines:
        raise ValueError(f"{field_name}: the sample is empty")
    rows = []
    for number, raw in enumerate(lines, start=1):
        framed = raw.strip()
        line = framed[1:-1] if len(framed) >= 2 and framed[0] == framed[-1] == "|" else raw
        for column, char in enumerate(line, start=1):
            if char not in "#. ":
                raise ValueError(
                    f"{field_name}: line {number}, column {column}: {char!r} is neither "
                    "'#' (wall) nor '.' or ' ' (empty)"
                )
        rows.append([char == "#" for char in line])
    width = len(rows[0])
    for number, row in enumerate(rows, start=1):
        if len(row) != width or width == 0:
            raise ValueError(
                f"{field_name}: line {number} has {len(row)} cells, expected {width} "
                "(every line of the sample must have the same non-zero width)"
            )
    return np.array(rows, dtype=bool)


def pattern_indices(patterns: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """Index of each pattern of a ``[P, N, N]`` stack (bit y * N + x set for a wall)."""
    count, size, _ = patterns.shape
    powers = np.left_shift(1, np.arange(size * size, dtype=np.int64))
    return patterns.reshape(count, size * size).astype(np.int64) @ powers


def _variants(windows: npt.NDArray[np.bool_], symmetry: Symmetry) -> npt.NDArray[np.bool_]:
    """Every window, then the variants ``symmetry`` adds, stacked along axis 0."""
    if symmetry == "none":
        return windows
    mirrored = windows[:, :, ::-1]
    if symmetry == "horizontal":
        return np.concatenate([windows, mirrored])
    turns = [np.rot90(windows, k, axes=(1, 2)) for k in range(4)]
    return np.concatenate([*turns, *(turn[:, :, ::-1] for turn in turns)])


@lru_cache(maxsize=64)
def _cached_patterns(
    text: str, size: int, periodic: bool, symmetry: Symmetry
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    sample = parse_sample(text)
    height, width = sample.shape
    if periodic:
        source = np.pad(sample, ((0, size - 1), (0, size - 1)), mode="wrap")
    else:
        if size > height or size > width:
            raise ValueError(
                f"pattern_size: {size} is larger than the {height}x{width} sample "
                "(use a smaller pattern_size or periodic_input)"
            )
        source = sample
    windows = np.lib.stride_tricks.sliding_window_view(source, (size, size))
    if periodic:
        windows = windows[:height, :width]
    stack = _variants(windows.reshape(-1, size, size), symmetry)
    indices = pattern_indices(stack)
    _, first, counts = np.unique(indices, return_index=True, return_counts=True)
    patterns = np.ascontiguousarray(stack[first])
    patterns.setflags(write=False)
    counts.setflags(write=False)
    return patterns, counts


def sample_patterns(
    text: str, size: int, periodic: bool, symmetry: Symmetry
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """The distinct ``size`` x ``size`` patterns of a sample, sorted by index, and their counts.

    ``periodic``: windows wrap around the sample's edges. Cached: configs repeat across renders.
    """
    return _cached_patterns(text, size, periodic, symmetry)
