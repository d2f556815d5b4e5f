"""Distributed training context: torch.distributed when launched by torchrun, else one process.

torchrun sets RANK, LOCAL_RANK and WORLD_SIZE; each rank then runs its own environments and
buffer, gradients are averaged by DDP, and rank 0 alone writes checkpoints, stats and replays.
Backend: NCCL on GPUs, gloo on CPU.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist

__all__ = ["DistributedContext", "resolve_device", "setup_distributed"]


@dataclass(frozen=True)
class DistributedContext:
    """This process's place in the run."""

    rank: int
    local_rank: int
    world_size: int
    device: torch.device

    @property
    def is_master(self) -> bool:
        """Rank 0, which does the run's I/O."""
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        """More than one process."""
        return self.world_size > 1

    def barrier(self) -> None:
        """Waits for every rank (no-op for a single process)."""
        if self.distributed:
            dist.barrier()

    def close(self) -> None:
        """Tears the process group down."""
        if self.distributed and dist.is_initialized():
            dist.destroy_process_group()


def resolve_device(device: str, local_rank: int = 0) -> torch.device:
    """ "auto" -> cuda:local_rank when CUDA is available, else cpu; anything else as given."""
    if device == "auto":
        return (
            torch.device(f"cuda:{local_rank}") if torch.cuda.is_available() else torch.device("cpu")
        )
    resolved = torch.device(device)
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} but CUDA is not available on this machine")
    return resolved


def setup_distributed(device: str = "auto") -> DistributedContext:
    """Joins the torchrun process group when WORLD_SIZE > 1; the device follows LOCAL_RANK."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if world_size <= 1:
        return DistributedContext(0, 0, 1, resolve_device(device))
    resolved = resolve_device(device, local_rank)
    if resolved.type == "cuda":
        resolved = torch.device("cuda", local_rank)
        torch.cuda.set_device(resolved)
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if resolved.type == "cuda" else "gloo")
    return DistributedContext(rank, local_rank, world_size, resolved)
