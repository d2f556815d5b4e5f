"""Terrain datasets: named, numbered collections of terrain maps, generated instead of downloaded.

A dataset is a name plus a numbered list of maps; map ``index`` of a dataset is generated from
(dataset, index, dataset_seed) and cached, so it is the same "file" every time. Nothing is
downloaded. Each base map has a one-cell wall ring and connected free space; the builder then
places agents and tops objects up to the configured counts.
"""

from __future__ import annotations

import zlib
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field, field_validator, model_validator

from metta.mettagrid.maps.base import AgentSpec, MapBuilderConfig, ObjectCounts, finish_grid
from metta.mettagrid.maps.cylinder_world import cylinder_grid
from metta.mettagrid.maps.level import (
    MEDIUM_AREA_LIMIT,
    SMALL_AREA_LIMIT,
    Level,
    add_border,
    size_label,
)
from metta.mettagrid.maps.placement import agent_names, missing_counts, place_agents, place_objects
from metta.mettagrid.maps.terrain_features import blob, rectangle, stamp
from metta.mettagrid.maps.varied_terrain import terrain_to_grid, varied_walls

__all__ = [
    "NAVIGATION_TERRAIN_DATASETS",
    "TERRAIN_DATASETS",
    "TerrainMapConfig",
    "build_terrain_map",
    "terrain_dataset_map",
]

SIZE_BANDS: dict[str, tuple[int, int]] = {
    "small": (0, SMALL_AREA_LIMIT),
    "medium": (SMALL_AREA_LIMIT, MEDIUM_AREA_LIMIT),
    "large": (MEDIUM_AREA_LIMIT, 10**9),
}
VARIED_STYLES = ("balanced", "sparse", "dense", "maze", "cylinder-world")

NAVIGATION_TERRAIN_DATASETS: tuple[str, ...] = (
    "terrain_maps_nohearts",
    *(f"varied_terrain/{style}_{size}" for style in VARIED_STYLES for size in SIZE_BANDS),
)
"""The 16 ``dir`` values of the navigation bucketed curriculum."""

TERRAIN_DATASETS: tuple[str, ...] = ("terrain_maps", *NAVIGATION_TERRAIN_DATASETS)
"""Every dataset name this module can generate."""

MIN_SIDE, MAX_SIDE = 40, 100


def _dataset_rng(dataset: str, index: int, dataset_seed: int) -> np.random.Generator:
    key = zlib.crc32(dataset.encode())
    return np.random.default_rng(np.random.SeedSequence([dataset_seed, index, key]))


def _band_shape(size: str, rng: np.random.Generator) -> tuple[int, int]:
    """(height, width) with sides in [40, 100] and the area inside the size band."""
    low, high = SIZE_BANDS[size]
    while True:
        height, width = (int(v) for v in rng.integers(MIN_SIDE, MAX_SIDE + 1, size=2))
        if low <= height * width < high:
            return height, width


def _terrain_maps_walls(height: int, width: int, rng: np.random.Generator) -> npt.NDArray[np.bool_]:
    """The ``terrain_maps`` look: a balanced mix topped up with blobs and blocks to 30-50% walls."""
    walls = varied_walls(height, width, "balanced", rng)
    target = float(rng.uniform(0.30, 0.50))
    while walls.mean() < target:
        if rng.random() < 0.6:
            shape = blob(int(rng.integers(8, 40)), rng)
        else:
            shape = rectangle(int(rng.integers(2, 9)), int(rng.integers(2, 9)))
        stamp(walls, shape, rng, clearance=-1, attempts=1)
    return walls


def _generate(dataset: str, index: int, dataset_seed: int) -> npt.NDArray[np.str_]:
    rng = _dataset_rng(dataset, index, dataset_seed)
    if dataset.startswith("terrain_maps"):
        height, width = (int(v) for v in rng.integers(50, MAX_SIDE + 1, size=2))
        grid = terrain_to_grid(_terrain_maps_walls(height, width, rng))
        if dataset == "terrain_maps":
            place_objects(grid, {"altar": int(rng.integers(20, 189) * height * width / 10**4)}, rng)
    else:
        style, size = dataset.removeprefix("varied_terrain/").rsplit("_", 1)
        height, width = _band_shape(size, rng)
        if style == "cylinder-world":
            grid = cylinder_grid(height, width, rng)
        else:
            grid = terrain_to_grid(varied_walls(height, width, style, rng))
    finish_grid(grid, f"terrain dataset {dataset}")
    return add_border(grid, 1)


@lru_cache(maxsize=64)
def _cached(dataset: str, index: int, dataset_seed: int) -> npt.NDArray[np.str_]:
    grid = _generate(dataset, index, dataset_seed)
    grid.flags.writeable = False
    return grid


def terrain_dataset_map(dataset: str, index: int, dataset_seed: int = 0) -> npt.NDArray[np.str_]:
    """Map ``index`` of ``dataset`` (walls, empty, maybe altars; one-cell wall ring), as a copy."""
    if dataset not in TERRAIN_DATASETS:
        raise ValueError(f"dataset: unknown terrain dataset {dataset!r}; known: {TERRAIN_DATASETS}")
    if index < 0:
        raise ValueError(f"index must be >= 0, got {index}")
    return _cached(dataset, index, dataset_seed).copy()


class TerrainMapConfig(MapBuilderConfig):
    """A map of a generated terrain dataset, agents and topped-up objects (TerrainFromNumpy)."""

    type: Literal["terrain"] = "terrain"
    dataset: str = "terrain_maps_nohearts"
    """Dataset name (``dir`` in terrain configs), one of TERRAIN_DATASETS."""
    index: int | None = Field(default=None, ge=0)
    """Which map of the dataset; None picks one of num_maps with the builder's generator."""
    num_maps: int = Field(default=100, ge=1)
    """How many maps the dataset holds."""
    dataset_seed: int = Field(default=0, ge=0)
    """Identity of the dataset: the same (dataset, index, dataset_seed) is the same map."""
    objects: ObjectCounts = Field(default_factory=dict)
    """Wanted totals per object; only the missing ones are added."""
    agents: AgentSpec = 10
    """Agent count, or {group: count}."""
    border_width: int = Field(default=0, ge=0)
    """Wall cells added around the map's own one-cell ring."""

    @field_validator("dataset")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in TERRAIN_DATASETS:
            raise ValueError(f"unknown terrain dataset {value!r}; known: {list(TERRAIN_DATASETS)}")
        return value

    @model_validator(mode="after")
    def _index_in_range(self) -> TerrainMapConfig:
        if self.index is not None and self.index >= self.num_maps:
            raise ValueError(f"index {self.index} must be < num_maps {self.num_maps}")
        return self


def build_terrain_map(config: TerrainMapConfig, rng: np.random.Generator) -> Level:
    """Loads (generates) the map, places agents, tops up objects, adds the border."""
    index = config.index if config.index is not None else int(rng.integers(config.num_maps))
    grid = terrain_dataset_map(config.dataset, index, config.dataset_seed)
    place_agents(grid, agent_names(config.agents), rng)
    place_objects(grid, missing_counts(grid, config.objects), rng)
    finish_grid(grid, f"terrain map {config.dataset}")
    root = config.dataset.split("/")[0]
    label = size_label(grid.shape[1] - 2, grid.shape[0] - 2)
    return Level(add_border(grid, config.border_width), (root, label))
