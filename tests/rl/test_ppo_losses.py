"""PPO loss terms and process_minibatch_update against hand-worked numbers."""

import math

import gymnasium as gym
import numpy as np
import pytest
import torch
from rl_stand_ins import TinyPolicy
from torch import nn

from metta.rl import ppo
from metta.rl.experience import Experience
from metta.rl.losses import Losses, explained_variance
from metta.rl.trainer_config import TrainerConfig
from metta.rl.update import gradient_stats, l2_reg_loss, process_minibatch_update, should_stop_early


def test_policy_loss_hand_worked():
    adv = torch.tensor([1.0, -1.0, 2.0])
    ratio = torch.tensor([1.5, 0.5, 1.0])
    # max(-A r, -A clip(r)) = max(-1.5, -1.2), max(0.5, 0.8), max(-2, -2) -> mean(-1.2, 0.8, -2)
    assert ppo.policy_loss(adv, ratio, 0.2).item() == pytest.approx(-0.8)


def test_value_loss_hand_worked():
    new, old, ret = torch.tensor([1.0, 0.0]), torch.tensor([0.5, 0.5]), torch.tensor([2.0, 0.0])
    # clipped values 0.7 and 0.3 -> errors max(1, 1.69), max(0, 0.09) -> 0.5 * mean = 0.445
    assert ppo.value_loss(new, old, ret, 0.2, clip_vloss=True).item() == pytest.approx(0.445)
    assert ppo.value_loss(new, old, ret, 0.2, clip_vloss=False).item() == pytest.approx(0.25)


def test_diagnostics_hand_worked():
    logratio = torch.tensor([math.log(2.0), 0.0])
    assert ppo.approx_kl(logratio).item() == pytest.approx((1 - math.log(2.0)) / 2)
    assert ppo.clip_fraction(logratio.exp(), 0.2).item() == pytest.approx(0.5)
    normalized = ppo.normalize_advantages(torch.tensor([1.0, 2.0, 3.0]))
    assert torch.allclose(normalized, torch.tensor([-1.0, 0.0, 1.0]), atol=1e-6)


def test_compute_ppo_losses_bundles_the_terms():
    old = torch.log(torch.tensor([0.5, 0.5]))
    new = old + torch.log(torch.tensor([1.5, 0.5]))
    terms = ppo.compute_ppo_losses(
        torch.tensor([2.75, 1.25]), new, old, torch.tensor([0.6, 0.8]),
        torch.tensor([4.0, 3.0]), torch.tensor([0.5, 1.0]), torch.tensor([4.5, 3.5]),
        clip_coef=0.2, vf_clip_coef=10.0,
    )  # fmt: skip
    assert terms.policy_loss.item() == pytest.approx(-1.9625)
    assert terms.value_loss.item() == pytest.approx(0.125)
    assert terms.entropy.item() == pytest.approx(0.7)
    assert terms.clipfrac.item() == 1.0


class ScriptedPolicy(nn.Module):
    """Returns its parameters as log-probs, entropies and values, whatever the observation."""

    def __init__(self, logprobs, entropy, values):
        super().__init__()
        self.logprob = nn.Parameter(torch.tensor(logprobs))
        self.entropy = nn.Parameter(torch.tensor(entropy))
        self.value = nn.Parameter(torch.tensor(values))

    def forward(self, obs, state, action=None):
        full = torch.log(torch.full((self.logprob.numel(), 2), 0.5))
        return action, self.logprob, self.entropy, self.value.unsqueeze(1), full


def hand_worked_buffer():
    exp = Experience(
        total_agents=1, batch_size=3, bptt_horizon=3, minibatch_size=3,
        obs_space=gym.spaces.Box(0, 255, (2, 3), np.uint8),
        atn_space=gym.spaces.MultiDiscrete([2, 1]), device="cpu", hidden_size=2, num_lstm_layers=1,
    )  # fmt: skip
    exp.rewards[0] = torch.tensor([0.0, 1.0, 2.0])
    exp.values[0] = torch.tensor([0.5, 1.0, 1.5])
    exp.logprobs[0] = math.log(0.5)
    return exp


def hand_worked_config(**ppo):
    settings = {"gamma": 1.0, "gae_lambda": 1.0, "norm_adv": False, "clip_coef": 0.2}
    settings |= {"clip_vloss": False, "ent_coef": 0.1, "vf_coef": 0.5} | ppo
    return TrainerConfig(batch_size=3, minibatch_size=3, bptt_horizon=3, ppo=settings)


