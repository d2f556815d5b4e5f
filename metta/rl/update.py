"""One minibatch's PPO + V-trace loss and the helpers around the update.

Convention: column ``H-1`` of every segment is the bootstrap column (its advantage is always 0, see
``metta.rl.advantage``), so the policy and value terms and the diagnostics (approx-KL, clipfrac,
advantage statistics) use columns ``0 .. H-2`` only. Training the value head there would pull it
towards its own old estimate. Entropy and kickstarter terms use every column: each is a real
state. The L2-init loss has gradients (so ``l2_reg_loss_coef`` acts), the importance-weight
exponent is clamped to 1, value targets use the rollout values (which training never
overwrites), and no term is read back with ``.item()`` (``Losses`` keeps device sums).
"""

from __future__ import annotations

import contextlib
import inspect
from typing import TYPE_CHECKING, Any

import torch
import torch.distributed as dist
from torch import nn

from metta.agent.policy_state import PolicyState
from metta.rl import ppo
from metta.rl.advantage import compute_advantage

if TYPE_CHECKING:
    from metta.rl.experience import Experience, Minibatch
    from metta.rl.kickstarter import Kickstarter
    from metta.rl.losses import Losses
    from metta.rl.trainer_config import TrainerConfig

__all__ = [
    "calculate_anneal_beta",
    "forward_autocast",
    "gradient_stats",
    "l2_reg_loss",
    "process_minibatch_update",
    "should_stop_early",
]


