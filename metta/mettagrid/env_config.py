"""EnvConfig: one environment as data (the game rules plus the map builder), and overrides.

A curriculum hands out EnvConfigs; each episode builds its map from ``map_builder`` with a seed
derived from (env seed, game index, episode), so every run is reproducible.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from metta.common.overrides import apply_overrides as apply_model_overrides
from metta.mettagrid.config import GameConfig
from metta.mettagrid.maps import MapConfig, RandomRoomConfig

__all__ = ["EnvConfig", "apply_overrides"]


class EnvConfig(BaseModel):
    """One environment: the game it plays and how each episode's map is built."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    game: GameConfig = Field(default_factory=GameConfig)
    """The rules: items, agents, actions, objects, window, rewards, max_steps."""
    map_builder: MapConfig = Field(default_factory=RandomRoomConfig)
    """The map builder run at every reset (any builder of metta.mettagrid.maps)."""


# Tables keyed by user-chosen names (objects, groups, per-item dicts) accept new keys.
_OPEN_TABLES = ("objects", "groups", "rewards", "reward_max", "item_max", "agents")


def _is_open_table(path: str) -> bool:
    leaf = path.rsplit(".", 1)[-1]
    return leaf in _OPEN_TABLES or leaf.endswith("_resources")


def apply_overrides(config: EnvConfig, overrides: Mapping[str, Any] | None) -> EnvConfig:
    """A copy of ``config`` with nested (or dotted-key) ``overrides`` applied and re-validated.

    A key that names no field raises ValueError naming the full dotted path; values are checked
    by the same pydantic models as the config itself.
    """
    return apply_model_overrides(config, overrides, _is_open_table)
