"""``EgocentricView``: turns the observation box so that the agent always faces up.

The engine's view is fixed to the map (north up) and its ``move`` and ``get_output`` act on the
cell the agent faces, so "the altar is in front of me" is a different pattern for each of the
four orientations. Turning the box by the agent's orientation (read from ``agent:orientation``
at the centre cell) makes it one pattern, and the agent then reads ``rotate`` arguments as turns
relative to its heading (0 keep, 1 right, 2 about, 3 left; see ``ActionSpace.relative_rotate``),
so a policy learns each navigation skill once instead of four times.
"""

from __future__ import annotations

import torch

from metta.agent.action_space import CLOCKWISE_FROM_ORIENTATION
from metta.agent.components.base import BuildContext, Component, ForwardContext

__all__ = ["ORIENTATION_FEATURE", "EgocentricView"]

ORIENTATION_FEATURE = "agent:orientation"


def _rotation_indices(size: int) -> torch.Tensor:
    """``[4, size*size]``: for k quarter turns counterclockwise, the source cell of each cell."""
    cells = torch.arange(size * size).view(size, size)
    return torch.stack([torch.rot90(cells, k, dims=(0, 1)).reshape(-1) for k in range(4)])


class EgocentricView(Component):
    """``[N, F, S, S]`` box -> the same box turned so the agent's heading points up.

    Sets ``context.extras["heading"]`` (``[N]`` quarter turns clockwise from up) for the agent's
    action mapping. Place it on the raw box (``_obs_``), before any normaliser.
    """

    def setup(self, in_shapes: list[tuple[int, ...]], build: BuildContext) -> tuple[int, ...]:
        """Needs a square window with an odd side (the agent at its centre)."""
        if self.spec.nn_params:
            raise ValueError(f"{self.where}.nn_params: the egocentric view takes none")
        shape = in_shapes[0]
        if len(shape) != 3:
            raise ValueError(f"{self.where}: needs a [F, H, W] box input, got {list(shape)}")
        _, height, width = shape
        if height != width or height % 2 == 0:
            raise ValueError(
                f"{self.where}: the observation window must be square with an odd side so the "
                f"agent sits at its centre, got {height}x{width}"
            )
        self.register_buffer("rotations", _rotation_indices(height), persistent=False)
        self.register_buffer(
            "clockwise", torch.tensor(CLOCKWISE_FROM_ORIENTATION), persistent=False
        )
        # Policy feature id of agent:orientation; -1 until the agent learns the env's features.
        self.register_buffer("orientation_feature", torch.tensor(-1))
        return shape

    def set_feature_ids(self, mapping: dict[str, int]) -> None:
        """Learns which channel holds ``agent:orientation`` (policy ids by feature name)."""
        if ORIENTATION_FEATURE not in mapping:
            raise ValueError(
                f"{self.where}: the environment has no {ORIENTATION_FEATURE!r} feature, which the "
                f"egocentric view needs; known features: {sorted(mapping)}"
            )
        self.orientation_feature.fill_(int(mapping[ORIENTATION_FEATURE]))

    def forward(self, inputs: list[torch.Tensor], context: ForwardContext) -> torch.Tensor:
        """Gathers each sample's cells through the rotation of its heading."""
        box = inputs[0]
        feature = int(self.orientation_feature)
        if feature < 0:
            raise RuntimeError(
                f"{self.where}: the orientation feature is unknown; call the agent's "
                "initialize_to_environment(features, ...) first"
            )
        n, f, h, w = box.shape
        orientation = box[:, feature, h // 2, w // 2].long().clamp(0, 3)
        heading = self.clockwise[orientation]
        context.extras["heading"] = heading
        index = self.rotations[heading].unsqueeze(1).expand(n, f, h * w)
        return box.reshape(n, f, h * w).gather(2, index).view(n, f, h, w)
