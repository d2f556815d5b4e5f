"""WFC: Wave Function Collapse (overlapping model) from a small ASCII sample of walls.

Every N x N window of the output is a pattern of the sample (with the chosen symmetry variants).
The wave holds, per output position, the set of still-possible patterns as a Python int bitset;
propagation intersects a neighbour's set with the union of the patterns compatible with this
cell's set (unions memoised per wave value, so the inner loop is a dict hit and an ``&``).
Observation picks the position with the fewest possibilities (random tie-break), or the next
one in row-major order, and draws a pattern weighted by its count in the sample. A
contradiction restarts the attempt, at most ``max_attempts`` times, then raises.
"""

from __future__ import annotations

import heapq
from collections import deque
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from metta.mettagrid.maps.scenes.patterns import Symmetry, sample_patterns
from metta.mettagrid.maps.scenes.scene import Scene, SceneConfig

__all__ = ["DEFAULT_WFC_SAMPLE", "WFCConfig", "wave_function_collapse"]

DEFAULT_WFC_SAMPLE = """
|#########.#####|
|#.......#.#...#|
|#.......#.#...#|
|#.......#.....#|
|#.......#.#...#|
|####.####.#####|
|...............|
|#####.#####.###|
|#...#.#.......#|
|#.....#.......#|
|#...#.#.......#|
|#####.#########|
"""
"""Walled rooms with doors, joined by one-cell corridors."""

# (row step, column step) of the four neighbours, in the order of the compatibility tables.
_DIRECTIONS = ((-1, 0), (0, 1), (1, 0), (0, -1))

NextCell = Literal["mrv", "scanline"]
"""Which position is observed next: the one with the fewest possible patterns (random
tie-break), or the first undecided one in row-major order (faster: each observation's
propagation stays near the decided part)."""
_SUPPORT_CACHE_LIMIT = 50_000
"""Memoised wave -> unions entries per model (some 20 MB at most); cleared when full."""


class WFCConfig(SceneConfig):
    """Walls and empty cells whose every N x N window is in ``pattern`` (overwrites the area)."""

    type: Literal["wfc"] = "wfc"
    pattern: str = DEFAULT_WFC_SAMPLE
    """The sample: ``#`` wall, ``.`` or space empty; lines may be framed by ``|``."""
    pattern_size: int = Field(default=3, ge=2, le=4)
    """N: the side of the overlapping windows."""
    symmetry: Symmetry = "all"
    """Variants of each sampled window: none, horizontal (mirror) or all (8 rotations/mirrors)."""
    periodic_input: bool = True
    """Windows wrap around the sample's edges."""
    max_attempts: int = Field(default=10, ge=1)
    """Restarts after a contradiction before giving up with an error."""
    next_cell: NextCell = "scanline"
    """Observation order: scanline (row-major; faster, and fewer contradictions on the samples
    measured) or mrv (fewest possibilities first)."""

    @model_validator(mode="after")
    def _check(self) -> WFCConfig:
        _model(self.pattern, self.pattern_size, self.periodic_input, self.symmetry)
        return self

    def render(self, scene: Scene) -> None:
        """Fills the area with a pattern-consistent wall layout."""
        walls = wave_function_collapse(
            _model(self.pattern, self.pattern_size, self.periodic_input, self.symmetry),
            scene.height,
            scene.width,
            scene.rng,
            self.max_attempts,
            self.next_cell,
        )
        scene.grid[:] = np.where(walls, "wall", "empty")


class _Model:
    """A sample's patterns, their weights and, per direction, each pattern's compatible set."""

    def __init__(self, patterns: npt.NDArray[np.bool_], counts: npt.NDArray[np.int64]) -> None:
        self.patterns = patterns
        self.weights = counts.astype(float).tolist()
        self.size = int(patterns.shape[1])
        self.count = int(patterns.shape[0])
        self.full = (1 << self.count) - 1
        self.compatible = [self._compatible(dy, dx) for dy, dx in _DIRECTIONS]
        self.chunk_tables = [self._chunk_tables(d) for d in range(len(_DIRECTIONS))]
        self.support_cache: dict[int, tuple[int, int, int, int]] = {}

    def _compatible(self, dy: int, dx: int) -> list[int]:
        """Bitset per pattern a: patterns b that agree with a where b sits at offset (dy, dx)."""
        n = self.size
        a = self.patterns[:, max(0, dy) : n + min(0, dy), max(0, dx) : n + min(0, dx)]
        b = self.patterns[:, max(0, -dy) : n + min(0, -dy), max(0, -dx) : n + min(0, -dx)]
        flat_a = a.reshape(self.count, -1)
        flat_b = b.reshape(self.count, -1)
        table = (flat_a[:, None, :] == flat_b[None, :, :]).all(axis=2)
        packed = np.packbits(table, axis=1, bitorder="little")
        return [int.from_bytes(row.tobytes(), "little") for row in packed]

    def _chunk_tables(self, direction: int) -> list[list[int]]:
        """Per 8-pattern chunk: the union of compatible sets for each of its 256 subsets."""
        row = self.compatible[direction]
        tables = []
        for start in range(0, self.count, 8):
            table = [0] * 256
            for subset in range(1, 256):
                low = subset & -subset
                bit = low.bit_length() - 1
                member = row[start + bit] if start + bit < self.count else 0
                table[subset] = table[subset ^ low] | member
            tables.append(table)
        return tables

    def supports(self, wave: int) -> tuple[int, int, int, int]:
        """Per direction, the patterns allowed next to a cell whose possible patterns are
        ``wave`` (memoised: the same sets recur all the time)."""
        found = self.support_cache.get(wave)
        if found is None:
            unions = []
            for tables in self.chunk_tables:
                union = 0
                shift = 0
                for table in tables:
                    union |= table[(wave >> shift) & 255]
                    shift += 8
                unions.append(union)
            found = (unions[0], unions[1], unions[2], unions[3])
            if len(self.support_cache) > _SUPPORT_CACHE_LIMIT:
                self.support_cache.clear()
            self.support_cache[wave] = found
        return found