def test_process_minibatch_update_hand_worked():
    """gamma = lambda = 1, rewards [0,1,2], values [.5,1,1.5], new/old ratios [1.5, .5, 3].

    V-trace (rho, c clipped at 1): A1 = .5 (2 + 1.5 - 1) = 1.25, A0 = (1 + 1 - .5) + A1 = 2.75.
    Ratio-1 GAE: A1 = 2.5, A0 = 4.0 -> returns [4.5, 3.5]. Column 2 only bootstraps.
    pg = mean(max(-4.125, -3.3), max(-.625, -1.0)) = -1.9625
    v = .5 mean((4 - 4.5)^2, (3 - 3.5)^2) = .125; entropy = mean(.6, .6, .9) = .7
    loss = -1.9625 - .1 * .7 + .5 * .125 = -1.97
    """
    exp = hand_worked_buffer()
    cfg = hand_worked_config()
    advantages = exp.compute_advantages(1.0, 1.0, 1.0, 1.0)
    assert advantages[0].tolist() == [4.0, 2.5, 0.0]
    minibatch = next(exp.iter_minibatches())
    policy = ScriptedPolicy(
        [math.log(0.75), math.log(0.25), math.log(1.5)], [0.6, 0.6, 0.9], [4.0, 3.0, 100.0]
    )
    losses = Losses()
    loss = process_minibatch_update(policy, exp, minibatch, advantages, cfg, None, 0, losses, "cpu")
    assert loss.item() == pytest.approx(-1.97, abs=1e-5)
    stats = losses.stats()
    assert stats["policy_loss"] == pytest.approx(-1.9625, abs=1e-6)
    assert stats["value_loss"] == pytest.approx(0.125, abs=1e-6)
    assert stats["entropy"] == pytest.approx(0.7, abs=1e-6)
    assert stats["approx_kl"] == pytest.approx(
        ((0.5 - math.log(1.5)) + (-0.5 - math.log(0.5))) / 2, abs=1e-6
    )
    assert stats["clipfrac"] == 1.0
    assert stats["importance"] == pytest.approx(1.0)
    assert losses.minibatches_processed == 1
    assert losses.policy_loss_sum == pytest.approx(-1.9625)
    assert exp.ratio[0].tolist() == pytest.approx([1.5, 0.5, 3.0])
    # The value of column H-1 (100, far from any target) never entered the loss; with
    # advantages=None the minibatch's own returns give the same value targets.
    again = process_minibatch_update(policy, exp, minibatch, None, cfg, None, 0, Losses(), "cpu")
    assert again.item() == pytest.approx(-1.97, abs=1e-5)
    loss.backward()
    assert policy.value.grad[2].item() == 0.0
    assert policy.logprob.grad[2].item() == 0.0


def test_a_truncation_cuts_the_advantage_like_a_terminal():
    """Episode ends on arriving at column 2 (truncated at max_steps, as MettaGrid ends episodes):
    A1 = r2 - v1 = 2 - 1 = 1 (no bootstrap from the next episode's v2), A0 = (1 + 1 - .5) + A1.
    Cutting only on terminals would give A1 = 2.5, A0 = 4."""
    exp = hand_worked_buffer()
    exp.truncations[0, 2] = 1.0
    advantages = exp.compute_advantages(1.0, 1.0, 1.0, 1.0)
    assert advantages[0].tolist() == [2.5, 1.0, 0.0]
    terminal = hand_worked_buffer()
    terminal.terminals[0, 2] = 1.0
    assert torch.equal(terminal.compute_advantages(1.0, 1.0, 1.0, 1.0), advantages)
    # The per-minibatch V-trace recompute cuts there too: with every ratio 1 it equals GAE, so
    # the policy-gradient term uses A = [2.5, 1.0].
    cfg = hand_worked_config(ent_coef=0.0, vf_coef=0.0)
    minibatch = next(exp.iter_minibatches())
    policy = ScriptedPolicy([math.log(0.5)] * 3, [0.6, 0.6, 0.9], [4.0, 3.0, 100.0])
    losses = Losses()
    process_minibatch_update(policy, exp, minibatch, advantages, cfg, None, 0, losses, "cpu")
    assert losses.stats()["policy_loss"] == pytest.approx(-(2.5 + 1.0) / 2, abs=1e-6)


