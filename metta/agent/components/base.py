"""Base of every agent component: a named node that reads its sources and writes its output.

Build: ``setup(in_shapes)`` receives the sources' output shapes (no batch dim), creates the
layer and returns its own output shape. Forward: ``forward(inputs, context)`` gets the sources'
tensors in order; the agent runs the nodes in topological order and keeps outputs by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

import torch
from pydantic import BaseModel, ValidationError
from torch import nn

from metta.agent.agent_config import ComponentSpec
from metta.agent.policy_state import PolicyState

__all__ = ["BuildContext", "Component", "ForwardContext", "validate_params"]

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class BuildContext:
    """Environment facts the graph is built against (fixed for a policy's lifetime)."""

    obs_width: int
    obs_height: int
    num_features: int
    feature_normalizations: dict[int, float]
    clip_range: float


@dataclass
class ForwardContext:
    """Per-call facts: batch and time sizes, the recurrent state and optional episode dones."""

    batch: int
    bptt: int
    state: PolicyState
    observations: torch.Tensor
    dones: torch.Tensor | None = None
    extras: dict[str, Any] = field(default_factory=dict)


def validate_params(model: type[ModelT], params: dict[str, Any], where: str) -> ModelT:
    """Validates ``nn_params`` of one component, naming it in the error."""
    try:
        return model.model_validate(params)
    except ValidationError as error:
        lines = [
            f"{where}.nn_params.{'.'.join(str(p) for p in item['loc'])}: {item['msg']}"
            for item in error.errors()
        ]
        raise ValueError("invalid agent config:\n  " + "\n  ".join(lines)) from None


class Component(nn.Module):
    """A node of the agent graph; subclasses implement ``setup`` and ``forward``."""

    #: number of sources the component takes (None: any)
    num_sources: int | None = 1
    #: whether ``clip_weights`` applies: only weight layers (``ParamLayer``) have clip limits
    can_clip_weights: bool = False

    def __init__(self, name: str, spec: ComponentSpec) -> None:
        super().__init__()
        self.name = name
        self.spec = spec
        self.source_names = spec.source_names
        self.out_shape: tuple[int, ...] = ()
        if self.num_sources is not None and len(self.source_names) != self.num_sources:
            raise ValueError(
                f"agent.components.{name}.sources: {type(self).__name__} takes "
                f"{self.num_sources} source(s), got {len(self.source_names)}"
            )

    @property
    def where(self) -> str:
        """Config path of this component, for error messages."""
        return f"agent.components.{self.name}"

    def setup(self, in_shapes: list[tuple[int, ...]], build: BuildContext) -> tuple[int, ...]:
        """Creates the layer for the given input shapes and returns the output shape."""
        raise NotImplementedError(f"{type(self).__name__}.setup")

    def forward(self, inputs: list[torch.Tensor], context: ForwardContext) -> torch.Tensor:
        """Computes the output from the sources' outputs."""
        raise NotImplementedError(f"{type(self).__name__}.forward")

    def clip_weights(self) -> None:
        """Clamps weights in place; components without clip limits raise, naming themselves
        (the agent's ``clip_weights`` skips them)."""
        raise ValueError(
            f"{self.where}: {type(self).__name__} cannot clip weights: it has no clip limit "
            f"(only Linear and Conv2d layers have one)"
        )

    def l2_init_loss(self) -> torch.Tensor | None:
        """Squared distance of the weights to their reference copy, or None."""
        return None

    def update_l2_init_weight_copy(self, alpha: float = 0.9) -> None:
        """Moves the reference copy towards the current weights (layers without weights: no-op)."""
