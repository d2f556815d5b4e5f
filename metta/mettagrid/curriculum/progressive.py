"""Progressive curricula: move through ordered tasks as performance rises, or grow the map.

`ProgressiveMultiTaskCurriculum`: progress p in [0, 1] advances by ``progression_rate`` per
completion, when the smoothed score reaches ``performance_threshold`` (mode ``perf``) or always
(mode ``time``). With n ordered tasks and x = p (n - 1), task i's weight is
rise(x - (i - 1/2)) * (1 - rise(x - (i + 1/2))), rise a logistic or linear gate of width
``blending_smoothness`` (no rise for the first task, no fall for the last).
`ProgressiveCurriculum`: doubles the map's width and height (10 up to 100) on a score > 0.5.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from metta.mettagrid.curriculum.config_paths import get_path, set_paths
from metta.mettagrid.curriculum.curriculum import Curriculum, LeafCurriculum
from metta.mettagrid.curriculum.multi_task import MultiTaskCurriculum
from metta.mettagrid.curriculum.task import Task

__all__ = ["ProgressiveCurriculum", "ProgressiveMultiTaskCurriculum", "progressive_weights"]


def _gate(
    distance: npt.NDArray[np.float64], smoothness: float, mode: str
) -> npt.NDArray[np.float64]:
    if mode == "logistic":
        return 1.0 / (1.0 + np.exp(-distance / smoothness))
    return np.clip(0.5 + distance / smoothness, 0.0, 1.0)


def progressive_weights(
    progress: float, num_tasks: int, smoothness: float, mode: str = "logistic"
) -> npt.NDArray[np.float64]:
    """Unnormalised weight of each of ``num_tasks`` ordered tasks at ``progress`` in [0, 1]."""
    if num_tasks == 1:
        return np.ones(1)
    position = progress * (num_tasks - 1)
    index = np.arange(num_tasks, dtype=np.float64)
    rise = _gate(position - (index - 0.5), smoothness, mode)
    fall = 1.0 - _gate(position - (index + 0.5), smoothness, mode)
    rise[0] = 1.0
    fall[-1] = 1.0
    return rise * fall


class ProgressiveMultiTaskCurriculum(MultiTaskCurriculum):
    """Ordered tasks (mapping order), blended around a progress point that moves forward."""

    def __init__(
        self,
        tasks: Mapping[str, Curriculum | Any],
        *,
        seed: int | np.random.Generator | None = 0,
        performance_threshold: float = 0.8,
        progression_rate: float = 0.01,
        smoothing: float = 0.1,
        blending_smoothness: float = 0.5,
        progression_mode: Literal["perf", "time"] = "perf",
        blending_mode: Literal["logistic", "linear"] = "logistic",
    ) -> None:
        super().__init__(tasks, seed=seed)
        checks = {
            "progression_rate": 0.0 < progression_rate <= 1.0,
            "smoothing": 0.0 < smoothing <= 1.0,
            "blending_smoothness": blending_smoothness > 0.0,
            "progression_mode": progression_mode in ("perf", "time"),
            "blending_mode": blending_mode in ("logistic", "linear"),
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ValueError(
                f"invalid {bad}: need 0 < progression_rate <= 1, 0 < smoothing <= 1, "
                "blending_smoothness > 0, progression_mode perf|time, blending_mode logistic|linear"
            )
        self.performance_threshold = performance_threshold
        self.progression_rate = progression_rate
        self.smoothing = smoothing
        self.blending_smoothness = blending_smoothness
        self.progression_mode = progression_mode
        self.blending_mode = blending_mode
        self.progress = 0.0
        self.smoothed_score = 0.0

    def _on_complete(self, index: int, score: float) -> None:
        del index
        self.smoothed_score = (1 - self.smoothing) * self.smoothed_score + self.smoothing * score
        advance = (
            self.progression_mode == "time" or self.smoothed_score >= self.performance_threshold
        )
        if advance:
            self.progress = min(1.0, self.progress + self.progression_rate)

    def _weights(self) -> npt.NDArray[np.float64]:
        return progressive_weights(
            self.progress, len(self._keys), self.blending_smoothness, self.blending_mode
        )

    def stats(self) -> dict[str, float]:
        """Progress and smoothed score."""
        return {**super().stats(), "progress": self.progress, "smoothed_score": self.smoothed_score}


class ProgressiveCurriculum(LeafCurriculum):
    """One env config whose map doubles in width and height after each score above threshold."""

    def __init__(
        self,
        env_config: Any,
        *,
        width_path: str = "map_builder.width",
        height_path: str = "map_builder.height",
        task_id: str = "progressive",
        initial_size: int = 10,
        max_size: int = 100,
        score_threshold: float = 0.5,
    ) -> None:
        super().__init__(task_id)
        if not 1 <= initial_size <= max_size:
            raise ValueError(
                f"need 1 <= initial_size <= max_size, got initial_size={initial_size}, "
                f"max_size={max_size}"
            )
        for path in (width_path, height_path):
            get_path(env_config, path)  # KeyError naming the path when it does not exist
        self.env_config = env_config
        self.width_path = width_path
        self.height_path = height_path
        self.max_size = max_size
        self.score_threshold = score_threshold
        self.width = initial_size
        self.height = initial_size

    def get_task(self) -> Task:
        """The config at the current size."""
        config = set_paths(
            self.env_config, {self.width_path: self.width, self.height_path: self.height}
        )
        return Task(self.task_id, config, self)

    def _on_complete(self, score: float) -> None:
        if score > self.score_threshold:
            self.width = min(2 * self.width, self.max_size)
            self.height = min(2 * self.height, self.max_size)

    def stats(self) -> dict[str, float]:
        """Current map size."""
        return {**super().stats(), "width": float(self.width), "height": float(self.height)}
