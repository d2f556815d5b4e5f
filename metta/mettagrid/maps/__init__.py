"""Map builders: seeded grids of object names for the engine, with connected free space.

Entry point: ``build_map(config, seed) -> Level``; ``config`` is any builder config (or a dict
with a ``type`` key): random, multi_room, room_list, room_scene, ascii, maze_prim, maze_kruskal,
varied_terrain, cylinder_world, corridor_world, spiral, radial_maze, walled_detour, mean_distance,
terrain, mapgen (a tree of scenes, see ``metta.mettagrid.maps.scenes`` and docs/maps.md).
"""

from metta.mettagrid.maps.ascii import CHAR_TO_NAME, grid_to_ascii, load_ascii_map, parse_ascii_map
from metta.mettagrid.maps.ascii_map import AsciiMapConfig
from metta.mettagrid.maps.config import MapConfig, build_map, parse_map_config
from metta.mettagrid.maps.connectivity import (
    ReachabilityReport,
    check_reachability,
    connect_free_space,
    fill_unreachable,
    is_connected,
    label_components,
)
from metta.mettagrid.maps.cylinder_world import CylinderWorldConfig
from metta.mettagrid.maps.level import Level, size_label
from metta.mettagrid.maps.maze import MazeKruskalConfig, MazePrimConfig
from metta.mettagrid.maps.mean_distance import MeanDistanceConfig
from metta.mettagrid.maps.navigation_terrain import (
    CorridorWorldConfig,
    RadialMazeConfig,
    SpiralConfig,
    WalledDetourConfig,
)
from metta.mettagrid.maps.random_room import RandomRoomConfig
from metta.mettagrid.maps.room_list import MultiRoomConfig, RoomListConfig
from metta.mettagrid.maps.room_scene import RoomSceneConfig
from metta.mettagrid.maps.scenes import MapGen, MapGenConfig, load_scene_config
from metta.mettagrid.maps.terrain_dataset import (
    NAVIGATION_TERRAIN_DATASETS,
    TERRAIN_DATASETS,
    TerrainMapConfig,
    terrain_dataset_map,
)
from metta.mettagrid.maps.varied_terrain import VariedTerrainConfig

__all__ = [
    "CHAR_TO_NAME",
    "NAVIGATION_TERRAIN_DATASETS",
    "TERRAIN_DATASETS",
    "AsciiMapConfig",
    "CorridorWorldConfig",
    "CylinderWorldConfig",
    "Level",
    "MapConfig",
    "MapGen",
    "MapGenConfig",
    "MazeKruskalConfig",
    "MazePrimConfig",
    "MeanDistanceConfig",
    "MultiRoomConfig",
    "RadialMazeConfig",
    "RandomRoomConfig",
    "ReachabilityReport",
    "RoomListConfig",
    "RoomSceneConfig",
    "SpiralConfig",
    "TerrainMapConfig",
    "VariedTerrainConfig",
    "WalledDetourConfig",
    "build_map",
    "check_reachability",
    "connect_free_space",
    "fill_unreachable",
    "grid_to_ascii",
    "is_connected",
    "label_components",
    "load_ascii_map",
    "load_scene_config",
    "parse_ascii_map",
    "parse_map_config",
    "size_label",
    "terrain_dataset_map",
]
