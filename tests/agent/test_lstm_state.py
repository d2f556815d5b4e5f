"""Recurrent state: carried between rollout steps, reset on episode ends when dones are given."""

from __future__ import annotations

import pytest
import torch
from agent_fixtures import FakeEnv, random_tokens, small_agent_config

from metta.agent import PolicyState, make_policy


@pytest.fixture
def policy():
    return make_policy(FakeEnv(), small_agent_config(), seed=0)


def test_state_is_carried_and_reset_on_done(policy, generator: torch.Generator) -> None:
    first, second = random_tokens(generator, 4), random_tokens(generator, 4)
    state = PolicyState()
    policy(first, state)
    carried = PolicyState(state.lstm_h.clone(), state.lstm_c.clone())
    _, _, _, value_carried, logits_carried = policy(second, carried)
    _, _, _, value_fresh, logits_fresh = policy(second, PolicyState())
    assert not torch.allclose(value_carried, value_fresh)  # the state matters
    dones = torch.tensor([True, False, True, False])
    reset = PolicyState(state.lstm_h.clone(), state.lstm_c.clone())
    _, _, _, value_reset, logits_reset = policy(second, reset, dones=dones)
    assert torch.allclose(value_reset[dones], value_fresh[dones])
    assert torch.allclose(value_reset[~dones], value_carried[~dones])
    assert torch.allclose(logits_reset[~dones], logits_carried[~dones])
    assert torch.allclose(logits_reset[dones], logits_fresh[dones])


def test_training_sequence_with_dones_restarts_mid_segment(policy, generator) -> None:
    obs = random_tokens(generator, 2 * 6).view(2, 6, 200, 3)
    action = torch.zeros(2, 6, 2, dtype=torch.int32)
    dones = torch.zeros(2, 6, dtype=torch.bool)
    dones[0, 3] = True  # row 0: a new episode starts at t = 3
    _, _, _, value, _ = policy(obs, PolicyState(), action=action, dones=dones)
    _, _, _, value_tail, _ = policy(obs[:1, 3:], PolicyState(), action=action[:1, 3:])
    _, _, _, value_plain, _ = policy(obs, PolicyState(), action=action)
    value, value_plain = value.view(2, 6), value_plain.view(2, 6)
    assert torch.allclose(value[0, 3:], value_tail.view(3), atol=1e-6)
    assert torch.allclose(value[0, :3], value_plain[0, :3], atol=1e-6)
    assert torch.allclose(value[1], value_plain[1], atol=1e-6)  # no done: unchanged
    assert not torch.allclose(value[0, 3:], value_plain[0, 3:])  # without dones it carries on


def test_training_with_dones_equals_stepwise_rollout(policy, generator) -> None:
    batch, time = 5, 7
    obs = random_tokens(generator, batch * time).view(batch, time, 200, 3)
    dones = torch.rand(batch, time, generator=generator) < 0.3
    action = torch.zeros(batch, time, 2, dtype=torch.int32)
    _, _, _, value, _ = policy(obs, PolicyState(), action=action, dones=dones)
    state = PolicyState()
    step_values = []
    for t in range(time):
        _, _, _, step_value, _ = policy(obs[:, t], state, dones=dones[:, t])
        step_values.append(step_value)
    stepwise = torch.cat(step_values, dim=1)  # [B, T]
    assert torch.allclose(value.view(batch, time), stepwise, atol=1e-5)


def test_bad_state_and_dones_shapes(policy, generator) -> None:
    obs = random_tokens(generator, 3)
    wrong = PolicyState(torch.zeros(1, 3, 16), torch.zeros(1, 3, 16))
    with pytest.raises(ValueError, match=r"PolicyState\.lstm_h: expected shape \[2, 3, 16\]"):
        policy(obs, wrong)
    with pytest.raises(ValueError, match=r"dones: expected 3 entries"):
        policy(obs, PolicyState(), dones=torch.zeros(4, dtype=torch.bool))
