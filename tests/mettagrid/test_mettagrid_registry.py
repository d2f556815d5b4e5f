"""The engine registry is the one source of truth: the pydantic models carry exactly its fields
(names, bounds, defaults), and registry-wide checks cover every kind and action it lists, so a new
one is tested without editing this file."""

from __future__ import annotations

import re
import typing
from typing import Any, get_args

import numpy as np
import pytest
from annotated_types import Ge, Le
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from metta.mettagrid.config import (
    ActionsConfig,
    AgentConfig,
    AgentOverrides,
    GameConfig,
    GroupConfig,
    ObjectConfig,
    default_objects,
)
from metta.mettagrid.engine_config import compile_game, to_engine_params
from metta.mettagrid.env import MettaGridEnv
from metta.mettagrid.maps.ascii import parse_ascii_map
from metta.mettagrid.registry import ParamSpec, registry

# Fields that only Python reads, with where the engine gets the same fact instead.
PYTHON_ONLY = {
    "enabled": "whether the action's handlers are in the config's action list",
    "type": "the object's `kind` (the registry name)",
}
GAME_PYTHON_ONLY = {"num_agents", "agent", "groups", "actions", "objects"}
# Agent fields filled from the group an agent belongs to, and agents' fixed type_id.
AGENT_FROM_GROUP = {"group_id": "id", "group_name": None, "group_reward_pct": "group_reward_pct"}


def object_models() -> dict[str, type[BaseModel]]:
    union = get_args(get_args(ObjectConfig)[0])
    return {typing.get_args(m.model_fields["type"].annotation)[0]: m for m in union}


def bounds(metadata: list[Any]) -> tuple[float | None, float | None]:
    lo = next((float(m.ge) for m in metadata if isinstance(m, Ge)), None)
    hi = next((float(m.le) for m in metadata if isinstance(m, Le)), None)
    return lo, hi


def check_field(where: str, field: FieldInfo, param: ParamSpec) -> None:
    if param.is_table:
        assert typing.get_origin(field.annotation) is dict, f"{where}: an item table is a dict"
        value = get_args(field.annotation)[1]
        metadata = [m for arg in get_args(value)[1:] for m in getattr(arg, "metadata", [arg])]
        assert get_args(value)[0] is (int if param.type == "int_table" else float), where
        assert bounds(metadata) == (param.lo, param.hi), f"{where}: bounds"
        return
    expected = {"int": int, "float": float, "bool": bool, "str": str, "str_list": list[str]}
    assert field.annotation == expected[param.type], f"{where}: {field.annotation} vs {param.type}"
    if param.type in ("int", "float"):
        assert bounds(field.metadata) == (param.lo, param.hi), f"{where}: bounds"
    if param.default is not None:
        assert not field.is_required(), f"{where}: the engine has a default"
        assert float(field.default) == param.default, f"{where}: default"


def check_model(where: str, model: type[BaseModel], params: tuple[ParamSpec, ...], **extra: Any):
    fields = {n: f for n, f in model.model_fields.items() if n not in PYTHON_ONLY}
    engine = {p.name: p for p in params if p.name not in extra}
    assert set(fields) == set(engine), f"{where}: pydantic fields vs registry params"
    for name, param in engine.items():
        check_field(f"{where}.{name}", fields[name], param)


@pytest.mark.parametrize("kind", registry().kinds, ids=lambda k: k.name)
def test_every_kind_model_matches_its_registry_schema(kind):
    if kind.name == "agent":
        check_model("agent", AgentConfig, kind.params, type_id=0, **AGENT_FROM_GROUP)
        assert set(AgentOverrides.model_fields) == set(AgentConfig.model_fields)
        by_name = {p.name: p for p in kind.params}
        for engine_name, group_field in AGENT_FROM_GROUP.items():
            if group_field is not None:
                field = GroupConfig.model_fields[group_field]
                param = by_name[engine_name]
                if param.type == "float":
                    assert bounds(field.metadata) == (param.lo, param.hi)
        return
    models = object_models()
    assert kind.name in models, f"no pydantic model with type={kind.name!r} in ObjectConfig"
    check_model(kind.name, models[kind.name], kind.params)


@pytest.mark.parametrize("key", registry().config_keys)
def test_every_action_model_matches_its_registry_schema(key):
    assert key in ActionsConfig.model_fields, f"ActionsConfig has no field {key!r}"
    model = ActionsConfig.model_fields[key].annotation
    for action in registry().actions_for(key):
        check_model(f"actions.{key} ({action.name})", model, action.params)


def test_actions_config_has_no_field_the_registry_lacks():
    assert set(ActionsConfig.model_fields) == set(registry().config_keys)