def calculate_anneal_beta(
    epoch: int, total_timesteps: int, batch_size: int, prio_alpha: float, prio_beta0: float
) -> float:
    """Importance-weight exponent ``min(1, b0 + (1 - b0) * alpha * epoch / E)``,
    ``E = max(1, total_timesteps // batch_size)``.

    Scaled by alpha, so it stays at b0 for uniform sampling; clamped to 1, since an exponent
    above 1 over-corrects. ``epoch`` is whatever the caller counts; E counts rollouts, while
    ``train_on_experience`` passes update epochs, so with ``update_epochs > 1`` beta anneals
    that many times faster.
    """
    if batch_size <= 0:
        raise ValueError(f"calculate_anneal_beta: batch_size must be > 0, got {batch_size}")
    total_epochs = max(1, total_timesteps // batch_size)
    return min(1.0, prio_beta0 + (1.0 - prio_beta0) * prio_alpha * epoch / total_epochs)


def l2_reg_loss(policy: nn.Module) -> torch.Tensor:
    """``sum ||W||^2`` over parameters with >= 2 dimensions (weights and kernels, no biases)."""
    terms = [p.square().sum() for p in policy.parameters() if p.requires_grad and p.ndim >= 2]
    if not terms:
        raise ValueError("l2_reg_loss: the policy has no trainable weight matrices")
    return torch.stack(terms).sum()


def forward_autocast(
    trainer_cfg: TrainerConfig, device: torch.device | str
) -> contextlib.AbstractContextManager[Any]:
    """bfloat16 autocast for a training forward pass when ``performance.cpu_autocast_bf16``
    resolves to on (``"auto"``: a CPU with native bfloat16) and ``device`` is a CPU; otherwise a
    context that changes nothing."""
    performance = trainer_cfg.performance
    if torch.device(device).type == "cpu" and performance.resolved_cpu_autocast_bf16():
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def _start_state(minibatch: Minibatch) -> PolicyState:
    """The rollout state the minibatch's segments started from (zeros where none was kept)."""
    return PolicyState(lstm_h=minibatch.lstm_h, lstm_c=minibatch.lstm_c)


def _accepts_dones(policy: nn.Module) -> bool:
    parameters = inspect.signature(policy.forward).parameters.values()
    return any(p.name == "dones" or p.kind is p.VAR_KEYWORD for p in parameters)


def process_minibatch_update(
    policy: nn.Module,
    experience: Experience,
    minibatch: Minibatch,
    advantages: torch.Tensor | None,
    trainer_cfg: TrainerConfig,
    kickstarter: Kickstarter | None,
    agent_step: int,
    losses: Losses,
    device: torch.device | str,
) -> torch.Tensor:
    """Forward on ``minibatch``, V-trace recompute, PPO + regularisation + kickstart loss.

    The forward runs under ``forward_autocast`` (bfloat16 on a CPU when
    ``performance.cpu_autocast_bf16``); its floating outputs are cast to float32 for the loss.

    ``advantages`` is this rollout's ``[S, H]`` ratio-1 advantage tensor: the value targets are
    ``advantages[indices] + values[indices]``. ``None`` uses ``minibatch.returns`` (the same
    numbers when the minibatch came from ``experience.iter_minibatches``). Records the new ratios in
    ``experience``, adds the terms to ``losses`` and returns the total loss (no backward).
    With ``experience.reset_lstm_on_done`` the policy must accept ``dones=`` ``[B, H]`` (True
    where an observation starts an episode), as ``MettaAgent.forward`` does.
    """
    batch, horizon = minibatch.logprobs.shape
    if horizon < 2:
        raise ValueError("process_minibatch_update: segments need >= 2 steps (bptt_horizon >= 2)")
    ppo_cfg, vtrace_cfg = trainer_cfg.ppo, trainer_cfg.vtrace

    if experience.reset_lstm_on_done:
        # The rollout zeroed the state where an episode began; training must do the same inside
        # each segment, so the policy gets the episode starts (done or truncation flags that
        # arrived with each observation).
        if not _accepts_dones(policy):
            raise ValueError(
                "Experience(reset_lstm_on_done=True) needs a policy whose forward accepts "
                f"dones= (MettaAgent does); {type(policy).__name__}.forward does not"
            )
        extra = {"dones": minibatch.episode_ends > 0}
    else:
        extra = {}
    with forward_autocast(trainer_cfg, device):
        forward = policy(minibatch.obs, _start_state(minibatch), action=minibatch.actions, **extra)
    _, new_logprobs, entropy, new_values, full_log_probs = (
        t.float() if isinstance(t, torch.Tensor) and t.is_floating_point() else t for t in forward
    )
    new_logprobs = new_logprobs.reshape(batch, horizon)
    new_values = new_values.reshape(batch, horizon)
    entropy = entropy.reshape(batch, horizon)
    logratio = new_logprobs - minibatch.logprobs
    ratio = logratio.exp()
    experience.update_ratio(minibatch.indices, ratio)

    # V-trace: advantages again, with this policy's importance ratios (no gradient through them).
    vtrace_advantages = compute_advantage(
        minibatch.values, minibatch.rewards, minibatch.episode_ends, ratio.detach(),
        torch.zeros_like(minibatch.values), ppo_cfg.gamma, ppo_cfg.gae_lambda,
        vtrace_cfg.vtrace_rho_clip, vtrace_cfg.vtrace_c_clip, device,
    )  # fmt: skip
    if advantages is None:
        returns = minibatch.returns
    else:
        returns = advantages[minibatch.indices] + minibatch.values

    trained = slice(0, horizon - 1)  # column H-1 only bootstraps
    adv = vtrace_advantages[:, trained]
    if ppo_cfg.norm_adv:
        adv = ppo.normalize_advantages(adv)
    adv = minibatch.prio_weights * adv

    # Policy loss / value loss / diagnostics on the trained columns; entropy on every column.
    terms = ppo.compute_ppo_losses(
        adv, new_logprobs[:, trained], minibatch.logprobs[:, trained], entropy,
        new_values[:, trained], minibatch.values[:, trained], returns[:, trained],
        ppo_cfg.clip_coef, ppo_cfg.vf_clip_coef, ppo_cfg.clip_vloss,
    )  # fmt: skip
    pg_loss, v_loss, entropy_loss = terms.policy_loss, terms.value_loss, terms.entropy

    zero = torch.zeros((), device=pg_loss.device)
    l2_init = zero
    if ppo_cfg.l2_init_loss_coef > 0:
        l2_init_loss = getattr(policy, "l2_init_loss", None)
        if not callable(l2_init_loss):
            raise ValueError(
                "ppo.l2_init_loss_coef > 0 but the policy has no l2_init_loss() method; "
                "set l2_init_loss_coef=0 or use a policy that keeps its initial weights"
            )
        l2_init = ppo_cfg.l2_init_loss_coef * l2_init_loss()
    l2_reg = zero
    if ppo_cfg.l2_reg_loss_coef > 0:
        l2_reg = ppo_cfg.l2_reg_loss_coef * l2_reg_loss(policy)
    ks_action, ks_value = zero, zero
    if kickstarter is not None:
        ks_action, ks_value = kickstarter.loss(
            agent_step, full_log_probs, new_values.reshape(-1), minibatch.obs,
            teacher_actions=minibatch.teacher_actions,
        )  # fmt: skip

    loss = (
        pg_loss
        - ppo_cfg.ent_coef * entropy_loss
        + ppo_cfg.vf_coef * v_loss
        + l2_init
        + l2_reg
        + ks_action
        + ks_value
    )
    losses.add(
        policy_loss=pg_loss,
        value_loss=v_loss,
        entropy=entropy_loss,
        approx_kl=terms.approx_kl,
        clipfrac=terms.clipfrac,
        l2_reg_loss=l2_reg,
        l2_init_loss=l2_init,
        ks_action_loss=ks_action,
        ks_value_loss=ks_value,
        importance=ratio[:, trained].mean(),
        current_logprobs=new_logprobs.mean(),
    )
    return loss


def should_stop_early(losses: Losses, target_kl: float | None) -> bool:
    """True when the running mean approx-KL of this phase exceeds ``target_kl``.

    Under torch.distributed the mean is averaged over ranks first, so every rank takes the same
    decision (ranks deciding on their own could
    disagree and deadlock).
    """
    if target_kl is None or losses.minibatches_processed == 0:
        return False
    mean_kl = losses.mean("approx_kl")
    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        value = torch.tensor([mean_kl], dtype=torch.float64)
        if dist.get_backend() == "nccl":
            value = value.cuda()
        dist.all_reduce(value)
        mean_kl = float(value.item()) / dist.get_world_size()
    return mean_kl > target_kl


def gradient_stats(policy: nn.Module) -> dict[str, float]:
    """Mean, variance and L2 norm of all current gradients (``grad/*`` metrics); {} if none."""
    grads = [p.grad.detach().flatten() for p in policy.parameters() if p.grad is not None]
    if not grads:
        return {}
    flat = torch.cat(grads).double()
    stats: Any = torch.stack([flat.mean(), flat.var(unbiased=False), flat.norm()]).tolist()
    return {"grad/mean": stats[0], "grad/variance": stats[1], "grad/norm": stats[2]}
