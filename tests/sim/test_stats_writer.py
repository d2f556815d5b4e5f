"""StatsWriter shards and their merge: per-process files, crash safety, pickling, export, errors."""

import logging
import multiprocessing
import os
import pickle
import re
import sqlite3

import pytest

from metta.sim.stats_db import EvalStatsDB
from metta.sim.stats_writer import StatsWriter

POLICY = ("file://p.pt", 5)


def record(writer, rewards, **kwargs):
    """One episode: agent i gets reward rewards[i]."""
    return writer.record_episode(
        kwargs.pop("episode_id", None),
        kwargs.pop("attributes", {"seed": 1}),
        {agent: {"reward": r} for agent, r in enumerate(rewards)},
        kwargs.pop("agent_groups", dict.fromkeys(range(len(rewards)), 0)),
        kwargs.pop("step_count", 10),
        **kwargs,
    )


def merge(directory, agent_map=None, sim_id="sim-1"):
    return EvalStatsDB.from_shards_and_context(
        sim_id, directory, agent_map, "nav/small", "suite", "/env/nav", POLICY
    )


def _record_in_child_then_die(writer: StatsWriter, episodes: int) -> None:
    """Runs in a spawned process: records episodes, then exits without closing the writer."""
    for index in range(episodes):
        record(writer, [float(index), 1.0], episode_id=f"child-{index}")
    os._exit(0)


def test_two_writers_in_one_directory_merge_into_one_database(tmp_path):
    first, second = StatsWriter(tmp_path), StatsWriter(tmp_path)
    assert first.path is None  # nothing is opened before the first episode
    for rewards in ([1.0, 2.0], [3.0, 4.0], [5.0, 6.0]):
        record(first, rewards)
    for rewards in ([10.0, 20.0], [30.0, 40.0]):
        record(second, rewards)
    assert first.path != second.path
    for path in (first.path, second.path):
        assert re.fullmatch(rf"{os.getpid()}_[0-9a-f]{{6}}\.sqlite", path.name)
    first.close()
    second.close()

    with merge(tmp_path) as db:
        assert db.path == tmp_path / "merged.sqlite"
        assert db.episode_count() == 5
        assert db.episode_count("file://p.pt") == 5
        assert db.potential_samples_for_metric(*POLICY) == 10
        assert db.get_sum_metric_by_filter("reward", POLICY) == 121.0
        assert db.get_average_metric_by_filter("reward", POLICY) == 12.1
        sims = db.query("SELECT DISTINCT simulation_id FROM episodes")
        assert sims == [{"simulation_id": "sim-1"}]
        assert db.query("SELECT id, name, suite, env, policy_key, policy_version FROM simulations")[
            0
        ] == {
            "id": "sim-1",
            "name": "nav/small",
            "suite": "suite",
            "env": "/env/nav",
            "policy_key": "file://p.pt",
            "policy_version": 5,
        }
        assert db.query("SELECT COUNT(*) AS n FROM episode_attributes")[0]["n"] == 5
        assert db.query("SELECT COUNT(*) AS n FROM agent_groups")[0]["n"] == 10


def test_a_spawned_child_writes_its_own_shard_and_a_crash_keeps_its_episodes(tmp_path):
    writer = StatsWriter(tmp_path)
    record(writer, [100.0, 100.0], episode_id="parent-0")  # the parent's shard is open
    child = multiprocessing.get_context("spawn").Process(
        target=_record_in_child_then_die, args=(writer, 2)
    )
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0
    shards = sorted(p.name for p in tmp_path.glob("*.sqlite"))
    assert len(shards) == 2
    assert writer.path.name in shards
    (child_shard,) = [name for name in shards if name != writer.path.name]
    assert not child_shard.startswith(f"{os.getpid()}_")

    # The parent's writer is still open (never closed): its committed episode is there too.
    with merge(tmp_path) as db:
        ids = [row["id"] for row in db.query("SELECT id FROM episodes ORDER BY id")]
        assert ids == ["child-0", "child-1", "parent-0"]
        # child rewards: (0 + 1) + (1 + 1); parent: 200
        assert db.get_sum_metric_by_filter("reward", POLICY) == 203.0
    writer.close()


