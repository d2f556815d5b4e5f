"""Multi-room maps: several built rooms tiled in a grid, a row or a column, inside one border.

Rooms are separate (each keeps its own border), as in navigation maps with one agent per room;
connectivity holds inside each room (``Level.regions`` lists them). Padding around smaller rooms
is ``border_object``, not empty space that no agent could reach.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field, model_validator

from metta.mettagrid.maps.base import MapBuilderConfig, child_seed
from metta.mettagrid.maps.level import GRID_DTYPE, Level, Region, add_border
from metta.mettagrid.maps.placement import check_object_name
from metta.mettagrid.maps.random_room import RandomRoomConfig

if TYPE_CHECKING:
    from metta.mettagrid.maps.config import MapConfig

__all__ = [
    "Layout",
    "MultiRoomConfig",
    "RoomListConfig",
    "build_room_list",
    "common_labels",
    "tile_levels",
]

Layout = Literal["grid", "row", "column"]
BuildChild = Callable[["MapConfig", int], Level]


class RoomListConfig(MapBuilderConfig):
    """Different rooms, each built from its own config, tiled by ``layout``."""

    type: Literal["room_list"] = "room_list"
    rooms: list[MapConfig] = Field(
        default_factory=lambda: [RandomRoomConfig(agents=1), RandomRoomConfig(agents=1)],
        min_length=1,
    )
    """The rooms, in tiling order (row-major for the grid layout)."""
    layout: Layout = "grid"
    """grid: ceil(sqrt(n)) rows; row: side by side; column: stacked."""
    border_width: int = Field(default=0, ge=0)
    """Cells of ``border_object`` around the whole map."""
    border_object: str = "wall"
    """What the outer border and the padding are made of."""

    @model_validator(mode="after")
    def _check(self) -> RoomListConfig:
        check_object_name(self.border_object, "border_object")
        return self


class MultiRoomConfig(MapBuilderConfig):
    """``num_rooms`` rooms from one config, each built with its own seed."""

    type: Literal["multi_room"] = "multi_room"
    room: MapConfig = Field(default_factory=lambda: RandomRoomConfig(agents=1))
    """The config every room is built from."""
    num_rooms: int = Field(default=4, ge=1, le=1024)
    """How many rooms."""
    layout: Layout = "grid"
    """grid: ceil(sqrt(n)) rows; row: side by side; column: stacked."""
    border_width: int = Field(default=0, ge=0)
    """Cells of ``border_object`` around the whole map."""
    border_object: str = "wall"
    """What the outer border and the padding are made of."""

    @model_validator(mode="after")
    def _check(self) -> MultiRoomConfig:
        check_object_name(self.border_object, "border_object")
        return self


def _shape(count: int, layout: Layout) -> tuple[int, int]:
    if layout == "row":
        return 1, count
    if layout == "column":
        return count, 1
    rows = math.ceil(math.sqrt(count))
    return rows, math.ceil(count / rows)


def tile_levels(
    levels: Sequence[Level], layout: Layout, fill: str = "wall"
) -> tuple[np.ndarray, tuple[Region, ...]]:
    """Tiles levels in cells sized to the largest, each centred; returns grid and room regions."""
    rows, cols = _shape(len(levels), layout)
    cell_height = max(level.height for level in levels)
    cell_width = max(level.width for level in levels)
    grid = np.full((rows * cell_height, cols * cell_width), fill, dtype=GRID_DTYPE)
    regions: list[Region] = []
    for index, level in enumerate(levels):
        row = (index // cols) * cell_height + (cell_height - level.height) // 2
        col = (index % cols) * cell_width + (cell_width - level.width) // 2
        grid[row : row + level.height, col : col + level.width] = level.grid
        inner = level.regions or ((0, 0, level.height, level.width),)
        regions.extend((row + r, col + c, h, w) for r, c, h, w in inner)
    return grid, tuple(regions)


def common_labels(levels: Sequence[Level]) -> tuple[str, ...]:
    """Labels every level carries, in the first level's order (a tiled map's labels)."""
    shared = set(levels[0].labels).intersection(*(set(level.labels) for level in levels[1:]))
    return tuple(label for label in levels[0].labels if label in shared)


def build_room_list(
    config: RoomListConfig | MultiRoomConfig, rng: np.random.Generator, build_child: BuildChild
) -> Level:
    """Builds every room with a seed drawn from ``rng``, tiles them and adds the outer border."""
    room_configs = (
        list(config.rooms)
        if isinstance(config, RoomListConfig)
        else [config.room] * config.num_rooms
    )
    levels = [build_child(room, child_seed(rng)) for room in room_configs]
    grid, regions = tile_levels(levels, config.layout, config.border_object)
    border = config.border_width
    grid = add_border(grid, border, config.border_object)
    shifted = tuple((r + border, c + border, h, w) for r, c, h, w in regions)
    return Level(grid, common_labels(levels), shifted)
