"""``Flatten``: ``[N, ...] -> [N, prod(...)]`` between the CNN and the dense layers."""

from __future__ import annotations

import math

import torch

from metta.agent.components.base import BuildContext, Component, ForwardContext

__all__ = ["Flatten"]


class Flatten(Component):
    """Flattens all non-batch dimensions."""

    def setup(self, in_shapes: list[tuple[int, ...]], build: BuildContext) -> tuple[int, ...]:
        """Output is the product of the input dims."""
        if self.spec.nn_params:
            raise ValueError(
                f"{self.where}.nn_params: Flatten takes none, got {self.spec.nn_params}"
            )
        return (math.prod(in_shapes[0]),)

    def forward(self, inputs: list[torch.Tensor], context: ForwardContext) -> torch.Tensor:
        """Reshape to [N, -1]."""
        return inputs[0].flatten(1)
