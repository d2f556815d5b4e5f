"""Built-in named environments and curricula, addressed by the reference's config paths.

``env_config(path)`` gives an EnvConfig; ``make_curriculum(path, ...)`` gives a Curriculum (a path
naming a single env becomes a one-task curriculum). Unknown paths list the known ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from metta.mettagrid.config import (
    ActionConfig,
    ActionsConfig,
    AgentConfig,
    AttackActionConfig,
    ConverterConfig,
    GameConfig,
    WallConfig,
    default_objects,
)
from metta.mettagrid.curriculum import (
    BucketedCurriculum,
    Curriculum,
    RandomCurriculum,
    SingleTaskCurriculum,
    navigation_bucketed_parts,
    navigation_map_config,
)
from metta.mettagrid.env_config import EnvConfig, apply_overrides
from metta.mettagrid.maps import (
    CorridorWorldConfig,
    CylinderWorldConfig,
    MapConfig,
    MapGenConfig,
    MazeKruskalConfig,
    MazePrimConfig,
    MeanDistanceConfig,
    RadialMazeConfig,
    RandomRoomConfig,
    SpiralConfig,
    VariedTerrainConfig,
    WalledDetourConfig,
)
from metta.mettagrid.maps.scenes import (
    BSPConfig,
    ChildSpec,
    MakeConnectedConfig,
    RandomConfig,
    RandomSceneCandidate,
    RandomSceneConfig,
    RoomGridConfig,
)
from metta.mettagrid.navigation_evals import NAVIGATION_EVAL_PATHS

__all__ = [
    "CURRICULUM_PATHS",
    "ENV_PATHS",
    "SINGLE_AGENT_PATHS",
    "env_config",
    "make_curriculum",
    "navigation_game",
    "simple_env",
]

NAVIGATION_EVAL_SIZES = ("small", "medium", "large")


NAVIGATION_VISITS_RADIUS = 10
"""How far agents of the navigation games see their own trail (``observe_visits_radius``): 10
covers the whole 11x11 window, so a policy sees which of the corridors in view it already walked
(benchmarks/README.md, "Where it has been")."""


def navigation_game(num_agents: int, max_steps: int = 1000) -> GameConfig:
    """The navigation rules: move, rotate and take hearts from altars (1 reward per heart); agents
    observe how often they entered each cell of their window (``observe_visits``)."""
    off = ActionConfig(enabled=False)
    return GameConfig(
        num_agents=num_agents,
        max_steps=max_steps,
        agent=AgentConfig(observe_visits=True, observe_visits_radius=NAVIGATION_VISITS_RADIUS),
        actions=ActionsConfig(
            noop=ActionConfig(),
            move=ActionConfig(),
            rotate=ActionConfig(),
            get_output=ActionConfig(),
            put_recipe_items=off,
            attack=AttackActionConfig(enabled=False),
            swap=off,
            change_color=off,
        ),
        objects={
            "wall": WallConfig(type_id=1),
            # As the reference: one heart to start with, and it needs 3 battery_red (which no
            # navigation agent can get) to make another, so each altar pays exactly once.
            "altar": ConverterConfig(
                type_id=8,
                input_resources={"battery_red": 3},
                output_resources={"heart": 1},
                cooldown=1000,
                initial_items=1,
            ),
        },
    )


def simple_env(num_agents: int = 4, width: int = 32, height: int = 32) -> EnvConfig:
    """The reference's default game on a ``width`` x ``height`` map (wall border included) with
    its buildings scattered at random."""
    if width < 3 or height < 3:
        raise ValueError(
            f"width and height must be >= 3 (a wall border and a room), got {width}x{height}"
        )
    objects = {"altar": 5, "mine_red": 10, "generator_red": 5, "armory": 1, "lasery": 1}
    game = GameConfig(num_agents=num_agents, objects=default_objects())
    room = RandomRoomConfig(
        width=width - 2, height=height - 2, border_width=1, agents=num_agents, objects=objects
    )
    return EnvConfig(game=game, map_builder=room)


def navigation_training_env(num_agents: int = 4) -> EnvConfig:
    """Navigation on generated terrain: one room per agent, 30 altars each."""
    return EnvConfig(
        game=navigation_game(num_agents),
        map_builder=navigation_map_config("terrain_maps_nohearts", 30, num_agents),
    )


def navigation_room_env(num_agents: int = 4) -> EnvConfig:
    """Navigation in one small open room shared by all agents: 100 steps, 8 altars."""
    room = RandomRoomConfig(width=11, height=11, agents=num_agents, objects={"altar": 8})
    return EnvConfig(game=navigation_game(num_agents, max_steps=100), map_builder=room)


def navigation_eval_env(size: str, num_agents: int = 4) -> EnvConfig:
    """Navigation evaluation on balanced varied terrain of one size band."""
    dataset = f"varied_terrain/balanced_{size}"
    return EnvConfig(
        game=navigation_game(num_agents),
        map_builder=navigation_map_config(dataset, 20, num_agents),
    )


ENV_PATHS: dict[str, Callable[..., EnvConfig]] = {
    "/env/mettagrid/simple": simple_env,
    "/env/mettagrid/navigation/training/terrain": navigation_training_env,
    "/env/mettagrid/navigation/training/room": navigation_room_env,
    **{
        f"/env/mettagrid/navigation/evals/terrain_{size}": (
            lambda num_agents=4, size=size: navigation_eval_env(size, num_agents)
        )
        for size in NAVIGATION_EVAL_SIZES
    },
    **NAVIGATION_EVAL_PATHS,
}
"""Named single environments; each factory takes ``num_agents`` (and the simple env a size)."""


def _override_paths(overrides: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Dotted paths of the leaves of a nested (or dotted-key) overrides mapping."""
    paths = []
    for key, value in overrides.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            paths += _override_paths(value, f"{path}.")
        else:
            paths.append(path)
    return paths


