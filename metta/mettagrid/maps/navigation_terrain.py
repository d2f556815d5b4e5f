"""Navigation terrain: random variants of the kinds of hand-drawn navigation eval maps.

Four builders, each drawn from parameters and a generator (no eval map is copied):
``corridor_world`` (1-wide halls with dead-end teeth, like corridors / corridors_comb), ``spiral``
(a rectangular spiral, like spiral / spiral_out), ``radial_maze`` (a hub with 4-8 arms, like
radial_maze) and ``walled_detour`` (walled enclosures with one opening plus full-width lane walls
with one gap, like honeypot_detour / honeypot_trap / quick_wall / cylinder_lanes). Every map keeps
the agents and all objects mutually reachable (checked by `finish_grid`). A random symmetry
(flips, transpose) is applied where it keeps the requested width and height.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field

from metta.mettagrid.maps.base import AgentSpec, MapBuilderConfig, ObjectCounts, finish_grid
from metta.mettagrid.maps.connectivity import TERRAIN_NAMES, pad_false, walkable_mask
from metta.mettagrid.maps.level import GRID_DTYPE, Level, add_border, size_label
from metta.mettagrid.maps.placement import (
    Occupancy,
    agent_names,
    missing_counts,
    place_agents,
    place_objects,
)

__all__ = [
    "CorridorWorldConfig",
    "RadialMazeConfig",
    "SpiralConfig",
    "WalledDetourConfig",
    "build_corridor_world",
    "build_radial_maze",
    "build_spiral",
    "build_walled_detour",
]

Cell = tuple[int, int]
BoolGrid = npt.NDArray[np.bool_]

SIZE_RANGE = (15, 42)
"""Inner sizes drawn when width/height are unset: [15, 41]."""

PLACEMENT_ATTEMPTS = 40


def _default_objects() -> dict[str, int]:
    """Three altars, the navigation default."""
    return {"altar": 3}


class _NavigationTerrainConfig(MapBuilderConfig):
    """Fields shared by the navigation terrain builders."""

    width: int | None = Field(default=None, ge=7, le=500)
    """Inner width; None draws it in [15, 41]."""
    height: int | None = Field(default=None, ge=7, le=500)
    """Inner height; None draws it in [15, 41]."""
    objects: ObjectCounts = Field(default_factory=_default_objects)
    """Objects to place (at the builder's preferred spots first, the rest anywhere reachable)."""
    agents: AgentSpec = 1
    """Agent count, or {group: count}."""
    border_width: int = Field(default=1, ge=0)
    """Wall cells around the map."""


class CorridorWorldConfig(_NavigationTerrainConfig):
    """1-wide parallel halls joined by connectors, with dead-end teeth; objects at dead ends."""

    type: Literal["corridor_world"] = "corridor_world"
    hall_gap_max: int = Field(default=6, ge=2, le=30)
    """Most wall rows between neighbouring halls (gaps are drawn in [2, hall_gap_max])."""
    tooth_probability: float = Field(default=0.6, ge=0.0, le=1.0)
    """Chance that a free column of a band between halls gets a dead-end tooth."""


class SpiralConfig(_NavigationTerrainConfig):
    """A rectangular spiral passage; the agent at one end, an object near the other end."""

    type: Literal["spiral"] = "spiral"
    passage_width: int | None = Field(default=None, ge=1, le=2)
    """Passage width (1: walls 2 thick, objects in side niches; 2: walls 1 thick); None draws."""
    agent_start: Literal["random", "centre", "entrance"] = "random"
    """Where the agent starts: the spiral's centre end, its outer entrance, or either at random."""


class RadialMazeConfig(_NavigationTerrainConfig):
    """An open hub with straight and diagonal (staircase) arms to the edge; objects at arm ends."""

    type: Literal["radial_maze"] = "radial_maze"
    width: int | None = Field(default=None, ge=9, le=500)
    """Inner width; None draws it in [15, 41]."""
    height: int | None = Field(default=None, ge=9, le=500)
    """Inner height; None draws it in [15, 41]."""
    arms: int | None = Field(default=None, ge=4, le=8)
    """Number of arms (of the 4 straight and 4 diagonal directions); None draws in [4, 8]."""
    hub_size: int | None = Field(default=None, ge=3, le=15)
    """Side of the square hub (shrunk to leave arms room); None draws in [3, 5]."""


class WalledDetourConfig(_NavigationTerrainConfig):
    """Open field with walled enclosures (one opening each) and full-width lane walls (one gap)."""

    type: Literal["walled_detour"] = "walled_detour"
    enclosures: int | None = Field(default=None, ge=1, le=2)
    """Enclosures wanted (as many as fit, at least one); None draws in [1, 2]."""
    lanes: int | None = Field(default=None, ge=0, le=4)
    """Lane walls wanted (as many as fit); None draws in [1, 4]."""


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------


def _draw_size(config: _NavigationTerrainConfig, rng: np.random.Generator) -> tuple[int, int]:
    """(height, width): the config's, or drawn in SIZE_RANGE when unset."""
    height = config.height if config.height is not None else int(rng.integers(*SIZE_RANGE))
    width = config.width if config.width is not None else int(rng.integers(*SIZE_RANGE))
    return height, width


def _free_neighbours(free: BoolGrid) -> npt.NDArray[np.int8]:
    """Number of free 4-neighbours of every cell (cells outside the grid count as blocked)."""
    padded = pad_false(free).astype(np.int8)
    return padded[:-2, 1:-1] + padded[2:, 1:-1] + padded[1:-1, :-2] + padded[1:-1, 2:]


def _dead_ends(free: BoolGrid) -> list[Cell]:
    """Free cells with exactly one free 4-neighbour, in raster order."""
    mask = free & (_free_neighbours(free) == 1)
    return [(int(r), int(c)) for r, c in np.argwhere(mask)]


def _to_grid(free: BoolGrid) -> npt.NDArray[np.str_]:
    """A grid of ``empty`` where ``free`` is True, else ``wall``."""
    grid = np.full(free.shape, "wall", dtype=GRID_DTYPE)
    grid[free] = "empty"
    return grid


def _pending(objects: Mapping[str, int], rng: np.random.Generator) -> list[str]:
    """Every wanted object name, once per unit, in random order."""
    names = [name for name, count in objects.items() for _ in range(count)]
    rng.shuffle(names)
    return names


def _place_preferred(
    grid: npt.NDArray[np.str_], names: list[str], groups: list[list[Cell]]
) -> None:
    """Puts the next of ``names`` on the first cell of each group that can take it without
    cutting the free space (in place); what finds no spot is left for `place_objects`."""
    pending = list(names)
    occupancy = Occupancy(grid)
    for group in groups:
        if not pending:
            return
        needs_access = pending[-1] not in TERRAIN_NAMES
        for row, col in group:
            if grid[row, col] == "empty" and occupancy.can_block(row + 1, col + 1, needs_access):
                occupancy.block(row + 1, col + 1, needs_access)
                grid[row, col] = pending.pop()
                break


def _place_agents_on(
    grid: npt.NDArray[np.str_],
    config: _NavigationTerrainConfig,
    rng: np.random.Generator,
    cells: BoolGrid,
) -> None:
    """Places the agents on ``cells`` (empty ones), else anywhere reachable when too few."""
    names = agent_names(config.agents)
    candidates = cells & (grid == "empty")
    place_agents(grid, names, rng, free=candidates if candidates.sum() >= len(names) else None)


def _symmetric(grid: npt.NDArray[np.str_], rng: np.random.Generator, transpose: bool) -> np.ndarray:
    """``grid`` under random flips, transposed when ``transpose`` (the caller swapped its size)."""
    if rng.integers(2):
        grid = grid[::-1]
    if rng.integers(2):
        grid = grid[:, ::-1]
    if transpose:
        grid = grid.T
    return np.ascontiguousarray(grid)


def _embed_in_walls(
    grid: npt.NDArray[np.str_], counts: Mapping[str, int], rng: np.random.Generator
) -> None:
    """Turns wall cells next to a walkable cell into objects (in place), niche-like cells (the
    fewest non-wall cells around) first: it changes no walkable cell, so nothing is cut off."""
    pending = _pending(counts, rng)
    if not pending:
        return
    walkable = walkable_mask(grid)
    open_cells = pad_false(grid != "wall").astype(np.int8)
    around = sum(
        open_cells[1 + dr : open_cells.shape[0] - 1 + dr, 1 + dc : open_cells.shape[1] - 1 + dc]
        for dr in (-1, 0, 1)
        for dc in (-1, 0, 1)
    )
    candidates = np.argwhere((grid == "wall") & (_free_neighbours(walkable) > 0))
    order = np.lexsort((rng.random(len(candidates)), around[tuple(candidates.T)]))
    for row, col in candidates[order[: len(pending)]].tolist():
        grid[row, col] = pending.pop()


def _finish(
    grid: npt.NDArray[np.str_],
    config: _NavigationTerrainConfig,
    rng: np.random.Generator,
    label: str,
) -> Level:
    """Tops up missing objects (embedding them in walls when the free space cannot take them),
    checks reachability, adds the border and labels the level."""
    try:
        place_objects(grid, missing_counts(grid, config.objects), rng)
    except ValueError:
        _embed_in_walls(grid, missing_counts(grid, config.objects), rng)
        place_objects(grid, missing_counts(grid, config.objects), rng)
    finish_grid(grid, label.replace("_", " "))
    height, width = grid.shape
    return Level(add_border(grid, config.border_width), (label, size_label(width, height)))


# ---------------------------------------------------------------------------------------------
# Corridor world
# ---------------------------------------------------------------------------------------------


def _carve_teeth(
    free: BoolGrid,
    band: tuple[int, int],
    halls: tuple[tuple[int, int] | None, tuple[int, int] | None],
    rng: np.random.Generator,
    tooth_probability: float,
) -> None:
    """Carves one band (rows first..last) between the halls above and below (their column spans,
    None at the map's edge): 1-2 connectors when both exist, then dead-end teeth from either hall,
    columns >= 2 apart and stopping one row short of the other hall."""
    first, last = band
    above, below = halls
    width = free.shape[1]
    used = [False] * (width + 2)  # padded: column c is used[c + 1]
    if above is not None and below is not None:
        low, high = max(above[0], below[0]), min(above[1], below[1])
        for col in rng.choice(np.arange(low, high), size=min(2, high - low), replace=False):
            if not any(used[col : col + 3]):
                free[first : last + 1, col] = True
                used[col + 1] = True
    sources = [(span, side == 0) for side, span in enumerate(halls) if span is not None]
    longest = last - first if len(sources) == 2 else last - first + 1
    if longest < 1:
        return
    coins, picks, lengths = rng.random((3, width)).tolist()
    for col in range(width):
        if coins[col] >= tooth_probability or used[col] or used[col + 1] or used[col + 2]:
            continue
        (start, stop), from_above = sources[int(picks[col] * len(sources))]
        if not start <= col < stop:
            continue
        length = 1 + int(lengths[col] * longest)
        if from_above:
            free[first : first + length, col] = True
        else:
            free[last - length + 1 : last + 1, col] = True
        used[col + 1] = True


def corridor_world_free(
    height: int, width: int, rng: np.random.Generator, gap_max: int, tooth_probability: float
) -> tuple[BoolGrid, BoolGrid]:
    """(free cells, hall cells): horizontal 1-wide halls 3..gap_max+1 rows apart, each band
    around them carved by `_carve_teeth`."""
    free = np.zeros((height, width), dtype=bool)
    rows: list[int] = []
    row = int(rng.integers(0, min(3, height)))
    while row < height:
        rows.append(row)
        row += int(rng.integers(3, gap_max + 2))
    spans: list[tuple[int, int] | None] = []
    for row in rows:
        start, stop = int(rng.integers(0, 3)), width - int(rng.integers(0, 3))
        free[row, start:stop] = True
        spans.append((start, stop))
    halls = free.copy()
    edges = [-1, *rows, height]
    spans = [None, *spans, None]
    for index in range(len(edges) - 1):
        first, last = edges[index] + 1, edges[index + 1] - 1
        if first <= last:
            _carve_teeth(
                free, (first, last), (spans[index], spans[index + 1]), rng, tooth_probability
            )
    return free, halls


def build_corridor_world(config: CorridorWorldConfig, rng: np.random.Generator) -> Level:
    """Halls and teeth (random orientation); agent on a hall, objects at dead ends first."""
    height, width = _draw_size(config, rng)
    transpose = bool(rng.integers(2))
    work_height, work_width = (width, height) if transpose else (height, width)
    free, halls = corridor_world_free(
        work_height, work_width, rng, config.hall_gap_max, config.tooth_probability
    )
    grid = _to_grid(free)
    _place_agents_on(grid, config, rng, halls)
    ends = _dead_ends(free)
    order = rng.permutation(len(ends))
    _place_preferred(grid, _pending(config.objects, rng), [[ends[i]] for i in order])
    return _finish(_symmetric(grid, rng, transpose), config, rng, "corridor_world")


# ---------------------------------------------------------------------------------------------
# Spiral
# ---------------------------------------------------------------------------------------------


def _strip_cells(rows: range, cols: range, along_rows: bool) -> list[Cell]:
    """The cells of a strip in travel order (cross-section by cross-section)."""
    if along_rows:
        return [(r, c) for r in rows for c in cols]
    return [(r, c) for c in cols for r in rows]


def _overlap(first: tuple[int, int, int, int], second: tuple[int, int, int, int]) -> int:
    """Cells shared by two inclusive boxes (top, bottom, left, right)."""
    rows = min(first[1], second[1]) - max(first[0], second[0]) + 1
    cols = min(first[3], second[3]) - max(first[2], second[2]) + 1
    return max(rows, 0) * max(cols, 0)


def spiral_free(
    height: int, width: int, passage: int, wall: int
) -> tuple[BoolGrid, list[Cell], list[tuple[Cell, int]]]:
    """(free cells, path cells from the outer entrance to the centre, niche candidates as
    (wall cell, path index it opens from)): strips right, down, left, up, shrinking by
    passage + wall per lap, until a strip would touch anything but its predecessor."""
    free = np.zeros((height, width), dtype=bool)
    path: list[Cell] = []
    niches: list[tuple[Cell, int]] = []
    step = passage + wall
    top, left, bottom, right = 0, 0, height - 1, width - 1
    start = 0
    previous = (-1, -1, -1, -1)
    while True:
        strips = (  # rows, cols, travel along rows?, reversed?, inward (dr, dc)
            (range(top, top + passage), range(start, right + 1), False, False, (1, 0)),
            (range(top, bottom + 1), range(right - passage + 1, right + 1), True, False, (0, -1)),
            (range(bottom - passage + 1, bottom + 1), range(left, right + 1), False, True, (-1, 0)),
            (range(top + step, bottom + 1), range(left, left + passage), True, True, (0, 1)),
        )
        for strip_rows, strip_cols, along_rows, backwards, inward in strips:
            rows, cols = strip_rows, strip_cols
            if not rows or not cols or rows[0] < 0 or cols[0] < 0:
                return free, path, niches
            if rows[-1] >= height or cols[-1] >= width:
                return free, path, niches
            box = (rows[0], rows[-1], cols[0], cols[-1])
            halo = (max(box[0] - 1, 0), box[1] + 1, max(box[2] - 1, 0), box[3] + 1)
            shared = _overlap(box, previous)
            touching = int(free[halo[0] : halo[1] + 1, halo[2] : halo[3] + 1].sum())
            if shared == len(rows) * len(cols) or touching > _overlap(halo, previous):
                return free, path, niches
            if backwards:
                rows, cols = (rows[::-1], cols) if along_rows else (rows, cols[::-1])
            cells = [
                cell
                for cell in _strip_cells(rows, cols, along_rows)
                if not (
                    previous[0] <= cell[0] <= previous[1] and previous[2] <= cell[1] <= previous[3]
                )
            ]
            dr, dc = inward
            for offset in range(passage * 2, len(cells) - passage * 2):
                r, c = cells[offset]
                niches.append(((r + dr * passage, c + dc * passage), len(path) + offset))
            path.extend(cells)
            free[box[0] : box[1] + 1, box[2] : box[3] + 1] = True
            previous = box
        start = left
        top, left, bottom, right = top + step, left + step, bottom - step, right - step


def _carve_niche(free: BoolGrid, cell: Cell) -> bool:
    """Opens ``cell`` as a 1-cell dead end when its 3x3 holds only a straight 3-cell passage
    run beside it; returns whether it did."""
    row, col = cell
    height, width = free.shape
    if not (0 < row < height - 1 and 0 < col < width - 1) or free[row, col]:
        return False
    if free[row - 1 : row + 2, col - 1 : col + 2].sum() != 3:
        return False
    if free[row - 1, col] + free[row + 1, col] + free[row, col - 1] + free[row, col + 1] != 1:
        return False
    free[row, col] = True
    return True


def build_spiral(config: SpiralConfig, rng: np.random.Generator) -> Level:
    """A spiral (random symmetry); agent at one end, an object at the far end, the rest spaced
    along the path (in niches when the passage is 1 wide)."""
    height, width = _draw_size(config, rng)
    passage = config.passage_width if config.passage_width is not None else int(rng.integers(1, 3))
    wall = 2 if passage == 1 else 1
    transpose = bool(rng.integers(2))
    work_height, work_width = (width, height) if transpose else (height, width)
    free, path, niches = spiral_free(work_height, work_width, passage, wall)
    start = config.agent_start
    if start == "random":
        start = "centre" if rng.integers(2) else "entrance"
    if start == "entrance":
        agent_cells, far = path[:passage], path[-1]
    else:
        agent_cells, far = path[-passage:], path[0]
        path = path[::-1]
        niches = [(cell, len(path) - 1 - index) for cell, index in niches[::-1]]
    names = _pending(config.objects, rng)
    groups: list[list[Cell]] = [[far]]
    spots = len(names) - 1
    targets = sorted(
        int((k + rng.uniform(0.5, 1.0)) * len(path) / (spots + 1)) for k in range(spots)
    )
    if passage == 1:
        indices = [index for _cell, index in niches]
        for target in targets:
            middle = bisect.bisect_left(indices, target)
            nearby = niches[max(middle - 4, 0) : middle + 4]
            for niche, _index in sorted(nearby, key=lambda n: abs(n[1] - target)):
                if _carve_niche(free, niche):
                    groups.append([niche])
                    break
    else:
        groups += [path[max(t - 3, 0) : t + 4] for t in targets]
    grid = _to_grid(free)
    mask = np.zeros_like(free)
    for cell in agent_cells:
        mask[cell] = True
    _place_agents_on(grid, config, rng, mask)
    _place_preferred(grid, names, groups)
    return _finish(_symmetric(grid, rng, transpose), config, rng, "spiral")


# ---------------------------------------------------------------------------------------------
# Radial maze
# ---------------------------------------------------------------------------------------------

_DIRECTIONS: tuple[tuple[int, int], ...] = (
    (-1, 0),
    (1, 0),
    (0, -1),
    (0, 1),
    (-1, -1),
    (-1, 1),
    (1, -1),
    (1, 1),
)


def _carve_arm(
    free: BoolGrid, hub: tuple[int, int, int, int], direction: tuple[int, int], offset: int
) -> None:
    """Carves one arm from the hub (top, left, bottom, right) to the edge: straight arms leave
    from hub cell ``offset`` of the side, diagonals are 2-wide staircases from a hub corner."""
    height, width = free.shape
    top, left, bottom, right = hub
    dr, dc = direction
    if dr == 0 or dc == 0:
        if dr < 0:
            free[:top, left + offset] = True
        elif dr > 0:
            free[bottom + 1 :, left + offset] = True
        elif dc < 0:
            free[top + offset, :left] = True
        else:
            free[top + offset, right + 1 :] = True
        return
    row, col = (top if dr < 0 else bottom), (left if dc < 0 else right)
    step = 1
    while 0 <= row + dr * step < height:
        r = row + dr * step
        inner, outer = col + dc * (step - 1), col + dc * step
        if not 0 <= inner < width:
            return
        free[r, inner] = True
        if not 0 <= outer < width:
            return
        free[r, outer] = True
        step += 1


def build_radial_maze(config: RadialMazeConfig, rng: np.random.Generator) -> Level:
    """Hub near the centre, arms in random directions; agent in the hub, objects at arm ends."""
    height, width = _draw_size(config, rng)
    size = config.hub_size if config.hub_size is not None else int(rng.integers(3, 6))
    size = max(3, min(size, min(height, width) - 6))
    top = (height - size) // 2 + int(rng.integers(-1, 2))
    left = (width - size) // 2 + int(rng.integers(-1, 2))
    top = min(max(top, 3), height - size - 3)
    left = min(max(left, 3), width - size - 3)
    bottom, right = top + size - 1, left + size - 1
    free = np.zeros((height, width), dtype=bool)
    free[top : bottom + 1, left : right + 1] = True
    hub = free.copy()
    arms = config.arms if config.arms is not None else int(rng.integers(4, 9))
    for index in rng.choice(len(_DIRECTIONS), size=arms, replace=False):
        offset = int(rng.integers(1, size - 1))
        _carve_arm(free, (top, left, bottom, right), _DIRECTIONS[index], offset)
    grid = _to_grid(free)
    _place_agents_on(grid, config, rng, hub)
    ends = _dead_ends(free)
    order = rng.permutation(len(ends))
    _place_preferred(grid, _pending(config.objects, rng), [[ends[i]] for i in order])
    return _finish(grid, config, rng, "radial_maze")


# ---------------------------------------------------------------------------------------------
# Walled detour
# ---------------------------------------------------------------------------------------------


def _try_enclosure(
    free: BoolGrid, boxes: list[tuple[int, int, int, int]], rng: np.random.Generator
) -> tuple[int, int, int, int] | None:
    """Walls a random rectangle (interior >= 2x2, one free cell of clearance to the edge and
    other enclosures) with one opening in a random side; returns (top, left, bottom, right)."""
    height, width = free.shape
    for _ in range(PLACEMENT_ATTEMPTS):
        box_height = int(rng.integers(4, max(5, min(height - 1, height // 2 + 3))))
        box_width = int(rng.integers(4, max(5, min(width - 1, width // 2 + 3))))
        if box_height > height - 2 or box_width > width - 2:
            continue
        top = int(rng.integers(1, height - box_height))
        left = int(rng.integers(1, width - box_width))
        bottom, right = top + box_height - 1, left + box_width - 1
        if any(
            top - 1 <= b and t <= bottom + 1 and left - 1 <= r and l_ <= right + 1
            for t, l_, b, r in boxes
        ):
            continue
        free[top : bottom + 1, left] = free[top : bottom + 1, right] = False
        free[top, left : right + 1] = free[bottom, left : right + 1] = False
        side = int(rng.integers(4))
        if side < 2:
            free[top if side == 0 else bottom, int(rng.integers(left + 1, right))] = True
        else:
            free[int(rng.integers(top + 1, bottom)), left if side == 2 else right] = True
        return top, left, bottom, right
    return None


def walled_detour_free(
    height: int, width: int, rng: np.random.Generator, enclosures: int, lanes: int
) -> tuple[BoolGrid, list[tuple[int, int, int, int]]]:
    """(free cells, enclosure boxes): enclosures first (at least one always fits), then lane
    rows >= 2 rows from every enclosure and >= 3 apart, each with one random gap."""
    free = np.ones((height, width), dtype=bool)
    boxes: list[tuple[int, int, int, int]] = []
    for _ in range(enclosures):
        box = _try_enclosure(free, boxes, rng)
        if box is not None:
            boxes.append(box)
    allowed = np.ones(height, dtype=bool)
    allowed[[0, height - 1]] = False
    for top, _left, bottom, _right in boxes:
        allowed[max(top - 1, 0) : bottom + 2] = False
    placed = 0
    for row in rng.permutation(height):
        if placed == lanes:
            break
        if not allowed[row]:
            continue
        free[row] = False
        free[row, int(rng.integers(width))] = True
        allowed[max(row - 2, 0) : row + 3] = False
        placed += 1
    return free, boxes


def build_walled_detour(config: WalledDetourConfig, rng: np.random.Generator) -> Level:
    """Enclosures and lanes (random orientation); some objects inside the enclosures, the agent
    outside them."""
    height, width = _draw_size(config, rng)
    transpose = bool(rng.integers(2))
    work_height, work_width = (width, height) if transpose else (height, width)
    enclosures = config.enclosures if config.enclosures is not None else int(rng.integers(1, 3))
    lanes = config.lanes if config.lanes is not None else int(rng.integers(1, 5))
    free, boxes = walled_detour_free(work_height, work_width, rng, enclosures, lanes)
    grid = _to_grid(free)
    outside = free.copy()
    interiors: list[list[Cell]] = []
    for top, left, bottom, right in boxes:
        outside[top : bottom + 1, left : right + 1] = False
        interiors.append([(r, c) for r in range(top + 1, bottom) for c in range(left + 1, right)])
    _place_agents_on(grid, config, rng, outside)
    names = _pending(config.objects, rng)
    inside = int(rng.integers(min(len(names), len(boxes)), len(names) + 1))
    groups = []
    for index in range(inside):
        cells = interiors[index % len(interiors)]
        groups.append([cells[i] for i in rng.permutation(len(cells))])
    _place_preferred(grid, names[:inside], groups)
    return _finish(_symmetric(grid, rng, transpose), config, rng, "walled_detour")
