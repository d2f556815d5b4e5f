"""The navigation bucketed curriculum's task generator (``.../curriculum/navigation/bucketed``).

Maps: one room per agent (a generated terrain map with 1 agent, border 3),
tiled with an outer border of 6. Buckets: the 16 terrain datasets x altar count in [10, 50)
(one bin), so 16 tasks, weighted by the prioritise-regressed rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from metta.mettagrid.curriculum.bucketed import BucketedCurriculum
from metta.mettagrid.curriculum.config_paths import get_path, set_paths
from metta.mettagrid.maps.room_list import MultiRoomConfig
from metta.mettagrid.maps.terrain_dataset import NAVIGATION_TERRAIN_DATASETS, TerrainMapConfig

__all__ = [
    "NAVIGATION_TERRAIN_DATASETS",
    "navigation_bucketed_curriculum",
    "navigation_bucketed_parts",
    "navigation_map_config",
]

ROOM_BORDER = 3
OUTER_BORDER = 6


def navigation_map_config(
    dataset: str = "terrain_maps_nohearts", altars: int = 30, num_agents: int = 4
) -> MultiRoomConfig:
    """The navigation map: ``num_agents`` terrain rooms of one agent and ``altars`` altars each."""
    if num_agents < 1:
        raise ValueError(f"num_agents must be >= 1, got {num_agents}")
    room = TerrainMapConfig(
        dataset=dataset, agents=1, objects={"altar": altars}, border_width=ROOM_BORDER
    )
    return MultiRoomConfig(room=room, num_rooms=num_agents, border_width=OUTER_BORDER)


def navigation_bucketed_curriculum(
    env_config: Any,
    *,
    map_path: str = "game.map_builder",
    num_agents: int = 4,
    datasets: Sequence[str] = NAVIGATION_TERRAIN_DATASETS,
    altar_range: tuple[int, int] = (10, 50),
    altar_bins: int = 1,
    seed: int | np.random.Generator | None = 0,
) -> BucketedCurriculum:
    """Buckets (dataset x altar count) over ``env_config`` with the navigation map at ``map_path``.

    ``env_config`` (dict, pydantic model or DictConfig) must already have a ``map_path`` entry;
    it is replaced by the navigation map config (as a dict with its ``type``).
    """
    template, buckets = navigation_bucketed_parts(
        env_config,
        map_path=map_path,
        num_agents=num_agents,
        datasets=datasets,
        altar_range=altar_range,
        altar_bins=altar_bins,
    )
    return BucketedCurriculum(template, buckets, seed=seed)


def navigation_bucketed_parts(
    env_config: Any,
    *,
    map_path: str = "game.map_builder",
    num_agents: int = 4,
    datasets: Sequence[str] = NAVIGATION_TERRAIN_DATASETS,
    altar_range: tuple[int, int] = (10, 50),
    altar_bins: int = 1,
) -> tuple[Any, dict[str, dict[str, Any]]]:
    """The template (``env_config`` with the navigation map written in) and the buckets of
    navigation_bucketed_curriculum, for callers that adjust the template first."""
    get_path(env_config, map_path)
    unknown = [d for d in datasets if d not in (*NAVIGATION_TERRAIN_DATASETS, "terrain_maps")]
    if unknown or not datasets:
        raise ValueError(
            f"datasets: unknown or empty {unknown}; known: {list(NAVIGATION_TERRAIN_DATASETS)}"
        )
    map_config = navigation_map_config(datasets[0], altar_range[0], num_agents)
    template = set_paths(env_config, {map_path: map_config.model_dump()})
    buckets: dict[str, dict[str, Any]] = {
        f"{map_path}.room.dataset": {"values": list(datasets)},
        f"{map_path}.room.objects.altar": {"range": list(altar_range), "bins": altar_bins},
    }
    return template, buckets
