"""`Task`: one episode's assignment from a curriculum, and the way its score flows back."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from metta.mettagrid.curriculum.curriculum import Curriculum

__all__ = ["Task", "check_score"]


def check_score(score: float) -> float:
    """A finite float score, or ValueError naming ``score``."""
    try:
        value = float(score)
    except (TypeError, ValueError) as error:
        raise ValueError(f"score must be a number, got {score!r}") from error
    if not math.isfinite(value):
        raise ValueError(f"score must be finite, got {value}")
    return value


class Task:
    """An env config to play one episode with; ``complete(score)`` reports back exactly once.

    ``id`` is the id the issuing curriculum's ``complete_task`` takes: a child's key, or
    ``key:<inner id>`` through a nested curriculum. ``name`` is the task name for
    logs and the ``task``/``task_reward/<name>`` infos: the leaf curriculum's own task id with the
    key of every curriculum above it prepended (``parent:child``), so a leaf under key ``k``
    is named ``k:<leaf id>`` even where its id is just ``k``.
    """

    def __init__(
        self, task_id: str, env_config: Any, curriculum: Curriculum, *, name: str | None = None
    ) -> None:
        self.id = task_id
        self.env_config = env_config
        self.curriculum = curriculum
        self.score: float | None = None
        self._name = task_id if name is None else name

    @property
    def name(self) -> str:
        """The ``parent:child`` name (the task id itself for a top-level leaf)."""
        return self._name

    @property
    def short_name(self) -> str:
        """The name's last ``/`` segment."""
        return self._name.rsplit("/", 1)[-1]

    @property
    def completed(self) -> bool:
        """Whether ``complete`` was called."""
        return self.score is not None

    def complete(self, score: float) -> None:
        """Reports the episode's score (mean agent reward) to the curriculum; once per task."""
        if self.score is not None:
            raise RuntimeError(f"task {self.id!r} was already completed (score {self.score})")
        value = check_score(score)
        self.curriculum.complete_task(self.id, value)
        self.score = value

    def __repr__(self) -> str:
        return f"Task(id={self.id!r}, name={self._name!r}, completed={self.completed})"