def _bucketed(
    template: EnvConfig,
    buckets: Mapping[str, Any],
    overrides: Mapping[str, Any] | None,
    seed: int,
) -> BucketedCurriculum:
    """A bucketed curriculum over ``template`` with ``overrides`` applied to it; an override of
    a path the buckets set (which every task would overwrite) is refused, naming the bucket."""
    for path in _override_paths(overrides or {}):
        for bucket in buckets:
            if path == bucket or path.startswith(f"{bucket}.") or bucket.startswith(f"{path}."):
                raise ValueError(
                    f"env_overrides: {path!r} is set per task by the curriculum's bucket "
                    f"{bucket!r} ({buckets[bucket]}); an override there would be overwritten"
                )
    return BucketedCurriculum(apply_overrides(template, overrides), buckets, seed=seed)


def _navigation_bucketed(
    num_agents: int, seed: int, overrides: Mapping[str, Any] | None
) -> Curriculum:
    template, buckets = navigation_bucketed_parts(
        navigation_training_env(num_agents), map_path="map_builder", num_agents=num_agents
    )
    return _bucketed(template, buckets, overrides, seed)


def _navigation_rooms(
    num_agents: int, seed: int, overrides: Mapping[str, Any] | None
) -> Curriculum:
    """Small-room navigation bucketed by room size and altar count: learnable in minutes on a
    CPU, the quick start's curriculum."""
    buckets = {
        "map_builder.width": {"values": [9, 11, 13]},
        "map_builder.height": {"values": [9, 11, 13]},
        "map_builder.objects.altar": {"values": [6, 10]},
    }
    return _bucketed(navigation_room_env(num_agents), buckets, overrides, seed)


def _walled_rooms(altars: int) -> MapGenConfig:
    """Rooms joined by gaps and corridors (a BSP partition, or a grid of 2 to 9 rooms whose
    walls get one opening per region), with ``altars`` altars and the agent anywhere: targets
    are often in sight behind a wall, so the policy learns to route through the opening."""
    place = ChildSpec(scene=RandomConfig(objects={"altar": altars}, agents=1))
    connect = ChildSpec(scene=MakeConnectedConfig())
    grids = [(1, 2), (2, 1), (2, 2), (2, 3), (3, 3)]
    candidates = [
        RandomSceneCandidate(scene=BSPConfig(rooms=rooms, children=(place,))) for rooms in (3, 5)
    ] + [
        RandomSceneCandidate(
            scene=RoomGridConfig(rows=rows, columns=columns, children=(connect, place))
        )
        for rows, columns in grids
    ]
    return MapGenConfig(
        width=20, height=20, border_width=1, root=RandomSceneConfig(candidates=tuple(candidates))
    )


