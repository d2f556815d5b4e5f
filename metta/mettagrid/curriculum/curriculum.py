"""The curriculum contract, the leaf curricula (one task id each) and the single-task curriculum.

A curriculum hands out a `Task` per episode (``get_task``), hears back its score
(``complete_task(task_id, score)``), and reports ``get_task_probs()`` and ``stats()`` for the
env's infos (``curriculum_task_probs``, ``curriculum/<key>``, ``task_completions/<id>``).
Every curriculum draws from its own numpy Generator, never from global random state.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np

from metta.mettagrid.curriculum.task import Task, check_score

__all__ = ["Curriculum", "LeafCurriculum", "SingleTaskCurriculum", "make_generator"]


def make_generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A curriculum's own generator: a given Generator, or one seeded from ``seed`` (None: 0)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        seed = 0
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative int or a numpy Generator, got {seed!r}")
    return np.random.default_rng(int(seed))


def check_task_id(task_id: str, field_name: str = "task_id") -> str:
    """Task ids are non-empty strings without ':' (':' joins nested ids)."""
    if not isinstance(task_id, str) or not task_id or ":" in task_id:
        raise ValueError(f"{field_name} must be a non-empty string without ':', got {task_id!r}")
    return task_id


class Curriculum(ABC):
    """Chooses the env config of every episode and learns from the episodes' scores."""

    @abstractmethod
    def get_task(self) -> Task:
        """The next episode's task, chosen by this curriculum's rule."""

    @abstractmethod
    def complete_task(self, task_id: str, score: float) -> None:
        """Records the score of a finished episode of task ``task_id``."""

    @abstractmethod
    def get_task_probs(self) -> dict[str, float]:
        """Probability of each task id being chosen next (sums to 1)."""

    @abstractmethod
    def completion_rates(self) -> dict[str, float]:
        """Share of recent completions per task id (the ``task_completions/<id>`` infos)."""

    @abstractmethod
    def stats(self) -> dict[str, float]:
        """Curriculum-specific numbers for the ``curriculum/<key>`` infos."""

    def reseed(self, seed: int) -> None:
        """Restarts this curriculum's random draws from ``seed``, keeping what it has learnt
        (``Environment.reset(seed)`` calls it). Curricula that draw at random override it; this
        base draws nothing at random, so it has nothing to restart."""
        del seed


class LeafCurriculum(Curriculum):
    """A curriculum with a single task id: counts completions and keeps score statistics."""

    def __init__(self, task_id: str) -> None:
        self.task_id = check_task_id(task_id)
        self.num_completed = 0
        self.last_score = 0.0
        self._score_sum = 0.0

    def complete_task(self, task_id: str, score: float) -> None:
        """Records a score for this curriculum's one task."""
        if task_id != self.task_id:
            raise KeyError(
                f"unknown task id {task_id!r}; this curriculum has only {self.task_id!r}"
            )
        value = check_score(score)
        self.num_completed += 1
        self.last_score = value
        self._score_sum += value
        self._on_complete(value)

    def _on_complete(self, score: float) -> None:
        """Hook for leaves that adapt to scores."""
        del score

    def get_task_probs(self) -> dict[str, float]:
        """Always this one task."""
        return {self.task_id: 1.0}

    def completion_rates(self) -> dict[str, float]:
        """All completions are of this task."""
        return {self.task_id: 1.0} if self.num_completed else {}

    def stats(self) -> dict[str, float]:
        """Completion count and mean score."""
        mean = self._score_sum / self.num_completed if self.num_completed else 0.0
        return {"num_completed": float(self.num_completed), "mean_score": mean}


class SingleTaskCurriculum(LeafCurriculum):
    """Always the same env config."""

    def __init__(self, task_id: str, env_config: Any) -> None:
        super().__init__(task_id)
        self.env_config = env_config

    def get_task(self) -> Task:
        """A task for the one config."""
        return Task(self.task_id, self.env_config, self)
