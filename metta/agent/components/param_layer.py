"""``ParamLayer``: a weight layer (Linear or Conv2d) with init, activation, clipping and L2-init.

Init: orthogonal (gain sqrt(2) before Tanh, else 1); xavier; normal;
max_0_01; zero bias). The L2-init reference copy is a persistent buffer, so it is checkpointed
and follows ``.to()``; the loss is computed on the live weight, so it has a gradient.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from metta.agent.components.base import BuildContext, Component, ForwardContext

__all__ = ["ParamLayer", "make_activation"]


def make_activation(name: str | None, where: str) -> nn.Module | None:
    """``nn.ReLU`` / ``nn.Tanh`` / ... -> module; None -> None; anything else is an error."""
    if name is None:
        return None
    class_name = name.removeprefix("torch.").removeprefix("nn.")
    module_class = getattr(nn, class_name, None)
    if (
        module_class is None
        or not isinstance(module_class, type)
        or not issubclass(module_class, nn.Module)
        or module_class.__module__ != "torch.nn.modules.activation"
    ):
        raise ValueError(f"{where}.nonlinearity: unknown activation {name!r} (e.g. 'nn.ReLU')")
    return module_class()


class ParamLayer(Component):
    """Base of Linear and Conv2d: subclasses create ``self.weight_layer`` in ``make_layer``."""

    can_clip_weights = True

    def make_layer(self, in_shape: tuple[int, ...]) -> tuple[nn.Module, tuple[int, ...]]:
        """Returns the torch layer and its output shape (no batch dim)."""
        raise NotImplementedError(f"{type(self).__name__}.make_layer")

    def setup(self, in_shapes: list[tuple[int, ...]], build: BuildContext) -> tuple[int, ...]:
        """Creates and initialises the layer, its activation, clip value and L2-init copy."""
        layer, out_shape = self.make_layer(in_shapes[0])
        self.weight_layer = layer
        self.activation = make_activation(self.spec.nonlinearity, self.where)
        weight = layer.weight
        fan_out = weight.shape[0]
        fan_in = int(weight[0].numel())
        scheme = self.spec.initialization
        with torch.no_grad():
            if scheme == "orthogonal":
                gain = math.sqrt(2.0) if self.spec.nonlinearity in ("nn.Tanh", "Tanh") else 1.0
                nn.init.orthogonal_(weight, gain=gain)
                largest = float(weight.max().item())
            elif scheme == "xavier":
                largest = math.sqrt(6.0 / (fan_in + fan_out))
                nn.init.xavier_uniform_(weight)
            elif scheme == "normal":
                largest = math.sqrt(2.0 / fan_in)
                nn.init.normal_(weight, mean=0.0, std=largest)
            else:  # max_0_01
                largest = 0.01
                nn.init.uniform_(weight, -largest, largest)
            if getattr(layer, "bias", None) is not None:
                layer.bias.zero_()
        self.largest_weight = largest
        self.clip_value = build.clip_range * largest * self.spec.clip_scale
        self.l2_init_scale = float(self.spec.l2_init_scale)
        if self.l2_init_scale != 0.0:
            self.register_buffer("l2_init_weight", weight.detach().clone())
        else:
            self.l2_init_weight = None
        return out_shape

    def apply_layer(self, x: torch.Tensor) -> torch.Tensor:
        """Weight layer then activation."""
        y = self.weight_layer(x)
        return self.activation(y) if self.activation is not None else y

    def forward(self, inputs: list[torch.Tensor], context: ForwardContext) -> torch.Tensor:
        """Applies the layer to the single source."""
        return self.apply_layer(inputs[0])

    def clip_weights(self) -> None:
        """Clamps the weight to +-clip_value (no-op when clip_value <= 0)."""
        if self.clip_value > 0:
            with torch.no_grad():
                self.weight_layer.weight.clamp_(-self.clip_value, self.clip_value)

    def l2_init_loss(self) -> torch.Tensor | None:
        """l2_init_scale * ||W - W_init||^2, differentiable in W; None when disabled."""
        if self.l2_init_weight is None:
            return None
        difference = self.weight_layer.weight - self.l2_init_weight
        return difference.pow(2).sum() * self.l2_init_scale

    def update_l2_init_weight_copy(self, alpha: float = 0.9) -> None:
        """W_init <- alpha * W_init + (1 - alpha) * W."""
        if self.l2_init_weight is not None:
            with torch.no_grad():
                self.l2_init_weight.mul_(alpha).add_(self.weight_layer.weight, alpha=1.0 - alpha)
