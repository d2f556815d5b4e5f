"""metta.api.Environment: every argument has an effect or is refused; curricula get scores back."""

import numpy as np
import pytest
import torch

from metta.mettagrid.builtin_envs import (
    CURRICULUM_PATHS,
    ENV_PATHS,
    SINGLE_AGENT_PATHS,
    env_config,
)
from metta.mettagrid.curriculum import RandomCurriculum
from metta.mettagrid.env_config import EnvConfig
from metta.mettagrid.environment import Environment
from metta.mettagrid.maps import RandomRoomConfig

SHORT = {"game": {"max_steps": 12}}


def random_actions(env, rng):
    types = rng.integers(0, len(env.action_names), env.num_agents)
    limits = np.asarray(env.max_action_args)[types] + 1
    args = (rng.random(env.num_agents) * limits).astype(np.int64)
    return np.stack([types, args], axis=1).astype(np.int32)


def run_steps(env, steps, seed=0):
    rng = np.random.default_rng(seed)
    episodes = []
    for _ in range(steps):
        _, _, _, _, infos = env.step(random_actions(env, rng))
        episodes += infos
    return episodes


def test_sizes_follow_num_agents_num_envs_width_and_height():
    env = Environment(num_agents=3, width=14, height=10, num_envs=5, is_training=False)
    obs, infos = env.reset()
    assert obs.shape == (15, 200, 3)
    assert obs.dtype == np.uint8
    assert infos == []
    assert env.num_agents == 15
    assert env.num_envs == 5
    assert env.agents_per_env == 3
    assert (env.driver_env.map_width, env.driver_env.map_height) == (14, 10)
    env.close()


def test_num_workers_sets_the_thread_count_and_device_is_kept():
    env = Environment(num_envs=4, num_workers=2, device="cpu")
    assert env.num_threads == 2
    assert env.device == "cpu"
    env.close()
    env = Environment(device=torch.device("cpu"))
    assert env.device == "cpu"  # kept as a device string: the env never imports torch
    env.close()


def test_same_seed_same_trajectory_other_seed_differs():
    def trajectory(seed):
        env = Environment(num_envs=2, seed=seed, env_overrides=SHORT)
        env.reset()
        rng = np.random.default_rng(5)
        frames = [env.step(random_actions(env, rng))[0].copy() for _ in range(30)]
        env.close()
        return np.stack(frames)

    assert np.array_equal(trajectory(3), trajectory(3))
    assert not np.array_equal(trajectory(3), trajectory(4))


def test_overrides_change_the_episode_length_and_scores_reach_the_curriculum():
    env = Environment(num_envs=2, is_training=False, env_overrides=SHORT)
    env.reset()
    episodes = run_steps(env, 24)
    assert len(episodes) == 4
    assert {e["episode_length"] for e in episodes} == {12}
    assert env.curriculum.stats()["num_completed"] == 4
    last = episodes[-1]
    assert last["task"] == "env"
    assert last["task_reward"] == {"env": {"rewards.mean": last["episode_return"]}}
    assert last["map_reward"] == {"small": last["episode_return"]}
    assert last["curriculum_task_probs"] == {"env": 1.0}
    env.close()


def test_training_staggers_first_episodes_and_does_not_score_them():
    env = Environment(num_envs=8, is_training=True, env_overrides={"game": {"max_steps": 50}})
    env.reset()
    episodes = run_steps(env, 50)
    first = [e for e in episodes if e.get("desync_episode")]
    assert len(first) == 8
    assert len({e["episode_length"] for e in first}) > 1
    assert all(1 <= e["episode_length"] <= 50 for e in first)
    assert "task_reward" not in first[0]
    assert "map_reward" not in first[0]
    env.close()


def test_a_new_environment_steps_without_an_explicit_reset():
    # The seed's flow goes straight from Environment(...) to rollout steps (recv first): the env
    # resets itself on first use, staggers, and scores every later episode.
    env = Environment(num_envs=4, is_training=True, env_overrides={"game": {"max_steps": 10}})
    obs, rewards, _, _, infos = env.recv()
    assert obs.shape[0] == env.num_agents
    assert not rewards.any()
    assert infos == []
    env.send(random_actions(env, np.random.default_rng(0)))
    env.recv()
    episodes = run_steps(env, 30)
    assert sum(bool(e.get("desync_episode")) for e in episodes) == 4
    assert sum("task_reward" in e for e in episodes) >= 8
    env.close()


def test_env_config_as_model_or_dict():
    room = RandomRoomConfig(width=9, height=9, agents=2, objects={"altar": 2})
    config = EnvConfig(map_builder=room)
    for given in (config, config.model_dump()):
        env = Environment(env_config=given, num_agents=2, env_overrides=SHORT)
        assert env.num_agents == 2
        assert env.driver_env.map_width == 11  # 9 inner cells and the wall border
        env.close()


def test_a_custom_curriculum_is_used():
    small = EnvConfig(map_builder=RandomRoomConfig(width=8, height=8, agents=1, objects={}))
    large = EnvConfig(map_builder=RandomRoomConfig(width=20, height=20, agents=1, objects={}))
    short = {"game": {"max_steps": 5}}
    tasks = {
        "small": small.model_copy(
            update={"game": env_config("/env/mettagrid/simple", short, num_agents=1).game}
        ),
        "large": large.model_copy(
            update={"game": env_config("/env/mettagrid/simple", short, num_agents=1).game}
        ),
    }
    curriculum = RandomCurriculum(tasks, weights={"small": 1.0, "large": 0.0}, seed=0)
    env = Environment(curriculum=curriculum, num_agents=1, num_envs=2, is_training=False)
    env.reset()
    episodes = run_steps(env, 10)
    assert {e["task"] for e in episodes} == {"small:small"}  # parent key : leaf task id
    env.close()


