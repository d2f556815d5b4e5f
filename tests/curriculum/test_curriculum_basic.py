"""Tasks, config paths, single-task and weighted random curricula."""

from collections import Counter

import numpy as np
import pytest
from omegaconf import DictConfig, OmegaConf
from pydantic import BaseModel, ConfigDict

from metta.mettagrid.curriculum import (
    RandomCurriculum,
    SingleTaskCurriculum,
    Task,
    get_path,
    set_paths,
)


class Game(BaseModel):
    model_config = ConfigDict(extra="forbid")
    width: int = 10
    height: int = 10


class Env(BaseModel):
    model_config = ConfigDict(extra="forbid")
    game: Game = Game()


def test_single_task_always_same_config_and_counts_scores():
    config = {"game": {"width": 5}}
    curriculum = SingleTaskCurriculum("only", config)
    task = curriculum.get_task()
    assert task.id == "only"
    assert task.env_config is config
    task.complete(0.5)
    curriculum.get_task().complete(1.5)
    assert curriculum.stats() == {"num_completed": 2.0, "mean_score": 1.0}
    assert curriculum.get_task_probs() == {"only": 1.0}
    assert curriculum.completion_rates() == {"only": 1.0}


def test_task_completes_once_and_checks_score():
    task = SingleTaskCurriculum("t", {}).get_task()
    with pytest.raises(ValueError, match="score must be finite"):
        task.complete(float("nan"))
    assert not task.completed
    task.complete(1)
    assert task.completed
    assert task.score == 1.0
    with pytest.raises(RuntimeError, match="already completed"):
        task.complete(1.0)
    with pytest.raises(ValueError, match="score must be a number"):
        SingleTaskCurriculum("t", {}).get_task().complete("high")


def test_unknown_task_id_is_refused():
    with pytest.raises(KeyError, match="unknown task id 'b'"):
        SingleTaskCurriculum("a", {}).complete_task("b", 1.0)
    with pytest.raises(KeyError, match="unknown task id 'c'"):
        RandomCurriculum({"a": {}, "b": {}}).complete_task("c", 1.0)


def test_set_paths_on_dict_pydantic_and_omegaconf():
    template = {"game": {"width": 10, "height": 10}}
    changed = set_paths(template, {"game.width": 20})
    assert changed == {"game": {"width": 20, "height": 10}}
    assert template["game"]["width"] == 10  # the template is never mutated

    model = set_paths(Env(), {"game.height": 7})
    assert isinstance(model, Env)
    assert model.game.height == 7

    omega = set_paths(OmegaConf.create(template), {"game.width": 3})
    assert isinstance(omega, DictConfig)
    assert omega.game.width == 3
    assert get_path(Env(), "game.width") == 10


def test_set_paths_errors_name_the_path():
    with pytest.raises(KeyError, match=r"no key 'game\.widht'"):
        set_paths({"game": {"width": 1}}, {"game.widht": 2})
    with pytest.raises(KeyError, match="no key 'gaem'"):
        set_paths({"game": {}}, {"gaem.width": 2})
    with pytest.raises(TypeError, match="env config must be"):
        set_paths([1, 2], {"a": 1})
    with pytest.raises(ValueError, match="width"):
        set_paths(Env(), {"game.width": "wide"})


def test_random_curriculum_follows_weights():
    curriculum = RandomCurriculum({"a": {"x": 1}, "b": {"x": 2}}, weights={"a": 3, "b": 1}, seed=1)
    assert curriculum.get_task_probs() == {"a": 0.75, "b": 0.25}
    counts = Counter(curriculum.get_task().id for _ in range(4000))
    assert abs(counts["a"] / 4000 - 0.75) < 0.03
    assert curriculum.get_task().env_config in ({"x": 1}, {"x": 2})


def test_random_curriculum_zero_weight_never_chosen_and_uniform_default():
    curriculum = RandomCurriculum({"a": {}, "b": {}}, weights={"a": 0, "b": 2}, seed=0)
    assert {curriculum.get_task().id for _ in range(200)} == {"b"}
    uniform = RandomCurriculum({"a": {}, "b": {}, "c": {}}, seed=0)
    assert uniform.get_task_probs() == pytest.approx({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3})


def test_random_curriculum_is_reproducible_by_seed():
    def draws(seed):
        curriculum = RandomCurriculum({k: {} for k in "abcdef"}, seed=seed)
        return [curriculum.get_task().id for _ in range(50)]

    assert draws(4) == draws(4)
    assert draws(4) != draws(5)
    # the global generator is untouched: curricula draw from their own
    before = np.random.get_state()[1][:5].copy()  # noqa: NPY002
    draws(6)
    np.testing.assert_array_equal(np.random.get_state()[1][:5], before)  # noqa: NPY002


def test_random_curriculum_bad_weights():
    with pytest.raises(ValueError, match=r"unknown: \['z'\], missing: \['b'\]"):
        RandomCurriculum({"a": {}, "b": {}}, weights={"a": 1, "z": 1})
    with pytest.raises(ValueError, match="weights must be finite"):
        RandomCurriculum({"a": {}}, weights={"a": -1})
    with pytest.raises(ValueError, match="tasks must be a non-empty mapping"):
        RandomCurriculum({})
    with pytest.raises(ValueError, match="without ':'"):
        RandomCurriculum({"a:b": {}})
    with pytest.raises(ValueError, match="seed must be"):
        RandomCurriculum({"a": {}}, seed=-1)


def test_nested_curricula_prefix_ids_and_forward_scores():
    inner = RandomCurriculum({"x": {"v": 1}, "y": {"v": 2}}, seed=2)
    outer = RandomCurriculum({"nav": inner, "plain": {"v": 3}}, weights={"nav": 1, "plain": 0})
    task = outer.get_task()
    assert isinstance(task, Task)
    assert task.id in ("nav:x", "nav:y")
    task.complete(0.25)
    leaf = task.id.split(":")[1]
    assert outer.completion_rates() == {"nav": 1.0, "plain": 0.0}
    assert inner.completion_rates()[leaf] == 1.0
    assert inner.children[leaf].stats() == {"num_completed": 1.0, "mean_score": 0.25}


def test_completion_rates_cover_the_last_500():
    curriculum = RandomCurriculum({"a": {}, "b": {}}, seed=0)
    for _ in range(600):
        curriculum.complete_task("a", 1.0)
    for _ in range(100):
        curriculum.complete_task("b", 1.0)
    assert curriculum.completion_rates() == {"a": 0.8, "b": 0.2}
    assert curriculum.stats()["recent_completions"] == 500.0
