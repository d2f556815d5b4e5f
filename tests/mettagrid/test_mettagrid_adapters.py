"""The gymnasium and PettingZoo adapters pass the ecosystems' own API checkers."""

from __future__ import annotations

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from pettingzoo.test import parallel_api_test

from metta.mettagrid.adapters import MettaGridParallelEnv, SingleAgentGymEnv
from metta.mettagrid.config import GameConfig
from metta.mettagrid.maps.ascii import parse_ascii_map


def test_gymnasium_check_env_single_agent():
    env = SingleAgentGymEnv(
        GameConfig(max_steps=50), parse_ascii_map("######\n#@.m.#\n#..n.#\n######")
    )
    check_env(env, skip_render_check=True)
    obs, info = env.reset(seed=3)
    assert obs.shape == (200, 3)
    assert info == {}
    obs, reward, terminated, truncated, _ = env.step(np.array([2, 3]))
    assert isinstance(reward, float)
    assert (terminated, truncated) == (False, False)


def test_gymnasium_wrapper_needs_one_agent():
    with pytest.raises(ValueError, match="exactly 1 agent, got 2"):
        SingleAgentGymEnv(GameConfig(), parse_ascii_map("####\n#@@#\n####"))


def test_pettingzoo_parallel_api_test():
    env = MettaGridParallelEnv(
        GameConfig(max_steps=40), parse_ascii_map("#######\n#@.@m.#\n#..@._#\n#######")
    )
    parallel_api_test(env, num_cycles=60)
    obs, _ = env.reset(seed=0)
    assert sorted(obs) == ["agent_0", "agent_1", "agent_2"]
    for _ in range(40):
        _, _, _, truncations, _ = env.step({agent: np.array([0, 0]) for agent in env.agents})
    assert all(truncations.values())
    assert env.agents == []
