"""Shared pieces of the builder configs: the base model, agent/object field types, and seeding."""

from __future__ import annotations

from typing import Annotated

import numpy as np
import numpy.typing as npt
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, NonNegativeInt

from metta.mettagrid.maps.connectivity import fill_unreachable
from metta.mettagrid.maps.placement import check_object_name

__all__ = [
    "AgentSpec",
    "MapBuilderConfig",
    "ObjectCounts",
    "child_seed",
    "finish_grid",
    "make_rng",
]


def _check_objects(value: dict[str, int]) -> dict[str, int]:
    for name in value:
        check_object_name(name)
    return value


def _check_agents(value: int | dict[str, int]) -> int | dict[str, int]:
    if isinstance(value, dict):
        for group in value:
            if not group or not group.replace("_", "").isalnum():
                raise ValueError(f"agents: group name {group!r} must be letters, digits or _")
    return value


ObjectCounts = Annotated[dict[str, NonNegativeInt], AfterValidator(_check_objects)]
"""Object name -> how many to place."""

AgentSpec = Annotated[NonNegativeInt | dict[str, NonNegativeInt], AfterValidator(_check_agents)]
"""n agents of group ``agent``, or {group: n} for ``agent.<group>`` cells."""


class MapBuilderConfig(BaseModel):
    """Base of every builder config: strict fields and an optional seed of its own."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    seed: int | None = Field(default=None, ge=0)
    """Seed of this builder's generator; the seed passed to build_map wins; 0 when neither."""


def make_rng(
    seed: int | np.random.Generator | None, config_seed: int | None
) -> np.random.Generator:
    """The builder's own generator: from the call's seed, else the config's, else 0."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None:
        if seed < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        return np.random.default_rng(seed)
    return np.random.default_rng(0 if config_seed is None else config_seed)


def child_seed(rng: np.random.Generator) -> int:
    """A seed for a sub-builder drawn from the parent's generator."""
    return int(rng.integers(0, 2**63 - 1))


def finish_grid(grid: npt.NDArray[np.str_], builder: str) -> npt.NDArray[np.str_]:
    """Walls off unreachable empty pockets and checks every agent and object is reachable."""
    report = fill_unreachable(grid)
    if not report.all_reachable:
        raise RuntimeError(f"{builder} produced a map with unreachable cells: {report.describe()}")
    return grid
