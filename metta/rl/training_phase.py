"""The outer training phase as one function, built from the public pieces.

advantages (ratio 1) -> ``update_epochs`` x ``iter_minibatches`` -> ``process_minibatch_update`` ->
``Optimizer.step`` (with the buffer's gradient accumulation) -> approx-KL early stop per epoch ->
LR schedule step -> explained variance. A hand-written loop can call this or copy its body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
import torch.distributed as dist
from torch import nn

from metta.rl.losses import Losses, explained_variance
from metta.rl.update import calculate_anneal_beta, process_minibatch_update, should_stop_early

if TYPE_CHECKING:
    from metta.common.profiling.stopwatch import Stopwatch
    from metta.rl.experience import Experience
    from metta.rl.kickstarter import Kickstarter
    from metta.rl.lr_scheduler import LRScheduler
    from metta.rl.optimizer import Optimizer
    from metta.rl.trainer_config import TrainerConfig

__all__ = ["train_on_experience"]


def train_on_experience(
    policy: nn.Module,
    experience: Experience,
    optimizer: Optimizer,
    trainer_cfg: TrainerConfig,
    losses: Losses,
    device: torch.device | str,
    *,
    epoch: int,
    agent_step: int,
    kickstarter: Kickstarter | None = None,
    lr_scheduler: LRScheduler | None = None,
    timer: Stopwatch | None = None,
) -> int:
    """Trains on the full buffer and returns the new epoch count (epochs = update epochs).

    ``losses`` is zeroed first and holds this phase's terms afterwards; the prioritised-replay
    beta is annealed from ``epoch`` with ``calculate_anneal_beta``.
    """
    if not experience.ready_for_training:
        raise RuntimeError("train_on_experience: the buffer is not full; finish the rollout first")
    ppo, vtrace, prio = (
        trainer_cfg.ppo,
        trainer_cfg.vtrace,
        trainer_cfg.prioritized_experience_replay,
    )
    losses.zero()
    experience.reset_importance_sampling_ratios()
    experience.prio_alpha = prio.prio_alpha
    # Under torchrun every process fills batch_size per phase, so the run has fewer phases.
    world_size = dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1
    experience.prio_beta = calculate_anneal_beta(
        epoch,
        trainer_cfg.total_timesteps,
        trainer_cfg.batch_size * world_size,
        prio.prio_alpha,
        prio.prio_beta0,
    )
    advantages = experience.compute_advantages(
        ppo.gamma, ppo.gae_lambda, vtrace.vtrace_rho_clip, vtrace.vtrace_c_clip
    )
    for _ in range(trainer_cfg.update_epochs):
        for minibatch in experience.iter_minibatches():
            loss = process_minibatch_update(
                policy, experience, minibatch, advantages, trainer_cfg, kickstarter,
                agent_step, losses, device,
            )  # fmt: skip
            if timer is not None:
                with timer("_train.learn"):
                    optimizer.step(loss, epoch, experience.accumulate_minibatches)
            else:
                optimizer.step(loss, epoch, experience.accumulate_minibatches)
        optimizer.flush()
        epoch += 1
        if should_stop_early(losses, ppo.target_kl):
            break
    if lr_scheduler is not None:
        lr_scheduler.step()
    trained = slice(0, experience.bptt_horizon - 1)
    values = experience.values[:, trained]
    losses.explained_variance = explained_variance(values, advantages[:, trained] + values)
    return epoch
