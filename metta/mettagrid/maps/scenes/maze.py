"""Maze: a perfect maze (Kruskal or Prim) of square rooms separated by walls of a given width.

The topology comes from ``metta.mettagrid.maps.maze`` on a unit grid (cells at even positions,
passages at odd ones); each unit row/column is then widened to ``room_size`` (cells) or
``wall_size`` (between cells). Cells left over on the right and bottom are walls. The four
corner rooms are tagged areas: ``top-left``, ``top-right``, ``bottom-left``, ``bottom-right``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import model_validator

from metta.mettagrid.maps.maze import kruskal_maze, prim_maze
from metta.mettagrid.maps.scenes.ranges import IntRange, sample_int
from metta.mettagrid.maps.scenes.scene import Scene, SceneConfig

__all__ = ["MazeConfig"]


class MazeConfig(SceneConfig):
    """A perfect maze filling the area (overwrites it): one path between any two rooms."""

    type: Literal["maze"] = "maze"
    algorithm: Literal["kruskal", "prim"] = "kruskal"
    """kruskal: merges random neighbours (many short branches); prim: grows from a random room."""
    room_size: IntRange = 1
    """Side of each room (a number, or [low, high] drawn per render)."""
    wall_size: IntRange = 1
    """Thickness of the walls between rooms (a number, or [low, high] drawn per render)."""

    @model_validator(mode="after")
    def _check(self) -> MazeConfig:
        for name in ("room_size", "wall_size"):
            value = getattr(self, name)
            low = value[0] if isinstance(value, tuple) else value
            if low < 1:
                raise ValueError(f"{name}: must be >= 1, got {value}")
        return self

    def render(self, scene: Scene) -> None:
        """Draws the maze and names its corner rooms."""
        rng = scene.rng
        room = sample_int(self.room_size, rng)
        wall = sample_int(self.wall_size, rng)
        rows = (scene.height + wall) // (room + wall)
        columns = (scene.width + wall) // (room + wall)
        if rows < 1 or columns < 1:
            raise ValueError(
                f"maze: a {scene.height}x{scene.width} area cannot hold one room of "
                f"room_size {room}"
            )
        unit_height, unit_width = 2 * rows - 1, 2 * columns - 1
        if self.algorithm == "kruskal":
            unit = kruskal_maze(unit_height, unit_width, rng)
        else:
            start = (2 * int(rng.integers(rows)), 2 * int(rng.integers(columns)))
            unit = prim_maze(unit_height, unit_width, start, rng)
        row_sizes = np.where(np.arange(unit_height) % 2 == 0, room, wall)
        col_sizes = np.where(np.arange(unit_width) % 2 == 0, room, wall)
        drawn = np.repeat(np.repeat(unit, row_sizes, axis=0), col_sizes, axis=1)
        scene.grid[:] = "wall"
        scene.grid[: drawn.shape[0], : drawn.shape[1]] = drawn
        last_row = (rows - 1) * (room + wall)
        last_col = (columns - 1) * (room + wall)
        corners = (
            ("top-left", 0, 0),
            ("top-right", 0, last_col),
            ("bottom-left", last_row, 0),
            ("bottom-right", last_row, last_col),
        )
        for tag, row, col in corners:
            scene.make_area(row, col, room, room, (tag,))