@pytest.mark.parametrize("path", sorted([*ENV_PATHS, *CURRICULUM_PATHS]))
def test_every_builtin_path_plays_a_full_episode(path):
    agents = 1 if path in SINGLE_AGENT_PATHS else 4
    env = Environment(
        curriculum_path=path, num_agents=agents, num_envs=2, is_training=False, env_overrides=SHORT
    )
    env.reset()
    episodes = run_steps(env, 12)
    assert len(episodes) == 2
    assert all(e["episode_length"] == 12 for e in episodes)
    env.close()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"batch_size": 3, "num_envs": 2}, ValueError, "batch_size=3 must equal num_envs=2"),
        ({"async_factor": 2}, TypeError, "async_factor .the native engine steps every game"),
        ({"colour": "red"}, TypeError, "colour .not an Environment argument"),
        ({"num_agents": 0}, ValueError, "num_agents must be >= 1"),
        ({"num_envs": 0}, ValueError, "num_envs must be >= 1"),
        (
            {"curriculum_path": "/env/nowhere"},
            ValueError,
            "unknown environment path '/env/nowhere'",
        ),
        (
            {"env_overrides": {"game": {"max_stepz": 3}}},
            ValueError,
            "unknown field 'game.max_stepz'",
        ),
        ({"env_overrides": {"game.max_steps": -1}}, ValueError, "max_steps"),
        (
            {"curriculum_path": "/env/mettagrid/simple", "env_config": EnvConfig()},
            ValueError,
            "at most one of",
        ),
        (
            {"curriculum_path": "/env/mettagrid/simple", "width": 64},
            ValueError,
            "width/height size the default room only",
        ),
        ({"env_config": EnvConfig(), "height": 20}, ValueError, "width/height size the default"),
        ({"width": 0}, ValueError, "width must be >= 1"),
    ],
)
def test_bad_arguments_are_refused_by_name(kwargs, error, match):
    with pytest.raises(error, match=match):
        Environment(**kwargs)


def test_unknown_path_lists_the_known_ones():
    with pytest.raises(ValueError, match="/env/mettagrid/curriculum/navigation/bucketed"):
        Environment(curriculum_path="/env/typo")


def test_tasks_whose_maps_disagree_on_agent_count_are_refused():
    config = EnvConfig(map_builder=RandomRoomConfig(width=9, height=9, agents=3, objects={}))
    with pytest.raises(ValueError, match="its map holds 3 agents, but the environment has 2"):
        Environment(env_config=config, num_agents=2)


def test_adaptive_curriculum_runs_repeat_exactly():
    def tasks_and_frames():
        env = Environment(
            curriculum_path="/env/mettagrid/curriculum/navigation/rooms",
            num_envs=4,
            seed=11,
            env_overrides={"game": {"max_steps": 6}},
        )
        env.reset()
        rng = np.random.default_rng(2)
        tasks, frames = [], []
        for _ in range(60):
            obs, _, _, _, infos = env.step(random_actions(env, rng))
            tasks += [info["task"] for info in infos]
            frames.append(obs.copy())
        env.close()
        return tasks, np.stack(frames)

    (tasks_a, frames_a), (tasks_b, frames_b) = tasks_and_frames(), tasks_and_frames()
    assert len(tasks_a) > 20
    assert len(set(tasks_a)) > 3
    assert tasks_a == tasks_b
    assert np.array_equal(frames_a, frames_b)


def test_a_dropped_environment_stops_its_map_builder_thread():
    import gc  # noqa: PLC0415
    import threading  # noqa: PLC0415

    def builders() -> int:
        return sum(thread.name == "EpisodePlanner" for thread in threading.enumerate())

    before = builders()
    env = Environment(num_envs=2, env_overrides=SHORT)
    assert builders() == before + 1
    del env
    gc.collect()
    assert builders() == before


def test_reset_with_a_seed_repeats_the_maps_whatever_came_before():
    def hashes(env):
        return [env.game_view(game).initial_grid_hash for game in range(env.num_envs)]

    def first_maps(env, seed):
        env.reset(seed=seed)
        seen = [hashes(env)]
        run_steps(env, 30)  # 12-step episodes: every game moves on to new maps
        seen.append(hashes(env))
        return seen

    kwargs = {"curriculum_path": "/env/mettagrid/simple", "num_envs": 3, "env_overrides": SHORT}
    fresh, used = Environment(**kwargs), Environment(**kwargs)
    run_steps(used, 50)
    assert first_maps(fresh, 7) == first_maps(used, 7)
    assert first_maps(fresh, 7) == first_maps(fresh, 7)
    assert first_maps(fresh, 8)[0] != first_maps(fresh, 7)[0]
    with pytest.raises(ValueError, match="seed: must be in"):
        fresh.reset(seed=-1)
    fresh.close()
    used.close()


def test_seeded_resets_of_a_random_curriculum_repeat():
    def hashes(env):
        return [env.game_view(game).initial_grid_hash for game in range(env.num_envs)]

    def make(seed):
        path = "/env/mettagrid/curriculum/navigation/rooms"
        return Environment(curriculum_path=path, num_envs=3, seed=seed, env_overrides=SHORT)

    first, other = make(1), make(2)
    first.reset(seed=7)
    once = hashes(first)
    first.reset(seed=7)
    assert hashes(first) == once
    other.reset(seed=7)  # another constructor seed, same reset seed: same draws and maps
    assert hashes(other) == once
    first.close()
    other.close()
