"""``ObservationNormalizer``: divides box channel f by the normalisation of feature f.

The divisors come from the env (or the agent's constructor); ``nn_params.normalizations`` sets
them by feature name instead, with shell-style patterns (``{"inv:*": 1}`` feeds raw item counts,
so "this altar still holds one heart" is a 1, not the env's 1/100).
"""

from __future__ import annotations

import fnmatch

import torch
from pydantic import BaseModel, ConfigDict, Field

from metta.agent.components.base import BuildContext, Component, ForwardContext, validate_params

__all__ = ["ObservationNormalizer", "ObservationNormalizerParams"]


class ObservationNormalizerParams(BaseModel):
    """``nn_params`` of the normaliser."""

    model_config = ConfigDict(extra="forbid")

    normalizations: dict[str, float] = Field(default_factory=dict)
    """Feature name or pattern (``fnmatch``) -> divisor (> 0), over the env's value; each
    pattern must match at least one of the env's features."""


class ObservationNormalizer(Component):
    """Holds a ``[1, F, 1, 1]`` buffer (1 where a feature has no normalisation)."""

    def setup(self, in_shapes: list[tuple[int, ...]], build: BuildContext) -> tuple[int, ...]:
        """Builds the table from the build context's normalisations, indexed by feature id."""
        self.params = validate_params(ObservationNormalizerParams, self.spec.nn_params, self.where)
        for pattern, value in self.params.normalizations.items():
            if not value > 0:
                raise ValueError(
                    f"{self.where}.nn_params.normalizations.{pattern}: must be > 0, got {value}"
                )
        shape = in_shapes[0]
        if len(shape) != 3:
            raise ValueError(f"{self.where}: needs a [F, H, W] box input, got {list(shape)}")
        norms = torch.ones(1, shape[0], 1, 1)
        self.register_buffer("normalizations", norms)
        for feature_id, value in build.feature_normalizations.items():
            self.set_normalization(feature_id, value)
        return shape

    def set_normalization(self, feature_id: int, value: float) -> None:
        """Sets the divisor of one channel (ids beyond the box are ignored: never observed)."""
        if not value > 0:
            raise ValueError(
                f"{self.where}: normalization of feature id {feature_id} must be > 0, got {value}"
            )
        if 0 <= feature_id < self.normalizations.shape[1]:
            self.normalizations[0, feature_id, 0, 0] = float(value)

    def set_feature_ids(self, mapping: dict[str, int]) -> None:
        """Applies ``nn_params.normalizations`` by name (policy ids by feature name)."""
        for pattern, value in self.params.normalizations.items():
            matched = [fid for name, fid in mapping.items() if fnmatch.fnmatchcase(name, pattern)]
            if not matched:
                raise ValueError(
                    f"{self.where}.nn_params.normalizations: {pattern!r} matches none of the "
                    f"environment's features {sorted(mapping)}"
                )
            for feature_id in matched:
                self.set_normalization(feature_id, value)

    def forward(self, inputs: list[torch.Tensor], context: ForwardContext) -> torch.Tensor:
        """x / norms, broadcast over the batch and the window."""
        return inputs[0] / self.normalizations
