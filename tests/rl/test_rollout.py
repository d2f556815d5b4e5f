"""Rollout: what perform_rollout_step stores and sends, LSTM state, episode-info statistics."""

import numpy as np
import pytest
import torch
from rl_stand_ins import TinyBanditEnv, TinyPolicy, bandit_setup

from metta.common.profiling.stopwatch import Stopwatch
from metta.rl.losses import Losses
from metta.rl.rollout import (
    accumulate_rollout_stats,
    collect_rollout,
    perform_rollout_step,
    summarize_rollout_stats,
)
from metta.rl.trainer_config import TrainerConfig
from metta.rl.update import process_minibatch_update

HORIZON = 4


def setup(num_agents=4, batches=1, segments_per_agent=2, **kwargs):
    return bandit_setup(num_agents, batches, segments_per_agent, **kwargs)


def targets_of(obs):
    return obs[..., 0, 2].long() // 200


def test_collect_rollout_stores_what_was_sent_and_rewards_one_step_later():
    env, policy, exp = setup()
    timer = Stopwatch()
    steps, infos = collect_rollout(policy, env, exp, "cpu", timer)
    assert steps == exp.batch_size
    assert exp.ready_for_training
    assert timer.get_elapsed("_rollout.env") > 0
    assert timer.get_elapsed("_rollout.inference") > 0
    # Actions sent at step k are stored at row (k // H) * N + agent, column k % H.
    for k, sent in enumerate(env.sent):
        rows = slice((k // HORIZON) * 4, (k // HORIZON) * 4 + 4)
        assert np.array_equal(exp.actions[rows, k % HORIZON].numpy(), sent)
    # The reward for the action at column t arrives with the observation at column t + 1.
    paid = (exp.actions[:, :-1, 0].long() == targets_of(exp.obs[:, :-1])).float()
    assert torch.equal(exp.rewards[:, 1:], paid)
    assert exp.logprobs.le(0).all()
    assert exp.logprobs.lt(0).any()
    # Episodes of length 3 end after steps 3 and 6: truncation flags arrive with obs 3 and 6.
    assert exp.truncations[0].tolist() == [0.0, 0.0, 0.0, 1.0]
    assert exp.truncations[4].tolist() == [0.0, 0.0, 1.0, 0.0]
    assert exp.terminals.eq(0).all()
    # Two episode ends per agent (after sends 3 and 6), reported with the next recv.
    assert len(infos) == 8
    assert all("episode" in info for info in infos)
    h, c = exp.get_lstm_state(0)
    assert h.shape == (1, 4, policy.hidden_size)
    assert h.abs().sum() > 0
    assert c.abs().sum() > 0


def test_two_recv_batches_alternate():
    env, policy, exp = setup(num_agents=4, batches=2)
    steps, _ = collect_rollout(policy, env, exp, "cpu")
    assert steps == exp.batch_size
    paid = (exp.actions[:, :-1, 0].long() == targets_of(exp.obs[:, :-1])).float()
    assert torch.equal(exp.rewards[:, 1:], paid)
    assert exp.get_lstm_state(0)[0].shape == (1, 2, policy.hidden_size)
    assert exp.get_lstm_state(2)[0].abs().sum() > 0


class RecordingPolicy(TinyPolicy):
    def forward(self, obs, state, action=None):
        if action is None:
            self.seen = state.lstm_h.clone()
        return super().forward(obs, state, action)


def test_lstm_state_reset_on_episode_end():
    env, _, exp = setup(reset_lstm_on_done=True)
    torch.manual_seed(0)
    policy = RecordingPolicy(num_tokens=2)
    for _ in range(3):
        perform_rollout_step(policy, env, exp, "cpu")
    assert policy.seen.abs().sum() > 0
    perform_rollout_step(policy, env, exp, "cpu")  # obs 3 arrives with truncation = True
    assert policy.seen.abs().sum() == 0
    perform_rollout_step(policy, env, exp, "cpu")
    assert policy.seen.abs().sum() > 0


def test_training_resets_lstm_at_episode_starts_when_enabled():
    env, policy, exp = setup(reset_lstm_on_done=True)
    collect_rollout(policy, env, exp, "cpu")
    cfg = TrainerConfig(batch_size=exp.batch_size, minibatch_size=HORIZON, bptt_horizon=HORIZON)
    advantages = exp.compute_advantages(0.9, 0.9, 1.0, 1.0)
    minibatch = next(exp.iter_minibatches())
    process_minibatch_update(policy, exp, minibatch, advantages, cfg, None, 0, Losses(), "cpu")
    starts = (minibatch.terminals + minibatch.truncations) > 0
    assert starts.any()
    assert torch.equal(policy.seen_dones, starts)


def test_five_value_recv_is_one_batch_of_all_agents():
    env, policy, exp = setup()

    class FiveValueEnv:
        def __init__(self, inner):
            self.inner = inner

        def recv(self):
            return self.inner.recv()[:5]

        def send(self, actions):
            self.inner.send(actions)

    steps, _ = perform_rollout_step(policy, FiveValueEnv(env), exp, "cpu")
    assert steps == 4
    assert exp.stats()["ep_lengths"] == 1.0


def test_lstm_state_carried_across_episodes_by_default():
    env, _, exp = setup()
    torch.manual_seed(0)
    policy = RecordingPolicy(num_tokens=2)
    for _ in range(4):
        perform_rollout_step(policy, env, exp, "cpu")
    assert policy.seen.abs().sum() > 0


class ScrambledEnv(TinyBanditEnv):
    def recv(self):
        out = list(super().recv())
        out[5] = np.array([0, 2, 1, 3])
        return tuple(out)


def test_non_contiguous_env_ids_are_rejected():
    _, policy, exp = setup()
    env = ScrambledEnv(num_agents=4, num_tokens=2)
    env.reset(seed=0)
    with pytest.raises(ValueError, match="contiguous ascending id range"):
        perform_rollout_step(policy, env, exp, "cpu")


def test_accumulate_and_summarize_rollout_stats():
    stats = {"game/steps": 0}
    accumulate_rollout_stats(
        [
            {"game": {"steps": 10, "agent": {"reward": torch.tensor(1.5)}}, "arr": np.array([2.0])},
            {"game": {"steps": np.int64(20)}, "vec": np.array([1.0, 3.0]), "name": "map_a"},
        ],
        stats,
    )
    assert stats["game/steps"] == [0, 10, 20]
    assert stats["game/agent/reward"] == [1.5]
    assert stats["arr"] == [2.0]
    assert stats["name"] == ["map_a"]
    assert isinstance(stats["game/steps"][2], int)
    summary = summarize_rollout_stats(stats)
    assert summary["game/steps"] == 10.0
    assert summary["game/steps.std_dev"] == pytest.approx(np.std([0, 10, 20]))
    assert summary["vec"] == 2.0
    assert "name" not in summary
    with pytest.raises(TypeError, match="each info must be a dict"):
        accumulate_rollout_stats([3], stats)


def test_training_replays_each_segment_from_its_rollout_lstm_state():
    # Before any update the policy is the one that acted, so every importance ratio must be 1:
    # training starts each segment from the state the rollout had there (starting from zeros
    # would make the ratios and approx-KL of later segments drift from 1).
    env, policy, exp = setup(segments_per_agent=3)
    collect_rollout(policy, env, exp, "cpu")
    cfg = TrainerConfig(
        batch_size=exp.batch_size, minibatch_size=HORIZON, bptt_horizon=HORIZON, update_epochs=1
    )
    advantages = exp.compute_advantages(0.99, 0.95, 1.0, 1.0)
    losses = Losses()
    for minibatch in exp.iter_minibatches(advantages, prio_alpha=0.0, prio_beta=0.0):
        assert minibatch.lstm_h is not None
        assert minibatch.lstm_h.shape == (policy.num_layers, 1, policy.hidden_size)
        process_minibatch_update(policy, exp, minibatch, advantages, cfg, None, 0, losses, "cpu")
    assert exp.segment_lstm_h.abs().sum() > 0  # later segments start from non-zero states
    torch.testing.assert_close(exp.ratio, torch.ones_like(exp.ratio), atol=1e-5, rtol=0)
    assert abs(losses.stats()["approx_kl"]) < 1e-6


def test_a_hand_filled_buffer_trains_from_zero_states():
    _, _, exp = setup()
    while not exp.ready_for_training:
        n = exp.agents_per_batch
        exp.store(
            torch.zeros((n, 2, 3), dtype=torch.uint8), torch.zeros((n, 2), dtype=torch.int32),
            torch.zeros(n), torch.zeros(n), torch.zeros(n, dtype=torch.bool),
            torch.zeros(n, dtype=torch.bool), torch.zeros(n), slice(0, n),
        )  # fmt: skip
    exp.compute_advantages(0.99, 0.95, 1.0, 1.0)
    assert next(exp.iter_minibatches(prio_alpha=0.0, prio_beta=0.0)).lstm_h is None
