"""Bad input gets a clear error naming what was wrong, never a crash."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from metta.mettagrid import _mettagrid
from metta.mettagrid.config import GameConfig
from metta.mettagrid.engine_config import compile_game, encode_map, to_engine_params
from metta.mettagrid.env import MettaGridEnv
from metta.mettagrid.maps.ascii import parse_ascii_map
from metta.mettagrid.vec_env import MettaGridVecEnv

GRID = parse_ascii_map("####\n#@@#\n####")


@pytest.fixture
def env() -> MettaGridEnv:
    env = MettaGridEnv(GameConfig(), GRID)
    env.reset()
    return env


def test_actions_wrong_dtype(env):
    with pytest.raises(TypeError, match="actions: expected dtype int32, got float64"):
        env.step(np.zeros((2, 2)))
    with pytest.raises(TypeError, match="actions: expected dtype int32, got int64"):
        env.step(np.zeros((2, 2), dtype=np.int64))
    with pytest.raises(TypeError, match="actions: expected a numpy int32 array, got list"):
        env.step([[0, 0], [0, 0]])


def test_actions_wrong_shape_or_layout(env):
    with pytest.raises(ValueError, match=r"actions: expected shape \[2, 2\], got \[3, 2\]"):
        env.step(np.zeros((3, 2), dtype=np.int32))
    with pytest.raises(ValueError, match=r"actions: expected shape \[2, 2\], got \[4\]"):
        env.step(np.zeros(4, dtype=np.int32))
    with pytest.raises(ValueError, match="actions: must be C-contiguous"):
        env.step(np.zeros((2, 4), dtype=np.int32)[:, ::2])


def test_vec_env_actions_checked():
    vec = MettaGridVecEnv(GameConfig(), GRID, num_envs=2, num_threads=1)
    first, _, _, _, _ = vec.recv()  # a new env resets itself (constructor seed) on first use
    assert first.shape[0] == 4
    with pytest.raises(RuntimeError, match="recv"):
        vec.recv()
    vec.reset()
    with pytest.raises(ValueError, match=r"actions: expected shape \[4, 2\], got \[2, 2\]"):
        vec.step(np.zeros((2, 2), dtype=np.int32))
    obs, rewards, _, _, infos = vec.recv()  # reset armed recv (PufferLib's async_reset order)
    assert obs.shape[0] == 4
    assert not rewards.any()
    assert infos == []
    with pytest.raises(RuntimeError, match="recv"):
        vec.recv()
    noop = np.zeros((4, 2), dtype=np.int32)
    vec.send(noop)
    with pytest.raises(RuntimeError, match=r"send\(\) called twice without recv\(\)"):
        vec.send(noop)
    vec.recv()


def test_map_unknown_object_names_cell():
    grid = np.array([["wall", "wall"], ["agent.agent", "gold_mine"]])
    with pytest.raises(ValueError, match="map: unknown object 'gold_mine' at row 1, column 1"):
        MettaGridEnv(GameConfig(), grid)


def test_ascii_text_maps_and_unknown_characters():
    env = MettaGridEnv(GameConfig(), "###\n#@#\n###")
    assert env.render() == "###\n#0#\n###"
    with pytest.raises(ValueError, match="line 2, column 2: unknown character '%'"):
        MettaGridEnv(GameConfig(), "###\n#%#\n###")


def test_map_wrong_agent_count():
    with pytest.raises(ValueError, match="map: has 2 agents, but num_agents is 3"):
        MettaGridEnv(GameConfig(num_agents=3), GRID)
    with pytest.raises(ValueError, match="map: no agent cell"):
        MettaGridEnv(GameConfig(), parse_ascii_map("###\n#.#\n###"))


def test_map_empty_or_not_2d():
    with pytest.raises(ValueError, match="map: empty map"):
        MettaGridEnv(GameConfig(), np.empty((0, 3), dtype=np.str_))
    with pytest.raises(ValueError, match="map: expected a 2-D grid"):
        MettaGridEnv(GameConfig(), np.array(["agent.agent"]))


def test_vec_env_maps_need_equal_agent_counts():
    with pytest.raises(ValueError, match="pass exactly one of map_grid"):
        MettaGridVecEnv(GameConfig(), num_envs=2)
    with pytest.raises(ValueError, match="num_envs: must be at least 1"):
        MettaGridVecEnv(GameConfig(), GRID, num_envs=0)


def test_window_too_large_for_location_nibbles():
    with pytest.raises(ValidationError, match="obs_width"):
        GameConfig(obs_width=16)
    params = to_engine_params(GameConfig())
    params["obs_height"] = 16
    with pytest.raises(ValueError, match=r"obs_height: must be in \[1, 15\], got 16"):
        _mettagrid.CompiledConfig(params)


def test_converter_instant_loop_rejected():
    with pytest.raises(ValidationError, match="conversion_ticks and cooldown cannot both be 0"):
        GameConfig(objects={"mine": {"type": "converter", "type_id": 2, "conversion_ticks": 0}})
    params = to_engine_params(GameConfig())
    converter = next(o for o in params["objects"] if o["name"] == "altar")
    converter["params"]["conversion_ticks"] = 0
    converter["params"]["cooldown"] = 0
    with pytest.raises(ValueError, match=r"objects\[\d+\]\.params: conversion_ticks and cooldown"):
        _mettagrid.CompiledConfig(params)


def test_config_errors_name_the_field():
    with pytest.raises(ValidationError, match=r"agent\.rewards: unknown item 'gold'"):
        GameConfig(agent={"rewards": {"gold": 1.0}})
    with pytest.raises(ValidationError, match="extra_forbidden"):
        GameConfig(max_step=10)
    with pytest.raises(ValidationError, match=r"objects\.altar\.input_resources: unknown item"):
        GameConfig(
            objects={"altar": {"type": "converter", "type_id": 8, "input_resources": {"x": 1}}}
        )
    with pytest.raises(ValidationError, match="groups: group ids must be unique"):
        GameConfig(groups={"a": {"id": 1}, "b": {"id": 1}})


@pytest.mark.parametrize("name", ["red.team", "", "two words", "own_team", "from_other_team"])
def test_group_names_that_would_clash_in_stat_names_are_refused(name):
    # attack.win.<g>.<tg> and attack.win.own_team.<g> must never name the same stat
    with pytest.raises(ValidationError, match=r"groups: .*(letters, digits or _|is reserved)"):
        GameConfig(groups={name: {"id": 1}})


def test_engine_params_errors_name_the_path():
    params = to_engine_params(GameConfig())
    params["objects"][0]["params"]["item_max"] = {"heart": 1, "gold": 2}
    with pytest.raises(
        ValueError, match=r"objects\[0\]\.params\.item_max\.gold: unknown item 'gold'"
    ):
        _mettagrid.CompiledConfig(params)
    params = to_engine_params(GameConfig())
    params["objects"][0]["params"]["max_items_per_type"] = [1, 2]
    with pytest.raises(
        ValueError, match=r"objects\[0\]\.params\.max_items_per_type: unknown parameter"
    ):
        _mettagrid.CompiledConfig(params)
    params = to_engine_params(GameConfig())
    params["actions"][5]["defense_resources"] = {"armour": 1}
    with pytest.raises(ValueError, match=r"actions\[5\]\.defense_resources\.armour: unknown item"):
        _mettagrid.CompiledConfig(params)
    params = to_engine_params(GameConfig())
    params["actions"][0]["name"] = "fly"
    with pytest.raises(ValueError, match=r"actions\[0\]\.name: unknown action 'fly'"):
        _mettagrid.CompiledConfig(params)
    params = to_engine_params(GameConfig())
    params["objects"][1]["kind"] = "dragon"
    with pytest.raises(ValueError, match=r"objects\[1\]\.kind: unknown object kind 'dragon'"):
        _mettagrid.CompiledConfig(params)
    del params["max_steps"]
    with pytest.raises(ValueError, match="max_steps: missing"):
        _mettagrid.CompiledConfig(params)


def test_raw_map_codes_checked():
    compiled = compile_game(GameConfig())
    cells = encode_map(GRID, compiled)
    cells[0, 0] = 999
    with pytest.raises(ValueError, match="map: cell code 999"):
        _mettagrid.Batch([(compiled, cells)], 1, True)
    with pytest.raises(ValueError, match="map: expected a 2-D uint16 array"):
        _mettagrid.Batch([(compiled, cells.astype(np.int64))], 1, True)


def test_seed_range(env):
    with pytest.raises(ValueError, match="seed: must be in"):
        env.reset(seed=-1)
