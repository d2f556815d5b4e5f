"""``MettaActorSingleHead``: bilinear logits ``logit_a = tanh(h W) . e_a + b`` over actions."""

from __future__ import annotations

import math

import torch
from torch import nn

from metta.agent.components.base import BuildContext, Component, ForwardContext

__all__ = ["MettaActorSingleHead"]


class MettaActorSingleHead(Component):
    """Sources: the actor hidden layer ``[N, Hd]`` and the action embeddings ``[A, E]``."""

    num_sources = 2

    def setup(self, in_shapes: list[tuple[int, ...]], build: BuildContext) -> tuple[int, ...]:
        """W ``[Hd, E]`` and bias ``[1]``, uniform in +-1/sqrt(Hd)."""
        if self.spec.nn_params:
            raise ValueError(f"{self.where}.nn_params: the actor head takes none")
        hidden_shape, embed_shape = in_shapes
        if len(hidden_shape) != 1 or len(embed_shape) != 1:
            raise ValueError(
                f"{self.where}: needs flat hidden and embedding sources, got "
                f"{list(hidden_shape)} and {list(embed_shape)}"
            )
        hidden, embed = hidden_shape[0], embed_shape[0]
        bound = 1.0 / math.sqrt(hidden)
        self.weight = nn.Parameter(torch.empty(hidden, embed).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(1).uniform_(-bound, bound))
        return (-1,)  # one logit per active action; A is set by the environment

    def forward(self, inputs: list[torch.Tensor], context: ForwardContext) -> torch.Tensor:
        """Logits ``[N, A]`` (the query is computed once per row, not once per action)."""
        hidden, embeddings = inputs
        query = torch.tanh(hidden @ self.weight)
        return query @ embeddings.t() + self.bias
