"""BSP: binary space partition into zones, a room in each, corridors joining sibling subtrees.

The area is split breadth-first (a wide zone is cut by a vertical line, a tall one by a
horizontal line, else a coin decides; cuts fall in the middle third) until it has ``rooms``
zones or none can be cut without a side under ``min_room_size + 1``. Each leaf gets a room with
a wall margin on its top and left, so rooms never touch. For every split, the room of each half
nearest the other half is joined to it by an L-shaped corridor; joining each pair of halves
joins all rooms, so the free space is connected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from metta.mettagrid.maps.scenes.scene import Scene, SceneConfig

__all__ = ["BSPConfig", "BSPTree", "Zone", "split_area"]


@dataclass(frozen=True)
class Zone:
    """A rectangle of the area: (row, col) of its top-left cell and its size."""

    row: int
    col: int
    height: int
    width: int

    @property
    def centre(self) -> tuple[float, float]:
        """(row, col) of its centre."""
        return self.row + self.height / 2, self.col + self.width / 2


@dataclass
class BSPTree:
    """The zones of a partition (root first) and each split zone's two halves."""

    zones: list[Zone]
    halves: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def leaves(self) -> list[int]:
        """Indices of the zones that were not split, in creation order."""
        return [i for i in range(len(self.zones)) if i not in self.halves]

    def leaves_under(self, index: int) -> list[int]:
        """Leaf indices of the subtree rooted at ``index``."""
        if index not in self.halves:
            return [index]
        first, second = self.halves[index]
        return self.leaves_under(first) + self.leaves_under(second)


def _cut(size: int, min_side: int, rng: np.random.Generator) -> int | None:
    """Where to cut a side of ``size``: in its middle third, leaving min_side on both parts."""
    low = max(min_side, size // 3)
    high = min(size - min_side, size - size // 3)
    if low > high:
        return None
    return int(rng.integers(low, high + 1))


def split_area(
    height: int, width: int, count: int, min_side: int, rng: np.random.Generator
) -> BSPTree:
    """Splits a height x width area into up to ``count`` zones of sides >= ``min_side``."""
    tree = BSPTree([Zone(0, 0, height, width)])
    pending = [0]
    while pending and len(tree.leaves) < count:
        index = pending.pop(0)
        zone = tree.zones[index]
        if zone.width > 2 * zone.height:
            vertical_first = True
        elif zone.height > 2 * zone.width:
            vertical_first = False
        else:
            vertical_first = bool(rng.integers(2))
        halves = None
        for vertical in (vertical_first, not vertical_first):
            side = zone.width if vertical else zone.height
            cut = _cut(side, min_side, rng)
            if cut is None:
                continue
            if vertical:
                halves = (
                    Zone(zone.row, zone.col, zone.height, cut),
                    Zone(zone.row, zone.col + cut, zone.height, zone.width - cut),
                )
            else:
                halves = (
                    Zone(zone.row, zone.col, cut, zone.width),
                    Zone(zone.row + cut, zone.col, zone.height - cut, zone.width),
                )
            break
        if halves is None:
            continue
        first = len(tree.zones)
        tree.zones.extend(halves)
        tree.halves[index] = (first, first + 1)
        pending.extend((first, first + 1))
    return tree


class BSPConfig(SceneConfig):
    """Rooms in a binary space partition, joined by corridors (overwrites the area)."""

    type: Literal["bsp"] = "bsp"
    rooms: int = Field(default=6, ge=1)
    """How many rooms (fewer when the area cannot be split that often)."""
    min_room_size: int = Field(default=3, ge=1)
    """Smallest room side."""
    min_room_size_ratio: float = Field(default=0.4, gt=0, le=1)
    """Smallest room side as a fraction of its zone's side."""
    max_room_size_ratio: float = Field(default=0.9, gt=0, le=1)
    """Largest room side as a fraction of its zone's side."""
    skip_corridors: bool = False
    """Leave the rooms unconnected."""

    @model_validator(mode="after")
    def _check(self) -> BSPConfig:
        if self.min_room_size_ratio > self.max_room_size_ratio:
            raise ValueError(
                f"min_room_size_ratio {self.min_room_size_ratio} must be <= "
                f"max_room_size_ratio {self.max_room_size_ratio}"
            )
        return self

    def render(self, scene: Scene) -> None:
        """Walls everywhere, then the rooms (tagged ``room``), then the corridors."""
        rng = scene.rng
        if min(scene.height, scene.width) < self.min_room_size + 1:
            raise ValueError(
                f"bsp: a {scene.height}x{scene.width} area cannot hold a room of "
                f"min_room_size {self.min_room_size} and its wall margin"
            )
        tree = split_area(scene.height, scene.width, self.rooms, self.min_room_size + 1, rng)
        scene.grid[:] = "wall"
        rooms: dict[int, Zone] = {}
        for leaf in tree.leaves:
            room = self._room(tree.zones[leaf], rng)
            rooms[leaf] = room
            scene.grid[room.row : room.row + room.height, room.col : room.col + room.width] = (
                "empty"
            )
            scene.make_area(room.row, room.col, room.height, room.width, ("room",))
        if self.skip_corridors:
            return
        for first, second in tree.halves.values():
            room_a = _nearest(rooms, tree.leaves_under(first), tree.zones[second])
            room_b = _nearest(rooms, tree.leaves_under(second), tree.zones[first])
            _corridor(scene, room_a, room_b, rng)

    def _room(self, zone: Zone, rng: np.random.Generator) -> Zone:
        """A room inside ``zone`` leaving at least one wall cell above and to its left."""

        def side(size: int) -> int:
            low = max(self.min_room_size, int(size * self.min_room_size_ratio))
            high = max(self.min_room_size, int(size * self.max_room_size_ratio))
            high = min(high, size - 1)
            low = min(low, high)
            return int(rng.integers(low, high + 1))

        height, width = side(zone.height), side(zone.width)
        row = zone.row + int(rng.integers(1, zone.height - height + 1))
        col = zone.col + int(rng.integers(1, zone.width - width + 1))
        return Zone(row, col, height, width)


def _nearest(rooms: dict[int, Zone], leaves: list[int], target: Zone) -> Zone:
    """The room among ``leaves`` whose centre is nearest ``target``'s centre."""
    target_row, target_col = target.centre

    def distance(leaf: int) -> float:
        row, col = rooms[leaf].centre
        return abs(row - target_row) + abs(col - target_col)

    return rooms[min(leaves, key=distance)]


def _corridor(scene: Scene, room_a: Zone, room_b: Zone, rng: np.random.Generator) -> None:
    """Carves an L-shaped corridor between a random cell of each room."""
    row_a = int(rng.integers(room_a.row, room_a.row + room_a.height))
    col_a = int(rng.integers(room_a.col, room_a.col + room_a.width))
    row_b = int(rng.integers(room_b.row, room_b.row + room_b.height))
    col_b = int(rng.integers(room_b.col, room_b.col + room_b.width))
    bend_row, bend_col = (row_a, col_b) if rng.integers(2) else (row_b, col_a)
    for (r0, c0), (r1, c1) in (
        ((row_a, col_a), (bend_row, bend_col)),
        ((bend_row, bend_col), (row_b, col_b)),
    ):
        scene.grid[min(r0, r1) : max(r0, r1) + 1, min(c0, c1) : max(c0, c1) + 1] = "empty"
