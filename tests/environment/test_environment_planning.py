"""The curriculum env prepares every episode on its planner: each task's game config is compiled
once, and what the engine gets is exactly what the plain map-provider path would give it."""

import numpy as np
import pytest

from metta.mettagrid import vec_env
from metta.mettagrid.config import GameConfig
from metta.mettagrid.curriculum import RandomCurriculum
from metta.mettagrid.env_config import EnvConfig
from metta.mettagrid.environment import Environment
from metta.mettagrid.maps import RandomRoomConfig, build_map
from metta.mettagrid.vec_env import MettaGridVecEnv

CURRICULUM_KEYS = {"task", "task_reward", "map_reward", "task_completions", "curriculum"}


def room(max_steps: int, num_agents: int | None = 2) -> EnvConfig:
    return EnvConfig(
        game=GameConfig(num_agents=num_agents, max_steps=max_steps),
        map_builder=RandomRoomConfig(width=7, height=6, agents=2, objects={"altar": 3}),
    )


def random_actions(env, rng):
    types = rng.integers(0, len(env.action_names), env.num_agents)
    limits = np.asarray(env.max_action_args)[types] + 1
    args = (rng.random(env.num_agents) * limits).astype(np.int64)
    return np.stack([types, args], axis=1).astype(np.int32)


def play(env, steps):
    rng = np.random.default_rng(4)
    infos, frames = [], []
    for _ in range(steps):
        obs, rewards, _, truncations, step_infos = env.step(random_actions(env, rng))
        frames.append((obs.copy(), rewards.copy(), truncations.copy()))
        infos += step_infos
    return infos, frames


@pytest.fixture
def counted(monkeypatch):
    """Counts game compilations and GameConfig JSON dumps (the compile cache's key)."""
    counts = {"compile": 0, "json": 0}
    compile_game, dump_json = vec_env.compile_game, GameConfig.model_dump_json

    def counting_compile(config):
        counts["compile"] += 1
        return compile_game(config)

    def counting_dump(self, *args, **kwargs):
        counts["json"] += 1
        return dump_json(self, *args, **kwargs)

    monkeypatch.setattr(vec_env, "compile_game", counting_compile)
    monkeypatch.setattr(GameConfig, "model_dump_json", counting_dump)
    return counts


def test_episodes_of_one_task_reuse_its_compiled_config(counted):
    env = Environment(env_config=room(max_steps=4), num_agents=2, num_envs=2, is_training=False)
    env.reset()
    infos, _ = play(env, 24)
    env.close()
    assert len(infos) == 12
    assert counted == {"compile": 1, "json": 1}


def test_each_task_has_its_own_compiled_config(counted):
    tasks = {"short": room(max_steps=3), "long": room(max_steps=5)}
    curriculum = RandomCurriculum(tasks, seed=1)
    env = Environment(curriculum=curriculum, num_agents=2, num_envs=2, is_training=False)
    env.reset()
    infos, _ = play(env, 40)
    env.close()
    lengths = {info["task"]: info["episode_length"] for info in infos}
    assert lengths == {"short:short": 3, "long:long": 5}
    assert counted == {"compile": 2, "json": 2}


def test_a_task_that_leaves_num_agents_open_is_completed_once(counted):
    config = room(max_steps=3, num_agents=None)
    env = Environment(env_config=config, num_agents=2, num_envs=2, is_training=False)
    env.reset()
    first = env.configs[0]
    play(env, 10)
    assert first.num_agents == 2
    assert env.configs[0] is first
    assert env.configs[1] is first
    assert config.game.num_agents is None  # the task's own config is left as it was
    assert counted["compile"] == 1
    env.close()


class ProvidedMaps:
    """The plain path: a map provider building the maps Environment builds, from (seed, game,
    episode), handed to MettaGridVecEnv to compile and encode."""

    def __init__(self, config: EnvConfig, seed: int) -> None:
        self.config, self.seed, self.episodes = config, seed, {}

    def __call__(self, game):
        episode = self.episodes.setdefault(game, 0)
        self.episodes[game] += 1
        rng = np.random.default_rng([self.seed, game, episode])
        return self.config.game, build_map(self.config.map_builder, seed=rng).grid


def test_infos_and_frames_match_the_map_provider_path():
    config = room(max_steps=5)
    env = Environment(env_config=config, num_agents=2, num_envs=3, seed=3, is_training=False)
    plain = MettaGridVecEnv(map_provider=ProvidedMaps(config, 3), num_envs=3, seed=3)
    env.reset()
    plain.reset()
    infos, frames = play(env, 23)
    plain_infos, plain_frames = play(plain, 23)
    env.close()
    plain.close()
    assert len(infos) == len(plain_infos) == 12
    for ours, theirs in zip(frames, plain_frames, strict=True):
        for a, b in zip(ours, theirs, strict=True):
            np.testing.assert_array_equal(a, b)
    for info, plain_info in zip(infos, plain_infos, strict=True):
        assert set(info) == set(plain_info) | CURRICULUM_KEYS | {"curriculum_task_probs"}
        for key, value in plain_info.items():
            np.testing.assert_equal(info[key], value)
        score = plain_info["episode_return"]
        assert info["task"] == "env"
        assert info["task_reward"] == {"env": {"rewards.mean": score}}
        assert info["map_reward"] == {"small": score}
        assert info["curriculum_task_probs"] == {"env": 1.0}
