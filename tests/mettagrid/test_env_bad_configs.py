"""MettaGridEnv refuses arguments of the wrong type with an error naming the argument and what
it expects, never an AttributeError from inside the config compiler or the engine."""

from __future__ import annotations

import numpy as np
import pytest

from metta.mettagrid.config import GameConfig
from metta.mettagrid.env import MettaGridEnv
from metta.mettagrid.env_config import EnvConfig
from metta.mettagrid.maps.ascii import parse_ascii_map
from metta.mettagrid.vec_env import MettaGridVecEnv

GRID = parse_ascii_map("####\n#@@#\n####")


@pytest.mark.parametrize(
    ("config", "match"),
    [
        ({}, r"config: expected a GameConfig, got an empty dict; build one with GameConfig"),
        ({"num_agents": 2}, r"config: expected a GameConfig, got a dict; build one with"),
        ({"max_steps": "many"}, r"config: expected a GameConfig, got a dict"),
        ("navigation", r"config: expected a GameConfig, got str 'navigation'"),
        (None, r"config: expected a GameConfig, got None; GameConfig\(\) is the default game"),
        ([GameConfig()], r"config: expected a GameConfig, got list"),
        (7, r"config: expected a GameConfig, got int 7"),
        (EnvConfig(), r"config: expected a GameConfig, got EnvConfig; pass its \.game"),
    ],
)
def test_config_of_the_wrong_type(config, match):
    with pytest.raises(TypeError, match=match):
        MettaGridEnv(config, GRID)


def test_a_dict_validated_into_a_game_config_is_accepted():
    env = MettaGridEnv(GameConfig.model_validate({"max_steps": 5}), GRID)
    assert env.max_steps == 5


@pytest.mark.parametrize(
    ("grid", "error", "match"),
    [
        (None, ValueError, r"map_grid: missing; pass a 2-D grid of object names"),
        (5, TypeError, r"map_grid: expected a 2-D array of object-name strings .*got int"),
        ({"wall": 1}, TypeError, r"map_grid: expected a 2-D array .*got dict"),
        ([["wall"], ["wall", "agent.agent"]], ValueError, r"map_grid: .*different lengths"),
        (
            np.array([["wall", None]], dtype=object),
            TypeError,
            r"map_grid: expected object-name strings, got NoneType None at row 0, column 1",
        ),
        ("", ValueError, r"map_grid: ASCII map is empty"),
        (np.array(["agent.agent", "wall"]), ValueError, r"map: expected a 2-D grid .*\(2,\)"),
        (np.full((2, 2, 2), "wall"), ValueError, r"map: expected a 2-D grid .*\(2, 2, 2\)"),
        ([], ValueError, r"map: expected a 2-D grid .*\(0,\)"),
        (np.empty((0, 4), dtype=np.str_), ValueError, r"map: empty map \(shape \(0, 4\)\)"),
        (np.zeros((3, 4), dtype=np.int64), ValueError, r"map: expected object-name strings, got"),
        (np.ones((3, 4), dtype=bool), ValueError, r"map: expected object-name strings, got"),
        (np.array([[b"agent.agent"]]), ValueError, r"map: expected object-name strings, got"),
    ],
)
def test_map_grid_of_the_wrong_type_or_shape(grid, error, match):
    with pytest.raises(error, match=match):
        MettaGridEnv(GameConfig(), grid)


def test_nested_lists_and_tuples_of_names_are_grids():
    rows = [["wall", "agent.agent", "wall"], ["wall", "agent.agent", "wall"]]
    assert MettaGridEnv(GameConfig(), rows).num_agents == 2
    assert MettaGridEnv(GameConfig(), tuple(map(tuple, rows))).num_agents == 2


@pytest.mark.parametrize(
    ("seed", "error", "match"),
    [
        ("0", TypeError, r"seed: expected an int in \[0, 2\*\*64\), got str '0'"),
        (1.5, TypeError, r"seed: expected an int .*got float 1\.5"),
        (True, TypeError, r"seed: expected an int .*got bool"),
        (-1, ValueError, r"seed: must be in \[0, 2\*\*64\), got -1"),
        (2**64, ValueError, r"seed: must be in \[0, 2\*\*64\)"),
    ],
)
def test_seed_of_the_wrong_type_or_range(seed, error, match):
    with pytest.raises(error, match=match):
        MettaGridEnv(GameConfig(), GRID, seed=seed)
    env = MettaGridEnv(GameConfig(), GRID, seed=np.uint64(3))
    with pytest.raises(error, match=match):
        env.reset(seed=seed)


def test_seed_none_is_refused_by_the_constructor_only():
    with pytest.raises(TypeError, match=r"seed: expected an int .*got NoneType None"):
        MettaGridEnv(GameConfig(), GRID, seed=None)
    MettaGridEnv(GameConfig(), GRID).reset(seed=None)  # reset(None): go on from the last seed


@pytest.mark.parametrize("render_mode", ["rgb_array", 1, ["human"]])
def test_render_mode_outside_the_choices(render_mode):
    with pytest.raises(ValueError, match=r"render_mode: expected None, 'human' or 'ansi', got"):
        MettaGridEnv(GameConfig(), GRID, render_mode=render_mode)


def test_map_provider_of_the_wrong_type_or_result():
    with pytest.raises(TypeError, match=r"map_provider: expected a callable .*got str"):
        MettaGridEnv(map_provider="maps/")
    with pytest.raises(TypeError, match=r"map_provider: must return \(GameConfig, map grid\)"):
        MettaGridEnv(map_provider=lambda game: GRID)
    with pytest.raises(TypeError, match=r"map_provider's config: expected a GameConfig, got a"):
        MettaGridEnv(map_provider=lambda game: ({"num_agents": 2}, GRID))
    with pytest.raises(TypeError, match=r"map_provider's map grid: expected a 2-D array"):
        MettaGridEnv(map_provider=lambda game: (GameConfig(), 42))
    with pytest.raises(ValueError, match=r"config: not used with map_provider"):
        MettaGridEnv(GameConfig(), map_provider=lambda game: (GameConfig(), GRID))
    with pytest.raises(ValueError, match=r"pass exactly one of map_grid .* or map_provider"):
        MettaGridEnv(GameConfig(), GRID, map_provider=lambda game: (GameConfig(), GRID))


def test_a_bad_provider_result_at_reset_is_named_too():
    results = iter([(GameConfig(), GRID), ({}, GRID)])
    env = MettaGridEnv(map_provider=lambda game: next(results))
    env.reset()  # the first episode plays the constructor's map
    with pytest.raises(TypeError, match=r"map_provider's config: expected a GameConfig, got an"):
        env.reset()


def test_unknown_or_extra_arguments_are_named_by_python():
    with pytest.raises(TypeError, match="unexpected keyword argument 'num_envs'"):
        MettaGridEnv(GameConfig(), GRID, num_envs=2)
    with pytest.raises(TypeError, match="positional arguments"):
        MettaGridEnv(GameConfig(), GRID, 0)


@pytest.mark.parametrize("bad", [{}, "game", [1]])
def test_the_vector_env_refuses_a_config_that_is_not_a_game_config(bad) -> None:
    with pytest.raises(TypeError, match="config: expected a GameConfig"):
        MettaGridVecEnv(bad, parse_ascii_map("###\n#@#\n###"))
