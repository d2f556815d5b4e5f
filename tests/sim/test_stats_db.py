"""EvalStatsDB: normalised averages per simulation and category, persistence, bad files."""

import pytest

from metta.sim.stats_db import EvalStatsDB


def add(db, simulation, rewards, policy="file://a.pt", epoch=1, num_agents=None):
    return db.record_episode(
        simulation=simulation,
        policy_uri=policy,
        policy_epoch=epoch,
        step_count=10,
        agent_metrics={agent: {"reward": r} for agent, r in enumerate(rewards)},
        num_agents=num_agents,
        attributes={"seed": 3},
    )


@pytest.fixture
def db(tmp_path):
    with EvalStatsDB(tmp_path / "stats.sqlite") as database:
        yield database


def test_simulation_and_category_scores(db):
    add(db, "navigation/small", [1.0, 3.0])
    add(db, "navigation/small", [2.0, 2.0])
    add(db, "navigation/large", [4.0, 8.0])
    add(db, "combat", [10.0])
    assert db.simulation_scores("file://a.pt") == {
        "combat": 10.0,
        "navigation/large": 6.0,
        "navigation/small": 2.0,
    }
    # navigation: (1 + 3 + 2 + 2 + 4 + 8) / 6 agent-episodes
    assert db.category_scores("file://a.pt") == {"combat": 10.0, "navigation": 20.0 / 6}


def test_agents_without_a_metric_count_as_zero(db):
    add(db, "nav/x", [6.0, 2.0], num_agents=4)
    assert db.average_metric("reward", "file://a.pt") == 2.0


def test_scores_are_kept_apart_by_policy_and_epoch(db):
    add(db, "nav/x", [1.0], epoch=1)
    add(db, "nav/x", [3.0], epoch=2)
    add(db, "nav/x", [100.0], policy="file://b.pt")
    assert db.average_metric("reward", "file://a.pt") == 2.0
    assert db.average_metric("reward", "file://a.pt", policy_epoch=2) == 3.0
    assert db.simulation_scores("file://b.pt") == {"nav/x": 100.0}
    assert db.average_metric("reward", "file://missing.pt") is None


def test_prefix_filter(db):
    add(db, "nav/x", [1.0])
    add(db, "navy/y", [5.0])
    assert db.average_metric("reward", "file://a.pt", simulation_prefix="nav/") == 1.0


def test_episodes_survive_reopening(tmp_path):
    path = tmp_path / "stats.sqlite"
    with EvalStatsDB(path) as database:
        add(database, "nav/x", [1.0, 2.0])
    with EvalStatsDB(path) as database:
        assert database.episode_count() == 1
        assert database.episode_count("file://a.pt") == 1
        assert database.simulation_scores("file://a.pt") == {"nav/x": 1.5}


def test_bad_input_is_refused(db):
    with pytest.raises(ValueError, match="num_agents=1 is smaller than the 2 agents"):
        add(db, "nav/x", [1.0, 2.0], num_agents=1)
    with pytest.raises(ValueError, match="simulation name must not be empty"):
        add(db, "", [1.0])
    assert db.episode_count() == 0


def test_corrupt_file_is_named(tmp_path):
    path = tmp_path / "stats.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ValueError, match=r"stats\.sqlite: not a readable stats database"):
        EvalStatsDB(path)
