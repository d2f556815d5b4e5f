"""Prioritise-regressed (also called LowReward) curriculum: favour tasks that fell back.

Per task: an EMA of the score (rate ``ema_alpha``) and the best score so far. Weight =
1e-6 + max / (EMA + 1e-6): a task that once scored high but scores low now gets picked most;
tasks never completed keep weight 1e-6 (all such: uniform). Scores below 0 count as 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from metta.mettagrid.curriculum.curriculum import Curriculum
from metta.mettagrid.curriculum.multi_task import MultiTaskCurriculum

__all__ = ["LowRewardCurriculum", "PrioritizeRegressedCurriculum", "regression_weights"]

EPSILON = 1e-6


def regression_weights(
    score_ema: npt.NDArray[np.float64], max_score: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """1e-6 + max(max_score, 0) / (max(score_ema, 0) + 1e-6), elementwise."""
    return EPSILON + np.maximum(max_score, 0.0) / (np.maximum(score_ema, 0.0) + EPSILON)


class PrioritizeRegressedCurriculum(MultiTaskCurriculum):
    """Picks tasks in proportion to best score / recent score."""

    def __init__(
        self,
        tasks: Mapping[str, Curriculum | Any],
        *,
        seed: int | np.random.Generator | None = 0,
        ema_alpha: float = 0.01,
    ) -> None:
        super().__init__(tasks, seed=seed)
        if not 0.0 < ema_alpha <= 1.0:
            raise ValueError(f"ema_alpha must be in (0, 1], got {ema_alpha}")
        self.ema_alpha = ema_alpha
        self.score_ema = np.zeros(len(self._keys))
        self.max_score = np.zeros(len(self._keys))

    def _on_complete(self, index: int, score: float) -> None:
        self.score_ema[index] = (1 - self.ema_alpha) * self.score_ema[
            index
        ] + self.ema_alpha * score
        self.max_score[index] = max(self.max_score[index], score)

    def _weights(self) -> npt.NDArray[np.float64]:
        return regression_weights(self.score_ema, self.max_score)

    def stats(self) -> dict[str, float]:
        """Mean score EMA and mean best score over tasks."""
        return {
            **super().stats(),
            "mean_score_ema": float(self.score_ema.mean()),
            "mean_max_score": float(self.max_score.mean()),
        }


LowRewardCurriculum = PrioritizeRegressedCurriculum
"""An earlier name for the same rule, kept for existing configs and code."""
