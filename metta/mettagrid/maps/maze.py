"""Perfect mazes (randomised Prim and Kruskal): an agent at the start cell, a goal at the end cell.

Maze cells sit at even (row, col) of an odd-sized inner grid; odd positions between two cells are
passages or walls. A perfect maze has exactly one path between any two cells.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from metta.mettagrid.maps.base import AgentSpec, MapBuilderConfig, ObjectCounts, finish_grid
from metta.mettagrid.maps.level import GRID_DTYPE, Level, add_border, size_label
from metta.mettagrid.maps.placement import (
    agent_names,
    check_object_name,
    place_agents,
    place_objects,
)

__all__ = [
    "MazeKruskalConfig",
    "MazePrimConfig",
    "build_maze",
    "kruskal_maze",
    "prim_maze",
]

Cell = tuple[int, int]


class _MazeFields(MapBuilderConfig):
    """Fields shared by both maze algorithms."""

    width: int = Field(default=11, ge=3, le=999)
    """Inner width; must be odd (cells at even columns)."""
    height: int = Field(default=11, ge=3, le=999)
    """Inner height; must be odd."""
    start_pos: tuple[int, int] = (0, 0)
    """(row, col) of the first agent, both even."""
    end_pos: tuple[int, int] | None = None
    """(row, col) of the goal, both even; default the far corner (height-1, width-1)."""
    goal: str | None = "altar"
    """Object put at end_pos (None: nothing)."""
    agents: AgentSpec = 1
    """Agent count or {group: count}; the first stands on start_pos, the others anywhere."""
    objects: ObjectCounts = Field(default_factory=dict)
    """Extra objects placed at random after the goal."""
    border_width: int = Field(default=1, ge=0)
    """Wall cells around the maze."""

    @model_validator(mode="after")
    def _check(self) -> _MazeFields:
        for name in ("width", "height"):
            if getattr(self, name) % 2 == 0:
                raise ValueError(f"{name} must be odd for a maze, got {getattr(self, name)}")
        for name in ("start_pos", "end_pos"):
            pos = getattr(self, name)
            if pos is None:
                continue
            row, col = pos
            if not (0 <= row < self.height and 0 <= col < self.width) or row % 2 or col % 2:
                raise ValueError(
                    f"{name} {pos} must be an even (row, col) inside the "
                    f"{self.height}x{self.width} maze"
                )
        if self.goal is not None:
            check_object_name(self.goal, "goal")
            if self.resolved_end == self.start_pos:
                raise ValueError("end_pos must differ from start_pos when a goal is placed")
        if len(agent_names(self.agents)) < 1:
            raise ValueError("agents: a maze needs at least one agent (it stands on start_pos)")
        return self

    @property
    def resolved_end(self) -> tuple[int, int]:
        """end_pos, or the far corner when unset."""
        return self.end_pos if self.end_pos is not None else (self.height - 1, self.width - 1)


class MazePrimConfig(_MazeFields):
    """A perfect maze grown by randomised Prim's algorithm (short branches, many dead ends)."""

    type: Literal["maze_prim"] = "maze_prim"


class MazeKruskalConfig(_MazeFields):
    """A perfect maze from randomised Kruskal's algorithm (merging random cell pairs)."""

    type: Literal["maze_kruskal"] = "maze_kruskal"


def _maze_cells(height: int, width: int) -> list[Cell]:
    return [(r, c) for r in range(0, height, 2) for c in range(0, width, 2)]


def _walled(height: int, width: int) -> npt.NDArray[np.str_]:
    grid = np.full((height, width), "wall", dtype=GRID_DTYPE)
    grid[0::2, 0::2] = "empty"
    return grid


def _open(grid: npt.NDArray[np.str_], a: Cell, b: Cell) -> None:
    grid[(a[0] + b[0]) // 2, (a[1] + b[1]) // 2] = "empty"


def prim_maze(
    height: int, width: int, start: Cell, rng: np.random.Generator
) -> npt.NDArray[np.str_]:
    """Randomised Prim: grow from ``start``, each time opening a random edge to a new cell."""
    grid = _walled(height, width)
    visited = np.zeros((height, width), dtype=bool)
    visited[start] = True
    frontier: list[tuple[Cell, Cell]] = []

    def add_edges(cell: Cell) -> None:
        row, col = cell
        for dr, dc in ((-2, 0), (2, 0), (0, -2), (0, 2)):
            nr, nc = row + dr, col + dc
            if 0 <= nr < height and 0 <= nc < width and not visited[nr, nc]:
                frontier.append((cell, (nr, nc)))

    add_edges(start)
    while frontier:
        index = int(rng.integers(len(frontier)))
        frontier[index], frontier[-1] = frontier[-1], frontier[index]
        source, target = frontier.pop()
        if visited[target]:
            continue
        visited[target] = True
        _open(grid, source, target)
        add_edges(target)
    return grid


def kruskal_maze(height: int, width: int, rng: np.random.Generator) -> npt.NDArray[np.str_]:
    """Randomised Kruskal: open shuffled edges that join two not-yet-connected cell sets."""
    grid = _walled(height, width)
    cells = _maze_cells(height, width)
    index_of = {cell: i for i, cell in enumerate(cells)}
    parent = list(range(len(cells)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    edges = [
        (cell, (cell[0] + dr, cell[1] + dc))
        for cell in cells
        for dr, dc in ((2, 0), (0, 2))
        if cell[0] + dr < height and cell[1] + dc < width
    ]
    for edge_index in rng.permutation(len(edges)).tolist():
        a, b = edges[edge_index]
        root_a, root_b = find(index_of[a]), find(index_of[b])
        if root_a != root_b:
            parent[root_a] = root_b
            _open(grid, a, b)
    return grid


def build_maze(config: MazePrimConfig | MazeKruskalConfig, rng: np.random.Generator) -> Level:
    """Carves the maze, then places the first agent, the goal, other agents and extra objects."""
    if isinstance(config, MazePrimConfig):
        grid = prim_maze(config.height, config.width, config.start_pos, rng)
    else:
        grid = kruskal_maze(config.height, config.width, rng)
    names = agent_names(config.agents)
    grid[config.start_pos] = names[0]
    if config.goal is not None:
        grid[config.resolved_end] = config.goal
    finish_grid(grid, config.type)
    place_agents(grid, names[1:], rng)
    place_objects(grid, config.objects, rng)
    finish_grid(grid, config.type)
    grid = add_border(grid, config.border_width)
    return Level(grid, ("maze", size_label(config.width, config.height)))
