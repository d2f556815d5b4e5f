"""The agent on real MettaGrid observations: the box matches a plain loop, and a rollout runs."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from agent_fixtures import small_agent_config

from metta.agent import PolicyState, make_policy

vec_env = pytest.importorskip("metta.mettagrid.vec_env")
config = pytest.importorskip("metta.mettagrid.config")
ascii_maps = pytest.importorskip("metta.mettagrid.maps.ascii")

MAP = "#######\n#@.m..#\n#..@._#\n#.@.n@#\n#######"


@pytest.fixture
def env():
    grid = ascii_maps.parse_ascii_map(MAP)
    env = vec_env.MettaGridVecEnv(config.GameConfig(), grid, num_envs=2, num_threads=1)
    yield env
    env.close()


def test_box_matches_a_plain_loop_and_rollout_runs(env) -> None:
    policy = make_policy(env, small_agent_config(), seed=0)
    obs, _ = env.reset(seed=3)
    state = PolicyState()
    for _ in range(3):
        with torch.no_grad():
            actions, _, _, value, _ = policy(torch.from_numpy(obs), state)
        assert actions.shape == (env.num_agents, 2)
        assert value.shape == (env.num_agents, 1)
        obs, *_ = env.step(actions.numpy())
    captured = {}
    handle = policy.components["_obs_"].register_forward_hook(
        lambda module, args, output: captured.update(box=output)
    )
    policy(torch.from_numpy(obs), PolicyState())
    handle.remove()
    # The policy numbers the env's features 0..n-1 in id order: one channel per feature.
    features = env.driver_env.get_observation_features()
    channel = {info["id"]: policy.original_feature_mapping[name] for name, info in features.items()}
    assert [channel[env_id] for env_id in sorted(channel)] == list(range(len(features)))
    assert channel[features["agent:visits"]["id"]] == len(features) - 1  # env id 201
    expected = np.zeros((env.num_agents, len(features), 11, 11), dtype=np.float32)
    for agent, tokens in enumerate(obs):
        for location, feature, value in tokens:
            if location != 0xFF:
                expected[agent, channel[feature], location >> 4, location & 15] = value
    assert np.count_nonzero(expected) > 0
    np.testing.assert_array_equal(captured["box"].numpy(), expected)