def test_normalised_and_clipped_variant():
    exp = hand_worked_buffer()
    cfg = hand_worked_config(norm_adv=True, clip_vloss=True, vf_clip_coef=0.2, ent_coef=0.0)
    advantages = exp.compute_advantages(1.0, 1.0, 1.0, 1.0)
    policy = ScriptedPolicy(
        [math.log(0.75), math.log(0.25), math.log(1.5)], [0.6, 0.6, 0.9], [4.0, 3.0, 100.0]
    )
    loss = process_minibatch_update(
        policy, exp, next(exp.iter_minibatches()), advantages, cfg, None, 0, Losses(), "cpu"
    )
    # normalised [2.75, 1.25] -> [1/sqrt2, -1/sqrt2] (unbiased std 1.06066)
    a = 1 / math.sqrt(2)
    pg = (max(-a * 1.5, -a * 1.2) + max(a * 0.5, a * 0.8)) / 2
    # values clipped to 0.5 + .2 = .7 and 1 + .2 = 1.2: errors max(.25, 14.44), max(.25, 5.29)
    v = 0.5 * (max(0.25, (0.7 - 4.5) ** 2) + max(0.25, (1.2 - 3.5) ** 2)) / 2
    assert loss.item() == pytest.approx(pg + 0.5 * v, abs=1e-5)


def test_l2_init_and_l2_reg_terms_have_gradients():
    torch.manual_seed(0)
    policy = TinyPolicy(num_tokens=2, action_types=2, max_arg=0)
    with torch.no_grad():
        policy.encoder.weight.add_(0.5)  # move away from the initial weights
    exp = hand_worked_buffer()
    advantages = exp.compute_advantages(0.9, 0.9, 1.0, 1.0)
    mb = next(exp.iter_minibatches())

    def loss_and_grad(**ppo_cfg):
        policy.zero_grad()
        torch.manual_seed(1)
        loss = process_minibatch_update(
            policy, exp, mb, advantages, hand_worked_config(**ppo_cfg), None, 0, Losses(), "cpu"
        )
        loss.backward()
        return loss.item(), policy.encoder.weight.grad.clone()

    base, base_grad = loss_and_grad()
    with_init, init_grad = loss_and_grad(l2_init_loss_coef=0.5)
    assert with_init - base == pytest.approx(0.5 * policy.l2_init_loss().item(), rel=1e-5)
    delta = policy.encoder.weight.detach() - policy.initial["encoder.weight"]
    assert torch.allclose(init_grad - base_grad, 0.5 * 2 * delta, atol=1e-5)
    with_reg, reg_grad = loss_and_grad(l2_reg_loss_coef=0.1)
    assert with_reg - base == pytest.approx(0.1 * l2_reg_loss(policy).item(), rel=1e-5)
    assert torch.allclose(reg_grad - base_grad, 0.1 * 2 * policy.encoder.weight.detach(), atol=1e-5)


def test_l2_init_needs_the_policy_method():
    exp = hand_worked_buffer()
    advantages = exp.compute_advantages(1.0, 1.0, 1.0, 1.0)
    policy = ScriptedPolicy([0.0] * 3, [0.0] * 3, [0.0] * 3)
    with pytest.raises(ValueError, match="no l2_init_loss"):
        process_minibatch_update(
            policy, exp, next(exp.iter_minibatches()), advantages,
            hand_worked_config(l2_init_loss_coef=1.0), None, 0, Losses(), "cpu",
        )  # fmt: skip


def test_losses_tracker_and_early_stop():
    losses = Losses()
    assert not should_stop_early(losses, 0.01)
    losses.add(approx_kl=torch.tensor(0.02), policy_loss=1.0)
    losses.add(approx_kl=torch.tensor(0.04), policy_loss=3.0)
    assert losses.stats()["approx_kl"] == pytest.approx(0.03)
    assert losses.stats()["policy_loss"] == pytest.approx(2.0)
    assert set(losses.stats()) == {
        "policy_loss", "value_loss", "entropy", "approx_kl", "clipfrac", "l2_reg_loss",
        "l2_init_loss", "ks_action_loss", "ks_value_loss", "importance", "explained_variance",
        "current_logprobs",
    }  # fmt: skip
    assert should_stop_early(losses, 0.025)
    assert not should_stop_early(losses, 0.05)
    assert not should_stop_early(losses, None)
    with pytest.raises(KeyError, match="unknown terms"):
        losses.add(bogus=1.0)
    losses.zero()
    assert losses.minibatches_processed == 0
    assert losses.stats()["approx_kl"] == 0.0


