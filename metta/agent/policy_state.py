"""``PolicyState``: the recurrent state a policy carries between rollout steps.

The rollout passes one per recv batch; ``MettaAgent.forward`` reads ``lstm_h``/``lstm_c``
(``[layers, agents, hidden]``, or None for zeros) and writes the new, detached state back.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

__all__ = ["PolicyState"]


@dataclass
class PolicyState:
    """LSTM hidden and cell state (``[L, N, H]`` each) plus an optional free ``hidden`` slot."""

    lstm_h: torch.Tensor | None = None
    lstm_c: torch.Tensor | None = None
    hidden: torch.Tensor | None = None

    def reset(self) -> None:
        """Forgets the state, so the next forward starts from zeros."""
        self.lstm_h = None
        self.lstm_c = None
        self.hidden = None
