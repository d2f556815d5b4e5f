"""Bucketed curriculum: parameter buckets expanded into tasks, weighted by the regression rule.

Each bucket is a dotted config path with explicit ``values`` or a ``range`` [lo, hi] split
into ``bins`` equal sub-ranges [lo + k*step, lo + (k+1)*step) with
step = (hi - lo) / bins. Every combination (Cartesian product) is one task, id like
``dataset=maze_small;altar=(10, 50);`` (floats shown to 3 decimals). A range is re-sampled each
time its task is handed out, uniformly from its half-open bucket: a float in [a, b), or, when
both bounds of the range are ints, an int n with a <= n < b, so ``range: [10, 50]`` draws
10..49, the support of ``int(uniform(10, 50))``.
"""

from __future__ import annotations

import itertools
import math
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
    """[lo, hi] split into ``bins`` half-open sub-ranges, each sampled per task."""
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


Choice = tuple[str, Any]
"""("value", v), ("range", (a, b)) for a float bucket, ("int_range", (a, b)) for an int one."""


def _split(bucket: Bucket, default_bins: int) -> list[Choice]:
    """The bucket's choices: each value, or the range's ``bins`` half-open sub-ranges."""
    if bucket.values is not None:
        return [("value", value) for value in bucket.values]
    assert bucket.range is not None
    low, high = bucket.range
    count = bucket.bins or default_bins
    integer = isinstance(low, int) and isinstance(high, int)
    kind = "int_range" if integer else "range"
    if low == high:  # a single value: uniform(lo, lo) is lo
        if count != 1:
            raise ValueError(f"range {[low, high]} holds one value; bins must be 1, got {count}")
        return [(kind, (low, high))]
    if integer and count > high - low:
        raise ValueError(
            f"bins {count} exceeds the {high - low} integers of the half-open range "
            f"[{low}, {high}); some bins would hold no integer"
        )
    step = (high - low) / count
    # Edges lo + k*step; the last is pinned to hi so that rounding never lets
    # an int bucket reach past hi.
    edges: list[Number] = [low + k * step for k in range(count)] + [high]
    if integer:
        edges = [int(edge) if float(edge).is_integer() else edge for edge in edges]
    return [(kind, (edges[k], edges[k + 1])) for k in range(count)]


def _label(value: Any) -> str:
    """A value or (lo, hi) bound pair as shown in task ids: floats rounded to 3 decimals."""
    if isinstance(value, tuple):
        return "(" + ", ".join(_label(item) for item in value) + ")"
    if isinstance(value, float):
        return str(round(value, 3))
    return str(value)


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
    options = [_split(parsed[path], default_bins) for path in paths]
    tasks: dict[str, dict[str, Choice]] = {}
    for combination in itertools.product(*options):
        parts = [
            f"{name}={_label(choice[1])};" for name, choice in zip(names, combination, strict=True)
        ]
        task_id = "".join(parts)
        if ":" in task_id:
            raise ValueError(f"bucket values must not contain ':' (task id {task_id!r})")
        if task_id in tasks:
            raise ValueError(
                f"two bucket combinations share the task id {task_id!r} (equal values, or bins "
                "too narrow to tell apart at 3 decimals)"
            )
        tasks[task_id] = dict(zip(paths, combination, strict=True))
    return list(tasks.items())


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
        """One draw: the fixed values and a uniform sample of each half-open range [a, b)."""
        values: dict[str, Any] = {}
        for path, (kind, value) in self.choices.items():
            if kind == "value":
                values[path] = value
                continue
            low, high = value
            if kind == "int_range":
                # the ints n with a <= n < b; a one-value range [lo, lo] gives lo
                first, stop = math.ceil(low), math.ceil(high)
                values[path] = int(self._rng.integers(first, stop)) if stop > first else first
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
