"""Experience: storage layout, lockstep recv batches, sizing errors, minibatch round trips."""

import gymnasium as gym
import numpy as np
import pytest
import torch

from metta.rl.experience import Experience

OBS_SPACE = gym.spaces.Box(0, 255, (3, 3), np.uint8)
ATN_SPACE = gym.spaces.MultiDiscrete([4, 3])


def make(total_agents=2, batch_size=16, horizon=4, minibatch_size=8, **kwargs):
    return Experience(
        total_agents=total_agents,
        batch_size=batch_size,
        bptt_horizon=horizon,
        minibatch_size=minibatch_size,
        obs_space=OBS_SPACE,
        atn_space=ATN_SPACE,
        device="cpu",
        hidden_size=5,
        num_lstm_layers=1,
        **kwargs,
    )


def store_step(exp, env_id, step, n):
    """Stores a step whose every field encodes (agent id, step) so rows can be checked."""
    ids = torch.arange(env_id.start, env_id.stop, dtype=torch.float32)
    code = ids * 100 + step
    obs = torch.full((n, 3, 3), step, dtype=torch.uint8)
    obs[:, 0, 0] = ids.to(torch.uint8)
    actions = torch.stack([ids.int() % 4, torch.full((n,), step % 3, dtype=torch.int32)], 1)
    return exp.store(
        obs=obs,
        actions=actions,
        logprobs=-code,
        rewards=code,
        terminals=torch.zeros(n, dtype=torch.bool),
        truncations=torch.tensor([step % 2 == 0] * n),
        values=code.unsqueeze(1),
        env_id=env_id,
    )


def test_sizes_and_dtypes():
    exp = make()
    assert (exp.segments, exp.minibatch_segments, exp.num_minibatches) == (4, 2, 2)
    assert exp.obs.shape == (4, 4, 3, 3)
    assert exp.obs.dtype == torch.uint8
    assert exp.actions.shape == (4, 4, 2)
    assert exp.actions.dtype == torch.int32
    assert exp.values.shape == (4, 4)
    assert exp.ratio.eq(1).all()
    assert exp.accumulate_minibatches == 1


def test_float_observation_space_is_stored_as_float():
    exp = Experience(2, 16, 4, 8, gym.spaces.Box(0, 1, (5,), np.float32), ATN_SPACE, "cpu", 4, 1)
    assert exp.obs.dtype == torch.float32
    assert exp.obs.shape == (4, 4, 5)


def test_single_batch_fills_rows_in_time_order():
    exp = make(total_agents=2, batch_size=16, horizon=4)
    steps = 0
    for step in range(8):
        assert not exp.ready_for_training
        steps += store_step(exp, slice(0, 2), step, 2)
    assert steps == 16
    assert exp.ready_for_training
    # Agent a's first segment is row a, its second row 2 + a; column t is step t of the segment.
    for agent in range(2):
        for segment in range(2):
            row = segment * 2 + agent
            expected = torch.tensor(
                [agent * 100 + segment * 4 + t for t in range(4)], dtype=torch.float32
            )
            assert torch.equal(exp.rewards[row], expected)
            assert torch.equal(exp.values[row], expected)
            assert torch.equal(exp.logprobs[row], -expected)
            assert exp.obs[row, :, 0, 0].eq(agent).all()
            assert exp.actions[row, :, 1].tolist() == [(segment * 4 + t) % 3 for t in range(4)]
    assert exp.truncations[0].tolist() == [1.0, 0.0, 1.0, 0.0]
    with pytest.raises(RuntimeError, match="buffer is full"):
        store_step(exp, slice(0, 2), 8, 2)


def test_old_flag_names_are_deprecated_aliases():
    exp = make(total_agents=2, batch_size=16, horizon=4)
    for step in range(8):
        store_step(exp, slice(0, 2), step, 2)
    with pytest.warns(DeprecationWarning, match=r"Experience\.dones .* Experience\.terminals"):
        assert exp.dones is exp.terminals
    with pytest.warns(
        DeprecationWarning, match=r"Experience\.truncateds .* Experience\.truncations"
    ):
        assert exp.truncateds is exp.truncations
    exp.compute_advantages(0.99, 0.95, 1.0, 1.0)
    minibatch = next(exp.iter_minibatches())
    with pytest.warns(DeprecationWarning, match=r"Minibatch\.dones"):
        assert minibatch["dones"] is minibatch.terminals
    with pytest.warns(DeprecationWarning, match=r"Minibatch\.truncateds"):
        assert minibatch.truncateds is minibatch.truncations


def test_store_takes_no_mask_and_returns_the_batch_size():
    exp = make(total_agents=2, batch_size=16, horizon=4)
    assert store_step(exp, slice(0, 2), 0, 2) == 2
    assert not hasattr(exp, "full")  # ready_for_training is the one name


