"""Prioritised segment sampling: seeded frequencies, importance weights, beta annealing."""

import gymnasium as gym
import numpy as np
import pytest
import torch

from metta.rl.experience import Experience
from metta.rl.update import calculate_anneal_beta


def buffer(segments=4, horizon=2, minibatch_segments=1):
    return Experience(
        total_agents=1,
        batch_size=segments * horizon,
        bptt_horizon=horizon,
        minibatch_size=minibatch_segments * horizon,
        obs_space=gym.spaces.Box(0, 255, (2, 3), np.uint8),
        atn_space=gym.spaces.MultiDiscrete([2, 2]),
        device="cpu",
        hidden_size=2,
        num_lstm_layers=1,
    )


# Row scores sum_t |A| = 1, 2, 3, 4 (signs must not matter).
ADVANTAGES = torch.tensor([[1.0, 0.0], [-2.0, 0.0], [1.5, -1.5], [4.0, 0.0]])


@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.0])
def test_sampling_frequencies_follow_priorities(alpha):
    exp = buffer()
    torch.manual_seed(1234)
    draws = 8000
    counts = np.zeros(4)
    for _ in range(draws):
        counts[exp.sample_minibatch(ADVANTAGES, alpha, 0.0).indices.item()] += 1
    weights = np.array([1.0, 2.0, 3.0, 4.0]) ** alpha + 1e-6
    expected = weights / weights.sum()
    # 4 standard errors of a binomial frequency.
    tolerance = 4 * np.sqrt(expected * (1 - expected) / draws)
    np.testing.assert_array_less(np.abs(counts / draws - expected), tolerance)


def test_importance_weights_are_exact():
    exp = buffer()
    torch.manual_seed(0)
    p = torch.tensor([1.0, 2.0, 3.0, 4.0]) + 1e-6
    p = p / p.sum()
    for _ in range(20):
        mb = exp.sample_minibatch(ADVANTAGES, 1.0, 0.4)
        i = mb.indices.item()
        assert mb.prio_weights.shape == (1, 1)
        assert mb.prio_weights.item() == pytest.approx((4 * p[i].item()) ** -0.4, rel=1e-6)


def test_uniform_sampling_has_unit_weights():
    exp = buffer()
    mb = exp.sample_minibatch(ADVANTAGES, 0.0, 0.6)
    assert mb.prio_weights.item() == pytest.approx(1.0, rel=1e-5)


def test_minibatch_draw_is_without_replacement():
    exp = buffer(segments=4, minibatch_segments=2)
    torch.manual_seed(7)
    draws = 4000
    inclusion = np.zeros(4)
    for _ in range(draws):
        idx = exp.sample_minibatch(ADVANTAGES, 1.0, 0.6).indices.tolist()
        assert len(set(idx)) == 2
        inclusion[idx] += 1
    # Two successive draws without replacement: P(i) = p_i + sum_{j != i} p_j p_i / (1 - p_j).
    p = np.array([1.0, 2.0, 3.0, 4.0]) + 1e-6
    p /= p.sum()
    expected = np.array(
        [p[i] + sum(p[j] * p[i] / (1 - p[j]) for j in range(4) if j != i) for i in range(4)]
    )
    tolerance = 4 * np.sqrt(expected * (1 - expected) / draws)
    np.testing.assert_array_less(np.abs(inclusion / draws - expected), tolerance)


def test_seeded_sampling_is_reproducible():
    exp = buffer()
    torch.manual_seed(5)
    first = [exp.sample_minibatch(ADVANTAGES, 0.7, 0.6).indices.item() for _ in range(50)]
    torch.manual_seed(5)
    second = [exp.sample_minibatch(ADVANTAGES, 0.7, 0.6).indices.item() for _ in range(50)]
    assert first == second


def test_bad_exponents_are_rejected():
    with pytest.raises(ValueError, match="prio_alpha must be in"):
        buffer().sample_minibatch(ADVANTAGES, 1.5, 0.6)


def test_calculate_anneal_beta():
    # E = 1000 // 100 = 10 epochs; beta = 0.6 + 0.4 * alpha * epoch / 10.
    assert calculate_anneal_beta(0, 1000, 100, 1.0, 0.6) == pytest.approx(0.6)
    assert calculate_anneal_beta(5, 1000, 100, 1.0, 0.6) == pytest.approx(0.8)
    assert calculate_anneal_beta(5, 1000, 100, 0.5, 0.6) == pytest.approx(0.7)
    assert calculate_anneal_beta(50, 1000, 100, 1.0, 0.6) == 1.0  # clamped
    assert calculate_anneal_beta(50, 1000, 100, 0.0, 0.6) == pytest.approx(0.6)  # alpha 0: fixed
    assert calculate_anneal_beta(3, 10, 100, 1.0, 0.5) == 1.0  # E at least 1
    with pytest.raises(ValueError, match="batch_size must be > 0"):
        calculate_anneal_beta(0, 10, 0, 1.0, 0.5)
