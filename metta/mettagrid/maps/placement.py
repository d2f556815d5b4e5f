"""Placing agents and objects on a grid without cutting its free space apart.

An object goes on an empty cell only when the cell's walkable 4-neighbours stay connected through
its 8-neighbourhood (a local test that implies the global one), the object keeps a walkable
neighbour, and no neighbouring object loses its last one. Connected free space stays connected.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import numpy as np
import numpy.typing as npt

from metta.mettagrid.maps.connectivity import (
    TERRAIN_NAMES,
    agent_mask,
    label_components,
    needs_access_mask,
    pad_false,
    walkable_mask,
)
from metta.mettagrid.maps.level import MAX_NAME_LENGTH

__all__ = [
    "Occupancy",
    "agent_names",
    "check_object_name",
    "missing_counts",
    "place_agents",
    "place_objects",
]

# The 8-neighbourhood in ring order: consecutive entries are 4-adjacent to each other.
_RING = ((-1, -1), (-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1))
_FOUR = (1, 3, 5, 7)
_STEPS = ((-1, 0), (1, 0), (0, -1), (0, 1))


def check_object_name(name: str, field_name: str = "objects") -> str:
    """Validates an object name for a map cell; errors name the config field."""
    if not name or name != name.strip() or " " in name:
        raise ValueError(f"{field_name}: object name {name!r} must be a non-empty word")
    if name == "empty" or name.startswith("agent"):
        raise ValueError(
            f"{field_name}: {name!r} is not an object (use the agents field for agents)"
        )
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"{field_name}: object name {name!r} is longer than {MAX_NAME_LENGTH}")
    return name


def agent_names(agents: int | Mapping[str, int]) -> list[str]:
    """Cell names for an agent spec: n -> n x ``agent.agent``; {group: n} -> ``agent.<group>``."""
    if isinstance(agents, int):
        return ["agent.agent"] * agents
    names: list[str] = []
    for group, count in agents.items():
        names.extend([f"agent.{group}"] * count)
    return names


def missing_counts(grid: npt.NDArray[np.str_], names: Mapping[str, int]) -> dict[str, int]:
    """How many of each wanted name are missing: ``max(0, wanted - present)``."""
    return {name: max(0, count - int((grid == name).sum())) for name, count in names.items()}


def _main_free_cells(grid: npt.NDArray[np.str_]) -> npt.NDArray[np.bool_]:
    """Empty cells of the main walkable component (the first agent's, else the largest)."""
    empty = grid == "empty"
    agents = agent_mask(grid)
    labels, count = label_components(empty | agents)
    if count == 0:
        return np.zeros(grid.shape, dtype=bool)
    agent_cells = np.argwhere(agents)
    if len(agent_cells):
        main = int(labels[agent_cells[0][0], agent_cells[0][1]])
    else:
        main = int(np.argmax(np.bincount(labels[labels >= 0], minlength=count)))
    return (labels == main) & empty


def place_agents(
    grid: npt.NDArray[np.str_],
    names: list[str],
    rng: np.random.Generator,
    *,
    free: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.intp]:
    """Puts each agent on a distinct random empty cell of the main free component (in place);
    returns their cells, [len(names), 2] (row, col).

    ``free``: those cells (the empty cells of the first agent's walkable component, else of the
    largest) where the caller knows them without reading the grid, e.g. all of an open room.
    """
    if not names:
        return np.zeros((0, 2), dtype=np.intp)
    cells = np.argwhere(_main_free_cells(grid) if free is None else free)
    if len(cells) < len(names):
        raise ValueError(
            f"agents: {len(names)} agents requested but only {len(cells)} reachable empty cells"
        )
    chosen = rng.choice(len(cells), size=len(names), replace=False)
    for name, index in zip(names, chosen, strict=True):
        row, col = cells[index]
        grid[row, col] = name
    return cells[chosen]


class Occupancy:
    """Padded walkable/needs-access tables for fast local tests during placement (cells are
    addressed with +1 padding: grid cell (r, c) is (r + 1, c + 1))."""

    def __init__(
        self,
        grid: npt.NDArray[np.str_],
        *,
        walkable: npt.NDArray[np.bool_] | None = None,
        needs_access: npt.NDArray[np.bool_] | None = None,
    ) -> None:
        """Tables of ``grid``; ``walkable`` / ``needs_access`` are its `walkable_mask` /
        `needs_access_mask` where the caller knows them without reading the grid."""
        if walkable is None:
            walkable = walkable_mask(grid)
        if needs_access is None:
            needs_access = needs_access_mask(grid, walkable)
        self.walk = pad_false(walkable).tolist()
        self.access = pad_false(needs_access).tolist()

    def can_block(self, row: int, col: int, needs_access: bool) -> bool:
        """Whether making padded cell (row, col) non-walkable keeps everything reachable."""
        walk = self.walk
        ring = [walk[row + dr][col + dc] for dr, dc in _RING]
        four = [i for i in _FOUR if ring[i]]
        if needs_access and not four:
            return False
        if len(four) > 1 and not all(ring):
            start = ring.index(False)
            run = 0
            run_of = [0] * 8
            for offset in range(1, 9):
                position = (start + offset) % 8
                if ring[position]:
                    run_of[position] = run
                else:
                    run += 1
            if len({run_of[i] for i in four}) > 1:
                return False
        for dr, dc in _STEPS:
            nr, nc = row + dr, col + dc
            if self.access[nr][nc]:
                others = sum(
                    walk[nr + er][nc + ec] for er, ec in _STEPS if (nr + er, nc + ec) != (row, col)
                )
                if others == 0:
                    return False
        return True

    def block(self, row: int, col: int, needs_access: bool) -> None:
        """Marks padded cell (row, col) as holding an object."""
        self.walk[row][col] = False
        self.access[row][col] = needs_access


def _as_lists(cells: npt.NDArray[np.intp], chunk: int = 64) -> Iterator[list[int]]:
    """The rows of ``cells`` as Python lists, converted a chunk at a time: placement usually
    stops long before the last candidate."""
    for start in range(0, len(cells), chunk):
        yield from cells[start : start + chunk].tolist()


def place_objects(
    grid: npt.NDArray[np.str_],
    counts: Mapping[str, int],
    rng: np.random.Generator,
    *,
    free: npt.NDArray[np.bool_] | None = None,
    occupancy: Occupancy | None = None,
) -> None:
    """Places ``counts`` objects on random empty cells of the main component (in place).

    ``free`` (those cells, as in `place_agents`) and ``occupancy`` (``Occupancy(grid)``) are
    for callers that know them without reading the grid. Raises ValueError naming ``objects``
    when the free space cannot hold them without being cut.
    """
    pending = [name for name, count in counts.items() for _ in range(count)]
    if not pending:
        return
    rng.shuffle(pending)
    cells = np.argwhere(_main_free_cells(grid) if free is None else free)
    candidates: Iterable[list[int]] = _as_lists(cells[rng.permutation(len(cells))])
    if occupancy is None:
        occupancy = Occupancy(grid)
    for _attempt in range(2):
        rejected: list[list[int]] = []
        for row, col in candidates:
            if not pending:
                return
            name = pending[-1]
            needs_access = name not in TERRAIN_NAMES
            if occupancy.can_block(row + 1, col + 1, needs_access):
                occupancy.block(row + 1, col + 1, needs_access)
                grid[row, col] = name
                pending.pop()
            else:
                rejected.append([row, col])
        candidates = rejected
    if pending:
        total = sum(counts.values())
        raise ValueError(
            f"objects: placed {total - len(pending)} of {total} objects; the map's free space "
            "cannot hold the rest without cutting agents or objects off (ask for fewer objects "
            "or a larger map)"
        )
