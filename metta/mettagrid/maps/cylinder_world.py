"""Cylinder world: open ground packed with "cylinders", two parallel walls with an altar between.

Cylinders (walls of length 2-29, gap 1-3, horizontal or vertical, one-cell clearance) are added
until two placements in a row fail. Width and height are honoured; when unset
they are drawn in [40, 99].
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from metta.mettagrid.maps.base import AgentSpec, MapBuilderConfig, ObjectCounts, finish_grid
from metta.mettagrid.maps.level import GRID_DTYPE, Level, add_border, size_label
from metta.mettagrid.maps.placement import agent_names, missing_counts, place_agents, place_objects

__all__ = ["CylinderWorldConfig", "build_cylinder_world", "cylinder_grid"]

PLACEMENT_ATTEMPTS = 30


class CylinderWorldConfig(MapBuilderConfig):
    """Open ground with cylinders; ``objects`` tops up what the cylinders already hold."""

    type: Literal["cylinder_world"] = "cylinder_world"
    width: int | None = Field(default=None, ge=8, le=500)
    """Inner width; None draws it in [40, 99]."""
    height: int | None = Field(default=None, ge=8, le=500)
    """Inner height; None draws it in [40, 99]."""
    objects: ObjectCounts = Field(default_factory=dict)
    """Wanted totals per object; only the missing ones are added (cylinder altars count)."""
    agents: AgentSpec = 1
    """Agent count, or {group: count}."""
    border_width: int = Field(default=1, ge=0)
    """Wall cells around the map."""


def _try_cylinder(grid: np.ndarray, rng: np.random.Generator) -> bool:
    length = int(rng.integers(2, 30))
    gap = int(rng.integers(1, 4))
    vertical = bool(rng.integers(2))
    box_height, box_width = (length, gap + 2) if vertical else (gap + 2, length)
    height, width = grid.shape
    if box_height + 2 > height or box_width + 2 > width:
        return False
    for _ in range(PLACEMENT_ATTEMPTS):
        row = int(rng.integers(1, height - box_height))
        col = int(rng.integers(1, width - box_width))
        if (grid[row - 1 : row + box_height + 1, col - 1 : col + box_width + 1] != "empty").any():
            continue
        if vertical:
            grid[row : row + length, col] = "wall"
            grid[row : row + length, col + gap + 1] = "wall"
            grid[row + length // 2, col + 1 + gap // 2] = "altar"
        else:
            grid[row, col : col + length] = "wall"
            grid[row + gap + 1, col : col + length] = "wall"
            grid[row + 1 + gap // 2, col + length // 2] = "altar"
        return True
    return False


def cylinder_grid(height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    """Open ground packed with cylinders until two consecutive placements fail."""
    grid = np.full((height, width), "empty", dtype=GRID_DTYPE)
    failures = 0
    while failures < 2:
        failures = 0 if _try_cylinder(grid, rng) else failures + 1
    return grid


def build_cylinder_world(config: CylinderWorldConfig, rng: np.random.Generator) -> Level:
    """Draws the size if unset, packs cylinders, then places agents and missing objects."""
    height = config.height if config.height is not None else int(rng.integers(40, 100))
    width = config.width if config.width is not None else int(rng.integers(40, 100))
    grid = cylinder_grid(height, width, rng)
    place_agents(grid, agent_names(config.agents), rng)
    place_objects(grid, missing_counts(grid, config.objects), rng)
    finish_grid(grid, "cylinder world")
    grid = add_border(grid, config.border_width)
    return Level(grid, ("cylinder_world", size_label(width, height)))
