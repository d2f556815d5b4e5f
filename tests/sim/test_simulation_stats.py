"""A SimulationSuite files its episodes under its suite, env and policy in the stats database."""

import pytest

from metta.agent import make_policy
from metta.mettagrid.environment import Environment
from metta.sim.simulation import SimulationSuite
from metta.sim.simulation_config import SimulationSuiteConfig, SingleEnvSimulationConfig
from metta.sim.stats_db import EvalStatsDB

SHORT = {"game": {"max_steps": 8}}


def test_suite_episodes_carry_context_and_agent_policies(tmp_path):
    env = Environment(num_agents=2, width=10, height=10, env_overrides=SHORT)
    policy = make_policy(env, "fast", seed=0)
    env.close()
    simulation = SingleEnvSimulationConfig(
        env="/env/mettagrid/simple", num_agents=2, num_episodes=2, env_overrides=SHORT
    )
    suite = SimulationSuiteConfig(name="smoke", simulations={"simple/a": simulation})
    with EvalStatsDB(tmp_path / "stats.sqlite") as db:
        results = SimulationSuite(
            suite, policy, stats_db=db, policy_uri="file://p.pt", policy_epoch=7
        ).run()
        assert db.query("SELECT name, suite, env, policy_key, policy_version FROM simulations") == [
            {
                "name": "simple/a",
                "suite": "smoke",
                "env": "/env/mettagrid/simple",
                "policy_key": "file://p.pt",
                "policy_version": 7,
            }
        ]
        assert db.potential_samples_for_metric("file://p.pt", 7) == 4  # 2 episodes x 2 agents
        average = db.get_average_metric_by_filter(
            "reward", ("file://p.pt", 7), "sim_suite = ?", ["smoke"]
        )
        assert average == pytest.approx(results["simple/a"].mean_return)
