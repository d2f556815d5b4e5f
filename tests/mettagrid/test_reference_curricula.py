"""The reference's curriculum conventions: bucket splits and half-open sampling, and task names
that carry their parents (``parent:child``)."""

from __future__ import annotations

import numpy as np
import pytest

from metta.mettagrid.curriculum import (
    BucketedCurriculum,
    RandomCurriculum,
    SampledTaskCurriculum,
    SingleTaskCurriculum,
    expand_buckets,
)

TEMPLATE = {"game": {"n": 0, "x": 0.0}}


# Bucket splits: step = (hi - lo) / bins, bucket k = [lo + k*step, lo + (k+1)*step).


def test_int_range_split_by_hand():
    # [0, 10] in 4 bins: step 2.5 -> [0, 2.5) [2.5, 5) [5, 7.5) [7.5, 10)
    expanded = expand_buckets({"game.n": {"range": [0, 10], "bins": 4}})
    assert [task_id for task_id, _ in expanded] == [
        "n=(0, 2.5);",
        "n=(2.5, 5);",
        "n=(5, 7.5);",
        "n=(7.5, 10);",
    ]
    assert [choices["game.n"] for _, choices in expanded] == [
        ("int_range", (0, 2.5)),
        ("int_range", (2.5, 5)),
        ("int_range", (5, 7.5)),
        ("int_range", (7.5, 10)),
    ]
    # integral bounds stay ints: [10, 50] in 4 bins of 10
    tens = expand_buckets({"game.n": {"range": [10, 50], "bins": 4}})
    assert [choices["game.n"][1] for _, choices in tens] == [(10, 20), (20, 30), (30, 40), (40, 50)]
    assert all(type(bound) is int for _, c in tens for bound in c["game.n"][1])
    # the navigation curriculum's one bin
    assert expand_buckets({"game.n": {"range": [10, 50]}})[0][0] == "n=(10, 50);"


def test_float_range_split_by_hand():
    expanded = expand_buckets({"game.x": {"range": [-1.0, 0.5], "bins": 3}})
    assert [choices["game.x"] for _, choices in expanded] == [
        ("range", (-1.0, -0.5)),
        ("range", (-0.5, 0.0)),
        ("range", (0.0, 0.5)),
    ]
    assert [task_id for task_id, _ in expanded] == [
        "x=(-1.0, -0.5);",
        "x=(-0.5, 0.0);",
        "x=(0.0, 0.5);",
    ]
    # ids show floats to 3 decimals, as the reference's
    thirds = expand_buckets({"game.x": {"range": [0.0, 1.0], "bins": 3}})
    assert [task_id for task_id, _ in thirds] == [
        "x=(0.0, 0.333);",
        "x=(0.333, 0.667);",
        "x=(0.667, 1.0);",
    ]
    assert thirds[1][1]["game.x"] == ("range", (1 / 3, 2 / 3))


def test_a_range_with_float_bounds_is_a_float_range():
    assert expand_buckets({"game.x": {"range": [0, 2.0]}})[0][1]["game.x"] == ("range", (0.0, 2.0))


# Sampling: uniform over the half-open bucket; ints are the integers n with a <= n < b.


def draws(choice: tuple[str, tuple], count: int, seed: int = 0) -> list:
    leaf = SampledTaskCurriculum("t", TEMPLATE, {"game.n": choice}, seed=seed)
    return [leaf.get_task().env_config["game"]["n"] for _ in range(count)]


def test_seeded_int_sampling_stays_inside_the_half_open_buckets():
    expected = [{0, 1, 2}, {3, 4}, {5, 6, 7}, {8, 9}]  # 10 is never drawn
    for (_, choices), ints in zip(
        expand_buckets({"game.n": {"range": [0, 10], "bins": 4}}), expected, strict=True
    ):
        kind, (low, high) = choices["game.n"]
        values = draws((kind, (low, high)), 300, seed=7)
        assert all(type(value) is int and low <= value < high for value in values)
        assert set(values) == ints
    whole = draws(("int_range", (10, 50)), 2000, seed=1)
    assert min(whole) == 10
    assert max(whole) == 49  # as the reference's int(uniform(10, 50))


