"""MapGen: the map builder that renders a scene tree into one grid inside a border.

``build_mapgen(config, rng)``: an ``empty`` inner grid of ``height`` x ``width`` inside
``border_width`` cells of ``border_object``; the root scene renders into the inner grid with a
seed sequence made from the builder's seed (so the same seed gives the same map everywhere).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import yaml
from pydantic import Field, model_validator

from metta.mettagrid.maps.base import MapBuilderConfig, child_seed
from metta.mettagrid.maps.level import GRID_DTYPE, Level, size_label
from metta.mettagrid.maps.placement import check_object_name
from metta.mettagrid.maps.scenes.area import Area
from metta.mettagrid.maps.scenes.auto import AutoConfig
from metta.mettagrid.maps.scenes.scene import Scene, child_sequence

if TYPE_CHECKING:
    from metta.mettagrid.maps.scenes import AnySceneConfig

__all__ = ["MapGen", "MapGenConfig", "build_mapgen"]


class MapGenConfig(MapBuilderConfig):
    """A map drawn by a tree of scenes (``metta.mettagrid.maps.scenes``) inside a border."""

    type: Literal["mapgen"] = "mapgen"
    width: int = Field(default=32, ge=1, le=1000)
    """Inner width in cells (the border comes on top)."""
    height: int = Field(default=32, ge=1, le=1000)
    """Inner height in cells."""
    root: AnySceneConfig = Field(default_factory=AutoConfig)
    """The root scene (a dict with a ``type`` key in YAML)."""
    border_width: int = Field(default=5, ge=0)
    """Cells of ``border_object`` around the map (5: agents never see past the outer wall)."""
    border_object: str = "wall"
    """What the border is made of."""

    @model_validator(mode="after")
    def _check(self) -> MapGenConfig:
        check_object_name(self.border_object, "border_object")
        return self

    @classmethod
    def from_yaml(cls, path: str | Path) -> MapGenConfig:
        """Reads a MapGen config from a YAML file (its ``type: mapgen`` key may be left out)."""
        data: Any = yaml.safe_load(Path(path).read_text())
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a mapping of MapGen fields at the top level")
        return cls.model_validate(data)


MapGen = MapGenConfig
"""The config's short name: ``MapGen(width=..., height=..., root=..., border_width=..., seed=...)``
builds like any builder config."""


def build_mapgen(config: MapGenConfig, rng: np.random.Generator) -> Level:
    """Renders the scene tree; ``rng`` (from build_map's seed) seeds the root scene."""
    border = config.border_width
    grid = np.full(
        (config.height + 2 * border, config.width + 2 * border), config.border_object, GRID_DTYPE
    )
    inner = grid[border : border + config.height, border : border + config.width]
    inner[:] = "empty"
    root_seed = np.random.SeedSequence(child_seed(rng))
    Scene(config.root, Area(inner), child_sequence(root_seed, config.root, ())).render()
    return Level(grid, ("mapgen", size_label(config.width, config.height)))
