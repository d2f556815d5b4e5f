"""BSPLayout: a binary space partition of the area into zones tagged ``zone``; draws nothing."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from metta.mettagrid.maps.scenes.bsp import split_area
from metta.mettagrid.maps.scenes.scene import Scene, SceneConfig

__all__ = ["BSPLayoutConfig"]


class BSPLayoutConfig(SceneConfig):
    """Names ``area_count`` zones (fewer when the area is too small) for children to fill."""

    type: Literal["bsp_layout"] = "bsp_layout"
    area_count: int = Field(default=4, ge=1)
    """How many zones."""
    min_zone_size: int = Field(default=4, ge=1)
    """Smallest zone side."""

    def render(self, scene: Scene) -> None:
        """Splits the area and names every leaf zone."""
        tree = split_area(scene.height, scene.width, self.area_count, self.min_zone_size, scene.rng)
        for leaf in tree.leaves:
            zone = tree.zones[leaf]
            scene.make_area(zone.row, zone.col, zone.height, zone.width, ("zone",))
