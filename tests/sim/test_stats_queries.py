"""EvalStatsDB queries on a hand-worked example: two policies sharing episodes.

Episodes (agent: policy, metrics); A = file://a.pt, B = file://b.pt:
  nav/small, evaluating A v1, env /env/a:
    e1: 0 A1 {reward 2, hearts 1}, 1 A1 {reward 4}, 2 B3 {reward 10, hearts 5}   replay r1
    e2: 0 A1 {reward 1},           1 A1 {} (no rows), 2 B3 {reward 0}             no replay
  combat/duel, evaluating A v1, env /env/b:
    e3: 0 A1 {reward 3},           1 B3 {reward 7}                                replay r3
  nav/small, evaluating A v2, env /env/a:
    e4: 0 A2 {reward 100}                                                         replay r4
A v1 played 5 agent-episodes (4 in nav, 1 in combat); its rewards are 2, 4, 1, 0 (missing), 3.
"""

import math

import pytest

from metta.agent.policy_record import PolicyRecord
from metta.sim.stats_db import EvalStatsDB, PolicyEvalMetric

A, B = "file://a.pt", "file://b.pt"
A1, A2, B3 = (A, 1), (A, 2), (B, 3)
NAV = "sim_name LIKE 'nav/%'"


def episode(db, simulation, env, epoch, agents, replay=None):
    """agents: [(policy, metrics)], agent ids in order."""
    return db.record_episode(
        simulation=simulation,
        policy_uri=A,
        policy_epoch=epoch,
        step_count=5,
        agent_metrics={agent: metrics for agent, (_, metrics) in enumerate(agents)},
        agent_policies={agent: policy for agent, (policy, _) in enumerate(agents)},
        replay_path=replay,
        suite="suite",
        env=env,
    )


@pytest.fixture
def db(tmp_path):
    with EvalStatsDB(tmp_path / "stats.sqlite") as database:
        e1 = [
            (A1, {"reward": 2, "hearts": 1}),
            (A1, {"reward": 4}),
            (B3, {"reward": 10, "hearts": 5}),
        ]
        episode(database, "nav/small", "/env/a", 1, e1, replay="r1")
        episode(
            database, "nav/small", "/env/a", 1, [(A1, {"reward": 1}), (A1, {}), (B3, {"reward": 0})]
        )
        episode(
            database, "combat/duel", "/env/b", 1, [(A1, {"reward": 3}), (B3, {"reward": 7})], "r3"
        )
        episode(database, "nav/small", "/env/a", 2, [(A2, {"reward": 100})], replay="r4")
        yield database


def test_potential_samples_count_agents_without_metric_rows(db):
    assert db.potential_samples_for_metric(A, 1) == 5
    assert db.potential_samples_for_metric(A, 1, NAV) == 4
    assert db.potential_samples_for_metric(A, None) == 6  # every version
    assert db.potential_samples_for_metric(B, 3) == 3
    assert db.potential_samples_for_metric("file://nobody.pt", 1) == 0


def test_count_metric_agents_counts_recorded_rows(db):
    assert db.count_metric_agents(A, 1, "reward") == 4  # e2's agent 1 has no row
    assert db.count_metric_agents(A, 1, "hearts") == 1
    assert db.count_metric_agents(B, 3, "reward") == 3  # a recorded 0 is a row
    assert db.count_metric_agents(A, 1, "reward", NAV) == 3


def test_sums_and_normalised_averages(db):
    assert db.get_sum_metric_by_filter("reward", A1) == 10.0
    assert db.get_average_metric_by_filter("reward", A1) == 2.0
    assert db.get_sum_metric_by_filter("reward", A1, NAV) == 7.0
    assert db.get_average_metric_by_filter("reward", A1, NAV) == 7.0 / 4
    assert db.get_average_metric_by_filter("hearts", A1) == 1.0 / 5
    assert db.get_sum_metric_by_filter("reward", B3) == 17.0
    assert db.get_average_metric_by_filter("reward", B3) == 17.0 / 3
    # rewards 2, 4, 1, 0, 3: mean 2, mean of squares 30 / 5
    assert db.get_std_metric_by_filter("reward", A1) == pytest.approx(math.sqrt(2.0))


def test_unknown_metric_is_zero_and_unknown_policy_is_none(db):
    assert db.get_sum_metric_by_filter("no_such_metric", A1) == 0.0
    assert db.get_average_metric_by_filter("no_such_metric", A1) == 0.0
    assert db.get_average_metric_by_filter("reward", ("file://nobody.pt", 1)) is None
    assert db.get_sum_metric_by_filter("reward", A1, "sim_name = 'missing'") is None


