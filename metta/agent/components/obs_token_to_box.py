"""``ObsTokenToBoxShaper``: observation tokens ``[N, M, 3]`` -> a dense box ``[N, F, H, W]``.

Token = (location = row << 4 | col, feature id, value); 0xFF location = padding. Feature ids
pass through a 256-entry remap table (env id -> the id the policy was trained with), so a policy
works in an env whose ids are permuted; ids that map to >= F (unknown to the policy) and cells
outside the window are dropped instead of raising an index error. Remap and window are folded
into one table from the token's (location, feature) bytes to the value's offset in the box, so
shaping a batch is a lookup and a scatter.
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
        self.register_buffer("token_offsets", self._token_offsets(), persistent=False)
        self.register_load_state_dict_post_hook(lambda module, _keys: module._refresh_offsets())
        return (self.num_features, self.obs_height, self.obs_width)

    def _token_offsets(self) -> torch.Tensor:
        """``[65536]``: token key ``location << 8 | feature`` -> the value's offset inside one
        sample's box, or -1 where the token is dropped (padding, outside the window, or a
        feature the policy does not know)."""
        f, h, w = self.num_features, self.obs_height, self.obs_width
        location = torch.arange(256, device=self.feature_remap.device).view(256, 1)
        channel = self.feature_remap.view(1, 256)
        row, col = location >> 4, location & 15
        valid = (location != 0xFF) & (row < h) & (col < w) & (channel < f)
        offsets = torch.where(valid, (channel * h + row) * w + col, -1)
        return offsets.reshape(-1)

    def _refresh_offsets(self) -> None:
        self.token_offsets.copy_(self._token_offsets())

    def update_feature_remapping(self, remap: torch.Tensor) -> None:
        """Installs a 256-entry table: env feature id -> policy feature id (255 = drop)."""
        if remap.shape != (256,):
            raise ValueError(f"feature remap must have shape (256,), got {tuple(remap.shape)}")
        self.feature_remap.copy_(remap.to(self.feature_remap.device, torch.long))
        self._refresh_offsets()

    def forward(self, inputs: list[torch.Tensor], context: ForwardContext) -> torch.Tensor:
        """Builds the box from ``context.observations``."""
        tokens = context.observations
        n = tokens.shape[0]
        per_sample = self.num_features * self.obs_height * self.obs_width
        size = n * per_sample
        offset = self.token_offsets[tokens[..., 0].long() << 8 | tokens[..., 1].long()]
        starts = torch.arange(0, size, per_sample, device=tokens.device).unsqueeze(1)
        index = torch.where(offset >= 0, offset + starts, size)  # size = the discard slot
        box = torch.zeros(size + 1, dtype=torch.float32, device=tokens.device)
        box.scatter_(0, index.reshape(-1), tokens[..., 2].reshape(-1).float())
        return box[:size].view(n, self.num_features, self.obs_height, self.obs_width)