def test_losses_sum_attributes_take_reference_style_writes():
    # A loop written for plain float sums: `losses.<term>_sum += x` per minibatch, then count it.
    losses = Losses()
    for value in (1.0, 3.0):
        losses.policy_loss_sum += value
        losses.minibatches_processed += 1
    assert losses.policy_loss_sum == 4.0
    assert losses.stats()["policy_loss"] == pytest.approx(2.0)
    assert losses.mean("policy_loss") == pytest.approx(2.0)
    # Assignment replaces the sum; zero() clears it again.
    losses.value_loss_sum = 5.0
    assert losses.stats()["value_loss"] == pytest.approx(2.5)
    losses.zero()
    assert losses.value_loss_sum == 0.0
    assert losses.policy_loss_sum == 0.0
    assert losses.stats()["value_loss"] == 0.0
    # Normal attributes are untouched by the hook.
    losses.explained_variance = 0.5
    assert losses.stats()["explained_variance"] == 0.5


def test_losses_sum_attributes_keep_tensors_detached():
    losses = Losses()
    weight = torch.tensor(2.0, requires_grad=True)
    losses.entropy_sum += weight * 0.25  # float + tensor: a tensor, stored detached
    losses.entropy_sum += torch.tensor([0.5])  # one-element tensors are accepted
    losses.add(entropy=torch.tensor(0.25))
    assert isinstance(losses._sums["entropy"], torch.Tensor)
    assert not losses._sums["entropy"].requires_grad
    assert losses.entropy_sum == pytest.approx(1.25)
    losses.minibatches_processed = 5
    assert losses.stats()["entropy"] == pytest.approx(0.25)
    losses.approx_kl_sum = torch.tensor(0.75)
    assert losses.stats()["approx_kl"] == pytest.approx(0.15)
    with pytest.raises(ValueError, match="expected a scalar"):
        losses.approx_kl_sum = torch.ones(2)
    with pytest.raises(TypeError, match="expected a float or a scalar tensor"):
        losses.approx_kl_sum = "0.5"


def test_losses_unknown_sum_names_raise():
    losses = Losses()
    with pytest.raises(AttributeError, match="no loss term 'policy_los'"):
        _ = losses.policy_los_sum
    with pytest.raises(AttributeError, match="no loss term 'policy_los'"):
        losses.policy_los_sum += 1.0
    with pytest.raises(AttributeError, match="no loss term 'bogus'"):
        losses.bogus_sum = 0.0
    with pytest.raises(AttributeError, match="no attribute 'bogus'"):
        _ = losses.bogus
    assert not hasattr(losses, "bogus_sum")
    assert hasattr(losses, "policy_loss_sum")
    assert "bogus" not in losses.stats()


def test_explained_variance_and_gradient_stats():
    returns = torch.tensor([1.0, 2.0, 3.0, 4.0])
    assert explained_variance(returns, returns) == 1.0
    assert explained_variance(torch.zeros(4), returns) == pytest.approx(0.0)
    assert math.isnan(explained_variance(torch.zeros(2), torch.ones(2)))
    policy = nn.Linear(2, 1)
    assert gradient_stats(policy) == {}
    policy(torch.ones(1, 2)).sum().backward()
    stats = gradient_stats(policy)
    assert stats["grad/norm"] == pytest.approx(math.sqrt(3.0))
    assert stats["grad/mean"] == pytest.approx(1.0)


def test_lstm_reset_needs_a_policy_that_takes_dones():
    exp = hand_worked_buffer()
    exp.reset_lstm_on_done = True
    advantages = exp.compute_advantages(1.0, 1.0, 1.0, 1.0)
    policy = ScriptedPolicy([0.0] * 3, [0.0] * 3, [0.0] * 3)
    with pytest.raises(ValueError, match="forward accepts dones="):
        process_minibatch_update(
            policy, exp, next(exp.iter_minibatches()), advantages,
            hand_worked_config(), None, 0, Losses(), "cpu",
        )  # fmt: skip