def test_game_model_matches_the_game_params():
    fields = {n: f for n, f in GameConfig.model_fields.items() if n not in GAME_PYTHON_ONLY}
    assert set(fields) == {p.name for p in registry().game_params}
    for param in registry().game_params:
        check_field(f"game.{param.name}", fields[param.name], param)


def test_engine_params_are_exactly_the_registry_fields():
    params = to_engine_params(GameConfig())
    for obj in params["objects"]:
        declared = {p.name for p in registry().kind(obj["kind"]).params}
        assert set(obj["params"]) <= declared
    for action in params["actions"]:
        declared = {
            p.name for p in next(a for a in registry().actions if a.name == action["name"]).params
        }
        assert set(action) - {"name"} == declared


def test_ids_are_unique_and_features_never_collide():
    reg = registry()
    assert len({k.id for k in reg.kinds}) == len(reg.kinds)
    assert [a.id for a in reg.actions] == sorted({a.id for a in reg.actions})
    ids = [f.id for f in reg.features] + [f.id for k in reg.kinds for f in k.features]
    assert len(set(ids)) == len(ids)
    inventory = range(reg.limits["inventory_feature_base"], reg.limits["extension_feature_base"])
    assert not set(ids) & set(inventory)
    assert reg.limits["max_items"] == len(inventory)
    assert all(f.id >= reg.limits["extension_feature_base"] for k in reg.kinds for f in k.features)


def every_kind_game() -> tuple[GameConfig, np.ndarray]:
    """Every registry kind placed once (with type_id 50 + its id) next to two agents."""
    objects = dict(default_objects())
    models = object_models()
    names = []
    for kind in registry().kinds:
        if kind.name == "agent":
            continue
        objects[f"test_{kind.name}"] = models[kind.name](type_id=50 + kind.id)
        names.append(f"test_{kind.name}")
    actions = {key: {"enabled": True} for key in registry().config_keys}
    config = GameConfig(objects=objects, actions=actions)
    width = len(names) + 2
    grid = parse_ascii_map(
        "\n".join(
            [
                "#" * width,
                "#" + "." * len(names) + "#",
                "#@@" + "." * (len(names) - 2) + "#",
                "#" * width,
            ]
        )
    )
    grid = grid.astype(object)
    grid[1, 1 : 1 + len(names)] = names
    return config, grid


def test_every_kind_writes_only_the_features_it_declares():
    config, grid = every_kind_game()
    env = MettaGridEnv(config, grid)
    env.reset(seed=0)
    feature_ids = {name: fid for fid, name, _ in compile_game(config).features}
    base = registry().limits["inventory_feature_base"]
    kind_of_type = {50 + k.id: k for k in registry().kinds}
    kind_of_type[0] = registry().kind("agent")
    seen = set()
    for obj in env.grid_objects.values():
        kind = kind_of_type.get(obj["type"])
        if kind is None:
            continue
        seen.add(kind.name)
        assert obj["type_id"] == obj["type"]
        for name in obj:
            if name in feature_ids:
                fid = feature_ids[name]
                assert (base if base <= fid < 200 else fid) in kind.observes, (kind.name, name)
    assert seen == {k.name for k in registry().kinds}


def stat_pattern(declared: str, action: str = "") -> re.Pattern[str]:
    text = re.escape(declared.replace("<action>", action))
    text = text.replace(re.escape("<item>"), r"\w+").replace(re.escape("<group>"), r"\w+")
    text = text.replace(r"\[", "(?:").replace(r"\]", ")?")
    return re.compile(text)


def test_every_stat_is_declared_and_filed_under_its_kind():
    config, grid = every_kind_game()
    env = MettaGridEnv(config, grid)
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    max_args = np.asarray(env.max_action_args)
    for _ in range(300):
        types = rng.integers(0, len(max_args), size=2)
        args = rng.integers(0, max_args[types] + 1)
        env.step(np.stack([types, args], axis=1).astype(np.int32))
    stats = env.get_episode_stats()
    kind_names = {k.name for k in registry().kinds}
    assert set(stats) - {"game", "agent"} <= kind_names - {"agent"}
    agent_patterns = [stat_pattern(s) for s in registry().kind("agent").stats]
    agent_patterns += [stat_pattern(s, a.name) for a in registry().actions for s in a.stats]
    for agent in stats["agent"]:
        for name in agent:
            assert any(p.fullmatch(name) for p in agent_patterns), name
    for kind in registry().kinds:
        if kind.name == "agent":
            continue
        patterns = [stat_pattern(s) for s in kind.stats] + [re.compile(r"type_id|location\.[rc]")]
        for obj in stats.get(kind.name, []):
            assert obj["type_id"] not in (50 + k.id for k in registry().kinds if k != kind)
            for name in obj:
                assert any(p.fullmatch(name) for p in patterns), (kind.name, name)
