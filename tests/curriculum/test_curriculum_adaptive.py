"""Selection rules: prioritise-regressed, learning progress and progressive curricula."""

from collections import Counter

import numpy as np
import pytest

from metta.mettagrid.curriculum import (
    LearningProgressCurriculum,
    LowRewardCurriculum,
    PrioritizeRegressedCurriculum,
    ProgressiveCurriculum,
    ProgressiveMultiTaskCurriculum,
)
from metta.mettagrid.curriculum.learning_progress import (
    learning_progress_distribution,
    smooth_reweight,
)
from metta.mettagrid.curriculum.progressive import progressive_weights
from metta.mettagrid.env_config import EnvConfig

SIGMOID_1 = 1 / (1 + np.exp(-1.0))  # 0.7310585786
SIGMOID_3 = 1 / (1 + np.exp(-3.0))  # 0.9525741268


def tasks(names):
    return {name: {"name": name} for name in names}


# --- prioritise regressed -------------------------------------------------------------------


def test_prioritize_regressed_exact_weights():
    curriculum = PrioritizeRegressedCurriculum(tasks("abc"), ema_alpha=0.01)
    assert curriculum.get_task_probs() == pytest.approx({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3})
    curriculum.complete_task("a", 1.0)
    # EMA 0.01, max 1: weight 1e-6 + 1 / 0.010001; the others 1e-6
    weight_a = 1e-6 + 1.0 / 0.010001
    total = weight_a + 2e-6
    assert curriculum.get_task_probs() == pytest.approx(
        {"a": weight_a / total, "b": 1e-6 / total, "c": 1e-6 / total}
    )
    curriculum.complete_task("b", 2.0)
    curriculum.complete_task("b", 0.0)
    # b: EMA 0.99 * 0.02 = 0.0198, max 2 -> 1e-6 + 2 / 0.019801
    weight_b = 1e-6 + 2.0 / 0.019801
    total = weight_a + weight_b + 1e-6
    assert curriculum.get_task_probs()["b"] == pytest.approx(weight_b / total)
    assert curriculum.stats()["mean_max_score"] == pytest.approx(1.0)
    assert LowRewardCurriculum is PrioritizeRegressedCurriculum


def test_prioritize_regressed_favours_the_task_that_fell_back():
    curriculum = PrioritizeRegressedCurriculum(tasks("ab"), seed=3, ema_alpha=0.1)
    for _ in range(50):
        curriculum.complete_task("a", 1.0)
        curriculum.complete_task("b", 1.0)
    for _ in range(10):
        curriculum.complete_task("a", 0.0)  # a regresses
    probs = curriculum.get_task_probs()
    assert probs["a"] > 0.6
    counts = Counter(curriculum.get_task().id for _ in range(2000))
    assert abs(counts["a"] / 2000 - probs["a"]) < 0.04


def test_prioritize_regressed_bad_alpha():
    with pytest.raises(ValueError, match="ema_alpha"):
        PrioritizeRegressedCurriculum(tasks("a"), ema_alpha=0.0)


# --- learning progress ----------------------------------------------------------------------


def test_smooth_reweight_hand_worked():
    values = smooth_reweight(np.array([0.5, 0.3, 0.2, 0.0]), 0.05)
    assert values == pytest.approx([0.95, 0.890625, 0.19 / 0.23, 0.0])


def test_learning_progress_distribution_hand_worked():
    distribution = learning_progress_distribution(
        np.array([0.5, 0.2, 0.0]), np.array([0.3, 0.2, 0.0]), np.array([0.4, 0.1, 0.0]), 0.05
    )
    # progress [0.059375, 0, 0]; tasks 0 and 1 count (progress or success); z = [1, -1]
    assert distribution == pytest.approx([SIGMOID_1, 1 - SIGMOID_1, 0.0])


def test_learning_progress_distribution_uniform_without_any_progress():
    zeros = np.zeros(4)
    assert learning_progress_distribution(zeros, zeros, zeros, 0.05) == pytest.approx([0.25] * 4)


def test_learning_progress_never_crashes_and_stays_a_distribution():
    curriculum = LearningProgressCurriculum(tasks("abcdef"), seed=0, num_active_tasks=4)
    rng = np.random.default_rng(0)
    for _ in range(1500):
        task = curriculum.get_task()
        task.complete(float(rng.random() * 1.5 - 0.25))  # out-of-range scores are clipped
    probs = curriculum.get_task_probs()
    assert sum(probs.values()) == pytest.approx(1.0)
    assert 1 <= sum(p > 0 for p in probs.values()) <= 4
    stats = curriculum.stats()
    assert stats["lp/num_refreshes"] > 10
    assert 0.0 <= stats["lp/mean_success_rate"] <= 1.0


