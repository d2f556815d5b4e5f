"""``Conv2d``: a 2-D convolution over ``[N, C, H, W]`` with the ParamLayer extras."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from torch import nn

from metta.agent.components.base import validate_params
from metta.agent.components.param_layer import ParamLayer

__all__ = ["Conv2d", "Conv2dParams"]


class Conv2dParams(BaseModel):
    """``nn_params`` of a Conv2d node (square kernels, strides and paddings)."""

    model_config = ConfigDict(extra="forbid")

    out_channels: int = Field(gt=0)
    """Output channels."""
    kernel_size: int = Field(gt=0)
    """Kernel side."""
    stride: int = Field(default=1, gt=0)
    """Stride."""
    padding: int = Field(default=0, ge=0)
    """Zero padding on each side."""
    bias: bool = True
    """Whether the layer has a bias."""


class Conv2d(ParamLayer):
    """``y = act(conv(x))``; the output shape is computed at build time and checked non-empty."""

    def make_layer(self, in_shape: tuple[int, ...]) -> tuple[nn.Module, tuple[int, ...]]:
        """nn.Conv2d(C_in -> out_channels) for an input of shape [C, H, W]."""
        params = validate_params(Conv2dParams, self.spec.nn_params, self.where)
        if len(in_shape) != 3:
            raise ValueError(
                f"{self.where}: Conv2d needs a [C, H, W] input but source "
                f"{self.source_names[0]!r} gives shape {list(in_shape)}"
            )
        channels, height, width = in_shape
        span = params.kernel_size
        out_h = (height + 2 * params.padding - span) // params.stride + 1
        out_w = (width + 2 * params.padding - span) // params.stride + 1
        if out_h <= 0 or out_w <= 0:
            raise ValueError(
                f"{self.where}: kernel_size {span} (stride {params.stride}, padding "
                f"{params.padding}) does not fit the {height}x{width} input; the observation "
                f"window is too small for this agent"
            )
        layer = nn.Conv2d(
            channels,
            params.out_channels,
            kernel_size=span,
            stride=params.stride,
            padding=params.padding,
            bias=params.bias,
        )
        return layer, (params.out_channels, out_h, out_w)
