"""``DistributedMettaAgent``: DDP around a MettaAgent that still answers the agent's own API.

Attribute lookups the DDP wrapper does not know (``initialize_to_environment``, ``clip_weights``,
``l2_init_loss``, ``hidden_size``...) fall through to the wrapped agent.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from metta.agent.metta_agent import MettaAgent

__all__ = ["DistributedMettaAgent"]


class DistributedMettaAgent(DistributedDataParallel):
    """Needs an initialised process group; BatchNorm layers become SyncBatchNorm."""

    def __init__(self, agent: MettaAgent, device: torch.device | str) -> None:
        if not torch.distributed.is_available() or not torch.distributed.is_initialized():
            raise RuntimeError(
                "DistributedMettaAgent: torch.distributed is not initialised; call "
                "torch.distributed.init_process_group first (torchrun sets it up)"
            )
        device = torch.device(device)
        agent = nn.SyncBatchNorm.convert_sync_batchnorm(agent)
        if device.type == "cuda":
            super().__init__(agent, device_ids=[device], output_device=device)
        else:
            super().__init__(agent)

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self.module, name)
