"""Room scene: named rooms arranged by a nested layout of rows and columns.

``layout`` is a list whose items are room names or nested lists; the top level stacks its items
as ``stack_layout`` (a row, side by side, by default) and each nested level switches between row
and column, as in a ``bases`` map (a 3x3 of base / wild / centre rooms is
``[["base", "wild", "base"], ["wild", "centre", "wild"], ["base", "wild", "base"]]`` with
``stack_layout="column"``). Every use of a name builds that room anew with its own seed. Each
level sizes its cells to its largest item and centres the rest, padding with ``border_object``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import Field, model_validator

from metta.mettagrid.maps.base import MapBuilderConfig, child_seed
from metta.mettagrid.maps.level import Level, add_border
from metta.mettagrid.maps.placement import check_object_name
from metta.mettagrid.maps.room_list import common_labels, tile_levels

if TYPE_CHECKING:
    from metta.mettagrid.maps.config import MapConfig

__all__ = ["RoomSceneConfig", "build_room_scene"]

Stack = Literal["row", "column"]
BuildChild = Callable[["MapConfig", int], Level]


class RoomSceneConfig(MapBuilderConfig):
    """Named rooms placed by a nested row/column layout."""

    type: Literal["room_scene"] = "room_scene"
    rooms: dict[str, MapConfig] = Field(min_length=1)
    """Room name -> the config it is built from."""
    layout: list[Any] = Field(min_length=1)
    """Room names and nested lists of them; each nesting level switches row <-> column."""
    stack_layout: Stack = "row"
    """How the top level is stacked: row (side by side) or column (one above another)."""
    border_width: int = Field(default=0, ge=0)
    """Cells of ``border_object`` around the whole scene."""
    border_object: str = "wall"
    """What the outer border and the padding are made of."""

    @model_validator(mode="after")
    def _check(self) -> RoomSceneConfig:
        check_object_name(self.border_object, "border_object")
        _check_layout(self.layout, "layout", sorted(self.rooms))
        return self


def _check_layout(items: list[Any], path: str, known: list[str]) -> None:
    if not items:
        raise ValueError(f"{path}: an empty list places no room")
    for index, item in enumerate(items):
        where = f"{path}[{index}]"
        if isinstance(item, list):
            _check_layout(item, where, known)
        elif not isinstance(item, str):
            raise ValueError(f"{where}: expected a room name or a list, got {type(item).__name__}")
        elif item not in known:
            raise ValueError(f"{where}: unknown room {item!r} (known: {known})")


def _other(stack: Stack) -> Stack:
    return "column" if stack == "row" else "row"


def _build_stack(
    config: RoomSceneConfig,
    items: list[Any],
    stack: Stack,
    rng: np.random.Generator,
    build_child: BuildChild,
) -> Level:
    levels = [
        _build_stack(config, item, _other(stack), rng, build_child)
        if isinstance(item, list)
        else build_child(config.rooms[item], child_seed(rng))
        for item in items
    ]
    grid, regions = tile_levels(levels, stack, config.border_object)
    return Level(grid, common_labels(levels), regions)


def build_room_scene(
    config: RoomSceneConfig, rng: np.random.Generator, build_child: BuildChild
) -> Level:
    """Builds every room of the layout (depth first, in order), tiles them and adds the border."""
    scene = _build_stack(config, config.layout, config.stack_layout, rng, build_child)
    border = config.border_width
    grid = add_border(scene.grid, border, config.border_object)
    regions = tuple((r + border, c + border, h, w) for r, c, h, w in scene.regions)
    return Level(grid, scene.labels, regions)
