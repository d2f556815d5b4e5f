"""The one entry point: `MapConfig` (every builder config, by its ``type``) and `build_map`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

import numpy as np
from pydantic import Field, TypeAdapter

from metta.mettagrid.maps.ascii_map import AsciiMapConfig, build_ascii_map
from metta.mettagrid.maps.base import make_rng
from metta.mettagrid.maps.cylinder_world import CylinderWorldConfig, build_cylinder_world
from metta.mettagrid.maps.level import Level
from metta.mettagrid.maps.maze import MazeKruskalConfig, MazePrimConfig, build_maze
from metta.mettagrid.maps.mean_distance import MeanDistanceConfig, build_mean_distance
from metta.mettagrid.maps.navigation_terrain import (
    CorridorWorldConfig,
    RadialMazeConfig,
    SpiralConfig,
    WalledDetourConfig,
    build_corridor_world,
    build_radial_maze,
    build_spiral,
    build_walled_detour,
)
from metta.mettagrid.maps.random_room import RandomRoomConfig, build_random_room
from metta.mettagrid.maps.room_list import MultiRoomConfig, RoomListConfig, build_room_list
from metta.mettagrid.maps.room_scene import RoomSceneConfig, build_room_scene
from metta.mettagrid.maps.scenes import MapGenConfig, build_mapgen
from metta.mettagrid.maps.terrain_dataset import TerrainMapConfig, build_terrain_map
from metta.mettagrid.maps.varied_terrain import VariedTerrainConfig, build_varied_terrain

__all__ = ["MapConfig", "build_map", "parse_map_config"]

MapConfig = Annotated[
    RandomRoomConfig
    | MultiRoomConfig
    | RoomListConfig
    | RoomSceneConfig
    | AsciiMapConfig
    | MazePrimConfig
    | MazeKruskalConfig
    | VariedTerrainConfig
    | CylinderWorldConfig
    | CorridorWorldConfig
    | SpiralConfig
    | RadialMazeConfig
    | WalledDetourConfig
    | MeanDistanceConfig
    | TerrainMapConfig
    | MapGenConfig,
    Field(discriminator="type"),
]
"""Any builder config; a dict picks its class by its ``type`` key."""

RoomListConfig.model_rebuild(_types_namespace={"MapConfig": MapConfig})
MultiRoomConfig.model_rebuild(_types_namespace={"MapConfig": MapConfig})
RoomSceneConfig.model_rebuild(_types_namespace={"MapConfig": MapConfig})

_ADAPTER: TypeAdapter[Any] = TypeAdapter(MapConfig)

_BUILDERS: dict[type, Callable[[Any, np.random.Generator], Level]] = {
    RandomRoomConfig: build_random_room,
    AsciiMapConfig: build_ascii_map,
    MazePrimConfig: build_maze,
    MazeKruskalConfig: build_maze,
    VariedTerrainConfig: build_varied_terrain,
    CylinderWorldConfig: build_cylinder_world,
    CorridorWorldConfig: build_corridor_world,
    SpiralConfig: build_spiral,
    RadialMazeConfig: build_radial_maze,
    WalledDetourConfig: build_walled_detour,
    MeanDistanceConfig: build_mean_distance,
    TerrainMapConfig: build_terrain_map,
    MapGenConfig: build_mapgen,
}


def parse_map_config(config: Any) -> Any:
    """Validates a dict (with a ``type`` key) or returns a builder config unchanged."""
    if isinstance(config, (*_BUILDERS, MultiRoomConfig, RoomListConfig, RoomSceneConfig)):
        return config
    if not isinstance(config, Mapping):
        raise TypeError(
            f"map config must be a builder config or a dict with a 'type' key, "
            f"got {type(config).__name__}"
        )
    return _ADAPTER.validate_python(dict(config))


def build_map(config: Any, seed: int | np.random.Generator | None = None) -> Level:
    """Builds a map, seeded by ``seed``, else the config's ``seed``, else 0 (reproducible)."""
    parsed = parse_map_config(config)
    rng = make_rng(seed, parsed.seed)
    if isinstance(parsed, MultiRoomConfig | RoomListConfig):
        return build_room_list(parsed, rng, build_map)
    if isinstance(parsed, RoomSceneConfig):
        return build_room_scene(parsed, rng, build_map)
    return _BUILDERS[type(parsed)](parsed, rng)
