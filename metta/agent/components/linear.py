"""``Linear``: a fully connected layer on a flat input, with the ParamLayer extras."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from torch import nn

from metta.agent.components.base import validate_params
from metta.agent.components.param_layer import ParamLayer

__all__ = ["Linear", "LinearParams"]


class LinearParams(BaseModel):
    """``nn_params`` of a Linear node."""

    model_config = ConfigDict(extra="forbid")

    out_features: int = Field(gt=0)
    """Output width."""
    bias: bool = True
    """Whether the layer has a bias."""


class Linear(ParamLayer):
    """``y = act(W x + b)`` on ``[N, in_features]``."""

    def make_layer(self, in_shape: tuple[int, ...]) -> tuple[nn.Module, tuple[int, ...]]:
        """nn.Linear(in_shape[0] -> out_features); the input must already be flat."""
        params = validate_params(LinearParams, self.spec.nn_params, self.where)
        if len(in_shape) != 1:
            raise ValueError(
                f"{self.where}: Linear needs a flat input but source {self.source_names[0]!r} "
                f"gives shape {list(in_shape)}; put a Flatten component in between"
            )
        layer = nn.Linear(in_shape[0], params.out_features, bias=params.bias)
        return layer, (params.out_features,)