@lru_cache(maxsize=8)
def _model(text: str, size: int, periodic: bool, symmetry: Symmetry) -> _Model:
    patterns, counts = sample_patterns(text, size, periodic, symmetry)
    return _Model(patterns, counts)


@lru_cache(maxsize=16)
def _neighbours(height: int, width: int) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Per position (row-major): (direction, neighbour position) of its in-bounds neighbours."""
    table = []
    for row in range(height):
        for col in range(width):
            table.append(
                tuple(
                    (d, (row + dy) * width + col + dx)
                    for d, (dy, dx) in enumerate(_DIRECTIONS)
                    if 0 <= row + dy < height and 0 <= col + dx < width
                )
            )
    return tuple(table)


def _propagate(
    model: _Model,
    waves: list[int],
    start: list[int],
    neighbours: tuple[tuple[tuple[int, int], ...], ...],
    changed: set[int],
) -> bool:
    """Removes patterns unsupported by a neighbour until nothing changes (breadth-first, each
    cell queued once at a time); adds every narrowed cell to ``changed``. False on a
    contradiction."""
    cache = model.support_cache
    queued = [False] * len(waves)
    for cell in start:
        queued[cell] = True
    queue = deque(start)
    while queue:
        cell = queue.popleft()
        queued[cell] = False
        allowed = cache.get(waves[cell]) or model.supports(waves[cell])
        for direction, other in neighbours[cell]:
            old = waves[other]
            new = old & allowed[direction]
            if new != old:
                if not new:
                    return False
                waves[other] = new
                changed.add(other)
                if not queued[other]:
                    queued[other] = True
                    queue.append(other)
    return True


def _requeue(
    changed: set[int], waves: list[int], heap: list[tuple[float, int]], noise: list[float]
) -> None:
    """Pushes each narrowed, still undecided cell once with its new count (fewest first)."""
    for cell in changed:
        remaining = waves[cell].bit_count()
        if remaining > 1:
            heapq.heappush(heap, (remaining + noise[cell], cell))
    changed.clear()


def _draw_pattern(model: _Model, wave: int, rng: np.random.Generator) -> int:
    """One of the patterns in ``wave``, with probability proportional to its sample count."""
    options = []
    rest = wave
    while rest:
        low = rest & -rest
        options.append(low.bit_length() - 1)
        rest ^= low
    weights = model.weights
    threshold = rng.random() * sum(weights[t] for t in options)
    for option in options:
        threshold -= weights[option]
        if threshold < 0:
            return option
    return options[-1]


def _attempt(
    model: _Model, height: int, width: int, rng: np.random.Generator, next_cell: NextCell
) -> list[int] | None:
    """One collapse of a height x width wave; the chosen pattern per position, or None."""
    cells = height * width
    neighbours = _neighbours(height, width)
    waves = [model.full] * cells
    changed: set[int] = set()
    unconstrained = all(union == model.full for union in model.supports(model.full))
    if not unconstrained and not _propagate(model, waves, list(range(cells)), neighbours, changed):
        return None
    if next_cell == "scanline":
        for cell in range(cells):
            if waves[cell].bit_count() > 1:
                waves[cell] = 1 << _draw_pattern(model, waves[cell], rng)
                if not _propagate(model, waves, [cell], neighbours, changed):
                    return None
        return [wave.bit_length() - 1 for wave in waves]
    noise = (rng.random(cells) * 0.5).tolist()
    heap = [(model.count + noise[cell], cell) for cell in range(cells)]
    heapq.heapify(heap)
    _requeue(changed, waves, heap, noise)
    while heap:
        priority, cell = heapq.heappop(heap)
        remaining = waves[cell].bit_count()
        if remaining <= 1 or int(priority) != remaining:
            continue
        waves[cell] = 1 << _draw_pattern(model, waves[cell], rng)
        if not _propagate(model, waves, [cell], neighbours, changed):
            return None
        _requeue(changed, waves, heap, noise)
    return [wave.bit_length() - 1 for wave in waves]


def wave_function_collapse(
    model: _Model,
    height: int,
    width: int,
    rng: np.random.Generator,
    max_attempts: int,
    next_cell: NextCell = "scanline",
) -> npt.NDArray[np.bool_]:
    """A height x width wall mask (True = wall) every N x N window of which is a model pattern."""
    size = model.size
    positions_high, positions_wide = height - size + 1, width - size + 1
    if positions_high < 1 or positions_wide < 1:
        raise ValueError(
            f"wfc: a {height}x{width} area is smaller than pattern_size {size} "
            "(use a smaller pattern_size or a larger area)"
        )
    for _ in range(max_attempts):
        chosen = _attempt(model, positions_high, positions_wide, rng, next_cell)
        if chosen is not None:
            break
    else:
        raise RuntimeError(
            f"wfc: every one of max_attempts={max_attempts} attempts on a {height}x{width} area "
            f"hit a contradiction (pattern_size {size}, {model.count} patterns); try more "
            "max_attempts, another pattern_size or a sample with more variety"
        )
    grid = np.asarray(chosen, dtype=np.int64).reshape(positions_high, positions_wide)
    rows, cols = np.arange(height), np.arange(width)
    from_row = np.minimum(rows, positions_high - 1)
    from_col = np.minimum(cols, positions_wide - 1)
    return model.patterns[
        grid[from_row[:, None], from_col[None, :]],
        (rows - from_row)[:, None],
        (cols - from_col)[None, :],
    ]