def test_seeded_float_sampling_stays_inside_the_half_open_buckets():
    for _, choices in expand_buckets({"game.n": {"range": [-1.0, 0.5], "bins": 3}}):
        kind, (low, high) = choices["game.n"]
        values = draws((kind, (low, high)), 500, seed=3)
        assert all(type(value) is float and low <= value < high for value in values)
        assert max(values) - min(values) > 0.9 * (high - low)  # spread over the bucket


def test_sampling_is_reproducible_by_seed():
    assert draws(("int_range", (0, 100)), 30, seed=5) == draws(("int_range", (0, 100)), 30, seed=5)
    assert draws(("int_range", (0, 100)), 30, seed=5) != draws(("int_range", (0, 100)), 30, seed=6)
    bucketed = [
        BucketedCurriculum(TEMPLATE, {"game.x": {"range": [0.0, 1.0], "bins": 2}}, seed=2)
        for _ in range(2)
    ]
    first, second = ([c.get_task().env_config["game"]["x"] for _ in range(20)] for c in bucketed)
    assert first == second


def test_a_one_value_range_gives_that_value():
    assert set(draws(expand_buckets({"game.n": {"range": [5, 5]}})[0][1]["game.n"], 20)) == {5}


@pytest.mark.parametrize(
    ("bucket", "match"),
    [
        ({"range": [0, 2], "bins": 3}, r"bins 3 exceeds the 2 integers of the half-open range"),
        ({"range": [5, 5], "bins": 2}, r"range \[5, 5\] holds one value; bins must be 1"),
        ({"values": [1, 1]}, r"two bucket combinations share the task id 'n=1;'"),
        ({"range": [0.0, 0.0004], "bins": 2}, r"share the task id 'n=\(0\.0, 0\.0\);'"),
    ],
)
def test_buckets_that_cannot_be_split(bucket, match):
    with pytest.raises(ValueError, match=match):
        expand_buckets({"game.n": bucket})


# Task names: every curriculum above a task prepends the key it chose (``parent:child``).


def test_a_top_level_leaf_is_named_by_its_id():
    task = SingleTaskCurriculum("/env/mettagrid/simple", {}).get_task()
    assert task.name == task.id == "/env/mettagrid/simple"
    assert task.short_name == "simple"


def test_leaves_under_a_random_curriculum_are_named_key_colon_leaf_id():
    curriculum = RandomCurriculum({"a": {"v": 1}, "b": SingleTaskCurriculum("only", {"v": 2})})
    names = {}
    for _ in range(40):
        task = curriculum.get_task()
        names[task.id] = task.name
    # a wrapped config is a leaf whose id is its key, so it is named key:key as in the reference
    assert names == {"a": "a:a", "b": "b:only"}


def test_nested_curricula_chain_their_keys_and_route_scores_by_id():
    inner = RandomCurriculum({"x": {"v": 1}}, seed=0)
    bucketed = BucketedCurriculum(TEMPLATE, {"game.n": [3]}, seed=0)
    middle = RandomCurriculum({"nav": inner, "grid": bucketed}, weights={"nav": 1, "grid": 0})
    outer = RandomCurriculum({"all": middle})
    task = outer.get_task()
    assert task.id == "all:nav:x"
    assert task.name == "all:nav:x:x"
    task.complete(0.5)
    assert outer.completion_rates() == {"all": 1.0}
    assert middle.completion_rates() == {"nav": 1.0, "grid": 0.0}
    assert inner.children["x"].stats() == {"num_completed": 1.0, "mean_score": 0.5}

    bucket_task = RandomCurriculum({"grid": bucketed}).get_task()
    assert bucket_task.id == "grid:n=3;"
    assert bucket_task.name == "grid:n=3;:n=3;"
    assert bucket_task.env_config == {"game": {"n": 3, "x": 0.0}}


def test_task_probs_and_completions_stay_keyed_by_the_children():
    curriculum = RandomCurriculum({"a": {}, "b": {}}, weights={"a": 1, "b": 3}, seed=0)
    assert curriculum.get_task_probs() == {"a": 0.25, "b": 0.75}
    curriculum.get_task().complete(1.0)
    assert set(curriculum.completion_rates()) == {"a", "b"}
    assert np.isclose(sum(curriculum.completion_rates().values()), 1.0)
