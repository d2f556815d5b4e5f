"""Varied navigation terrain in four styles: sparse, balanced, dense and maze.

Build order: labyrinth patches, large blobs, small blobs, crosses, scattered walls, rectangular
blocks (each with a one-cell clearance), then connect the free space, then agents, then objects.
Feature counts are drawn per style for a 60x60 map and scaled by area; each kind of feature is
capped at 30% of the area.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
from pydantic import Field, field_validator

from metta.mettagrid.maps.base import AgentSpec, MapBuilderConfig, ObjectCounts, finish_grid
from metta.mettagrid.maps.connectivity import connect_free_space
from metta.mettagrid.maps.level import GRID_DTYPE, Level, add_border, size_label
from metta.mettagrid.maps.placement import agent_names, place_agents, place_objects
from metta.mettagrid.maps.terrain_features import (
    BoolGrid,
    blob,
    cross,
    labyrinth,
    rectangle,
    scatter_walls,
    stamp,
)

__all__ = [
    "STYLE_PARAMETERS",
    "TerrainStyle",
    "VariedTerrainConfig",
    "build_varied_terrain",
    "terrain_to_grid",
    "varied_walls",
]

TerrainStyle = Literal["sparse", "balanced", "dense", "maze"]

REFERENCE_AREA = 60 * 60
FEATURE_AREA_CAP = 0.3

# Count ranges (inclusive) of each feature for a 60x60 map.
STYLE_PARAMETERS: dict[str, dict[str, tuple[int, int]]] = {
    "sparse": {
        "labyrinths": (0, 1),
        "large_blobs": (0, 2),
        "small_blobs": (0, 3),
        "crosses": (0, 2),
        "scattered": (0, 10),
        "blocks": (0, 2),
    },
    "balanced": {
        "labyrinths": (1, 3),
        "large_blobs": (3, 7),
        "small_blobs": (3, 7),
        "crosses": (2, 5),
        "scattered": (10, 30),
        "blocks": (3, 7),
    },
    "dense": {
        "labyrinths": (2, 5),
        "large_blobs": (8, 15),
        "small_blobs": (8, 15),
        "crosses": (7, 15),
        "scattered": (30, 60),
        "blocks": (8, 15),
    },
    "maze": {
        "labyrinths": (10, 20),
        "large_blobs": (0, 0),
        "small_blobs": (0, 0),
        "crosses": (0, 0),
        "scattered": (0, 0),
        "blocks": (0, 0),
    },
}


class VariedTerrainConfig(MapBuilderConfig):
    """Procedural navigation terrain of one style, with agents and objects on reachable cells."""

    type: Literal["varied_terrain"] = "varied_terrain"
    width: int = Field(default=60, ge=8, le=500)
    """Inner width in cells."""
    height: int = Field(default=60, ge=8, le=500)
    """Inner height in cells."""
    style: TerrainStyle = "balanced"
    """Feature mix; ``all-sparse`` (an older name, still found in configs) is read as ``sparse``."""
    objects: ObjectCounts = Field(default_factory=lambda: {"altar": 10})
    """Object name -> count."""
    agents: AgentSpec = 1
    """Agent count, or {group: count}."""
    border_width: int = Field(default=1, ge=0)
    """Wall cells around the map."""

    @field_validator("style", mode="before")
    @classmethod
    def _alias(cls, value: object) -> object:
        return "sparse" if value == "all-sparse" else value


def _scaled_count(bounds: tuple[int, int], scale: float, rng: np.random.Generator) -> int:
    low, high = bounds
    return round(int(rng.integers(low, high + 1)) * scale)


def varied_walls(height: int, width: int, style: str, rng: np.random.Generator) -> BoolGrid:
    """The wall layout of one style (True = wall), before connectivity repair."""
    walls = np.zeros((height, width), dtype=bool)
    scale = height * width / REFERENCE_AREA
    cap = FEATURE_AREA_CAP * height * width
    params = STYLE_PARAMETERS[style]

    def add(kind: str, make: Callable[[], BoolGrid], replace_area: bool = False) -> None:
        before = int(walls.sum())
        for _ in range(_scaled_count(params[kind], scale, rng)):
            if walls.sum() - before >= cap:
                break
            stamp(walls, make(), rng, clearance=1, replace_area=replace_area)

    add("labyrinths", lambda: labyrinth(int(rng.integers(5, 13)) * 2 + 1, rng), replace_area=True)
    add("large_blobs", lambda: blob(int(rng.integers(10, 26)), rng))
    add("small_blobs", lambda: blob(int(rng.integers(3, 7)), rng))
    add("crosses", lambda: cross(rng))
    scattered = min(_scaled_count(params["scattered"], scale, rng), int(cap))
    scatter_walls(walls, scattered, rng)
    add("blocks", lambda: rectangle(int(rng.integers(2, 15)), int(rng.integers(2, 15))))
    return walls


def terrain_to_grid(walls: BoolGrid) -> np.ndarray:
    """A grid of ``wall``/``empty`` names from a wall mask, with its free space made connected."""
    free = connect_free_space(~walls)
    grid = np.full(walls.shape, "wall", dtype=GRID_DTYPE)
    grid[free] = "empty"
    return grid


TERRAIN_ATTEMPTS = 10
"""Terrains drawn (from the same generator, so still deterministic) before a map whose free
space cannot hold the objects is an error: a dense small map now and then leaves too little."""


def build_varied_terrain(config: VariedTerrainConfig, rng: np.random.Generator) -> Level:
    """Generates the terrain, connects it, places agents then objects, and adds the border.

    When the objects do not fit, a fresh terrain is drawn, up to ``TERRAIN_ATTEMPTS`` in all.
    """
    for attempt in range(TERRAIN_ATTEMPTS):
        grid = terrain_to_grid(varied_walls(config.height, config.width, config.style, rng))
        place_agents(grid, agent_names(config.agents), rng)
        try:
            place_objects(grid, config.objects, rng)
            break
        except ValueError as error:
            if attempt == TERRAIN_ATTEMPTS - 1:
                error.add_note(f"varied terrain: {TERRAIN_ATTEMPTS} terrains drawn, none fits")
                raise
    finish_grid(grid, "varied terrain")
    grid = add_border(grid, config.border_width)
    return Level(grid, (config.style, size_label(config.width, config.height)))
