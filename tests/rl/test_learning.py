"""A short seeded training run on the stand-in bandit env: the mean reward clearly rises.

Rollout, advantages, prioritised minibatches, PPO/V-trace update, optimizer and LR schedule are
the library's; only the env and policy are the small stand-ins of ``rl_stand_ins``.
"""

import pytest
import torch
from rl_stand_ins import TinyBanditEnv, TinyPolicy

from metta.rl.experience import Experience
from metta.rl.losses import Losses
from metta.rl.lr_scheduler import LRScheduler
from metta.rl.optimizer import Optimizer
from metta.rl.rollout import collect_rollout
from metta.rl.trainer_config import TrainerConfig
from metta.rl.training_phase import train_on_experience


@pytest.mark.parametrize(("optimizer_type", "learning_rate"), [("adam", 0.01), ("muon", 0.03)])
def test_mean_reward_rises(optimizer_type, learning_rate):
    cfg = TrainerConfig(
        total_timesteps=256 * 20,
        batch_size=256,
        minibatch_size=64,
        bptt_horizon=8,
        update_epochs=4,
        optimizer={"type": optimizer_type, "learning_rate": learning_rate},
        lr_scheduler={"enabled": True, "schedule_type": "linear"},
        ppo={"ent_coef": 0.0, "clip_coef": 0.2},
        prioritized_experience_replay={"prio_alpha": 0.5},
    )
    torch.manual_seed(0)
    env = TinyBanditEnv(num_agents=16, num_tokens=2, action_types=2, max_arg=0, seed=0)
    env.reset(seed=0)
    policy = TinyPolicy(num_tokens=2, action_types=2, max_arg=0, hidden=16)
    experience = Experience.from_trainer_config(
        cfg, env, "cpu", policy.hidden_size, policy.num_layers
    )
    optimizer = Optimizer.from_config(policy, cfg)
    schedule = LRScheduler.from_config(optimizer, cfg)
    losses = Losses()
    mean_rewards, agent_step, epoch = [], 0, 0
    while agent_step < cfg.total_timesteps:
        steps, _ = collect_rollout(policy, env, experience, "cpu")
        agent_step += steps
        mean_rewards.append(experience.rewards[:, 1:].mean().item())
        epoch = train_on_experience(
            policy, experience, optimizer, cfg, losses, "cpu",
            epoch=epoch, agent_step=agent_step, lr_scheduler=schedule,
        )  # fmt: skip
    assert epoch == 20 * 4
    assert sum(mean_rewards[:2]) / 2 < 0.65  # about chance (0.5) at the start
    assert sum(mean_rewards[-3:]) / 3 > 0.85
    assert losses.explained_variance == losses.explained_variance  # a number, not NaN


@pytest.mark.parametrize("reset", [False, True])
def test_the_trainer_config_decides_whether_the_lstm_resets_at_episode_ends(reset):
    cfg = TrainerConfig(batch_size=256, minibatch_size=64, bptt_horizon=8, reset_lstm_on_done=reset)
    env = TinyBanditEnv(num_agents=16, num_tokens=2, action_types=2, max_arg=0, seed=0)
    experience = Experience.from_trainer_config(cfg, env, "cpu", 16, 1)
    assert experience.reset_lstm_on_done is reset
    override = Experience.from_trainer_config(cfg, env, "cpu", 16, 1, reset_lstm_on_done=False)
    assert override.reset_lstm_on_done is False
