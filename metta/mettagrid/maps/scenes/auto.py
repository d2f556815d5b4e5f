"""Auto: the all-in-one generator, a varied connected map from a handful of knobs.

Steps, in order: split the area into zones (an even grid, or a BSP partition); fill each zone
with content drawn from ``content`` (open ground, a maze, a WFC or ConvChain pattern), mirrored
with a symmetry drawn from ``room_symmetry``, then scatter ``room_objects`` in it; dig tunnels
until the free space is one region (MakeConnected); scatter ``objects`` over the whole area;
place the agents. Objects never cut the free space (``placement``), so every agent can reach
every object.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from metta.mettagrid.maps.base import AgentSpec
from metta.mettagrid.maps.placement import agent_names
from metta.mettagrid.maps.scenes.bsp import split_area
from metta.mettagrid.maps.scenes.convchain import ConvChainConfig
from metta.mettagrid.maps.scenes.make_connected import MakeConnectedConfig
from metta.mettagrid.maps.scenes.maze import MazeConfig
from metta.mettagrid.maps.scenes.mirror import MirrorConfig, MirrorSymmetry
from metta.mettagrid.maps.scenes.nop import NopConfig
from metta.mettagrid.maps.scenes.random import RandomConfig
from metta.mettagrid.maps.scenes.random_objects import Densities, RandomObjectsConfig
from metta.mettagrid.maps.scenes.random_scene import RandomSceneCandidate, choose_candidate
from metta.mettagrid.maps.scenes.ranges import IntRange, sample_int
from metta.mettagrid.maps.scenes.room_grid import grid_rooms
from metta.mettagrid.maps.scenes.scene import Scene, SceneConfig, SceneModel
from metta.mettagrid.maps.scenes.wfc import WFCConfig

__all__ = [
    "AutoBSP",
    "AutoConfig",
    "AutoGrid",
    "AutoLayoutWeights",
    "AutoSymmetryWeights",
    "default_content",
]

_MIRRORS: dict[str, MirrorSymmetry | None] = {
    "none": None,
    "horizontal": "horizontal",
    "vertical": "vertical",
    "both": "both",
}

MIN_ZONE_SIDE = 8
"""Smallest zone side a layout makes (a mirrored quarter still holds a 3 x 3 pattern)."""


def _draw(names: tuple[str, ...], weights: tuple[float, ...], rng: np.random.Generator) -> str:
    """One of ``names`` with probability proportional to its weight."""
    array = np.asarray(weights, dtype=float)
    return names[int(rng.choice(len(names), p=array / array.sum()))]


class AutoLayoutWeights(SceneModel):
    """Relative chances of the two layouts."""

    grid: float = Field(default=1.0, ge=0)
    """An even grid of zones (``grid``)."""
    bsp: float = Field(default=1.0, ge=0)
    """A binary space partition (``bsp``)."""

    @model_validator(mode="after")
    def _check(self) -> AutoLayoutWeights:
        if self.grid + self.bsp <= 0:
            raise ValueError("layout: at least one of grid and bsp needs a positive weight")
        return self


class AutoGrid(SceneModel):
    """Size of the grid layout (capped so zones keep sides >= 8)."""

    rows: IntRange = (2, 3)
    """Rows of zones."""
    columns: IntRange = (2, 3)
    """Columns of zones."""


class AutoBSP(SceneModel):
    """Size of the BSP layout."""

    area_count: IntRange = (3, 6)
    """How many zones."""


class AutoSymmetryWeights(SceneModel):
    """Relative chances of each zone's symmetry."""

    none: float = Field(default=3.0, ge=0)
    """No mirroring."""
    horizontal: float = Field(default=1.0, ge=0)
    """Left half mirrored to the right."""
    vertical: float = Field(default=1.0, ge=0)
    """Top half mirrored to the bottom."""
    both: float = Field(default=1.0, ge=0)
    """Top-left quarter mirrored four ways."""

    @model_validator(mode="after")
    def _check(self) -> AutoSymmetryWeights:
        if self.none + self.horizontal + self.vertical + self.both <= 0:
            raise ValueError("room_symmetry: at least one symmetry needs a positive weight")
        return self


