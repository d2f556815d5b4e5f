"""compute_gae: the standalone 1-D GAE helper (``rewards[t]`` convention), worked by hand."""

import numpy as np
import pytest

from metta.rl.fast_gae import compute_gae

VALUES = [1.0, 2.0, 4.0, 2.0]
REWARDS = [2.0, 1.0, 3.0, 1.0]


def gae(dones, values=VALUES, rewards=REWARDS, gamma=0.5, gae_lambda=0.5):
    return compute_gae(
        np.asarray(dones, np.float32),
        np.asarray(values, np.float32),
        np.asarray(rewards, np.float32),
        gamma,
        gae_lambda,
    )


def test_hand_worked_no_dones():
    # gamma = lambda = 0.5, so gamma*lambda = 0.25; every value below is exact in float32.
    # adv[3] = r3 - v3                  = 1 - 2                = -1
    # t=2: delta = 3 + 0.5*2 - 4 = 0;     adv = 0 + 0.25*(-1)    = -0.25
    # t=1: delta = 1 + 0.5*4 - 2 = 1;     adv = 1 + 0.25*(-0.25) = 0.9375
    # t=0: delta = 2 + 0.5*2 - 1 = 2;     adv = 2 + 0.25*0.9375  = 2.234375
    advantages = gae([0, 0, 0, 0])
    assert advantages.dtype == np.float32
    assert advantages.shape == (4,)
    np.testing.assert_array_equal(advantages, [2.234375, 0.9375, -0.25, -1.0])


def test_done_at_the_end_zeroes_the_last_step_and_cuts_its_bootstrap():
    # adv[3] = 0 (done); t=2: not_done = 0, delta = 3 - 4 = -1, adv = -1
    # t=1: delta = 1 + 0.5*4 - 2 = 1, adv = 1 + 0.25*(-1) = 0.75
    # t=0: delta = 2 + 0.5*2 - 1 = 2, adv = 2 + 0.25*0.75 = 2.1875
    np.testing.assert_array_equal(gae([0, 0, 0, 1]), [2.1875, 0.75, -1.0, 0.0])


def test_done_in_the_middle_cuts_the_recursion():
    # adv[3] = -1; t=2: delta = 0, adv = -0.25 (dones[3] = 0)
    # t=1: dones[2] = 1 -> delta = r1 - v1 = -1, adv = -1 (nothing from t >= 2)
    # t=0: delta = 2 + 0.5*2 - 1 = 2, adv = 2 + 0.25*(-1) = 1.75
    advantages = gae([0, 0, 1, 0])
    np.testing.assert_array_equal(advantages, [1.75, -1.0, -0.25, -1.0])
    # Whatever happens from the done onwards does not reach the steps before it.
    other = gae([0, 0, 1, 0], values=[1.0, 2.0, 40.0, -7.0], rewards=[2.0, 1.0, 9.0, 5.0])
    np.testing.assert_array_equal(other[:2], advantages[:2])


def test_reward_index_is_the_step_itself():
    # One step, not done: the reward at index 0 is the step's own (the library kernel would use
    # rewards[1]).
    np.testing.assert_array_equal(gae([0], values=[0.5], rewards=[2.0]), [1.5])
    np.testing.assert_array_equal(gae([1], values=[0.5], rewards=[2.0]), [0.0])


def test_gamma_and_lambda_one_give_reward_to_go_minus_value():
    rng = np.random.default_rng(0)
    values = rng.normal(size=16).astype(np.float32)
    rewards = rng.normal(size=16).astype(np.float32)
    reward_to_go = np.cumsum(rewards[::-1].astype(np.float64))[::-1]
    advantages = compute_gae(np.zeros(16, np.float32), values, rewards, 1.0, 1.0)
    np.testing.assert_allclose(advantages, reward_to_go - values, rtol=1e-5, atol=1e-5)


def test_accepts_array_likes_and_leaves_inputs_alone():
    values = np.asarray(VALUES, np.float32)
    advantages = compute_gae([0, 0, 0, 0], values, np.asarray(REWARDS, np.float64), 0.5, 0.5)
    np.testing.assert_array_equal(advantages, [2.234375, 0.9375, -0.25, -1.0])
    np.testing.assert_array_equal(values, VALUES)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"dones": np.zeros((2, 2), np.float32)}, "dones must be a 1-D float32 array"),
        ({"values": np.float32(1.0)}, r"values must be a 1-D .*shape \(\)"),
        ({"rewards": np.zeros((4, 1), np.float32)}, "rewards must be a 1-D"),
        ({"values": ["a", "b", "c", "d"]}, "values must be a 1-D float32 array"),
        ({"dones": [], "values": [], "rewards": []}, "dones must not be empty"),
        ({"values": np.zeros(3, np.float32)}, "values has length 3, but dones has length 4"),
        ({"rewards": np.zeros(5, np.float32)}, "rewards has length 5, but dones has length 4"),
        ({"gamma": "0.9"}, "gamma must be a real number"),
        ({"gae_lambda": None}, "gae_lambda must be a real number"),
    ],
)
def test_bad_inputs_raise_naming_the_argument(kwargs, match):
    arguments = {
        "dones": np.zeros(4, np.float32),
        "values": np.asarray(VALUES, np.float32),
        "rewards": np.asarray(REWARDS, np.float32),
        "gamma": 0.5,
        "gae_lambda": 0.5,
    }
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=match):
        compute_gae(**arguments)
