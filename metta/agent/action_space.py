"""Flat action space: ``(type, arg)`` pairs <-> logit indices, from action names and max args.

``offset[k] = sum_{i<k}(max_i + 1)``; logit ``offset[type] + arg`` is the pair ``(type, arg)``,
and the full name of that logit is ``"{name}_{arg}"`` (the key of its action embedding).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

__all__ = ["ActionSpace"]


class ActionSpace:
    """Lookup tables for one environment's actions, on one device."""

    def __init__(
        self, action_names: Sequence[str], max_action_args: Sequence[int], device: torch.device
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
        pairs = [(k, arg) for k, m in enumerate(maxima) for arg in range(m + 1)]
        self.num_logits = len(pairs)
        self.index_to_action = torch.tensor(pairs, dtype=torch.int32, device=device)  # [A, 2]
        offsets = [0]
        for value in maxima[:-1]:
            offsets.append(offsets[-1] + value + 1)
        self.offsets = torch.tensor(offsets, dtype=torch.long, device=device)
        self.max_args_tensor = torch.tensor(maxima, dtype=torch.long, device=device)

    def to(self, device: torch.device) -> ActionSpace:
        """Moves the tables (a no-op when already there)."""
        if self.offsets.device != device:
            self.index_to_action = self.index_to_action.to(device)
            self.offsets = self.offsets.to(device)
            self.max_args_tensor = self.max_args_tensor.to(device)
        return self

    def to_logit_index(self, actions: torch.Tensor) -> torch.Tensor:
        """``[..., 2]`` (type, arg) -> flat logit index ``[...]``; out-of-range pairs raise."""
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
        return self.offsets[safe_type] + action_arg

    def to_action(self, logit_index: torch.Tensor) -> torch.Tensor:
        """Flat logit index ``[N]`` -> int32 ``[N, 2]`` (type, arg)."""
        return self.index_to_action[logit_index]
