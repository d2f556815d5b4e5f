"""``ActionEmbedding``: one learned vector per full action name (``move_0``, ``attack_3``, ...).

The ``name -> row`` map is persistent and only grows (rows start at 1), so a policy keeps its
embedding of ``move_1`` when loaded into an env that lists actions in another order or adds new
ones; ``active_indices`` holds the rows of the current env's actions in env order.
"""

from __future__ import annotations

import torch
from pydantic import BaseModel, ConfigDict, Field
from torch import nn

from metta.agent.components.base import BuildContext, Component, ForwardContext, validate_params

__all__ = ["ActionEmbedding", "ActionEmbeddingParams"]


class ActionEmbeddingParams(BaseModel):
    """``nn_params`` of the embedding table."""

    model_config = ConfigDict(extra="forbid")

    num_embeddings: int = Field(default=100, gt=1)
    """Table rows; row 0 is never used, so at most num_embeddings - 1 distinct actions."""
    embedding_dim: int = Field(default=16, gt=0)
    """Embedding width."""


class ActionEmbedding(Component):
    """Emits ``[A, E]``: the embeddings of the active actions, in env order."""

    num_sources = 0

    def setup(self, in_shapes: list[tuple[int, ...]], build: BuildContext) -> tuple[int, ...]:
        """Creates the table: orthogonal, rescaled so that max |w| = 0.1."""
        params = validate_params(ActionEmbeddingParams, self.spec.nn_params, self.where)
        self.net = nn.Embedding(params.num_embeddings, params.embedding_dim)
        with torch.no_grad():
            nn.init.orthogonal_(self.net.weight)
            self.net.weight.mul_(0.1 / self.net.weight.abs().max())
        self.action_map: dict[str, int] = {}
        self.register_buffer("active_indices", torch.zeros(0, dtype=torch.long), persistent=False)
        return (params.embedding_dim,)

    def restore_action_map(self, action_map: dict[str, int]) -> None:
        """Reinstalls a saved ``name -> row`` map (from a checkpoint)."""
        rows = self.net.num_embeddings
        for name, index in action_map.items():
            if not 0 < int(index) < rows:
                raise ValueError(f"action embedding row {index} of {name!r} outside 1..{rows - 1}")
        self.action_map = {str(name): int(index) for name, index in action_map.items()}

    def activate(self, full_action_names: list[str]) -> None:
        """Selects (adding when new) the rows of the env's actions, in env order."""
        indices = []
        for name in full_action_names:
            if name not in self.action_map:
                next_index = max(self.action_map.values(), default=0) + 1
                if next_index >= self.net.num_embeddings:
                    raise ValueError(
                        f"{self.where}.nn_params.num_embeddings: {self.net.num_embeddings} rows "
                        f"cannot hold action {name!r} (already {len(self.action_map)} actions)"
                    )
                self.action_map[name] = next_index
            indices.append(self.action_map[name])
        device = self.net.weight.device
        self.active_indices = torch.tensor(indices, dtype=torch.long, device=device)

    def forward(self, inputs: list[torch.Tensor], context: ForwardContext) -> torch.Tensor:
        """The active rows, ``[A, E]``."""
        if self.active_indices.numel() == 0:
            raise RuntimeError(
                "MettaAgent has no actions: call initialize_to_environment(features, "
                "action_names, max_action_args, device) before the forward pass"
            )
        return self.net(self.active_indices)
