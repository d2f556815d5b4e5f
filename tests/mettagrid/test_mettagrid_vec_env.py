"""Vectorised env: zero-copy buffers, determinism over threads and batch sizes, autoreset, maps."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from metta.mettagrid.config import GameConfig
from metta.mettagrid.env import MettaGridEnv
from metta.mettagrid.maps.ascii import load_ascii_map, parse_ascii_map
from metta.mettagrid.vec_env import MettaGridVecEnv

BENCH_MAP = Path(__file__).resolve().parents[2] / "benchmarks" / "maps" / "bench_4rooms_24.txt"
SMALL = parse_ascii_map("#######\n#@.m..#\n#..@._#\n#.@.n@#\n#######")


def random_actions(env: MettaGridVecEnv, steps: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    types = rng.integers(0, len(env.action_names), size=(steps, env.num_agents))
    max_args = np.array(env.max_action_args)[types]
    args = (rng.random((steps, env.num_agents)) * (max_args + 1)).astype(np.int64)
    return np.stack([types, args], axis=-1).astype(np.int32)


def rollout(env: MettaGridVecEnv, actions: np.ndarray, seed: int) -> tuple[np.ndarray, ...]:
    obs, _ = env.reset(seed=seed)
    all_obs, all_rewards, all_trunc = [obs.copy()], [], []
    for step_actions in actions:
        obs, rewards, _, truncations, _ = env.step(step_actions)
        all_obs.append(obs.copy())
        all_rewards.append(rewards.copy())
        all_trunc.append(truncations.copy())
    return np.stack(all_obs), np.stack(all_rewards), np.stack(all_trunc)


def test_contract_shapes_dtypes_and_spaces():
    env = MettaGridVecEnv(GameConfig(), SMALL, num_envs=3, num_threads=2)
    obs, infos = env.reset(seed=1)
    assert infos == []
    assert env.num_envs == 3
    assert env.agents_per_env == 4
    assert env.num_agents == 12
    assert obs.shape == (12, 200, 3)
    assert obs.dtype == np.uint8
    actions = np.zeros((12, 2), dtype=np.int32)
    obs, rewards, terminals, truncations, infos = env.step(actions)
    assert rewards.dtype == np.float32
    assert rewards.shape == (12,)
    assert terminals.dtype == np.bool_
    assert truncations.dtype == np.bool_
    assert infos == []
    assert env.single_observation_space.shape == (200, 3)
    assert env.single_action_space.nvec.tolist() == [9, 10]
    assert env.driver_env.num_agents == 4
    assert env.action_names[5] == "attack"
    env.close()
    with pytest.raises(RuntimeError, match="closed"):
        env.step(actions)


def test_buffers_are_the_engines_own_memory():
    env = MettaGridVecEnv(GameConfig(), SMALL, num_envs=2, num_threads=1)
    obs_before, _ = env.reset(seed=0)
    address = env.observation_address()
    assert obs_before.__array_interface__["data"][0] == address
    snapshot = obs_before.copy()
    env.step(np.tile(np.array([[2, 3]], dtype=np.int32), (8, 1)))  # everyone rotates right
    obs, rewards, terminals, truncations, _ = env.step(np.zeros((8, 2), dtype=np.int32))
    assert obs is obs_before  # the same array object every step
    assert rewards is env.rewards
    assert truncations is env.truncations
    assert terminals is env.terminals
    assert not np.array_equal(obs_before, snapshot)  # the engine wrote through the old view
    assert np.shares_memory(obs, env.observations)


def test_caller_buffers_receive_engine_writes():
    env = MettaGridVecEnv(GameConfig(), SMALL, num_envs=2, num_threads=2)
    obs = np.zeros((8, 200, 3), dtype=np.uint8)
    rewards = np.full(8, 7.0, dtype=np.float32)
    terminals = np.ones(8, dtype=bool)
    truncations = np.ones(8, dtype=bool)
    env.set_buffers(obs, rewards, terminals, truncations)
    returned, _ = env.reset(seed=0)
    assert returned is obs
    assert (obs[:, 0, :] == [0x55, 8, 0]).all()
    assert (obs[:, -1, :] == 255).all()
    assert rewards.tolist() == [0.0] * 8
    assert not truncations.any()
    with pytest.raises(TypeError, match="rewards: expected dtype float32, got float64"):
        env.set_buffers(obs, np.zeros(8), terminals, truncations)
    with pytest.raises(ValueError, match=r"observations: expected shape \[8, 200, 3\]"):
        env.set_buffers(obs[:4], rewards, terminals, truncations)
    with pytest.raises(ValueError, match="C-contiguous"):
        env.set_buffers(np.zeros((8, 200, 6), np.uint8)[:, :, ::2], rewards, terminals, truncations)


# 8 threads on a 2-core machine is oversubscribed: games then run on whichever thread claims them.
@pytest.mark.parametrize("threads", [1, 2, 3, 8])
def test_identical_results_on_any_thread_count(threads):
    config = GameConfig(max_steps=40)
    reference = MettaGridVecEnv(config, SMALL, num_envs=12, num_threads=1)
    actions = random_actions(reference, 100, seed=5)
    expected = rollout(reference, actions, seed=11)
    other = MettaGridVecEnv(config, SMALL, num_envs=12, num_threads=threads)
    for got, want in zip(rollout(other, actions, seed=11), expected, strict=True):
        np.testing.assert_array_equal(got, want)


def test_game_results_do_not_depend_on_batch_size():
    config = GameConfig(max_steps=30)
    big = MettaGridVecEnv(config, SMALL, num_envs=3, num_threads=2)
    actions = random_actions(big, 70, seed=2)
    obs_big, rewards_big, _ = rollout(big, actions, seed=4)
    single = MettaGridVecEnv(config, SMALL, num_envs=1, num_threads=1)
    obs_one, rewards_one, _ = rollout(single, actions[:, :4], seed=4)
    np.testing.assert_array_equal(obs_big[:, :4], obs_one)
    np.testing.assert_array_equal(rewards_big[:, :4], rewards_one)


def test_seed_changes_trajectory_and_same_seed_repeats():
    env = MettaGridVecEnv(GameConfig(max_steps=0), SMALL, num_envs=2, num_threads=1)
    actions = random_actions(env, 150, seed=9)
    a = rollout(env, actions, seed=1)
    b = rollout(env, actions, seed=1)
    c = rollout(env, actions, seed=2)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], c[0])


def test_autoreset_same_step_with_episode_infos():
    env = MettaGridVecEnv(GameConfig(max_steps=5), SMALL, num_envs=2, num_threads=1)
    first, _ = env.reset(seed=0)
    first = first.copy()
    noop = np.zeros((8, 2), dtype=np.int32)
    for _ in range(4):
        _, _, _, truncations, infos = env.step(noop)
        assert not truncations.any()
        assert infos == []
    obs, _, _, truncations, infos = env.step(noop)
    assert truncations.all()
    assert [info["env_id"] for info in infos] == [0, 1]
    assert infos[0]["episode_length"] == 5
    assert infos[0]["agent"]["action.noop.success"] == 5
    assert infos[0]["episode_rewards"].shape == (4,)
    attributes = [info["attributes"] for info in infos]
    assert [(a["steps"], a["max_steps"], a["map_w"], a["map_h"]) for a in attributes] == [
        (5, 5, 7, 5)
    ] * 2
    assert attributes[0]["seed"] != attributes[1]["seed"]  # each game's episode has its own seed
    # the returned observation is already the next episode's first one
    assert obs[:, 0, :].tolist() == [[0x55, 8, 0]] * 8
    assert env.driver_env.current_step == 0
    _, _, _, truncations, infos = env.step(noop)
    assert not truncations.any()
    assert infos == []


def test_without_autoreset_an_episode_end_is_reported_once_with_its_totals():
    config = GameConfig(max_steps=3)
    env = MettaGridVecEnv(config, SMALL, num_envs=2, num_threads=1, autoreset=False)
    env.reset(seed=0)
    noop = np.zeros((8, 2), dtype=np.int32)
    assert env.step(noop)[4] == []
    assert env.step(noop)[4] == []
    _, _, _, truncations, infos = env.step(noop)
    assert truncations.all()
    assert [info["env_id"] for info in infos] == [0, 1]
    assert infos[0]["episode_length"] == 3
    assert infos[0]["agent"]["action.noop.success"] == 3
    assert infos[0]["attributes"]["initial_grid_hash"] == env.driver_env.initial_grid_hash != 0
    assert np.isfinite(infos[0]["episode_return"])
    # stepping a finished game goes on (truncated) without reporting the same episode again
    _, _, _, truncations, infos = env.step(noop)
    assert truncations.all()
    assert infos == []
    env.reset(seed=1)
    assert env.driver_env.current_step == 0


def test_map_provider_gives_fresh_maps_per_episode():
    maps = [
        parse_ascii_map("#####\n#@..#\n#####"),
        parse_ascii_map("#####\n#.@.#\n#####"),
        parse_ascii_map("#####\n#..@#\n#####"),
    ]
    calls = []

    def provider(game: int) -> tuple[GameConfig, np.ndarray]:
        calls.append(game)
        return GameConfig(max_steps=2), maps[(len(calls) - 1) % 3]

    env = MettaGridVecEnv(map_provider=provider, num_envs=1, num_threads=1)
    assert calls == [0]
    env.reset(seed=0)
    assert calls == [0, 0]  # the next episode's map is prepared outside the native step
    assert env.driver_env.render() == "#####\n#0..#\n#####"
    noop = np.zeros((1, 2), dtype=np.int32)
    env.step(noop)
    _, _, _, truncations, infos = env.step(noop)
    assert truncations.all()
    assert len(infos) == 1
    assert calls == [0, 0, 0]
    assert env.driver_env.render() == "#####\n#.0.#\n#####"
    env.step(noop)
    env.step(noop)
    assert env.driver_env.render() == "#####\n#..0#\n#####"


def test_map_provider_agent_count_must_match():
    maps = iter([parse_ascii_map("####\n#@@#\n####"), parse_ascii_map("####\n#@.#\n####")])
    env = MettaGridVecEnv(map_provider=lambda _: (GameConfig(max_steps=1), next(maps)), num_envs=1)
    with pytest.raises(ValueError, match="map: has 1 agents, this game has 2"):
        env.reset()


def test_single_env_matches_batched_game():
    grid = load_ascii_map(BENCH_MAP) if BENCH_MAP.exists() else SMALL
    config = GameConfig(max_steps=0)
    vec = MettaGridVecEnv(config, grid, num_envs=1, num_threads=1)
    single = MettaGridEnv(config, grid)
    actions = random_actions(vec, 30, seed=3)
    obs_vec, rewards_vec, _ = rollout(vec, actions, seed=8)
    obs, _ = single.reset(seed=8)
    np.testing.assert_array_equal(obs, obs_vec[0])
    for t, step_actions in enumerate(actions):
        obs, rewards, _, _, _ = single.step(step_actions)
        np.testing.assert_array_equal(obs, obs_vec[t + 1])
        np.testing.assert_array_equal(rewards, rewards_vec[t])


# Golden trajectory: pins the exact engine behaviour (rules, token order, RNG, shuffle) so that a
# refactor or another platform cannot change it silently. After an intended rule change,
# regenerate from the repository root with
#   python -c "import sys; sys.path.insert(0, 'tests/mettagrid'); import test_mettagrid_vec_env as t
#   print(t.digest())"   (one line, ';' between the statements) and update GOLDEN.
GOLDEN = "573a24713dd2ff4ad434f251348f273384ac9d9533fef892eb117f5ad993b57a"


def digest() -> str:
    """sha256 of observations, rewards and truncations of a fixed 120-step rollout."""
    env = MettaGridVecEnv(GameConfig(max_steps=50), SMALL, num_envs=2, num_threads=1)
    actions = random_actions(env, 120, seed=123)
    obs, rewards, truncations = rollout(env, actions, seed=77)
    return hashlib.sha256(obs.tobytes() + rewards.tobytes() + truncations.tobytes()).hexdigest()


def test_golden_trajectory():
    assert digest() == GOLDEN


def test_game_view_shows_each_games_own_map():
    grids = [parse_ascii_map("#####\n#@..#\n#####"), parse_ascii_map("#####\n#..@#\n#####")]
    env = MettaGridVecEnv(
        map_provider=lambda game: (GameConfig(max_steps=50), grids[game]), num_envs=2, num_threads=1
    )
    assert env.game_view(0).render() == env.driver_env.render() == "#####\n#0..#\n#####"
    assert env.game_view(1).render() == "#####\n#..0#\n#####"
    with pytest.raises(IndexError, match=r"game must be in \[0, 2\), got 2"):
        env.game_view(2)