def test_learning_progress_refreshes_when_an_active_task_hits_the_threshold():
    curriculum = LearningProgressCurriculum(
        tasks("abc"), seed=1, num_active_tasks=3, sample_threshold=3
    )
    assert curriculum.get_task_probs() == pytest.approx({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3})
    curriculum.complete_task("a", 1.0)
    assert curriculum.num_refreshes == 1  # the first outcome initialises the EMAs
    active_task = curriculum.task_ids[int(curriculum.active[0])]
    curriculum.complete_task(active_task, 0.0)
    curriculum.complete_task(active_task, 0.0)
    assert curriculum.num_refreshes == 1
    curriculum.complete_task(active_task, 0.0)
    assert curriculum.num_refreshes == 2


def test_learning_progress_prefers_the_task_being_learned():
    names = ["learning", "solved", "hopeless", "noisy"]
    curriculum = LearningProgressCurriculum(
        tasks(names), seed=5, ema_timescale=0.02, num_active_tasks=8
    )
    rng = np.random.default_rng(5)
    progress = 0.0
    picks: Counter[str] = Counter()
    for step in range(3000):
        task = curriculum.get_task()
        if step >= 1000:
            picks[task.id] += 1
        if task.id == "learning":
            progress = min(1.0, progress + 0.002)
            score = float(rng.random() < progress)
        elif task.id == "solved":
            score = 1.0
        elif task.id == "hopeless":
            score = 0.0
        else:
            score = float(rng.random() < 0.5)
        task.complete(score)
    # tasks without progress are only visited by the 25% random draws
    assert picks["learning"] > 2 * picks["hopeless"]
    assert picks["learning"] > picks["solved"]


def test_learning_progress_bad_parameters():
    with pytest.raises(ValueError, match=r"\['num_active_tasks', 'memory'\]"):
        LearningProgressCurriculum(tasks("ab"), num_active_tasks=0, memory=0)


# --- progressive ----------------------------------------------------------------------------


def test_progressive_weights_logistic_hand_worked():
    at_start = progressive_weights(0.0, 3, 0.5, "logistic")
    assert at_start == pytest.approx([SIGMOID_1, (1 - SIGMOID_1) * SIGMOID_3, 1 - SIGMOID_3])
    at_end = progressive_weights(1.0, 3, 0.5, "logistic")
    assert at_end == pytest.approx(at_start[::-1])


def test_progressive_weights_linear_gates_only_the_current_task():
    assert progressive_weights(0.0, 3, 0.5, "linear") == pytest.approx([1.0, 0.0, 0.0])
    assert progressive_weights(0.5, 3, 0.5, "linear") == pytest.approx([0.0, 1.0, 0.0])
    assert progressive_weights(1.0, 3, 0.5, "linear") == pytest.approx([0.0, 0.0, 1.0])
    assert progressive_weights(0.3, 1, 0.5, "linear") == pytest.approx([1.0])


def test_progressive_advances_on_performance():
    curriculum = ProgressiveMultiTaskCurriculum(
        tasks("abc"), performance_threshold=0.8, progression_rate=0.1, smoothing=0.5
    )
    progress = []
    for _ in range(4):
        curriculum.complete_task("a", 1.0)
        progress.append(curriculum.progress)
    # smoothed 0.5, 0.75, 0.875, 0.9375: progress starts once it reaches 0.8
    assert progress == pytest.approx([0.0, 0.0, 0.1, 0.2])
    assert curriculum.stats()["smoothed_score"] == pytest.approx(0.9375)


def test_progressive_time_mode_moves_to_the_last_task():
    curriculum = ProgressiveMultiTaskCurriculum(
        tasks("abc"), seed=2, progression_rate=0.25, progression_mode="time", blending_mode="linear"
    )
    assert {curriculum.get_task().id for _ in range(50)} == {"a"}
    for _ in range(4):
        curriculum.complete_task("a", 0.0)
    assert curriculum.progress == 1.0
    assert {curriculum.get_task().id for _ in range(50)} == {"c"}


def test_progressive_bad_parameters():
    with pytest.raises(ValueError, match="progression_mode"):
        ProgressiveMultiTaskCurriculum(tasks("ab"), progression_mode="fast")


def test_progressive_map_size_doubles_on_success():
    template = {"map_builder": {"type": "random", "width": 32, "height": 32}}
    curriculum = ProgressiveCurriculum(template)
    sizes = []
    for score in (0.6, 0.4, 1.0, 1.0, 1.0, 1.0):
        task = curriculum.get_task()
        sizes.append(task.env_config["map_builder"]["width"])
        task.complete(score)
    assert sizes == [10, 20, 20, 40, 80, 100]
    assert template["map_builder"]["width"] == 32
    with pytest.raises(KeyError, match=r"config path 'game\.size': no key 'game'"):
        ProgressiveCurriculum(template, width_path="game.size")


def test_progressive_defaults_fit_the_library_env_config():
    curriculum = ProgressiveCurriculum(EnvConfig(), initial_size=12)
    config = curriculum.get_task().env_config
    assert (config.map_builder.width, config.map_builder.height) == (12, 12)