def default_content() -> tuple[RandomSceneCandidate, ...]:
    """Open ground (most often), a maze, a WFC pattern and a ConvChain pattern."""
    return (
        RandomSceneCandidate(scene=NopConfig(), weight=3.0),
        RandomSceneCandidate(scene=MazeConfig(room_size=(1, 2), wall_size=1), weight=1.0),
        RandomSceneCandidate(scene=WFCConfig(), weight=1.0),
        RandomSceneCandidate(scene=ConvChainConfig(), weight=1.0),
    )


class AutoConfig(SceneConfig):
    """Zones of varied content, objects by density, connected free space, then the agents."""

    type: Literal["auto"] = "auto"
    num_agents: AgentSpec = 4
    """Agents placed last, anywhere on the free space (a count or {group: count})."""
    layout: AutoLayoutWeights = Field(default_factory=AutoLayoutWeights)
    """Chances of the grid and BSP layouts."""
    grid: AutoGrid = Field(default_factory=AutoGrid)
    """Rows and columns of the grid layout."""
    bsp: AutoBSP = Field(default_factory=AutoBSP)
    """Zone count of the BSP layout."""
    room_symmetry: AutoSymmetryWeights = Field(default_factory=AutoSymmetryWeights)
    """Chances of each zone's symmetry."""
    content: tuple[RandomSceneCandidate, ...] = Field(default_factory=default_content, min_length=1)
    """What a zone is filled with, by weight."""
    room_objects: Densities = Field(
        default_factory=lambda: {
            "altar": (0.002, 0.01),
            "mine_red": (0.0, 0.01),
            "generator_red": (0.0, 0.005),
        }
    )
    """Object densities drawn per zone (fractions of the zone's cells)."""
    objects: Densities = Field(default_factory=dict)
    """Object densities over the whole area, placed after the zones are connected."""

    def render(self, scene: Scene) -> None:
        """Layout, zone contents and objects, tunnels, area-wide objects, agents."""
        rng = scene.rng
        room_objects = RandomObjectsConfig(object_ranges=self.room_objects)
        for row, col, height, width in self._zones(scene):
            zone = scene.make_area(row, col, height, width, ("zone",))
            symmetry = _draw(
                ("none", "horizontal", "vertical", "both"),
                (
                    self.room_symmetry.none,
                    self.room_symmetry.horizontal,
                    self.room_symmetry.vertical,
                    self.room_symmetry.both,
                ),
                rng,
            )
            content = choose_candidate(self.content, rng)
            mirrored = _MIRRORS[symmetry]
            if mirrored is not None:
                content = MirrorConfig(scene=content, symmetry=mirrored)
            scene.render_child(content, zone)
            scene.render_child(room_objects, zone)
        scene.render_child(MakeConnectedConfig())
        if self.objects:
            scene.render_child(RandomObjectsConfig(object_ranges=self.objects))
        if agent_names(self.num_agents):
            scene.render_child(RandomConfig(agents=self.num_agents))

    def _zones(self, scene: Scene) -> list[tuple[int, int, int, int]]:
        """(row, col, height, width) of each zone of the drawn layout."""
        rng = scene.rng
        height, width = scene.height, scene.width
        if _draw(("grid", "bsp"), (self.layout.grid, self.layout.bsp), rng) == "grid":
            rows = min(max(1, sample_int(self.grid.rows, rng)), max(1, height // MIN_ZONE_SIDE))
            columns = min(
                max(1, sample_int(self.grid.columns, rng)), max(1, width // MIN_ZONE_SIDE)
            )
            return grid_rooms(height, width, rows, columns, 0)
        count = max(1, sample_int(self.bsp.area_count, rng))
        tree = split_area(height, width, count, MIN_ZONE_SIDE, rng)
        return [
            (zone.row, zone.col, zone.height, zone.width)
            for zone in (tree.zones[leaf] for leaf in tree.leaves)
        ]
