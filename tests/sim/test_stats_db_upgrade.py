"""EvalStatsDB opens files of the previous schema (version 0) and refuses unknown ones."""

import sqlite3

import pytest

from metta.sim.stats_db import SCHEMA_VERSION, EvalStatsDB

# The version-0 schema: one evaluated policy and simulation name per episode.
VERSION_0 = """
CREATE TABLE episodes (
    id TEXT PRIMARY KEY, simulation TEXT NOT NULL, policy_uri TEXT NOT NULL,
    policy_epoch INTEGER NOT NULL, num_agents INTEGER NOT NULL, step_count INTEGER NOT NULL,
    replay_path TEXT, created_at REAL NOT NULL
);
CREATE TABLE episode_attributes (
    episode_id TEXT NOT NULL REFERENCES episodes(id), attribute TEXT NOT NULL,
    value TEXT NOT NULL, PRIMARY KEY (episode_id, attribute)
);
CREATE TABLE agent_metrics (
    episode_id TEXT NOT NULL REFERENCES episodes(id), agent_id INTEGER NOT NULL,
    metric TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (episode_id, agent_id, metric)
);
CREATE INDEX episodes_by_policy ON episodes(policy_uri, simulation);
INSERT INTO episodes VALUES ('e1', 'nav/x', 'file://a.pt', 3, 4, 10, 'r1', 1.0);
INSERT INTO episodes VALUES ('e2', 'nav/y', 'file://a.pt', 3, 1, 10, NULL, 2.0);
INSERT INTO episode_attributes VALUES ('e1', 'env', '/env/nav');
INSERT INTO agent_metrics VALUES ('e1', 0, 'reward', 6.0);
INSERT INTO agent_metrics VALUES ('e1', 2, 'reward', 2.0);
INSERT INTO agent_metrics VALUES ('e2', 0, 'reward', 5.0);
"""


def test_a_version_0_file_is_upgraded_with_the_same_scores(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as connection:
        connection.executescript(VERSION_0)
    connection.close()
    with EvalStatsDB(path) as db:
        # e1 was scored over 4 agents: 0 and 2 with rewards, 1 and 3 counting as 0
        assert db.simulation_scores("file://a.pt") == {"nav/x": 2.0, "nav/y": 5.0}
        assert db.potential_samples_for_metric("file://a.pt", 3) == 5
        assert db.episode_count("file://a.pt") == 2
        assert db.get_replay_urls(env="/env/nav") == ["r1"]
        agents = db.query("SELECT agent_id FROM agent_policies WHERE episode_id = 'e1'")
        assert sorted(row["agent_id"] for row in agents) == [0, 1, 2, 3]
    with EvalStatsDB(path) as db:  # reopening finds the current schema
        assert db.query("PRAGMA user_version") == [{"user_version": SCHEMA_VERSION}]
        assert db.episode_count() == 2


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(ValueError, match=r"new\.sqlite: stats database schema version 2 is newer"):
        EvalStatsDB(path)


def test_another_database_with_an_episodes_table_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE episodes (x INTEGER)")
    connection.close()
    with pytest.raises(ValueError, match=r"other\.sqlite: not a metta stats database"):
        EvalStatsDB(path)
