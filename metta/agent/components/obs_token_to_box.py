"""``ObsTokenToBoxShaper``: observation tokens ``[N, M, 3]`` -> a dense box ``[N, F, H, W]``.

Token = (location = row << 4 | col, feature id, value); 0xFF location = padding. Feature ids
pass through a 256-entry remap table (env id -> the id the policy was trained with), so a policy
works in an env whose ids are permuted; ids that map to >= F (unknown to the policy) and cells
outside the window are dropped instead of raising an index error.
"""

from __future__ import annotations

import torch

from metta.agent.components.base import BuildContext, Component, ForwardContext

__all__ = ["UNKNOWN_FEATURE", "ObsTokenToBoxShaper"]

UNKNOWN_FEATURE = 255


class ObsTokenToBoxShaper(Component):
    """Scatters token values into channel ``remap[feature]`` at (row, col); last write wins."""

    num_sources = 0

    def setup(self, in_shapes: list[tuple[int, ...]], build: BuildContext) -> tuple[int, ...]:
        """Output is ``[num_features, obs_height, obs_width]``."""
        if self.spec.nn_params:
            raise ValueError(f"{self.where}.nn_params: the shaper takes none")
        if not 0 < build.num_features <= UNKNOWN_FEATURE:
            raise ValueError(
                f"{self.where}: feature count must be in 1..255, got {build.num_features}"
            )
        if not (0 < build.obs_height <= 15 and 0 < build.obs_width <= 15):
            raise ValueError(
                f"{self.where}: observation window {build.obs_height}x{build.obs_width} does not "
                f"fit 4-bit token locations (1..15 each)"
            )
        self.num_features = build.num_features
        self.obs_height = build.obs_height
        self.obs_width = build.obs_width
        identity = torch.arange(256, dtype=torch.long)
        self.register_buffer("feature_remap", identity)
        return (self.num_features, self.obs_height, self.obs_width)

    def update_feature_remapping(self, remap: torch.Tensor) -> None:
        """Installs a 256-entry table: env feature id -> policy feature id (255 = drop)."""
        if remap.shape != (256,):
            raise ValueError(f"feature remap must have shape (256,), got {tuple(remap.shape)}")
        self.feature_remap.copy_(remap.to(self.feature_remap.device, torch.long))

    def forward(self, inputs: list[torch.Tensor], context: ForwardContext) -> torch.Tensor:
        """Builds the box from ``context.observations``."""
        tokens = context.observations.long()
        n = tokens.shape[0]
        f, h, w = self.num_features, self.obs_height, self.obs_width
        location = tokens[..., 0]
        feature = self.feature_remap[tokens[..., 1]]
        row = location >> 4
        col = location & 15
        valid = (location != 0xFF) & (row < h) & (col < w) & (feature < f)
        size = n * f * h * w
        batch = torch.arange(n, device=tokens.device).unsqueeze(1)
        index = ((batch * f + feature) * h + row) * w + col
        index = torch.where(valid, index, torch.full_like(index, size))  # size = discard slot
        box = torch.zeros(size + 1, dtype=torch.float32, device=tokens.device)
        box.scatter_(0, index.reshape(-1), tokens[..., 2].reshape(-1).float())
        return box[:size].view(n, f, h, w)
