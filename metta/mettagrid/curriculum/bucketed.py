"""Bucketed curriculum: parameter buckets expanded into tasks, weighted by the regression rule.

Each bucket is a dotted config path with explicit ``values`` or a ``range`` [lo, hi] split into
``bins`` sub-ranges. Every combination (Cartesian product) is one task, id like
``dataset=maze_small;altar=(10, 50);``; a range is re-sampled uniformly (an int when both
bounds are ints) each time its task is handed out.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from metta.mettagrid.curriculum.config_paths import get_path, set_paths
from metta.mettagrid.curriculum.curriculum import LeafCurriculum, make_generator
from metta.mettagrid.curriculum.prioritize_regressed import PrioritizeRegressedCurriculum
from metta.mettagrid.curriculum.task import Task

__all__ = ["Bucket", "BucketedCurriculum", "SampledTaskCurriculum", "expand_buckets"]

Number = int | float


class Bucket(BaseModel):
    """One parameter's bucket: explicit values, or a numeric range split into bins."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    values: list[Any] | None = None
    """Explicit values (each one a task)."""
    range: tuple[Number, Number] | None = None
    """[lo, hi] to split into ``bins`` sub-ranges, each sampled per task."""
    bins: int | None = Field(default=None, ge=1)
    """Number of sub-ranges (default: the curriculum's default_bins)."""

    @model_validator(mode="after")
    def _check(self) -> Bucket:
        if (self.values is None) == (self.range is None):
            raise ValueError("a bucket needs exactly one of values and range")
        if self.values is not None and not self.values:
            raise ValueError("values must not be empty")
        if self.range is not None and self.range[0] > self.range[1]:
            raise ValueError(f"range must be [lo, hi] with lo <= hi, got {list(self.range)}")
        if self.values is not None and self.bins is not None:
            raise ValueError("bins applies to a range, not to values")
        return self


Choice = tuple[str, Any]  # ("value", v) or ("range", (lo, hi))


def _bins(bucket: Bucket, default_bins: int) -> list[Choice]:
    if bucket.values is not None:
        return [("value", value) for value in bucket.values]
    assert bucket.range is not None
    low, high = bucket.range
    count = bucket.bins or default_bins
    if isinstance(low, int) and isinstance(high, int):
        size = high - low + 1
        if count > size:
            raise ValueError(f"bins {count} exceeds the {size} integers in range {[low, high]}")
        edges = [low + (k * size) // count for k in range(count + 1)]
        return [("range", (edges[k], edges[k + 1] - 1)) for k in range(count)]
    edges_f = np.linspace(float(low), float(high), count + 1).tolist()
    return [("range", (edges_f[k], edges_f[k + 1])) for k in range(count)]


def _short_names(paths: Sequence[str]) -> list[str]:
    last = [path.rsplit(".", 1)[-1] for path in paths]
    return [name if last.count(name) == 1 else path for name, path in zip(last, paths, strict=True)]


def expand_buckets(
    buckets: Mapping[str, Bucket | Mapping[str, Any] | Sequence[Any]], default_bins: int = 1
) -> list[tuple[str, dict[str, Choice]]]:
    """All combinations as (task id, {path: choice}); a plain list is read as values."""
    if default_bins < 1:
        raise ValueError(f"default_bins must be >= 1, got {default_bins}")
    parsed: dict[str, Bucket] = {}
    for path, spec in buckets.items():
        if isinstance(spec, Bucket):
            parsed[path] = spec
        elif isinstance(spec, Mapping):
            parsed[path] = Bucket.model_validate(dict(spec))
        else:
            parsed[path] = Bucket(values=list(spec))
    paths = list(parsed)
    names = _short_names(paths)
    options = [_bins(parsed[path], default_bins) for path in paths]
    tasks = []
    for combination in itertools.product(*options):
        parts = [f"{name}={choice[1]};" for name, choice in zip(names, combination, strict=True)]
        task_id = "".join(parts)
        if ":" in task_id:
            raise ValueError(f"bucket values must not contain ':' (task id {task_id!r})")
        tasks.append((task_id, dict(zip(paths, combination, strict=True))))
    return tasks


class SampledTaskCurriculum(LeafCurriculum):
    """One bucket combination: fixed values, and ranges re-sampled on every ``get_task``."""

    def __init__(
        self,
        task_id: str,
        env_config: Any,
        choices: Mapping[str, Choice],
        *,
        seed: int | np.random.Generator | None = 0,
    ) -> None:
        super().__init__(task_id)
        for path in choices:
            get_path(env_config, path)  # KeyError naming a path the template lacks
        self.env_config = env_config
        self.choices = dict(choices)
        self._rng = make_generator(seed)

    def reseed(self, seed: int) -> None:
        """Restarts the sampling of the ranges from ``seed``."""
        self._rng = make_generator(seed)

    def sample_values(self) -> dict[str, Any]:
        """One draw: the fixed values and a uniform sample of each range."""
        values: dict[str, Any] = {}
        for path, (kind, value) in self.choices.items():
            if kind == "value":
                values[path] = value
            else:
                low, high = value
                if isinstance(low, int) and isinstance(high, int):
                    values[path] = int(self._rng.integers(low, high + 1))
                else:
                    values[path] = float(self._rng.uniform(low, high))
        return values

    def get_task(self) -> Task:
        """The template with this combination's values written in."""
        return Task(self.task_id, set_paths(self.env_config, self.sample_values()), self)


class BucketedCurriculum(PrioritizeRegressedCurriculum):
    """The Cartesian product of buckets over a template config, one task per combination."""

    def __init__(
        self,
        env_config: Any,
        buckets: Mapping[str, Bucket | Mapping[str, Any] | Sequence[Any]],
        *,
        default_bins: int = 1,
        seed: int | np.random.Generator | None = 0,
        ema_alpha: float = 0.01,
    ) -> None:
        if not buckets:
            raise ValueError("buckets must name at least one config path")
        master = make_generator(seed)
        children = {
            task_id: SampledTaskCurriculum(
                task_id, env_config, choices, seed=np.random.default_rng(master.integers(2**63))
            )
            for task_id, choices in expand_buckets(buckets, default_bins)
        }
        super().__init__(children, seed=master, ema_alpha=ema_alpha)
