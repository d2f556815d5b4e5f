"""``ObservationNormalizer``: divides box channel f by the env's normalisation of feature f."""

from __future__ import annotations

import torch

from metta.agent.components.base import BuildContext, Component, ForwardContext

__all__ = ["ObservationNormalizer"]


class ObservationNormalizer(Component):
    """Holds a ``[1, F, 1, 1]`` buffer (1 where a feature has no normalisation)."""

    def setup(self, in_shapes: list[tuple[int, ...]], build: BuildContext) -> tuple[int, ...]:
        """Builds the table from the build context's normalisations, indexed by feature id."""
        if self.spec.nn_params:
            raise ValueError(f"{self.where}.nn_params: the normaliser takes none")
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

    def forward(self, inputs: list[torch.Tensor], context: ForwardContext) -> torch.Tensor:
        """x / norms, broadcast over the batch and the window."""
        return inputs[0] / self.normalizations
