"""Simulation and SimulationSuite: episodes, stats, replays; the caller's policy is left alone."""

import pytest

from metta.agent import make_policy
from metta.mettagrid.environment import Environment
from metta.mettagrid.replays import load_replay, value_at
from metta.sim.simulation import Simulation, SimulationSuite
from metta.sim.simulation_config import SimulationSuiteConfig, SingleEnvSimulationConfig
from metta.sim.stats_db import EvalStatsDB

SHORT = {"game": {"max_steps": 8}}


@pytest.fixture(scope="module")
def policy():
    env = Environment(num_agents=2, width=10, height=10, env_overrides=SHORT)
    agent = make_policy(env, "fast", seed=0)
    env.close()
    return agent


def simple(**kwargs):
    fields = {"env": "/env/mettagrid/simple", "num_agents": 2, "env_overrides": SHORT}
    return SingleEnvSimulationConfig(**{**fields, **kwargs})


def test_simulation_finishes_the_requested_episodes(policy, tmp_path):
    with EvalStatsDB(tmp_path / "stats.sqlite") as db:
        results = Simulation(
            "simple/a", simple(num_episodes=3), policy, stats_db=db, policy_uri="file://p.pt"
        ).run()
        assert len(results.episode_returns) == 3
        assert results.episode_lengths == [8, 8, 8]
        assert not results.timed_out
        assert db.episode_count("file://p.pt") == 3
        scores = db.simulation_scores("file://p.pt")
        assert scores["simple/a"] == pytest.approx(results.mean_return)


def test_replay_of_the_first_episode_is_written(policy, tmp_path):
    results = Simulation("simple/replayed", simple(), policy, replay_dir=tmp_path).run()
    assert results.replay_path == tmp_path / "simple_replayed.json.gz"
    replay = load_replay(results.replay_path)
    assert replay["steps"] == 7  # the step that ends the episode starts the next one
    assert replay["num_agents"] == 2
    agents = [o for o in replay["grid_objects"] if "agent_id" in o]
    assert len(agents) == 2
    assert value_at(agents[0]["r"], 0) is not None


def test_the_callers_policy_keeps_its_action_mapping(policy):
    before = list(policy.action_names)
    navigation = simple(env="/env/mettagrid/navigation/evals/terrain_small", num_agents=4)
    Simulation("navigation/terrain_small", navigation, policy).run()
    assert policy.action_names == before


def test_suite_runs_every_simulation_with_suite_defaults(policy, tmp_path):
    suite = SimulationSuiteConfig(
        num_episodes=2,
        simulations={"simple/x": simple(), "simple/y": simple(num_episodes=1, seed=3)},
    )
    with EvalStatsDB(tmp_path / "stats.sqlite") as db:
        results = SimulationSuite(suite, policy, stats_db=db, policy_uri="file://p.pt").run()
        assert {name: len(r.episode_returns) for name, r in results.items()} == {
            "simple/x": 2,
            "simple/y": 1,
        }
        assert set(db.category_scores("file://p.pt")) == {"simple"}


def test_time_budget_stops_early(policy):
    config = simple(num_episodes=1000, max_time_s=0.2)
    results = Simulation("simple/slow", config, policy).run()
    assert results.timed_out
    assert len(results.episode_returns) < 1000


def test_suite_config_refuses_bad_names_and_fields():
    with pytest.raises(ValueError, match="bad simulation name"):
        SimulationSuiteConfig(simulations={"/abs": SingleEnvSimulationConfig()})
    with pytest.raises(ValueError, match="num_episodez"):
        SingleEnvSimulationConfig(num_episodez=3)


def test_suite_defaults_yield_to_the_simulation():
    suite = SimulationSuiteConfig(
        num_episodes=5,
        env_overrides={"game": {"max_steps": 10, "obs_width": 9}},
        simulations={
            "a/b": SingleEnvSimulationConfig(
                num_episodes=2, env_overrides={"game": {"max_steps": 3}}
            )
        },
    )
    child = suite.simulations["a/b"]
    assert child.num_episodes == 2
    assert child.env_overrides == {"game": {"max_steps": 3, "obs_width": 9}}


def test_a_timed_out_simulation_keeps_the_replay_recorded_so_far(policy, tmp_path):
    config = simple(num_episodes=1, max_time_s=0.05, env_overrides={"game": {"max_steps": 100000}})
    results = Simulation("simple/cut", config, policy, replay_dir=tmp_path).run()
    assert results.timed_out
    replay = load_replay(results.replay_path)
    assert replay["steps"] >= 0
    assert any("agent_id" in o for o in replay["grid_objects"])
