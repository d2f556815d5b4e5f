"""Learning-progress curriculum: train on the tasks whose success rate is changing fastest.

Bidirectional learning progress: per task, fast and slow EMAs of the
baseline-normalised success rate (score clipped to [0, 1]); progress = |fast - slow| after a
smoothing reweight; the distribution is a sigmoid of the z-scored progress over the tasks that
show any. From it (plus ``rand_task_rate`` uniform picks) an active set of ``num_active_tasks``
is drawn, and episodes are drawn from the active set. The set is redrawn once an active task
collects ``sample_threshold`` outcomes. Completing any task is
always accepted, and each task's baseline is its own first success rate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from metta.mettagrid.curriculum.curriculum import Curriculum
from metta.mettagrid.curriculum.multi_task import MultiTaskCurriculum

__all__ = ["LearningProgressCurriculum", "learning_progress_distribution", "smooth_reweight"]

BASELINE_CAP = 0.75

FloatArray = npt.NDArray[np.float64]


def smooth_reweight(p: FloatArray, smoothing: float) -> FloatArray:
    """p (1 - s) / (p + s (1 - 2p)): stretches rates near 0 so early progress is visible."""
    numerator = p * (1.0 - smoothing)
    denominator = p + smoothing * (1.0 - 2.0 * p)
    return numerator / np.where(denominator <= 0, 1.0, denominator)


def learning_progress_distribution(
    p_fast: FloatArray, p_slow: FloatArray, p_true: FloatArray, smoothing: float
) -> FloatArray:
    """Sampling distribution: sigmoid(z-score of progress) over tasks with progress or success."""
    progress = np.abs(smooth_reweight(p_fast, smoothing) - smooth_reweight(p_slow, smoothing))
    active = (progress > 0) | (p_true > 0)
    if not active.any():
        return np.full(len(progress), 1.0 / len(progress))
    values = progress[active]
    std = values.std()
    z = (values - values.mean()) / std if std > 0 else values - values.mean()
    weights = 1.0 / (1.0 + np.exp(-z))
    distribution = np.zeros(len(progress))
    distribution[active] = weights / weights.sum()
    return distribution


class LearningProgressCurriculum(MultiTaskCurriculum):
    """Draws episodes from an active set of tasks chosen by bidirectional learning progress."""

    def __init__(
        self,
        tasks: Mapping[str, Curriculum | Any],
        *,
        seed: int | np.random.Generator | None = 0,
        ema_timescale: float = 0.001,
        progress_smoothing: float = 0.05,
        num_active_tasks: int = 16,
        rand_task_rate: float = 0.25,
        sample_threshold: int = 10,
        memory: int = 25,
    ) -> None:
        super().__init__(tasks, seed=seed)
        checks = {
            "ema_timescale": 0.0 < ema_timescale <= 1.0,
            "progress_smoothing": 0.0 <= progress_smoothing < 0.5,
            "num_active_tasks": num_active_tasks >= 1,
            "rand_task_rate": 0.0 <= rand_task_rate <= 1.0,
            "sample_threshold": sample_threshold >= 1,
            "memory": memory >= 1,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ValueError(
                f"invalid {bad}: need 0 < ema_timescale <= 1, 0 <= progress_smoothing < 0.5, "
                "num_active_tasks >= 1, 0 <= rand_task_rate <= 1, sample_threshold >= 1, "
                "memory >= 1"
            )
        self.ema_timescale = ema_timescale
        self.progress_smoothing = progress_smoothing
        self.num_active_tasks = num_active_tasks
        self.rand_task_rate = rand_task_rate
        self.sample_threshold = sample_threshold
        self.memory = memory
        count = len(self._keys)
        self._outcomes: list[list[float]] = [[] for _ in range(count)]
        self._baseline = np.full(count, np.nan)
        self.p_fast: FloatArray | None = None
        self.p_slow = np.zeros(count)
        self.p_true = np.zeros(count)
        self.distribution = np.full(count, 1.0 / count)
        self.active = np.arange(count)
        self._counter = np.zeros(count, dtype=np.int64)
        self.num_refreshes = 0

    def _success_rates(self) -> FloatArray:
        return np.array([np.mean(o) if o else 0.0 for o in self._outcomes])

    def _normalised(self, success: FloatArray) -> FloatArray:
        baseline = np.nan_to_num(self._baseline, nan=0.0)
        denominator = np.where(1.0 - baseline <= 0, 1.0, 1.0 - baseline)
        return np.maximum(success - baseline, 0.0) / denominator

    def _refresh(self) -> None:
        """Updates the EMAs of the active tasks, the distribution, and redraws the active set."""
        success = self._success_rates()
        seen = np.array([bool(o) for o in self._outcomes])
        first = np.isnan(self._baseline) & seen
        self._baseline[first] = np.minimum(success[first], BASELINE_CAP)
        normalised = self._normalised(success)
        if self.p_fast is None:
            self.p_fast = normalised.copy()
            self.p_slow = normalised.copy()
            self.p_true = success.copy()
        else:
            mask = np.zeros(len(self._keys), dtype=bool)
            mask[self.active] = True
            rate = self.ema_timescale
            self.p_fast[mask] = rate * normalised[mask] + (1 - rate) * self.p_fast[mask]
            self.p_slow[mask] = rate * self.p_fast[mask] + (1 - rate) * self.p_slow[mask]
            self.p_true[mask] = rate * success[mask] + (1 - rate) * self.p_true[mask]
        self.distribution = learning_progress_distribution(
            self.p_fast, self.p_slow, self.p_true, self.progress_smoothing
        )
        self._outcomes = [o[-self.memory :] for o in self._outcomes]
        count = len(self._keys)
        uniform = self._rng.random(self.num_active_tasks) < self.rand_task_rate
        by_progress = self._rng.choice(count, size=self.num_active_tasks, p=self.distribution)
        at_random = self._rng.integers(0, count, size=self.num_active_tasks)
        self.active = np.where(uniform, at_random, by_progress)
        self._counter[:] = 0
        self.num_refreshes += 1

    def _on_complete(self, index: int, score: float) -> None:
        self._outcomes[index].append(min(max(score, 0.0), 1.0))
        if index in self.active:
            self._counter[index] += 1
        if self.p_fast is None or self._counter.max() >= self.sample_threshold:
            self._refresh()

    def _weights(self) -> FloatArray:
        return np.bincount(self.active, minlength=len(self._keys)).astype(np.float64)

    def stats(self) -> dict[str, float]:
        """Active-set size, success and distribution summaries (``lp/...``)."""
        return {
            **super().stats(),
            "lp/num_active_tasks": float(len(np.unique(self.active))),
            "lp/mean_success_rate": float(self._success_rates().mean()),
            "lp/num_zero_prob_tasks": float((self.distribution == 0).sum()),
            "lp/max_task_prob": float(self.distribution.max()),
            "lp/num_refreshes": float(self.num_refreshes),
        }
