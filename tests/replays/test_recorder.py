"""Replay format: change points, the initial frame, round trip through gzip JSON, bad input."""

import gzip
import json

import numpy as np
import pytest

from metta.mettagrid.replays import EpisodeReplay, load_replay, value_at


def agent_of(replay_dict):
    return next(o for o in replay_dict["grid_objects"] if o.get("agent_id") == 0)


def test_header_and_counts(episode):
    data = episode.to_dict()
    assert data["version"] == 1
    assert data["map_size"] == [5, 4]
    assert data["steps"] == 3
    assert data["object_types"] == ["agent", "wall", "mine_red"]
    assert len(data["grid_objects"]) == 14 + 2  # 14 border walls, the agent, the mine


def test_initial_frame_is_recorded(episode):
    agent = agent_of(episode.to_dict())
    assert value_at(agent["c"], 0) == 1
    assert agent["c"] == [[0, 1], [1, 2], [3, 3]]


def test_unchanged_fields_are_constants(episode):
    data = episode.to_dict()
    agent = agent_of(data)
    assert agent["r"] == 1
    assert agent["agent:orientation"] == 3
    wall = next(o for o in data["grid_objects"] if o["type"] == 1)
    assert set(wall) == {"id", "type", "r", "c", "layer"}


def test_vanishing_inventory_key_drops_to_zero(episode):
    agent = agent_of(episode.to_dict())
    assert agent["inv:ore_red"] == [[2, 1], [3, 0]]
    assert value_at(agent["inv:ore_red"], 1) is None
    assert value_at(agent["inv:ore_red"], 2) == 1
    assert value_at(agent["inv:ore_red"], 3) == 0


def test_agent_actions_rewards_and_totals(episode):
    agent = agent_of(episode.to_dict())
    assert agent["action"] == [[1, [1, 0]], [2, [0, 0]], [3, [1, 0]]]
    assert agent["action_success"] == [[1, True], [3, False]]
    assert value_at(agent["reward"], 2) == 0.5
    assert value_at(agent["total_reward"], 3) == 0.75


def test_gzip_round_trip(episode, tmp_path):
    path = episode.write(tmp_path / "replays" / "episode.json.gz")
    assert gzip.decompress(path.read_bytes())[:1] == b"{"
    assert load_replay(path) == json.loads(json.dumps(episode.to_dict()))
    assert list(tmp_path.joinpath("replays").iterdir()) == [path]  # no temporary left behind


def test_numpy_values_are_stored_as_plain_json(tmp_path):
    replay = EpisodeReplay(
        map_size=(2, 1),
        num_agents=1,
        max_steps=1,
        object_types=["agent"],
        inventory_items=[],
        action_names=["noop"],
    )
    replay.record(0, {np.int64(1): {"type": np.uint8(0), "r": np.int32(0), "c": 1, "agent_id": 0}})
    replay.record(1, {1: {"type": 0, "r": 0, "c": 0, "agent_id": 0}}, actions=np.zeros((1, 2), int))
    data = load_replay(replay.write(tmp_path / "r.json.gz"))
    assert data["grid_objects"][0]["c"] == [[0, 1], [1, 0]]


def test_steps_must_be_recorded_in_order(episode):
    with pytest.raises(ValueError, match="expected step 4, got 6"):
        episode.record(6, {})


def test_initial_frame_has_no_actions():
    replay = EpisodeReplay(
        map_size=(1, 1),
        num_agents=0,
        max_steps=1,
        object_types=[],
        inventory_items=[],
        action_names=[],
    )
    with pytest.raises(ValueError, match="initial frame"):
        replay.record(0, {}, actions=[])


def test_bad_map_size_is_refused():
    with pytest.raises(ValueError, match="map_size must be positive"):
        EpisodeReplay(
            map_size=(0, 3),
            num_agents=1,
            max_steps=1,
            object_types=[],
            inventory_items=[],
            action_names=[],
        )


def test_other_versions_are_refused(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"version": 7}))
    with pytest.raises(ValueError, match="not a version 1 replay"):
        load_replay(path)
