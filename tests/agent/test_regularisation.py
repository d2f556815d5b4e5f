"""L2-init loss (with real gradients), its reference-copy updates, and weight clipping."""

from __future__ import annotations

import pytest
import torch
from agent_fixtures import FakeEnv, small_agent_config

from metta.agent import make_policy


@pytest.fixture
def policy():
    return make_policy(FakeEnv(), small_agent_config(), seed=0)


def test_l2_init_loss_is_zero_at_init_and_differentiable(policy) -> None:
    assert policy.l2_init_loss().item() == 0.0
    layer = policy.components["encoded_obs"].weight_layer
    with torch.no_grad():
        layer.weight[0, 0] += 0.5
    loss = policy.l2_init_loss()
    assert loss.item() == pytest.approx(0.25)
    loss.backward()
    expected = torch.zeros_like(layer.weight)
    expected[0, 0] = 1.0  # d/dW (W - W0)^2 = 2 * 0.5
    assert torch.allclose(layer.weight.grad, expected)


def test_l2_init_scale_and_disabled_layers() -> None:
    config = small_agent_config()
    config["components"]["encoded_obs"]["l2_init_scale"] = 3.0
    config["components"]["actor_1"]["l2_init_scale"] = 0
    policy = make_policy(FakeEnv(), config, seed=0)
    assert policy.components["actor_1"].l2_init_loss() is None
    with torch.no_grad():
        policy.components["encoded_obs"].weight_layer.weight[1, 1] -= 0.5
        policy.components["actor_1"].weight_layer.weight[0, 0] += 10.0
    assert policy.l2_init_loss().item() == pytest.approx(0.75)


def test_reference_copy_update_and_interval(policy) -> None:
    component = policy.components["encoded_obs"]
    start = component.l2_init_weight.clone()
    with torch.no_grad():
        component.weight_layer.weight.add_(1.0)
    assert not policy.maybe_update_l2_init_weight_copy(epoch=3)  # interval 2: not due
    assert torch.equal(component.l2_init_weight, start)
    assert policy.maybe_update_l2_init_weight_copy(epoch=4)
    assert torch.allclose(component.l2_init_weight, start + 0.1)  # 0.9 * W0 + 0.1 * (W0 + 1)
    assert "components.encoded_obs.l2_init_weight" in policy.state_dict()


def test_reference_copy_update_when_a_phase_crosses_the_interval(policy) -> None:
    # A training phase moves the epoch by several update epochs: 3 -> 5 crosses 4 (interval 2)
    # although 5 % 2 != 0; 4 -> 5 crosses nothing.
    assert policy.maybe_update_l2_init_weight_copy(epoch=5, previous_epoch=3)
    assert not policy.maybe_update_l2_init_weight_copy(epoch=5, previous_epoch=4)


def test_clip_weights_bounds_every_weight_layer(policy) -> None:
    layer = policy.components["encoded_obs"]
    assert layer.clip_value == pytest.approx(0.5 * layer.largest_weight)
    with torch.no_grad():
        layer.weight_layer.weight.mul_(100.0)
    policy.clip_weights()
    assert layer.weight_layer.weight.abs().max().item() == pytest.approx(layer.clip_value)


def test_clip_range_zero_disables_clipping() -> None:
    config = small_agent_config()
    config["clip_range"] = 0
    policy = make_policy(FakeEnv(), config, seed=0)
    weight = policy.components["encoded_obs"].weight_layer.weight
    with torch.no_grad():
        weight.fill_(5.0)
    policy.clip_weights()
    assert torch.all(weight == 5.0)
