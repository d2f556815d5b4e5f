"""Flood-fill utilities: is every agent and object of a map reachable, and repairs when it is not.

Agents walk on ``empty`` cells (and cells other agents stand on, since agents move); every other
cell blocks. ``wall`` and ``block`` are terrain and need no access; any other object (altar, mine,
...) is used from a 4-neighbour, so it is reachable when one of its neighbours is reachable.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = [
    "TERRAIN_NAMES",
    "ReachabilityReport",
    "agent_mask",
    "check_reachability",
    "connect_free_space",
    "fill_unreachable",
    "is_connected",
    "label_components",
    "label_components_bfs",
    "needs_access_mask",
    "pad_false",
    "walkable_mask",
]

try:  # optional: a C flood fill
    from scipy.ndimage import label as _ndimage_label
except ImportError:  # pragma: no cover - depends on the environment
    _ndimage_label = None

TERRAIN_NAMES: frozenset[str] = frozenset({"wall", "block"})
"""Blocking names that no agent needs to reach."""

Cell = tuple[int, int]


_AGENT_CODES = np.array([ord(char) for char in "agent"], dtype=np.uint32)


def agent_mask(grid: npt.NDArray[np.str_]) -> npt.NDArray[np.bool_]:
    """True on agent cells (names starting with ``agent``); compares code points, not strings."""
    grid = np.ascontiguousarray(grid)
    if grid.dtype.kind != "U":
        return np.char.startswith(grid.astype(str), "agent")
    width = grid.dtype.itemsize // 4
    if width < len(_AGENT_CODES):
        return np.zeros(grid.shape, dtype=bool)
    codes = grid.view(np.uint32).reshape(*grid.shape, width)
    mask = codes[..., 0] == _AGENT_CODES[0]
    for position in range(1, len(_AGENT_CODES)):
        mask &= codes[..., position] == _AGENT_CODES[position]
    return mask


def walkable_mask(grid: npt.NDArray[np.str_]) -> npt.NDArray[np.bool_]:
    """True where an agent can stand: ``empty`` cells and agent cells."""
    return (grid == "empty") | agent_mask(grid)


def needs_access_mask(
    grid: npt.NDArray[np.str_], walkable: npt.NDArray[np.bool_] | None = None
) -> npt.NDArray[np.bool_]:
    """True on objects an agent must be able to reach (everything not walkable and not terrain);
    ``walkable`` is the grid's `walkable_mask` where the caller has it already."""
    terrain = np.isin(grid, list(TERRAIN_NAMES))
    if walkable is None:
        walkable = walkable_mask(grid)
    return ~walkable & ~terrain


def pad_false(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """``mask`` with one False cell on every side (``np.pad(mask, 1)`` for 2-D masks, faster)."""
    padded = np.zeros((mask.shape[0] + 2, mask.shape[1] + 2), dtype=bool)
    padded[1:-1, 1:-1] = mask
    return padded


def label_components(mask: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.int32], int]:
    """4-connected components of ``mask``: labels (-1 outside, else 0..n-1 in raster order), n.

    Uses scipy's C labelling when scipy is installed (an optional speed-up: map building runs at
    every episode reset), else a breadth-first search; both number components identically.
    """
    if _ndimage_label is not None:
        labels, count = _ndimage_label(mask)
        labels = labels.astype(np.int32, copy=False)
        labels -= 1
        return labels, int(count)
    return label_components_bfs(mask)


def label_components_bfs(mask: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.int32], int]:
    """Pure-Python breadth-first labelling, the reference for `label_components`."""
    height, width = mask.shape
    padded_width = width + 2
    padded = np.zeros((height + 2, padded_width), dtype=bool)
    padded[1:-1, 1:-1] = mask
    flat = padded.ravel().tolist()
    labels = [-1] * len(flat)
    steps = (1, -1, padded_width, -padded_width)
    count = 0
    for start in np.flatnonzero(padded.ravel()).tolist():
        if labels[start] != -1:
            continue
        labels[start] = count
        queue = deque([start])
        while queue:
            index = queue.popleft()
            for step in steps:
                neighbour = index + step
                if flat[neighbour] and labels[neighbour] == -1:
                    labels[neighbour] = count
                    queue.append(neighbour)
        count += 1
    label_array = np.asarray(labels, dtype=np.int32).reshape(height + 2, padded_width)
    return label_array[1:-1, 1:-1].copy(), count


def _main_component(
    agents: npt.NDArray[np.bool_], labels: npt.NDArray[np.int32], count: int
) -> int:
    """The component that must hold everything: the first agent's, else the largest (-1: none)."""
    if count == 0:
        return -1
    agent_cells = np.argwhere(agents)
    if len(agent_cells):
        row, col = agent_cells[0]
        return int(labels[row, col])
    sizes = np.bincount(labels[labels >= 0], minlength=count)
    return int(np.argmax(sizes))


def _reachable_objects(labels: npt.NDArray[np.int32], main: int) -> npt.NDArray[np.bool_]:
    """True on cells with a 4-neighbour in component ``main`` (none when main is -1)."""
    in_main = pad_false((labels == main) & (main >= 0))
    return in_main[:-2, 1:-1] | in_main[2:, 1:-1] | in_main[1:-1, :-2] | in_main[1:-1, 2:]


