"""Simulations report the policy's reward next to the random policy's and the oracle's, and the
oracle-normalized score; suites add the mean over their maps."""

import math

import pytest

from metta.agent import make_policy
from metta.mettagrid.environment import Environment
from metta.rl.run_config import navigation_evaluation
from metta.sim.baselines import Baselines, navigation_baselines
from metta.sim.simulation import Simulation, SimulationResults, SimulationSuite, suite_scores
from metta.sim.simulation_config import SingleEnvSimulationConfig

QUICK_ROOM = "/env/mettagrid/navigation/evals/quick_room"
QUICK_WALL = "/env/mettagrid/navigation/evals/quick_wall"


@pytest.fixture(scope="module")
def policy():
    env = Environment(curriculum_path=QUICK_ROOM, num_agents=1, num_envs=1)
    agent = make_policy(env, "small", seed=0)
    env.close()
    return agent


def test_a_one_agent_simulation_reports_baselines_and_the_normalized_score(policy):
    config = SingleEnvSimulationConfig(env=QUICK_ROOM, num_agents=1, num_episodes=2)
    results = Simulation("navigation/quick_room", config, policy).run()
    assert results.baselines == navigation_baselines(QUICK_ROOM, {}, 0, episodes=8)
    assert results.baselines.oracle == 3.0  # three altars, each pays one heart
    scores = results.scores()
    assert set(scores) == {"reward", "random", "oracle", "normalized"}
    expected = (results.mean_return - scores["random"]) / (3.0 - scores["random"])
    assert scores["normalized"] == pytest.approx(expected)


def test_multi_agent_simulations_have_no_baselines_unless_asked():
    config = SingleEnvSimulationConfig(env="/env/mettagrid/simple", num_agents=2)
    assert not config.wants_baselines
    assert SingleEnvSimulationConfig(env=QUICK_ROOM, num_agents=1).wants_baselines
    assert not SingleEnvSimulationConfig(
        env=QUICK_ROOM, num_agents=1, baselines=False
    ).wants_baselines
    with pytest.raises(ValueError, match="baselines=True needs num_agents=1"):
        SingleEnvSimulationConfig(env="/env/mettagrid/simple", num_agents=2, baselines=True)


def test_normalized_score_is_nan_without_room_between_the_baselines():
    results = SimulationResults("x", episode_returns=[1.0], baselines=Baselines(1.0, 1.0))
    assert math.isnan(results.normalized_score)
    assert math.isnan(SimulationResults("y", episode_returns=[1.0]).normalized_score)


def test_suite_scores_flatten_every_simulation_and_average_the_normalized_scores():
    results = {
        "navigation/a": SimulationResults("a", [2.0, 1.0], baselines=Baselines(3.0, 0.0)),
        "navigation/b": SimulationResults("b", [1.0], baselines=Baselines(2.0, 1.0)),
        "navigation/c": SimulationResults("c", [1.0], baselines=Baselines(1.0, 1.0)),
        "room/d": SimulationResults("d", [4.0]),
    }
    scores = suite_scores(results)
    assert scores["navigation/a/normalized"] == pytest.approx(0.5)
    assert scores["navigation/b/normalized"] == pytest.approx(0.0)
    assert math.isnan(scores["navigation/c/normalized"])
    assert scores["room/d/reward"] == 4.0
    assert "room/d/normalized" not in scores
    assert scores["normalized_score/mean"] == pytest.approx(0.25)  # NaN maps are left out


def test_the_default_evaluation_is_the_navigation_suite(policy):
    suite = navigation_evaluation(num_episodes=1)
    assert len(suite.simulations) >= 15
    assert all(s.num_agents == 1 and s.wants_baselines for s in suite.simulations.values())
    two = suite.model_copy(
        update={"simulations": {k: suite.simulations[k] for k in list(suite.simulations)[:2]}}
    )
    scores = suite_scores(SimulationSuite(two, policy).run())
    assert {f"navigation/{name}/oracle" for name in ("quick_room", "quick_wall")} <= set(scores)
    assert math.isfinite(scores["normalized_score/mean"])
