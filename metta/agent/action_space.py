"""Flat action space: ``(type, arg)`` pairs <-> logit indices, from action names and max args.

``offset[k] = sum_{i<k}(max_i + 1)``; logit ``offset[type] + arg`` is the pair ``(type, arg)``,
and the full name of that logit is ``"{name}_{arg}"`` (the key of its action embedding).

With a ``heading`` (quarter turns clockwise from up, as ``EgocentricView`` reads it), the args of
``rotate`` are turns relative to it: logit ``rotate_j`` faces ``heading + j`` clockwise quarter
turns (0 keep, 1 right, 2 about, 3 left), and it is mapped to the engine's absolute orientation.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

__all__ = ["ActionSpace"]

ORIENTATION_FROM_CLOCKWISE = (0, 3, 1, 2)
"""Quarter turns clockwise from up -> engine orientation (0 up, 1 down, 2 left, 3 right)."""
CLOCKWISE_FROM_ORIENTATION = (0, 2, 3, 1)
"""Engine orientation -> quarter turns clockwise from up."""


class ActionSpace:
    """Lookup tables for one environment's actions, on one device."""

    def __init__(
        self,
        action_names: Sequence[str],
        max_action_args: Sequence[int],
        device: torch.device,
        disabled: Sequence[str] = (),
    ) -> None:
        names = [str(name) for name in action_names]
        maxima = [int(value) for value in max_action_args]
        if not names:
            raise ValueError("action_names: the environment has no actions")
        if len(names) != len(maxima):
            raise ValueError(
                f"max_action_args: expected one entry per action ({len(names)}), got {len(maxima)}"
            )
        if len(set(names)) != len(names):
            raise ValueError(f"action_names: duplicate names in {names}")
        if any(value < 0 for value in maxima):
            raise ValueError(f"max_action_args: entries must be >= 0, got {maxima}")
        self.action_names = names
        self.max_action_args = maxima
        self.full_action_names = [
            f"{name}_{arg}" for name, m in zip(names, maxima, strict=True) for arg in range(m + 1)
        ]
        # A disabled action of a type this env lacks is moot (a preset serves many envs); an
        # arg the env's action does not have is a mistake.
        disabled_set = set(disabled)
        unknown = sorted(
            name
            for name in disabled_set - set(self.full_action_names)
            if name.rpartition("_")[0] in names
        )
        if unknown:
            raise ValueError(
                f"disabled_actions: {unknown} are not actions of this environment; its actions "
                f"are {self.full_action_names}"
            )
        masked = [name in disabled_set for name in self.full_action_names]
        if all(masked):
            raise ValueError(f"disabled_actions: {sorted(disabled)} leave the policy no action")
        self.disabled = torch.tensor(masked, device=device)
        """``[A]`` True for the logits the policy never takes (masked before sampling)."""
        self.has_disabled = any(masked)
        pairs = [(k, arg) for k, m in enumerate(maxima) for arg in range(m + 1)]
        self.num_logits = len(pairs)
        self.index_to_action = torch.tensor(pairs, dtype=torch.int32, device=device)  # [A, 2]
        offsets = [0]
        for value in maxima[:-1]:
            offsets.append(offsets[-1] + value + 1)
        self.offsets = torch.tensor(offsets, dtype=torch.long, device=device)
        self.max_args_tensor = torch.tensor(maxima, dtype=torch.long, device=device)
        self.rotate_type = names.index("rotate") if "rotate" in names else -1
        if self.rotate_type >= 0 and maxima[self.rotate_type] != 3:
            self.rotate_type = -1  # relative turns need the four orientations as args
        self.to_orientation = torch.tensor(ORIENTATION_FROM_CLOCKWISE, device=device)
        self.to_clockwise = torch.tensor(CLOCKWISE_FROM_ORIENTATION, device=device)

    def to(self, device: torch.device) -> ActionSpace:
        """Moves the tables (a no-op when already there)."""
        if self.offsets.device != device:
            self.index_to_action = self.index_to_action.to(device)
            self.disabled = self.disabled.to(device)
            self.offsets = self.offsets.to(device)
            self.max_args_tensor = self.max_args_tensor.to(device)
            self.to_orientation = self.to_orientation.to(device)
            self.to_clockwise = self.to_clockwise.to(device)
        return self

    def to_logit_index(
        self, actions: torch.Tensor, heading: torch.Tensor | None = None
    ) -> torch.Tensor:
        """``[..., 2]`` (type, arg) -> flat logit index ``[...]``; out-of-range pairs raise.

        ``heading`` (same leading shape) reads ``rotate`` args as relative turns."""
        action_type = actions[..., 0].long()
        action_arg = actions[..., 1].long()
        num_types = len(self.action_names)
        bad_type = (action_type < 0) | (action_type >= num_types)
        safe_type = action_type.clamp(0, num_types - 1)
        bad_arg = (action_arg < 0) | (action_arg > self.max_args_tensor[safe_type])
        if bool((bad_type | bad_arg).any()):
            raise ValueError(
                f"action: (type, arg) pairs outside the action space (types 0..{num_types - 1}, "
                f"max args {self.max_action_args})"
            )
        if heading is not None and self.rotate_type >= 0:
            turn = (self.to_clockwise[action_arg.clamp(0, 3)] - heading) % 4
            action_arg = torch.where(action_type == self.rotate_type, turn, action_arg)
        return self.offsets[safe_type] + action_arg

    def engine_order(self, log_probs: torch.Tensor, heading: torch.Tensor | None) -> torch.Tensor:
        """``log_probs [N, A]`` over the policy's logits -> the same numbers in the engine's order,
        where column ``offset[type] + arg`` is the engine pair (type, arg) and ``rotate`` args are
        absolute orientations. Without a heading (or relative turns) the orders are the same."""
        if heading is None or self.rotate_type < 0:
            return log_probs
        rotate = int(self.offsets[self.rotate_type])
        turns = (self.to_clockwise.view(1, 4) - heading.view(-1, 1)) % 4  # [N, 4] per orientation
        columns = torch.arange(self.num_logits, device=log_probs.device).expand(len(heading), -1)
        columns = columns.clone()
        columns[:, rotate : rotate + 4] = rotate + turns
        return log_probs.gather(1, columns)

    def to_action(
        self, logit_index: torch.Tensor, heading: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Flat logit index ``[N]`` -> int32 ``[N, 2]`` (type, arg); ``heading`` ``[N]`` turns
        relative ``rotate`` args into the engine's absolute orientations."""
        actions = self.index_to_action[logit_index]
        if heading is None or self.rotate_type < 0:
            return actions
        arg = actions[:, 1].long()
        absolute = self.to_orientation[(heading + arg) % 4].to(actions.dtype)
        is_rotate = actions[:, 0] == self.rotate_type
        return torch.stack([actions[:, 0], torch.where(is_rotate, absolute, actions[:, 1])], 1)
