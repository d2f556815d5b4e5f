"""Mean distance: objects scattered around one agent at Poisson-distributed distances.

The first agent stands in the middle of an open room; each object is dropped at a distance drawn
from Poisson(``mean_distance``) (at least 1) in a uniformly random direction, so the mean distance
controls how far the agent must search. Further agents go on random free cells. A room that cannot
hold the objects is an error (rather than a search that never ends), agents are never silently
dropped, an object never cuts the room apart, and a mean that does not fit between the centre and
the walls is refused instead of clamped. Draws that fall outside the room are drawn again, so near
that limit the realised mean distance is somewhat below the asked one.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from metta.mettagrid.maps.base import AgentSpec, MapBuilderConfig, ObjectCounts, finish_grid
from metta.mettagrid.maps.connectivity import TERRAIN_NAMES
from metta.mettagrid.maps.level import Level, add_border, empty_grid, size_label
from metta.mettagrid.maps.placement import Occupancy, agent_names, check_object_name, place_agents

__all__ = ["MeanDistanceConfig", "build_mean_distance"]

ATTEMPTS_PER_OBJECT = 1000
"""Distance draws per object before the builder gives up on placing it."""


class MeanDistanceConfig(MapBuilderConfig):
    """An open room, one agent in the middle, objects at a chosen mean distance from it."""

    type: Literal["mean_distance"] = "mean_distance"
    width: int = Field(default=15, ge=1, le=1000)
    """Inner width in cells (the border comes on top)."""
    height: int = Field(default=15, ge=1, le=1000)
    """Inner height in cells."""
    objects: ObjectCounts = Field(default_factory=lambda: {"altar": 3})
    """Object name -> count, placed in this order."""
    agents: AgentSpec = 1
    """Agent count, or {group: count}; the first one stands in the middle."""
    mean_distance: float = Field(default=5.0, gt=0)
    """Mean of the Poisson distance (in cells, Euclidean) from the middle agent to each object."""
    border_width: int = Field(default=1, ge=0)
    """Cells of ``border_object`` around the room."""
    border_object: str = "wall"
    """What the border is made of."""

    @model_validator(mode="after")
    def _check(self) -> MeanDistanceConfig:
        check_object_name(self.border_object, "border_object")
        agents = len(agent_names(self.agents))
        if agents == 0:
            raise ValueError("agents: at least one agent is needed (objects surround the first)")
        if agents + sum(self.objects.values()) > self.width * self.height:
            raise ValueError(
                f"objects: {sum(self.objects.values())} objects and {agents} agents do not fit "
                f"in a {self.width}x{self.height} room"
            )
        # Farthest a straight line from the centre reaches before the nearer wall; a larger mean
        # would mostly draw distances outside the room and land far nearer than asked.
        reach = max(1, (min(self.width, self.height) - 1) // 2)
        if self.mean_distance > reach:
            raise ValueError(
                f"mean_distance: {self.mean_distance} does not fit between the centre and the "
                f"walls of a {self.width}x{self.height} room (at most {reach})"
            )
        return self


def build_mean_distance(config: MeanDistanceConfig, rng: np.random.Generator) -> Level:
    """Builds the room: middle agent, objects at Poisson distances, then the other agents."""
    grid = empty_grid(config.height, config.width)
    names = agent_names(config.agents)
    centre = (config.height // 2, config.width // 2)
    grid[centre] = names[0]
    occupancy = Occupancy(grid)
    for name, count in config.objects.items():
        needs_access = name not in TERRAIN_NAMES
        placed = 0
        for _ in range(ATTEMPTS_PER_OBJECT * count):
            if placed == count:
                break
            distance = max(1, int(rng.poisson(config.mean_distance)))
            angle = rng.uniform(0.0, 2.0 * math.pi)
            row = centre[0] + round(distance * math.sin(angle))
            col = centre[1] + round(distance * math.cos(angle))
            if not (0 <= row < config.height and 0 <= col < config.width):
                continue
            if grid[row, col] != "empty" or not occupancy.can_block(row + 1, col + 1, needs_access):
                continue
            occupancy.block(row + 1, col + 1, needs_access)
            grid[row, col] = name
            placed += 1
        if placed < count:
            draws = ATTEMPTS_PER_OBJECT * count
            raise ValueError(
                f"objects: placed {placed} of {count} {name!r} within {draws} "
                f"draws at mean distance {config.mean_distance} in a {config.width}x"
                f"{config.height} room (ask for fewer objects, a larger room or a smaller mean)"
            )
    place_agents(grid, names[1:], rng)
    finish_grid(grid, "mean distance")
    grid = add_border(grid, config.border_width, config.border_object)
    return Level(grid, ("mean_distance", size_label(config.width, config.height)))
