"""Random room: agents and objects scattered over an open room inside a wall border.

When objects and agents would fill more than 2/3 of the room every object count is halved (never
below 1) until they fit, so the room stays mostly open; placement never cuts the room apart.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from metta.mettagrid.maps.base import AgentSpec, MapBuilderConfig, ObjectCounts, finish_grid
from metta.mettagrid.maps.level import Level, add_border, empty_grid, size_label
from metta.mettagrid.maps.placement import (
    Occupancy,
    agent_names,
    check_object_name,
    place_agents,
)
from metta.mettagrid.maps.placement import place_objects as place_objects_on_grid

__all__ = ["RandomRoomConfig", "build_random_room", "fit_object_counts"]

MAX_OCCUPANCY = 2 / 3


class RandomRoomConfig(MapBuilderConfig):
    """An open ``width`` x ``height`` room with objects and agents on random cells."""

    type: Literal["random"] = "random"
    width: int = Field(default=32, ge=1, le=1000)
    """Inner width in cells (the border comes on top)."""
    height: int = Field(default=32, ge=1, le=1000)
    """Inner height in cells."""
    objects: ObjectCounts = Field(default_factory=lambda: {"altar": 8})
    """Object name -> count."""
    agents: AgentSpec = 4
    """Agent count, or {group: count}."""
    border_width: int = Field(default=1, ge=0)
    """Cells of ``border_object`` around the room."""
    border_object: str = "wall"
    """What the border is made of."""

    @model_validator(mode="after")
    def _check(self) -> RandomRoomConfig:
        check_object_name(self.border_object, "border_object")
        if len(agent_names(self.agents)) > self.width * self.height:
            raise ValueError(
                f"agents: {len(agent_names(self.agents))} agents do not fit in a "
                f"{self.width}x{self.height} room"
            )
        return self


def fit_object_counts(objects: dict[str, int], num_agents: int, area: int) -> dict[str, int]:
    """Halves every object count (min 1) until objects + agents <= 2/3 of ``area``."""
    counts = dict(objects)
    limit = MAX_OCCUPANCY * area
    while sum(counts.values()) + num_agents > limit:
        halved = {name: max(1, count // 2) if count else 0 for name, count in counts.items()}
        if halved == counts:
            break
        counts = halved
    return counts


def build_random_room(config: RandomRoomConfig, rng: np.random.Generator) -> Level:
    """Builds the room: agents first, then objects, each on a random cell that keeps access."""
    grid = empty_grid(config.height, config.width)
    names = agent_names(config.agents)
    counts = fit_object_counts(config.objects, len(names), config.width * config.height)
    # Before the objects go in, the room is one open component: every cell is walkable, the
    # free cells are the cells without an agent, and nothing needs access.
    walkable = np.ones(grid.shape, dtype=bool)
    agents = place_agents(grid, names, rng, free=walkable)
    free = walkable.copy()
    free[agents[:, 0], agents[:, 1]] = False
    occupancy = Occupancy(grid, walkable=walkable, needs_access=np.zeros(grid.shape, dtype=bool))
    place_objects_on_grid(grid, counts, rng, free=free, occupancy=occupancy)
    finish_grid(grid, "random room")
    grid = add_border(grid, config.border_width, config.border_object)
    return Level(grid, (size_label(config.width, config.height),))