def test_an_interrupted_writer_keeps_its_committed_episodes(tmp_path):
    writer = StatsWriter(tmp_path)
    record(writer, [1.0], episode_id="a")
    record(writer, [2.0], episode_id="b")
    with pytest.raises(ValueError, match="metric 'reward' of agent 0 is NaN"):
        record(writer, [float("nan")], episode_id="c")
    with pytest.raises(sqlite3.IntegrityError):
        record(writer, [3.0], episode_id="a")  # the same id twice: that episode is refused whole
    # merged while the writer is still open, as after a crash
    with merge(tmp_path) as db:
        assert db.episode_count() == 2
        assert db.get_sum_metric_by_filter("reward", POLICY) == 3.0
        assert db.potential_samples_for_metric(*POLICY) == 2
    writer.close()
    writer.close()  # harmless


def test_pickling_drops_the_open_shard(tmp_path):
    writer = StatsWriter(tmp_path)
    record(writer, [1.0])
    clone = pickle.loads(pickle.dumps(writer))
    assert clone.dir == writer.dir
    assert clone.path is None
    record(clone, [2.0])
    assert clone.path is not None
    assert clone.path != writer.path
    record(writer, [3.0])  # the original keeps writing to its own shard
    writer.close()
    clone.close()
    fresh = pickle.loads(pickle.dumps(StatsWriter(tmp_path / "unopened")))
    assert fresh.path is None
    with merge(tmp_path) as db:
        assert db.episode_count() == 3


def test_closing_then_recording_opens_a_new_shard(tmp_path):
    writer = StatsWriter(tmp_path)
    record(writer, [1.0])
    first = writer.path
    writer.close()
    assert writer.path is None
    with writer:
        record(writer, [2.0])
        assert writer.path not in (None, first)
    assert len(list(tmp_path.glob("*.sqlite"))) == 2


def test_episode_fields_are_kept(tmp_path):
    with StatsWriter(tmp_path) as writer:
        writer.record_episode(
            "e1",
            {"config": {"game": {"max_steps": 8}}, "task": "nav"},
            {0: {"reward": 1.5, "hearts": 2}},
            {0: 3},
            8,
            "file:///replays/e1.json.z",
            1000.0,
        )
    with merge(tmp_path) as db:
        episode = db.query("SELECT step_count, created_at, replay_url FROM episodes")[0]
        assert episode == {
            "step_count": 8,
            "created_at": 1000.0,
            "replay_url": "file:///replays/e1.json.z",
        }
        attributes = db.query("SELECT attribute, value FROM episode_attributes ORDER BY attribute")
        assert attributes == [
            {"attribute": "config.game.max_steps", "value": "8"},
            {"attribute": "task", "value": "nav"},
        ]
        assert db.query("SELECT agent_id, group_id FROM agent_groups") == [
            {"agent_id": 0, "group_id": 3}
        ]


def test_export_writes_atomically_and_accumulates(tmp_path):
    shards, dest = tmp_path / "shards", tmp_path / "out" / "eval.sqlite"
    with StatsWriter(shards) as writer:
        record(writer, [1.0, 3.0], episode_id="e1")
    with merge(shards) as db:
        db.export(dest)
        db.export(dest)  # exporting the same episodes again adds nothing
    with EvalStatsDB(dest) as exported:
        assert exported.episode_count() == 1
        assert exported.get_average_metric_by_filter("reward", POLICY) == 2.0

    more = tmp_path / "more"
    with StatsWriter(more) as writer:
        record(writer, [5.0], episode_id="e2")
    with merge(more, sim_id="sim-2") as db:
        db.export(dest)
        assert db.episode_count() == 1  # exporting leaves the source as it was
    with EvalStatsDB(dest) as exported:
        assert exported.episode_count() == 2
        assert exported.get_sum_metric_by_filter("reward", POLICY) == 9.0
        assert exported.get_all_policy_uris() == ["file://p.pt:v5"]
    assert sorted(p.name for p in dest.parent.iterdir()) == ["eval.sqlite"]