def _navigation_varied_families() -> dict[str, tuple[EnvConfig, dict[str, Any]]]:
    """The varied navigation curriculum's children: (single-agent env template, buckets) by
    family; integer ranges are half-open, ``[lo, hi)``. Each family pairs map sizes with a step
    limit that lets a good explorer reach several altars; sizes run from rooms the agent sees
    whole to maps four times wider than its view."""

    def env(builder: MapConfig, max_steps: int) -> EnvConfig:
        return EnvConfig(game=navigation_game(1, max_steps), map_builder=builder)

    size = {"range": [8, 15]}
    return {
        "open_small": (
            env(RandomRoomConfig(width=9, height=9, agents=1, objects={"altar": 2}), 60),
            {"map_builder.width": size, "map_builder.height": size,
             "map_builder.objects.altar": {"range": [1, 5]}},
        ),
        "open_large": (
            env(RandomRoomConfig(width=20, height=20, agents=1, objects={"altar": 4}), 150),
            {"map_builder.width": {"range": [15, 33]}, "map_builder.height": {"range": [15, 33]},
             "map_builder.objects.altar": {"range": [2, 7]}},
        ),
        "out_of_sight": (
            env(MeanDistanceConfig(width=25, height=25, objects={"altar": 3}), 150),
            {"map_builder.mean_distance": {"range": [4.0, 10.0]}},
        ),
        "maze": (
            env(MazePrimConfig(width=15, height=15, objects={"altar": 2}), 200),
            {"map_builder.width": {"values": [9, 13, 17, 21]},
             "map_builder.height": {"values": [9, 13, 17, 21]}},
        ),
        "maze_kruskal": (
            env(MazeKruskalConfig(width=15, height=15, objects={"altar": 2}), 200),
            {"map_builder.width": {"values": [11, 15, 19]},
             "map_builder.height": {"values": [11, 15, 19]}},
        ),
        **{
            f"terrain_{style}": (
                env(VariedTerrainConfig(width=24, height=24, style=style, objects={"altar": 4}),
                    200),
                {"map_builder.width": {"range": [16, 41]},
                 "map_builder.height": {"range": [16, 41]},
                 "map_builder.objects.altar": {"range": [3, 9]}},
            )
            for style in ("sparse", "balanced", "dense", "maze")
        },
        "walled_rooms": (
            env(_walled_rooms(4), 200),
            {"map_builder.width": {"range": [11, 31]}, "map_builder.height": {"range": [11, 31]}},
        ),
        "cylinders": (
            env(CylinderWorldConfig(width=24, height=24, objects={"altar": 4}), 200),
            {"map_builder.width": {"range": [16, 37]}, "map_builder.height": {"range": [16, 37]},
             "map_builder.objects.altar": {"range": [3, 7]}},
        ),
        "corridors": (
            env(CorridorWorldConfig(width=25, height=17), 200),
            {"map_builder.width": {"range": [13, 36]}, "map_builder.height": {"range": [11, 30]},
             "map_builder.objects.altar": {"range": [2, 5]}},
        ),
        "spirals": (
            env(SpiralConfig(width=21, height=21), 250),
            {"map_builder.width": {"range": [11, 30]}, "map_builder.height": {"range": [11, 30]},
             "map_builder.objects.altar": {"range": [2, 5]}},
        ),
        "radial_mazes": (
            env(RadialMazeConfig(width=23, height=23), 200),
            {"map_builder.width": {"range": [15, 32]}, "map_builder.height": {"range": [15, 32]},
             "map_builder.objects.altar": {"range": [2, 5]}},
        ),
        "walled_detours": (
            env(WalledDetourConfig(width=25, height=21), 150),
            {"map_builder.width": {"range": [13, 36]}, "map_builder.height": {"range": [13, 30]},
             "map_builder.objects.altar": {"range": [2, 6]}},
        ),
    }  # fmt: skip


def _navigation_varied(
    num_agents: int, seed: int, overrides: Mapping[str, Any] | None
) -> Curriculum:
    """Single-agent navigation over every terrain family (open rooms, altars out of sight,
    mazes, varied terrain, rooms joined by gaps, cylinders, corridors with dead ends, spirals,
    radial mazes, walled enclosures and lanes), from rooms the agent sees whole to maps four
    times wider than its view: the curriculum whose policies transfer to unseen maps."""
    if num_agents != 1:
        raise ValueError(
            f"num_agents: the varied navigation curriculum has one agent per game, got "
            f"{num_agents}; step more games (num_envs) instead"
        )
    master = np.random.default_rng(seed)
    children = {
        name: _bucketed(template, buckets, overrides, int(master.integers(2**31)))
        for name, (template, buckets) in _navigation_varied_families().items()
    }
    return RandomCurriculum(children, seed=int(master.integers(2**31)))


CURRICULUM_PATHS: dict[str, Callable[[int, int, Mapping[str, Any] | None], Curriculum]] = {
    "/env/mettagrid/curriculum/navigation/bucketed": _navigation_bucketed,
    "/env/mettagrid/curriculum/navigation/rooms": _navigation_rooms,
    "/env/mettagrid/curriculum/navigation/varied": _navigation_varied,
}
"""Named curricula: factory(num_agents, seed, env_overrides)."""

SINGLE_AGENT_PATHS: frozenset[str] = frozenset(
    [*NAVIGATION_EVAL_PATHS, "/env/mettagrid/curriculum/navigation/varied"]
)
"""Paths whose games hold exactly one agent (num_agents must be 1)."""


def _unknown(path: str) -> ValueError:
    known = "\n  ".join(sorted([*ENV_PATHS, *CURRICULUM_PATHS]))
    return ValueError(f"unknown environment path {path!r}; known paths:\n  {known}")


def env_config(path: str, overrides: Mapping[str, Any] | None = None, **kwargs: Any) -> EnvConfig:
    """The named single environment, with ``overrides`` applied (kwargs go to its factory)."""
    factory = ENV_PATHS.get(path)
    if factory is None:
        raise _unknown(path)
    return apply_overrides(factory(**kwargs), overrides)


def make_curriculum(
    path: str,
    *,
    num_agents: int = 4,
    seed: int = 0,
    overrides: Mapping[str, Any] | None = None,
) -> Curriculum:
    """The named curriculum, or a one-task curriculum around a named single environment."""
    if path in CURRICULUM_PATHS:
        return CURRICULUM_PATHS[path](num_agents, seed, overrides)
    if path in ENV_PATHS:
        return SingleTaskCurriculum(path, env_config(path, overrides, num_agents=num_agents))
    raise _unknown(path)
