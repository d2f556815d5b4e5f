"""Bucketed curriculum expansion and sampling, and the navigation bucketed task generator."""

from collections import Counter

import pydantic
import pytest
from pydantic import BaseModel, ConfigDict

from metta.mettagrid.curriculum import (
    BucketedCurriculum,
    expand_buckets,
    navigation_bucketed_curriculum,
    navigation_map_config,
)
from metta.mettagrid.maps import NAVIGATION_TERRAIN_DATASETS, MapConfig, build_map

TEMPLATE = {"game": {"a": 0, "b": 0, "c": 0.0}}


def test_expand_buckets_ids_and_int_partition():
    expanded = expand_buckets(
        {"game.a": {"values": [1, 2]}, "game.b": {"range": [0, 9], "bins": 2}}
    )
    assert [task_id for task_id, _ in expanded] == [
        "a=1;b=(0, 4.5);",
        "a=1;b=(4.5, 9);",
        "a=2;b=(0, 4.5);",
        "a=2;b=(4.5, 9);",
    ]
    bins = expand_buckets({"game.b": {"range": [10, 50], "bins": 3}})
    assert [choices["game.b"] for _, choices in bins] == [
        ("int_range", (10, 10 + 40 / 3)),
        ("int_range", (10 + 40 / 3, 10 + 2 * (40 / 3))),
        ("int_range", (10 + 2 * (40 / 3), 50)),
    ]
    floats = expand_buckets({"game.c": {"range": [0.0, 1.0]}}, default_bins=2)
    assert [choices["game.c"][1] for _, choices in floats] == [(0.0, 0.5), (0.5, 1.0)]
    assert expand_buckets({"game.a": [7, 8]})[1][0] == "a=8;"


def test_expand_buckets_disambiguates_equal_leaf_names():
    expanded = expand_buckets({"x.size": [1], "y.size": [2]})
    assert expanded[0][0] == "x.size=1;y.size=2;"


def test_bucketed_tasks_sample_inside_their_bin():
    curriculum = BucketedCurriculum(
        TEMPLATE, {"game.b": {"range": [0, 9], "bins": 2}, "game.c": {"range": [0.0, 1.0]}}, seed=4
    )
    assert curriculum.task_ids == ["b=(0, 4.5);c=(0.0, 1.0);", "b=(4.5, 9);c=(0.0, 1.0);"]
    seen: dict[str, set] = {task_id: set() for task_id in curriculum.task_ids}
    for _ in range(300):
        task = curriculum.get_task()
        game = task.env_config["game"]
        assert isinstance(game["b"], int)
        assert isinstance(game["c"], float)
        assert 0.0 <= game["c"] <= 1.0
        seen[task.id].add(game["b"])
    # half-open buckets [0, 4.5) and [4.5, 9): 9 itself is never drawn
    assert seen["b=(0, 4.5);c=(0.0, 1.0);"] == {0, 1, 2, 3, 4}
    assert seen["b=(4.5, 9);c=(0.0, 1.0);"] == {5, 6, 7, 8}
    assert TEMPLATE == {"game": {"a": 0, "b": 0, "c": 0.0}}


def test_bucketed_uses_the_prioritize_regressed_rule():
    curriculum = BucketedCurriculum(TEMPLATE, {"game.a": [1, 2, 3]}, seed=0)
    curriculum.complete_task("a=2;", 1.0)
    probs = curriculum.get_task_probs()
    assert probs["a=2;"] == pytest.approx(1.0, abs=1e-6)
    assert Counter(curriculum.get_task().id for _ in range(100)) == Counter({"a=2;": 100})


def test_bucketed_is_reproducible_by_seed():
    def draws(seed):
        curriculum = BucketedCurriculum(
            TEMPLATE, {"game.b": {"range": [0, 100], "bins": 4}}, seed=seed
        )
        return [curriculum.get_task().env_config["game"]["b"] for _ in range(20)]

    assert draws(1) == draws(1)
    assert draws(1) != draws(2)


@pytest.mark.parametrize(
    ("buckets", "error", "match"),
    [
        ({"game.a": {"values": [1], "range": [0, 1]}}, pydantic.ValidationError, "exactly one"),
        ({"game.a": {"range": [5, 1]}}, pydantic.ValidationError, "lo <= hi"),
        ({"game.a": {"range": [0, 2], "bins": 5}}, ValueError, "bins 5 exceeds the 2 integers"),
        ({"game.a": {"values": []}}, pydantic.ValidationError, "must not be empty"),
        ({"game.a": {"valeus": [1]}}, pydantic.ValidationError, "valeus"),
        ({"game.z": [1]}, KeyError, "no key 'game.z'"),
        ({}, ValueError, "at least one config path"),
        ({"game.a": ["x:y"]}, ValueError, "must not contain ':'"),
    ],
)
def test_bad_buckets(buckets, error, match):
    with pytest.raises(error, match=match):
        BucketedCurriculum(TEMPLATE, buckets)


def test_navigation_bucketed_has_sixteen_tasks_that_build():
    env = {"game": {"num_agents": 4, "map_builder": None}}
    curriculum = navigation_bucketed_curriculum(env, num_agents=4, seed=0)
    assert len(curriculum.task_ids) == 16
    assert curriculum.task_ids[0] == "dataset=terrain_maps_nohearts;altar=(10, 50);"
    datasets = {task_id.split(";")[0].split("=")[1] for task_id in curriculum.task_ids}
    assert datasets == set(NAVIGATION_TERRAIN_DATASETS)
    task = curriculum.get_task()
    map_config = task.env_config["game"]["map_builder"]
    assert map_config["type"] == "multi_room"
    assert map_config["num_rooms"] == 4
    assert map_config["border_width"] == 6
    assert map_config["room"]["border_width"] == 3
    assert 10 <= map_config["room"]["objects"]["altar"] <= 50
    level = build_map(map_config, seed=1)
    assert level.num_agents == 4
    assert len(level.regions) == 4
    for region in level.reachability():
        assert region.connected


def test_navigation_with_a_typed_env_config():
    class Game(BaseModel):
        model_config = ConfigDict(extra="forbid")
        map_builder: MapConfig = navigation_map_config()

    class Env(BaseModel):
        model_config = ConfigDict(extra="forbid")
        game: Game = Game()

    curriculum = navigation_bucketed_curriculum(Env(), num_agents=2, seed=3)
    task = curriculum.get_task()
    assert isinstance(task.env_config, Env)
    assert task.env_config.game.map_builder.num_rooms == 2
    assert task.env_config.game.map_builder.room.dataset in NAVIGATION_TERRAIN_DATASETS


def test_navigation_errors():
    with pytest.raises(KeyError, match="no key 'game'"):
        navigation_bucketed_curriculum({"env": {}})
    with pytest.raises(ValueError, match="datasets: unknown"):
        navigation_bucketed_curriculum({"game": {"map_builder": None}}, datasets=["moon"])
    with pytest.raises(ValueError, match="num_agents must be >= 1"):
        navigation_map_config(num_agents=0)