def test_merge_in_another_database(tmp_path):
    with EvalStatsDB(tmp_path / "a.sqlite") as a, EvalStatsDB(tmp_path / "b.sqlite") as b:
        a.record_episode(
            simulation="x/y", policy_uri="k", policy_epoch=1, step_count=1, agent_metrics={0: {}}
        )
        b.record_episode(
            simulation="x/z", policy_uri="k", policy_epoch=1, step_count=1, agent_metrics={0: {}}
        )
        a.merge_in(b)
        a.merge_in(b)
        a.merge_in(a)  # itself: nothing to do
        assert a.episode_count() == 2
        assert sorted(a.simulation_scores("k", "reward")) == ["x/y", "x/z"]


def test_no_shards_gives_an_empty_database(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="metta.sim.stats_db"), merge(tmp_path) as db:
        assert db.episode_count() == 0
    assert "no shards" in caplog.text


def test_a_missing_shard_directory_is_named(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError, match=r"nowhere: shard directory does not exist"):
        merge(missing)


def test_a_corrupted_shard_is_named(tmp_path):
    with StatsWriter(tmp_path) as writer:
        record(writer, [1.0])
    (tmp_path / "999_abcdef.sqlite").write_bytes(b"not a database" * 200)
    with pytest.raises(ValueError, match=r"999_abcdef\.sqlite: not a readable stats database"):
        merge(tmp_path)
    assert not (tmp_path / "merged.sqlite").exists()  # no half-merged result is left behind


def test_merge_in_a_missing_file_is_named(tmp_path):
    with EvalStatsDB(tmp_path / "a.sqlite") as db:
        with pytest.raises(FileNotFoundError, match=r"gone\.sqlite: no such stats database"):
            db.merge_in(tmp_path / "gone.sqlite")
        with pytest.raises(FileNotFoundError, match="no such stats database"):
            db.merge_in(tmp_path)  # a folder


def test_bad_policies_are_refused(tmp_path):
    with StatsWriter(tmp_path) as writer:
        with pytest.raises(ValueError, match="expected a PolicyRecord with a uri"):
            record(writer, [1.0], agent_policies={0: "file://p.pt"})
        with pytest.raises(ValueError, match=r"expected \(key, version\)"):
            record(writer, [1.0], agent_policies={0: ("file://p.pt",)})
        with pytest.raises(ValueError, match="step_count must be >= 0"):
            record(writer, [1.0], step_count=-1)


def test_merge_maps_agents_of_episodes_recorded_without_a_mapping(tmp_path):
    with StatsWriter(tmp_path) as writer:
        # its own mapping: two policies in one episode, kept by the merge
        record(writer, [1.0, 2.0], episode_id="mapped", agent_policies={0: POLICY, 1: ("b", 7)})
        # no mapping: agent_map applies, to the agents that have metric rows (0 and 1, not 2)
        record(writer, [3.0, 4.0], episode_id="unmapped")
    agent_map = {0: POLICY, 1: ("npc", 0), 2: ("npc", 0)}
    with merge(tmp_path, agent_map) as db:
        rows = db.query(
            "SELECT episode_id, agent_id, policy_key, policy_version FROM agent_policies "
            "ORDER BY episode_id, agent_id"
        )
        assert [tuple(row.values()) for row in rows] == [
            ("mapped", 0, "file://p.pt", 5),
            ("mapped", 1, "b", 7),
            ("unmapped", 0, "file://p.pt", 5),
            ("unmapped", 1, "npc", 0),
        ]
        assert db.get_sum_metric_by_filter("reward", POLICY) == 4.0
        assert db.get_sum_metric_by_filter("reward", ("npc", 0)) == 4.0
        assert db.potential_samples_for_metric("b", 7) == 1


def test_without_an_agent_map_the_evaluated_policy_plays_every_agent(tmp_path):
    with StatsWriter(tmp_path) as writer:
        record(writer, [1.0, 2.0, 6.0])
    with merge(tmp_path) as db:
        assert db.potential_samples_for_metric(*POLICY) == 3
        assert db.get_average_metric_by_filter("reward", POLICY) == 3.0
