"""The scene system: maps drawn by a tree of scenes, each rendering into a sub-area of one grid.

``MapGenConfig`` (type ``mapgen``) is a map builder like any other (``build_map``); its ``root``
is a scene config, picked by its ``type``. Every scene config has ``children``: scenes rendered
after it into the areas it names, selected by tags (``ChildSpec``). ``load_scene_config`` reads a
scene tree from YAML; ``MapGenConfig.from_yaml`` a whole MapGen config.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import Field, TypeAdapter

from metta.mettagrid.maps.scenes.area import Area, AreaWhere
from metta.mettagrid.maps.scenes.ascii import AsciiConfig
from metta.mettagrid.maps.scenes.auto import (
    AutoBSP,
    AutoConfig,
    AutoGrid,
    AutoLayoutWeights,
    AutoSymmetryWeights,
)
from metta.mettagrid.maps.scenes.bsp import BSPConfig
from metta.mettagrid.maps.scenes.bsp_layout import BSPLayoutConfig
from metta.mettagrid.maps.scenes.convchain import ConvChainConfig
from metta.mettagrid.maps.scenes.inline_ascii import InlineAsciiConfig
from metta.mettagrid.maps.scenes.make_connected import MakeConnectedConfig
from metta.mettagrid.maps.scenes.mapgen import MapGen, MapGenConfig, build_mapgen
from metta.mettagrid.maps.scenes.maze import MazeConfig
from metta.mettagrid.maps.scenes.mirror import MirrorConfig
from metta.mettagrid.maps.scenes.multi_left_and_right import MultiLeftAndRightConfig
from metta.mettagrid.maps.scenes.nop import NopConfig
from metta.mettagrid.maps.scenes.random import RandomConfig
from metta.mettagrid.maps.scenes.random_objects import RandomObjectsConfig
from metta.mettagrid.maps.scenes.random_scene import RandomSceneCandidate, RandomSceneConfig
from metta.mettagrid.maps.scenes.random_scene_from_dir import RandomSceneFromDirConfig
from metta.mettagrid.maps.scenes.remove_agents import RemoveAgentsConfig
from metta.mettagrid.maps.scenes.room_grid import RoomGridConfig
from metta.mettagrid.maps.scenes.scene import ChildSpec, Scene, SceneConfig
from metta.mettagrid.maps.scenes.wfc import WFCConfig

__all__ = [
    "SCENE_CONFIGS",
    "AnySceneConfig",
    "Area",
    "AreaWhere",
    "AsciiConfig",
    "AutoBSP",
    "AutoConfig",
    "AutoGrid",
    "AutoLayoutWeights",
    "AutoSymmetryWeights",
    "BSPConfig",
    "BSPLayoutConfig",
    "ChildSpec",
    "ConvChainConfig",
    "InlineAsciiConfig",
    "MakeConnectedConfig",
    "MapGen",
    "MapGenConfig",
    "MazeConfig",
    "MirrorConfig",
    "MultiLeftAndRightConfig",
    "NopConfig",
    "RandomConfig",
    "RandomObjectsConfig",
    "RandomSceneCandidate",
    "RandomSceneConfig",
    "RandomSceneFromDirConfig",
    "RemoveAgentsConfig",
    "RoomGridConfig",
    "Scene",
    "SceneConfig",
    "WFCConfig",
    "build_mapgen",
    "load_scene_config",
    "parse_scene_config",
]

SCENE_CONFIGS: tuple[type[SceneConfig], ...] = (
    RandomConfig,
    RandomObjectsConfig,
    RoomGridConfig,
    BSPConfig,
    BSPLayoutConfig,
    MazeConfig,
    WFCConfig,
    ConvChainConfig,
    MirrorConfig,
    MakeConnectedConfig,
    InlineAsciiConfig,
    AsciiConfig,
    RandomSceneConfig,
    RandomSceneFromDirConfig,
    AutoConfig,
    MultiLeftAndRightConfig,
    RemoveAgentsConfig,
    NopConfig,
)
"""Every scene config, one per ``type``."""

AnySceneConfig = Annotated[
    RandomConfig
    | RandomObjectsConfig
    | RoomGridConfig
    | BSPConfig
    | BSPLayoutConfig
    | MazeConfig
    | WFCConfig
    | ConvChainConfig
    | MirrorConfig
    | MakeConnectedConfig
    | InlineAsciiConfig
    | AsciiConfig
    | RandomSceneConfig
    | RandomSceneFromDirConfig
    | AutoConfig
    | MultiLeftAndRightConfig
    | RemoveAgentsConfig
    | NopConfig,
    Field(discriminator="type"),
]
"""Any scene config; a dict picks its class by its ``type`` key."""

for _model in (ChildSpec, RandomSceneCandidate, *SCENE_CONFIGS, MapGenConfig):
    _model.model_rebuild(_types_namespace={"AnySceneConfig": AnySceneConfig})

_ADAPTER: TypeAdapter[Any] = TypeAdapter(AnySceneConfig)


def parse_scene_config(data: Any) -> SceneConfig:
    """A scene config from a dict with a ``type`` key (a scene config is returned unchanged)."""
    if isinstance(data, SceneConfig):
        return data
    return _ADAPTER.validate_python(data)


def load_scene_config(path: str | Path) -> SceneConfig:
    """Reads a scene tree from a YAML file (a mapping with a ``type`` key at the top)."""
    return parse_scene_config(yaml.safe_load(Path(path).read_text()))
