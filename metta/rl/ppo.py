"""The PPO loss terms as short pure functions (CleanRL's names: ratio, pg_loss, v_loss, ...).

All inputs are tensors of one shape (the trained steps of a minibatch); every term is a mean over
their elements. ``process_minibatch_update`` calls ``compute_ppo_losses`` on columns ``0 .. H-2``
of each segment.

PPO details and where each lives:
 1. GAE(gamma, lambda) advantages with ratio 1, once per rollout: ``Experience.compute_advantages``.
 2. Segments sampled by priority (sum_t |A|)^alpha with IS weights: ``Experience.sample_minibatch``.
 3. V-trace advantages recomputed with the new ratios per minibatch: ``process_minibatch_update``.
 4. Column H-1 of each segment only bootstraps and is left out of the loss: same place.
 5. Per-minibatch advantage normalisation (global under DDP): ``normalize_advantages``.
 6. Clipped surrogate objective: ``policy_loss``.
 7. Value loss clipped around the rollout value, targets = A + V_rollout: ``value_loss``.
 8. Entropy bonus, L2-init, L2-reg and kickstarter terms: ``process_minibatch_update``.
 9. approx-KL and clip fraction diagnostics: ``approx_kl``, ``clip_fraction``.
10. Early stop between update epochs when mean approx-KL > target_kl: ``should_stop_early``.
11. Global grad-norm clip, gradient accumulation: ``Optimizer.step``.
12. Learning-rate warm-up and decay per training phase: ``LRScheduler``.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.distributed as dist

__all__ = [
    "PPOLosses",
    "approx_kl",
    "clip_fraction",
    "compute_ppo_losses",
    "normalize_advantages",
    "policy_loss",
    "value_loss",
]


class PPOLosses(NamedTuple):
    """The terms of one minibatch: losses with gradients, diagnostics without."""

    policy_loss: torch.Tensor
    value_loss: torch.Tensor
    entropy: torch.Tensor
    approx_kl: torch.Tensor
    clipfrac: torch.Tensor


def normalize_advantages(advantages: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """``(A - mean) / (std + eps)``; statistics over all ranks when torch.distributed is running.

    Single process: unbiased std (``torch.std``). Distributed: one all-reduce of
    ``[sum, sum of squares, count]`` and the population variance (clamped at 1e-8), so every rank
    normalises with the same numbers.
    """
    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        flat = advantages.detach().flatten().double()
        totals = torch.stack([flat.sum(), flat.square().sum(), flat.new_tensor(flat.numel())])
        dist.all_reduce(totals)
        mean = totals[0] / totals[2]
        std = torch.sqrt(torch.clamp(totals[1] / totals[2] - mean.square(), min=1e-8))
        return (advantages - mean.to(advantages.dtype)) / (std.to(advantages.dtype) + eps)
    if advantages.numel() < 2:  # no spread to divide by
        return advantages - advantages.mean()
    return (advantages - advantages.mean()) / (advantages.std() + eps)


def policy_loss(advantages: torch.Tensor, ratio: torch.Tensor, clip_coef: float) -> torch.Tensor:
    """Clipped surrogate: ``mean(max(-A r, -A clip(r, 1 - eps, 1 + eps)))``."""
    pg_loss1 = -advantages * ratio
    pg_loss2 = -advantages * torch.clamp(ratio, 1.0 - clip_coef, 1.0 + clip_coef)
    return torch.max(pg_loss1, pg_loss2).mean()


def value_loss(
    new_values: torch.Tensor,
    old_values: torch.Tensor,
    returns: torch.Tensor,
    vf_clip_coef: float,
    clip_vloss: bool = True,
) -> torch.Tensor:
    """``0.5 mean((v - R)^2)``, or with clipping the larger of that and the error of
    ``v_old + clip(v - v_old, +-vf_clip_coef)``."""
    v_loss_unclipped = (new_values - returns) ** 2
    if not clip_vloss:
        return 0.5 * v_loss_unclipped.mean()
    v_clipped = old_values + torch.clamp(new_values - old_values, -vf_clip_coef, vf_clip_coef)
    v_loss_clipped = (v_clipped - returns) ** 2
    return 0.5 * torch.max(v_loss_unclipped, v_loss_clipped).mean()


def approx_kl(logratio: torch.Tensor) -> torch.Tensor:
    """The low-variance KL estimate ``mean((r - 1) - log r)`` (no gradient)."""
    with torch.no_grad():
        return ((logratio.exp() - 1.0) - logratio).mean()


def clip_fraction(ratio: torch.Tensor, clip_coef: float) -> torch.Tensor:
    """Share of steps whose ratio left ``[1 - eps, 1 + eps]`` (no gradient)."""
    with torch.no_grad():
        return ((ratio - 1.0).abs() > clip_coef).float().mean()


def compute_ppo_losses(
    advantages: torch.Tensor,
    new_logprobs: torch.Tensor,
    old_logprobs: torch.Tensor,
    entropy: torch.Tensor,
    new_values: torch.Tensor,
    old_values: torch.Tensor,
    returns: torch.Tensor,
    clip_coef: float,
    vf_clip_coef: float,
    clip_vloss: bool = True,
) -> PPOLosses:
    """All PPO terms of one minibatch (``process_minibatch_update`` calls it).

    ``advantages``, log-probs, values and ``returns`` share one shape (the trained steps) and
    ``advantages`` are already normalised and weighted; ``entropy`` is averaged over all its
    elements, so it may cover more steps than the others.
    """
    logratio = new_logprobs - old_logprobs
    ratio = logratio.exp()
    return PPOLosses(
        policy_loss=policy_loss(advantages, ratio, clip_coef),
        value_loss=value_loss(new_values, old_values, returns, vf_clip_coef, clip_vloss),
        entropy=entropy.mean(),
        approx_kl=approx_kl(logratio),
        clipfrac=clip_fraction(ratio, clip_coef),
    )