def test_two_recv_batches_in_lockstep_never_mix_rows():
    exp = make(total_agents=4, batch_size=32, horizon=4, minibatch_size=8, agents_per_batch=2)
    step = {0: 0, 2: 0}
    while not exp.ready_for_training:
        for start in (0, 2):
            if exp.ready_for_training:
                break
            store_step(exp, slice(start, start + 2), step[start], 2)
            step[start] += 1
    codes = exp.rewards
    for row in range(exp.segments):
        agent = int(codes[row, 0]) // 100
        start_step = int(codes[row, 0]) % 100
        assert codes[row].tolist() == [agent * 100 + start_step + t for t in range(4)]
    # Every agent contributes exactly two whole segments.
    agents = sorted(int(codes[row, 0]) // 100 for row in range(exp.segments))
    assert agents == [0, 0, 1, 1, 2, 2, 3, 3]


def test_env_id_must_be_a_recv_batch():
    exp = make(total_agents=4, batch_size=32, agents_per_batch=2)
    with pytest.raises(ValueError, match="not a recv batch"):
        store_step(exp, slice(1, 3), 0, 2)
    with pytest.raises(TypeError, match="contiguous slice"):
        exp.batch_start(slice(0, 4, 2))


def test_reset_for_rollout_keeps_lstm_state_and_drops_advantages():
    exp = make()
    h, c = torch.ones(1, 2, 5), torch.full((1, 2, 5), 2.0)
    exp.set_lstm_state(0, h, c)
    for step in range(8):
        store_step(exp, slice(0, 2), step, 2)
    exp.compute_advantages(0.9, 0.9, 1.0, 1.0)
    exp.reset_for_rollout()
    assert not exp.ready_for_training
    assert exp.advantages is None
    got_h, got_c = exp.get_lstm_state(0)
    assert torch.equal(got_h, h)
    assert torch.equal(got_c, c)
    assert exp.get_lstm_state(7) == (None, None)
    with pytest.raises(KeyError, match="no recv batch starts at agent 1"):
        exp.set_lstm_state(1, h, c)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"batch_size": 18}, r"batch_size \(18\) must be a multiple of bptt_horizon \(4\)"),
        (
            {"total_agents": 3, "batch_size": 16},
            r"4 segments must be a multiple of total_agents \(3\).*3 x 4 = 12.*batch_size=12",
        ),
        ({"batch_size": 16, "minibatch_size": 32}, r"minibatch_size \(32\) must be <= batch_size"),
        ({"batch_size": 16, "minibatch_size": 6}, r"multiple of bptt_horizon \(4\)"),
        (
            {"batch_size": 24, "minibatch_size": 16},
            r"batch_size \(24\) must be a multiple of minibatch_size",
        ),
        ({"horizon": 1}, r"bptt_horizon must be >= 2"),
        (
            {"total_agents": 4, "batch_size": 32, "agents_per_batch": 3},
            r"multiple of agents_per_batch",
        ),
        ({"minibatch_size": 8, "max_minibatch_size": 12}, r"max_minibatch_size \(12\) must be <="),
        ({"total_agents": 0}, r"total_agents must be a positive int"),
        ({"sampling": "random"}, r"sampling must be 'prioritized' or 'shuffle'"),
        ({"prio_alpha": 2.0}, r"prio_alpha must be in \[0, 1\]"),
    ],
)
def test_sizing_errors_say_what_to_change(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make(**kwargs)


def test_seed_quick_start_sizes():
    exp = Experience(
        total_agents=4,
        batch_size=16384,
        bptt_horizon=16,
        minibatch_size=512,
        obs_space=gym.spaces.Box(0, 255, (200, 3), np.uint8),
        atn_space=ATN_SPACE,
        device="cpu",
        hidden_size=512,
        num_lstm_layers=1,
    )
    assert (exp.segments, exp.minibatch_segments, exp.num_minibatches) == (1024, 32, 32)


def test_gradient_accumulation_sizes():
    exp = make(batch_size=32, minibatch_size=16, max_minibatch_size=8)
    assert exp.minibatch_segments == 2
    assert exp.accumulate_minibatches == 2
    assert exp.num_minibatches == 4


def filled(**kwargs):
    exp = make(**kwargs)
    torch.manual_seed(0)
    step = 0
    while not exp.ready_for_training:
        store_step(exp, slice(0, 2), step, 2)
        step += 1
    return exp


def test_accumulated_chunks_of_one_step_never_repeat_a_segment():
    # 8 segments, steps of 4 segments in 2 chunks of 2: each step's 4 segments are distinct.
    exp = filled(batch_size=32, minibatch_size=16, max_minibatch_size=8)
    exp.prio_alpha, exp.prio_beta = 0.6, 0.4
    advantages = torch.rand(
        exp.segments, exp.bptt_horizon, generator=torch.Generator().manual_seed(1)
    )
    for trial in range(20):
        torch.manual_seed(trial)
        chunks = list(exp.iter_minibatches(advantages))
        assert len(chunks) == exp.num_minibatches == 4
        for step in range(0, 4, exp.accumulate_minibatches):
            indices = torch.cat([c.indices for c in chunks[step : step + 2]]).tolist()
            assert len(set(indices)) == 4, indices


def test_minibatch_round_trip():
    exp = filled()
    advantages = torch.randn(exp.segments, exp.bptt_horizon)
    batches = list(exp.iter_minibatches(advantages, prio_alpha=0.0, prio_beta=0.6))
    assert len(batches) == exp.num_minibatches
    for mb in batches:
        idx = mb.indices
        assert len(set(idx.tolist())) == exp.minibatch_segments  # distinct within a minibatch
        assert torch.equal(mb.obs, exp.obs[idx])
        assert torch.equal(mb.actions, exp.actions[idx])
        assert torch.equal(mb.values, exp.values[idx])
        assert torch.equal(mb.rewards, exp.rewards[idx])
        assert torch.equal(mb.advantages, advantages[idx])
        assert torch.equal(mb.returns, advantages[idx] + exp.values[idx])
        assert torch.allclose(mb.prio_weights, torch.ones(exp.minibatch_segments, 1))
        assert torch.equal(mb["logprobs"], mb.logprobs)
    with pytest.raises(KeyError, match="no field 'nope'"):
        batches[0]["nope"]


def test_iter_minibatches_needs_advantages():
    exp = filled()
    with pytest.raises(RuntimeError, match="compute_advantages"):
        next(exp.iter_minibatches())
    with pytest.raises(ValueError, match=r"shape \[4, 4\]"):
        exp.advantages = torch.zeros(3, 4)
    adv = exp.compute_advantages(0.9, 0.8, 1.0, 1.0)
    assert adv.shape == (4, 4)
    assert adv[:, -1].eq(0).all()
    assert len(list(exp.iter_minibatches())) == 2  # as the seed writes it


def test_shuffle_mode_visits_every_segment_once_per_epoch():
    exp = filled(batch_size=32, minibatch_size=8, sampling="shuffle")
    exp.advantages = torch.randn(exp.segments, exp.bptt_horizon)
    torch.manual_seed(1)
    seen = torch.cat([mb.indices for mb in exp.iter_minibatches()])
    assert sorted(seen.tolist()) == list(range(exp.segments))
    with pytest.raises(ValueError, match="sampling='shuffle' ignores priorities"):
        next(exp.iter_minibatches(prio_alpha=0.5))


def test_update_ratio_and_stats():
    exp = filled()
    idx = torch.tensor([1, 3])
    exp.update_ratio(idx, torch.full((2, 4), 2.0, requires_grad=True))
    assert exp.ratio[1].eq(2).all()
    assert exp.ratio[0].eq(1).all()
    assert not exp.ratio.requires_grad
    stats = exp.stats()
    assert stats["ratio"] == pytest.approx(1.5)
    assert stats["rewards"] == pytest.approx(exp.rewards.mean().item())
    exp.reset_importance_sampling_ratios()
    assert exp.ratio.eq(1).all()


def test_cpu_offload_keeps_obs_on_host():
    exp = filled(cpu_offload=True)
    exp.advantages = torch.zeros(exp.segments, exp.bptt_horizon)
    mb = next(exp.iter_minibatches())
    assert exp.obs.device.type == "cpu"
    assert torch.equal(mb.obs, exp.obs[mb.indices])


def test_teacher_actions_are_stored_with_their_step_and_reach_the_minibatch():
    exp = make(teacher_actions=True)
    for step in range(exp.bptt_horizon * 2):
        n = 2
        teacher = torch.tensor([[1, step % 3], [2, (step + 1) % 3]], dtype=torch.int32)
        zeros = torch.zeros(n)
        exp.store(
            obs=torch.zeros((n, 3, 3), dtype=torch.uint8), actions=torch.zeros((n, 2)),
            logprobs=zeros, rewards=zeros, terminals=zeros, truncations=zeros, values=zeros,
            env_id=slice(0, 2), teacher_actions=teacher,
        )  # fmt: skip
    assert exp.teacher_actions[0, :, 1].tolist() == [0, 1, 2, 0]  # agent 0, first segment
    assert exp.teacher_actions[1, :, 1].tolist() == [1, 2, 0, 1]  # agent 1
    assert exp.teacher_actions[2, :, 1].tolist() == [1, 2, 0, 1]  # agent 0, second segment
    advantages = torch.zeros(exp.segments, exp.bptt_horizon)
    for mb in exp.iter_minibatches(advantages, prio_alpha=0.0, prio_beta=0.6):
        assert torch.equal(mb.teacher_actions, exp.teacher_actions[mb.indices])
    assert next(make().iter_minibatches(advantages, 0.0, 0.6)).teacher_actions is None


def test_teacher_actions_are_required_exactly_when_kept():
    step = {
        "obs": torch.zeros((2, 3, 3), dtype=torch.uint8), "actions": torch.zeros((2, 2)),
        "logprobs": torch.zeros(2), "rewards": torch.zeros(2), "terminals": torch.zeros(2),
        "truncations": torch.zeros(2), "values": torch.zeros(2), "env_id": slice(0, 2),
    }  # fmt: skip
    with pytest.raises(ValueError, match="teacher_actions must be given exactly when"):
        make(teacher_actions=True).store(**step)
    with pytest.raises(ValueError, match="teacher_actions must be given exactly when"):
        make().store(**step, teacher_actions=torch.zeros((2, 2)))