def test_policy_records_are_keyed_by_uri_and_epoch(db):
    record = PolicyRecord(None, "run", A, {"epoch": 2})
    assert db.get_average_metric_by_filter("reward", record) == 100.0
    with pytest.raises(ValueError, match="expected a PolicyRecord with a uri"):
        db.get_average_metric_by_filter("reward", object())


def test_a_filter_with_or_stays_inside_the_policy(db):
    either = "sim_name = 'nav/small' OR sim_name = 'combat/duel'"
    assert db.potential_samples_for_metric(B, 3, either) == 3
    assert db.get_sum_metric_by_filter("reward", B3, either) == 17.0


def test_filter_parameters(db):
    assert db.potential_samples_for_metric(A, 1, "sim_env = ?", ["/env/b"]) == 1
    assert db.get_average_metric_by_filter("reward", A1, "sim_env = ?", ["/env/b"]) == 3.0
    assert db.count_metric_agents(A, 1, "reward", "sim_suite = ?", ["suite"]) == 4


def test_a_bad_filter_is_named(db):
    with pytest.raises(
        ValueError, match=r"bad filter_condition 'no_such_column = 1'.*no such column"
    ):
        db.get_average_metric_by_filter("reward", A1, "no_such_column = 1")
    with pytest.raises(ValueError, match="bad filter_condition"):
        db.potential_samples_for_metric(A, 1, "sim_env = ?")  # a placeholder without a value


def test_metric_by_policy_eval(db):
    assert db.metric_by_policy_eval("reward") == [
        PolicyEvalMetric("file://a.pt:v1", "combat/duel", 3.0),
        PolicyEvalMetric("file://a.pt:v1", "nav/small", 7.0 / 4),
        PolicyEvalMetric("file://a.pt:v2", "nav/small", 100.0),
        PolicyEvalMetric("file://b.pt:v3", "combat/duel", 7.0),
        PolicyEvalMetric("file://b.pt:v3", "nav/small", 5.0),
    ]
    assert db.metric_by_policy_eval("hearts", A1) == [
        PolicyEvalMetric("file://a.pt:v1", "combat/duel", 0.0),
        PolicyEvalMetric("file://a.pt:v1", "nav/small", 1.0 / 4),
    ]


def test_agent_policy_mapping_with_two_policies_in_one_episode(db):
    rows = db.query(
        "SELECT agent_id, policy_key, policy_version FROM agent_policies ap "
        "JOIN episodes e ON e.id = ap.episode_id WHERE e.replay_url = ? ORDER BY agent_id",
        ["r1"],
    )
    assert rows == [
        {"agent_id": 0, "policy_key": A, "policy_version": 1},
        {"agent_id": 1, "policy_key": A, "policy_version": 1},
        {"agent_id": 2, "policy_key": B, "policy_version": 3},
    ]
    # B played as a non-evaluated policy in A's simulations; its scores come from its own agents
    assert db.simulation_scores(B) == {"combat/duel": 7.0, "nav/small": 5.0}
    assert db.episode_count(B) == 0  # no simulation evaluated B
    assert db.episode_count(A) == 4


def test_scores_per_simulation_and_category(db):
    assert db.simulation_scores(A, policy_epoch=1) == {"combat/duel": 3.0, "nav/small": 1.75}
    assert db.category_scores(A, policy_epoch=1) == {"combat": 3.0, "nav": 1.75}
    assert db.average_metric("reward", A, policy_epoch=1, simulation_prefix="nav/") == 1.75
    assert db.average_metric("reward", A) == 110.0 / 6


def test_replay_urls_per_episode(db):
    assert db.get_replay_urls() == ["r1", "r3", "r4"]
    assert db.get_replay_urls(policy_key=A, policy_version=1) == ["r1", "r3"]
    assert db.get_replay_urls(env="/env/a") == ["r1", "r4"]
    assert db.get_replay_urls(policy_key=A, policy_version=1, env="/env/b") == ["r3"]
    assert db.get_replay_urls(policy_key=B) == []


def test_policy_uris(db):
    assert db.get_all_policy_uris() == ["file://a.pt:v1", "file://a.pt:v2"]


def test_record_episode_refuses_num_agents_with_a_mapping(db):
    with pytest.raises(ValueError, match="give num_agents or agent_policies, not both"):
        db.record_episode(
            simulation="x",
            policy_uri=A,
            policy_epoch=1,
            step_count=1,
            agent_metrics={},
            num_agents=2,
            agent_policies={0: A1},
        )
