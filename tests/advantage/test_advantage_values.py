"""compute_advantage on hand-worked rows: plain GAE, done masking, V-trace clipping, edge shapes."""

import pytest
import torch

from metta.rl.advantage import compute_advantage, compute_advantage_reference

GAMMA = 0.5
LAMBDA = 0.5


def run(values, rewards, dones, ratio, rho_clip=1.0, c_clip=1.0, advantages=None):
    """Calls compute_advantage on one-row lists and returns the row as a list."""

    def as_row(x):
        return torch.tensor([x], dtype=torch.float32)

    out = as_row([0.0] * len(values)) if advantages is None else advantages
    result = compute_advantage(
        as_row(values),
        as_row(rewards),
        as_row(dones),
        as_row(ratio),
        out,
        GAMMA,
        LAMBDA,
        rho_clip,
        c_clip,
        "cpu",
    )
    assert result is out
    return result[0].tolist()


def test_plain_gae_with_unit_ratio():
    # t=1: delta = 2 + 0.5*3 - 2 = 1.5;  t=0: delta = 1 + 0.5*2 - 1 = 1, adv = 1 + 0.25*1.5 = 1.375
    assert run([1, 2, 3], [0, 1, 2], [0, 0, 0], [1, 1, 1]) == [1.375, 1.5, 0.0]


def test_clips_above_one_do_not_change_plain_gae():
    assert run([1, 2, 3], [0, 1, 2], [0, 0, 0], [1, 1, 1], rho_clip=5, c_clip=3) == [
        1.375,
        1.5,
        0.0,
    ]


def test_done_cuts_bootstrap_and_trace():
    # Without a done: t=0 delta = 3 + 0.5*2 - 1 = 3, adv = 3 + 0.25*1.5 = 3.375.
    assert run([1, 2, 3], [0, 3, 2], [0, 0, 0], [1, 1, 1]) == [3.375, 1.5, 0.0]
    # dones[1] = 1: obs 1 starts a new episode, so step 0 sees only its reward: 3 - 1 = 2.
    assert run([1, 2, 3], [0, 3, 2], [0, 1, 0], [1, 1, 1]) == [2.0, 1.5, 0.0]


def test_done_in_the_first_column_has_no_effect():
    # dones[0] belongs to the transition before the row starts.
    assert run([1, 2, 3], [0, 1, 2], [1, 0, 0], [1, 1, 1]) == [1.375, 1.5, 0.0]


def test_ratios_below_and_above_each_clip():
    # t=1: ratio 0.25 is below both clips: rho = c = 0.25, adv = 0.25 * (2 + 1.5 - 2) = 0.375.
    # t=0: ratio 2 is above both: rho = 1, c = 0.5, adv = 1 + 0.25 * 0.5 * 0.375 = 1.046875.
    assert run([1, 2, 3], [0, 1, 2], [0, 0, 0], [2.0, 0.25, 1.0], rho_clip=1.0, c_clip=0.5) == [
        1.046875,
        0.375,
        0.0,
    ]


def test_ratio_between_the_clips():
    # ratio 0.75 at t=0 with rho_clip 1, c_clip 0.5: rho = 0.75, c = 0.5.
    # t=0: 0.75 * 1 + 0.25 * 0.5 * 1.5 = 0.9375
    assert run([1, 2, 3], [0, 1, 2], [0, 0, 0], [0.75, 1.0, 1.0], rho_clip=1.0, c_clip=0.5) == [
        0.9375,
        1.5,
        0.0,
    ]


def test_last_column_is_always_written_as_zero():
    garbage = torch.full((1, 3), 7.0)
    assert run([1, 2, 3], [0, 1, 2], [0, 0, 0], [1, 1, 1], advantages=garbage) == [
        1.375,
        1.5,
        0.0,
    ]


def test_horizon_one_gives_zero():
    assert run([4.0], [9.0], [0.0], [1.0], advantages=torch.full((1, 1), 3.0)) == [0.0]


def test_zero_rows_and_zero_horizon_are_no_ops():
    for shape in [(0, 16), (4, 0)]:
        empty = torch.zeros(shape)
        result = compute_advantage(
            empty, empty, empty, empty, torch.zeros(shape), 0.99, 0.95, 1.0, 1.0, "cpu"
        )
        assert result.shape == shape


def test_reference_matches_hand_worked_row():
    row = torch.tensor([[1.0, 2.0, 3.0]])
    result = compute_advantage_reference(
        row,
        torch.tensor([[0.0, 1.0, 2.0]]),
        torch.zeros(1, 3),
        torch.tensor([[2.0, 0.25, 1.0]]),
        GAMMA,
        LAMBDA,
        1.0,
        0.5,
    )
    assert result.tolist() == [[1.046875, 0.375, 0.0]]


def test_rows_are_independent():
    values = torch.tensor([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]])
    rewards = torch.tensor([[0.0, 1.0, 2.0], [0.0, 0.0, 0.0]])
    out = torch.zeros(2, 3)
    compute_advantage(
        values, rewards, torch.zeros(2, 3), torch.ones(2, 3), out, GAMMA, LAMBDA, 1, 1, "cpu"
    )
    # Row 1: delta = 0 + 0.5*5 - 5 = -2.5 at t=1; t=0: -2.5 + 0.25*-2.5 = -3.125
    assert out.tolist() == [[1.375, 1.5, 0.0], [-3.125, -2.5, 0.0]]


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_non_finite_input_propagates_only_backward_in_its_row(value):
    values = torch.ones(3, 6)
    values[1, 3] = value
    out = torch.zeros(3, 6)
    args = (torch.ones(3, 6), torch.zeros(3, 6), torch.ones(3, 6))
    compute_advantage(values, *args, out, 0.9, 0.9, 1.0, 1.0, "cpu")
    assert torch.isfinite(out[0]).all()
    assert torch.isfinite(out[2]).all()
    assert not torch.isfinite(out[1, :4]).any()
    assert torch.isfinite(out[1, 4:]).all()


def test_nan_ratio_is_not_hidden_by_the_clip():
    ratio = torch.ones(1, 4)
    ratio[0, 1] = float("nan")
    out = torch.zeros(1, 4)
    compute_advantage(
        torch.ones(1, 4), torch.ones(1, 4), torch.zeros(1, 4), ratio, out, 0.9, 0.9, 1, 1, "cpu"
    )
    assert torch.isnan(out[0, :2]).all()
    assert torch.isfinite(out[0, 2:]).all()
