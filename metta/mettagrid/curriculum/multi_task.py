"""Curricula over named child curricula: the shared machinery and the weighted random choice.

Children may be curricula or plain env configs (wrapped as single tasks named by their key). A
task from child ``key`` has id ``key`` when the child is a leaf, else ``key:<child's id>``; its
completion is recorded here and passed on to the child. Its name is ``key:<child's task name>``
(so ``key:key`` for a wrapped config).
"""

from __future__ import annotations

import math
from abc import abstractmethod
from collections import Counter, deque
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from metta.mettagrid.curriculum.curriculum import (
    Curriculum,
    LeafCurriculum,
    SingleTaskCurriculum,
    check_task_id,
    make_generator,
)
from metta.mettagrid.curriculum.task import Task, check_score

__all__ = ["MultiTaskCurriculum", "RandomCurriculum"]

COMPLETION_WINDOW = 500


class MultiTaskCurriculum(Curriculum):
    """Chooses a child by ``_weights()`` and tracks the share of the last 500 completions."""

    def __init__(
        self,
        tasks: Mapping[str, Curriculum | Any],
        *,
        seed: int | np.random.Generator | None = 0,
        completion_window: int = COMPLETION_WINDOW,
    ) -> None:
        if not isinstance(tasks, Mapping) or not tasks:
            raise ValueError("tasks must be a non-empty mapping of task id -> curriculum or config")
        if completion_window < 1:
            raise ValueError(f"completion_window must be >= 1, got {completion_window}")
        self._children: dict[str, Curriculum] = {}
        for key, child in tasks.items():
            check_task_id(key, "tasks key")
            self._children[key] = (
                child if isinstance(child, Curriculum) else SingleTaskCurriculum(key, child)
            )
        self._keys = list(self._children)
        self._index = {key: i for i, key in enumerate(self._keys)}
        self._rng = make_generator(seed)
        self._recent: deque[str] = deque(maxlen=completion_window)

    def reseed(self, seed: int) -> None:
        """Restarts this curriculum's choices and every child's draws from ``seed``."""
        master = np.random.default_rng(seed)
        self._rng = np.random.default_rng(master.integers(2**63))
        for key in self._keys:
            self._children[key].reseed(int(master.integers(2**63)))

    @property
    def task_ids(self) -> list[str]:
        """The children's keys, in order."""
        return list(self._keys)

    @property
    def children(self) -> dict[str, Curriculum]:
        """Key -> child curriculum."""
        return dict(self._children)

    @abstractmethod
    def _weights(self) -> npt.NDArray[np.float64]:
        """Non-negative selection weights, one per child in ``task_ids`` order."""

    def _on_complete(self, index: int, score: float) -> None:
        """Hook for curricula that learn from scores (index of the child, its score)."""
        del index, score

    def _probabilities(self) -> npt.NDArray[np.float64]:
        weights = np.asarray(self._weights(), dtype=np.float64)
        total = weights.sum()
        if not np.isfinite(total) or total <= 0:
            return np.full(len(weights), 1.0 / len(weights))
        return weights / total

    def _choose(self) -> int:
        return int(self._rng.choice(len(self._keys), p=self._probabilities()))

    def get_task(self) -> Task:
        """Picks a child by this curriculum's rule and wraps the child's task."""
        key = self._keys[self._choose()]
        child = self._children[key]
        inner = child.get_task()
        task_id = key if isinstance(child, LeafCurriculum) else f"{key}:{inner.id}"
        return Task(task_id, inner.env_config, self, name=f"{key}:{inner.name}")

    def complete_task(self, task_id: str, score: float) -> None:
        """Records the completion, updates this curriculum's rule and informs the child."""
        key, _, rest = task_id.partition(":")
        if key not in self._children:
            raise KeyError(f"unknown task id {task_id!r}; known: {self._keys}")
        value = check_score(score)
        child = self._children[key]
        if isinstance(child, LeafCurriculum):
            child.complete_task(child.task_id, value)
        else:
            child.complete_task(rest, value)
        self._recent.append(key)
        self._on_complete(self._index[key], value)

    def get_task_probs(self) -> dict[str, float]:
        """Selection probability of each child key."""
        return dict(zip(self._keys, self._probabilities().tolist(), strict=True))

    def completion_rates(self) -> dict[str, float]:
        """Share of each child among the recent completions (0 for children not completed)."""
        counts = Counter(self._recent)
        total = max(1, len(self._recent))
        return {key: counts[key] / total for key in self._keys}

    def stats(self) -> dict[str, float]:
        """Number of tasks and completions recorded in the window."""
        return {"num_tasks": float(len(self._keys)), "recent_completions": float(len(self._recent))}


class RandomCurriculum(MultiTaskCurriculum):
    """Weighted random choice among children; equal weights when ``weights`` is None."""

    def __init__(
        self,
        tasks: Mapping[str, Curriculum | Any],
        weights: Mapping[str, float] | None = None,
        *,
        seed: int | np.random.Generator | None = 0,
    ) -> None:
        super().__init__(tasks, seed=seed)
        if weights is None:
            self._fixed = np.ones(len(self._keys))
        else:
            unknown = sorted(set(weights) - set(self._keys))
            missing = [key for key in self._keys if key not in weights]
            if unknown or missing:
                raise ValueError(
                    f"weights must have one entry per task; unknown: {unknown}, missing: {missing}"
                )
            values = [float(weights[key]) for key in self._keys]
            if any(not math.isfinite(v) or v < 0 for v in values) or sum(values) <= 0:
                raise ValueError(f"weights must be finite, >= 0 and not all 0, got {dict(weights)}")
            self._fixed = np.asarray(values)

    def _weights(self) -> npt.NDArray[np.float64]:
        return self._fixed
