"""Two gloo ranks on CPU: advantages are normalised with global statistics and the KL early
stop is decided on the mean over ranks, so ranks never disagree."""

import math

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from metta.rl.losses import Losses
from metta.rl.ppo import normalize_advantages
from metta.rl.update import should_stop_early


def _rank_main(rank: int, init_file: str, results) -> None:
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=2)
    try:
        local = torch.tensor([1.0, 2.0]) if rank == 0 else torch.tensor([3.0, 4.0, 5.0, 6.0])
        normalized = normalize_advantages(local)
        losses = Losses()
        losses.add(approx_kl=torch.tensor(0.01 if rank == 0 else 0.05))
        results[rank] = (normalized.tolist(), should_stop_early(losses, 0.02))
    finally:
        dist.destroy_process_group()


@pytest.mark.slow
def test_two_ranks_share_statistics_and_decisions(tmp_path):
    manager = mp.Manager()
    results = manager.dict()
    mp.spawn(_rank_main, args=(str(tmp_path / "init"), results), nprocs=2, join=True)
    everything = torch.arange(1.0, 7.0)
    mean = everything.mean()
    std = math.sqrt(((everything - mean) ** 2).mean().item())  # population variance
    expected = ((everything - mean) / (std + 1e-8)).tolist()
    assert torch.allclose(torch.tensor(results[0][0]), torch.tensor(expected[:2]), atol=1e-6)
    assert torch.allclose(torch.tensor(results[1][0]), torch.tensor(expected[2:]), atol=1e-6)
    # Rank 0 alone (0.01) would continue, rank 1 alone (0.05) would stop: the mean 0.03 stops both.
    assert results[0][1] is True
    assert results[1][1] is True
