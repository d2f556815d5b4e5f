"""Wall shapes for procedural terrain: blobs, crosses, rectangles, labyrinth patches, single walls.

Shapes are boolean masks (True = wall) stamped onto a boolean wall map; ``stamp`` keeps a clearance
of free cells around each shape so that features do not fuse into closed pockets.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = [
    "BoolGrid",
    "blob",
    "cross",
    "labyrinth",
    "rectangle",
    "scatter_walls",
    "stamp",
]

BoolGrid = npt.NDArray[np.bool_]

_STEPS = ((-1, 0), (1, 0), (0, -1), (0, 1))


def blob(size: int, rng: np.random.Generator) -> BoolGrid:
    """A random 4-connected shape of ``size`` cells, grown from one cell, cropped to its box."""
    canvas = np.zeros((2 * size + 1, 2 * size + 1), dtype=bool)
    canvas[size, size] = True
    frontier = [(size + dr, size + dc) for dr, dc in _STEPS]
    grown = 1
    while grown < size:
        row, col = frontier.pop(int(rng.integers(len(frontier))))
        if canvas[row, col]:
            continue
        canvas[row, col] = True
        grown += 1
        frontier.extend((row + dr, col + dc) for dr, dc in _STEPS if not canvas[row + dr, col + dc])
    rows = np.flatnonzero(canvas.any(axis=1))
    cols = np.flatnonzero(canvas.any(axis=0))
    return canvas[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].copy()


def cross(rng: np.random.Generator, max_size: int = 8) -> BoolGrid:
    """A plus sign of one-cell-thick bars in a box of at most ``max_size`` x ``max_size``."""
    height = int(rng.integers(3, max_size + 1))
    width = int(rng.integers(3, max_size + 1))
    shape = np.zeros((height, width), dtype=bool)
    shape[int(rng.integers(1, height - 1)), :] = True
    shape[:, int(rng.integers(1, width - 1))] = True
    return shape


def rectangle(height: int, width: int) -> BoolGrid:
    """A solid rectangle."""
    return np.ones((height, width), dtype=bool)


def labyrinth(size: int, rng: np.random.Generator, loop_fraction: float = 0.1) -> BoolGrid:
    """A square maze patch (odd ``size``) with two openings per side and a few extra loops."""
    if size % 2 == 0 or size < 5:
        raise ValueError(f"labyrinth size must be odd and >= 5, got {size}")
    walls = np.ones((size, size), dtype=bool)
    cells = (size - 1) // 2
    visited = np.zeros((cells, cells), dtype=bool)
    start = (int(rng.integers(cells)), int(rng.integers(cells)))
    visited[start] = True
    walls[2 * start[0] + 1, 2 * start[1] + 1] = False
    stack = [start]
    while stack:
        row, col = stack[-1]
        options = [
            (row + dr, col + dc)
            for dr, dc in _STEPS
            if 0 <= row + dr < cells and 0 <= col + dc < cells and not visited[row + dr, col + dc]
        ]
        if not options:
            stack.pop()
            continue
        nxt = options[int(rng.integers(len(options)))]
        visited[nxt] = True
        walls[2 * nxt[0] + 1, 2 * nxt[1] + 1] = False
        walls[row + nxt[0] + 1, col + nxt[1] + 1] = False
        stack.append(nxt)
    inner_walls = np.argwhere(walls[1:-1, 1:-1]) + 1
    loops = int(loop_fraction * len(inner_walls) / 4)
    for index in rng.choice(len(inner_walls), size=min(loops, len(inner_walls)), replace=False):
        row, col = inner_walls[index]
        if (row % 2) != (col % 2):  # a wall between two cells: opening it adds a loop
            walls[row, col] = False
    odd = np.arange(1, size - 1, 2)
    for side in range(4):
        for position in rng.choice(odd, size=min(2, len(odd)), replace=False):
            if side == 0:
                walls[0, position] = False
            elif side == 1:
                walls[-1, position] = False
            elif side == 2:
                walls[position, 0] = False
            else:
                walls[position, -1] = False
    return walls


def stamp(
    walls: BoolGrid,
    shape: BoolGrid,
    rng: np.random.Generator,
    clearance: int = 1,
    attempts: int = 20,
    replace_area: bool = False,
) -> bool:
    """Draws ``shape`` at a random spot whose box plus ``clearance`` holds no wall yet.

    A negative clearance skips the check (shapes may overlap). ``replace_area`` writes the whole
    box (a labyrinth's corridors too), else only the shape's cells. False: no spot found.
    """
    height, width = walls.shape
    shape_height, shape_width = shape.shape
    if shape_height > height or shape_width > width:
        return False
    for _ in range(attempts):
        row = int(rng.integers(0, height - shape_height + 1))
        col = int(rng.integers(0, width - shape_width + 1))
        if clearance >= 0:
            top, left = max(0, row - clearance), max(0, col - clearance)
            bottom = min(height, row + shape_height + clearance)
            right = min(width, col + shape_width + clearance)
            if walls[top:bottom, left:right].any():
                continue
        box = walls[row : row + shape_height, col : col + shape_width]
        if replace_area:
            box[...] = shape
        else:
            box |= shape
        return True
    return False


def scatter_walls(walls: BoolGrid, count: int, rng: np.random.Generator) -> int:
    """Turns ``count`` random free cells into single walls; returns how many were placed."""
    free = np.flatnonzero(~walls.ravel())
    chosen = rng.choice(free, size=min(count, len(free)), replace=False)
    walls.flat[chosen] = True
    return len(chosen)
