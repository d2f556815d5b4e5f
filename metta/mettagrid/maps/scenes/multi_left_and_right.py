"""MultiLeftAndRight: a grid of identical rooms, each with its agents in the middle and altars on
the left and right (more on one side), half the rooms for each of two teams.

Each room is cut into seven equal columns: altars go in the first and last, agents in the
middle one. The altar and agent draws use fixed seeds shared by every room, so the rooms differ
only in which team stands in them; which side gets ``altar_ratio`` of the altars, and which
rooms each team gets, are drawn once per render.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from metta.mettagrid.maps.scenes.random import RandomConfig
from metta.mettagrid.maps.scenes.room_grid import grid_rooms
from metta.mettagrid.maps.scenes.scene import Scene, SceneConfig

__all__ = ["MultiLeftAndRightConfig"]

_STRIPS = 7
_LEFT, _MIDDLE, _RIGHT = 0, 3, 6


class MultiLeftAndRightConfig(SceneConfig):
    """Rooms for two teams with a left/right altar choice (overwrites the area)."""

    type: Literal["multi_left_and_right"] = "multi_left_and_right"
    rows: int = Field(default=2, ge=1)
    """Rows of rooms."""
    columns: int = Field(default=2, ge=1)
    """Columns of rooms; rows x columns must be even (half the rooms per team)."""
    total_altars: int = Field(default=4, ge=0)
    """Altars per room, left and right together."""
    altar_ratio: float = Field(default=0.75, ge=0, le=1)
    """Share of a room's altars on its richer side."""
    agents_per_room: int = Field(default=1, ge=1)
    """Agents standing in each room's middle strip."""
    teams: tuple[str, str] = ("team_1", "team_2")
    """The two agent groups (cells ``agent.<team>``)."""
    border_width: int = Field(default=6, ge=0)
    """Wall cells between rooms."""

    @model_validator(mode="after")
    def _check(self) -> MultiLeftAndRightConfig:
        if (self.rows * self.columns) % 2:
            raise ValueError(
                f"rows and columns: {self.rows} x {self.columns} rooms cannot be split "
                "evenly between two teams"
            )
        for team in self.teams:
            if not team or not team.replace("_", "").isalnum():
                raise ValueError(f"teams: group name {team!r} must be letters, digits or _")
        return self

    def render(self, scene: Scene) -> None:
        """Walls, rooms, then each room's altars and agents from the shared seeds."""
        rng = scene.rng
        rooms = grid_rooms(scene.height, scene.width, self.rows, self.columns, self.border_width)
        room_width = rooms[0][3]
        if room_width < _STRIPS:
            raise ValueError(
                f"multi_left_and_right: rooms {room_width} wide cannot hold {_STRIPS} strips "
                "(altars, two empty, agents, two empty, altars)"
            )
        richer = int(self.total_altars * self.altar_ratio)
        left = richer if rng.random() < 0.5 else self.total_altars - richer
        right = self.total_altars - left
        agent_seed, altar_seed = (int(seed) for seed in rng.integers(0, 2**31 - 1, size=2))
        team_of = rng.permutation(len(rooms)) % 2
        left_altars = RandomConfig(objects={"altar": left}, seed=altar_seed)
        right_altars = RandomConfig(objects={"altar": right}, seed=altar_seed + 1)
        scene.grid[:] = "wall"
        for index, (row, col, height, width) in enumerate(rooms):
            team = self.teams[int(team_of[index])]
            scene.grid[row : row + height, col : col + width] = "empty"
            room = scene.make_area(row, col, height, width, ("room", team))
            strips = grid_rooms(height, width, 1, _STRIPS, 0)
            for strip, config in (
                (_LEFT, left_altars),
                (_RIGHT, right_altars),
                (_MIDDLE, RandomConfig(agents={team: self.agents_per_room}, seed=agent_seed)),
            ):
                r, c, h, w = strips[strip]
                scene.render_child(config, room.sub(r, c, h, w, (), -1))