@dataclass(frozen=True)
class ReachabilityReport:
    """A flood fill's findings: free-space components, agents/objects outside the main one."""

    free_components: int
    unreachable_agents: list[Cell] = field(default_factory=list)
    unreachable_objects: list[Cell] = field(default_factory=list)

    @property
    def all_reachable(self) -> bool:
        """Every agent and every object can be reached from every agent."""
        return not self.unreachable_agents and not self.unreachable_objects

    @property
    def connected(self) -> bool:
        """All reachable and the free space is one component."""
        return self.all_reachable and self.free_components <= 1

    def describe(self) -> str:
        """A one-line human summary for error messages."""
        return (
            f"{self.free_components} free-space component(s); unreachable agents at "
            f"{self.unreachable_agents[:5]}; unreachable objects at {self.unreachable_objects[:5]}"
        )


def check_reachability(grid: npt.NDArray[np.str_]) -> ReachabilityReport:
    """Flood-fills the walkable cells and lists agents and objects the first agent cannot reach."""
    return _reachability(grid, fill=None)


def _reachability(grid: npt.NDArray[np.str_], fill: str | None) -> ReachabilityReport:
    """One flood fill; with ``fill``, empty cells outside the main component become ``fill``."""
    agents = agent_mask(grid)
    empty = grid == "empty"
    walkable = empty | agents
    labels, count = label_components(walkable)
    main = _main_component(agents, labels, count)
    if fill is not None:
        pockets = empty & (labels != main)
        if pockets.any():  # else every component keeps its cells and the count stands
            grid[pockets] = fill
            walkable &= ~pockets
            count = len(np.unique(labels[walkable]))
    bad_agents = agents & (labels != main)
    terrain = np.isin(grid, list(TERRAIN_NAMES))
    bad_objects = ~walkable & ~terrain & ~_reachable_objects(labels, main)
    return ReachabilityReport(
        free_components=count,
        unreachable_agents=_cells(bad_agents),
        unreachable_objects=_cells(bad_objects),
    )


def _cells(mask: npt.NDArray[np.bool_]) -> list[Cell]:
    """The (row, col) of every True cell, in raster order."""
    if not mask.any():
        return []
    return [(int(r), int(c)) for r, c in np.argwhere(mask)]


def is_connected(grid: npt.NDArray[np.str_]) -> bool:
    """True when the free space is one component holding every agent, next to every object."""
    return check_reachability(grid).connected


def fill_unreachable(grid: npt.NDArray[np.str_], name: str = "wall") -> ReachabilityReport:
    """Turns empty cells outside the main component into ``name`` (in place); reports the rest."""
    return _reachability(grid, fill=name)


def connect_free_space(free: npt.NDArray[np.bool_], fill_below: int = 8) -> npt.NDArray[np.bool_]:
    """Returns a copy of ``free`` whose True cells form one 4-connected component.

    Pockets smaller than ``fill_below`` cells are filled; the others are joined to the largest
    component by carving the cheapest path (fewest blocked cells) found by one 0-1 BFS.
    """
    result = free.copy()
    labels, count = label_components(result)
    if count <= 1:
        return result
    sizes = np.bincount(labels[labels >= 0], minlength=count)
    main = int(np.argmax(sizes))
    small = [k for k in range(count) if k != main and sizes[k] < fill_below]
    if small:
        result[np.isin(labels, small)] = False
        labels[np.isin(labels, small)] = -1
    remaining = [k for k in range(count) if k != main and k not in set(small)]
    if not remaining:
        return result
    _carve_to_main(result, labels, main, remaining)
    return result


def _carve_to_main(
    free: npt.NDArray[np.bool_], labels: npt.NDArray[np.int32], main: int, others: list[int]
) -> None:
    """0-1 BFS from the main component (free cost 0, blocked 1); carves each pocket's path."""
    height, width = free.shape
    size = height * width
    free_flat = free.ravel().tolist()
    distance = [size + 1] * size
    parent = [-1] * size
    queue: deque[int] = deque()
    for index in np.flatnonzero((labels == main).ravel()).tolist():
        distance[index] = 0
        queue.append(index)
    while queue:
        index = queue.popleft()
        row, col = divmod(index, width)
        for neighbour, ok in (
            (index - width, row > 0),
            (index + width, row < height - 1),
            (index - 1, col > 0),
            (index + 1, col < width - 1),
        ):
            if not ok:
                continue
            cost = 0 if free_flat[neighbour] else 1
            new_distance = distance[index] + cost
            if new_distance < distance[neighbour]:
                distance[neighbour] = new_distance
                parent[neighbour] = index
                if cost == 0:
                    queue.appendleft(neighbour)
                else:
                    queue.append(neighbour)
    flat_labels = labels.ravel()
    distance_array = np.asarray(distance)
    flat_free = free.reshape(-1)
    for component in others:
        members = np.flatnonzero(flat_labels == component)
        index = int(members[np.argmin(distance_array[members])])
        while index != -1 and distance[index] > 0:
            flat_free[index] = True
            index = parent[index]
