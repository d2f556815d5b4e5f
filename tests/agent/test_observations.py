"""Token-to-box shaping, normalisation and feature remapping by name."""

from __future__ import annotations

import random

import pytest
import torch
from agent_fixtures import FEATURE_NAMES, FakeEnv, random_tokens, small_agent_config

from metta.agent import PolicyState, make_policy


def _box(policy, tokens: torch.Tensor) -> torch.Tensor:
    """Output of the shaper and normaliser for ``tokens``."""
    captured = {}
    handle = policy.components["obs_normalizer"].register_forward_hook(
        lambda module, args, output: captured.update(box=output)
    )
    policy(tokens, PolicyState())
    handle.remove()
    return captured["box"]


def test_tokens_become_a_normalised_box() -> None:
    policy = make_policy(FakeEnv(), small_agent_config(), seed=0)
    tokens = torch.full((2, 200, 3), 0xFF, dtype=torch.uint8)
    tokens[0, 0] = torch.tensor([0x55, 0, 7])  # type_id=7 at the centre (row 5, col 5), norm 1
    tokens[0, 1] = torch.tensor([0x2A, 1, 30])  # agent:group=30 at row 2, col 10, norm 10
    tokens[0, 2] = torch.tensor([0x2A, 12, 50])  # inv:ore_red=50 at the same cell, norm 100
    tokens[0, 3] = torch.tensor([0xB0, 0, 9])  # row 11: outside the 11x11 window, dropped
    tokens[0, 4] = torch.tensor([0x00, 99, 9])  # feature id 99: unknown to the policy, dropped
    tokens[1, 0] = torch.tensor([0x00, 11, 200])  # last_reward at (0, 0), norm 100
    box = _box(policy, tokens)
    expected = torch.zeros(2, 22, 11, 11)
    expected[0, 0, 5, 5] = 7.0
    expected[0, 1, 2, 10] = 3.0
    expected[0, 12, 2, 10] = 0.5
    expected[1, 11, 0, 0] = 2.0
    assert torch.equal(box, expected)


def test_all_padding_gives_an_empty_box() -> None:
    policy = make_policy(FakeEnv(), small_agent_config(), seed=0)
    box = _box(policy, torch.full((3, 200, 3), 0xFF, dtype=torch.uint8))
    assert torch.count_nonzero(box) == 0


def _permuted_env() -> tuple[FakeEnv, list[int]]:
    order = list(range(len(FEATURE_NAMES)))
    random.Random(5).shuffle(order)
    return FakeEnv(order=order), order


def test_permuted_feature_ids_give_the_same_actions(generator: torch.Generator) -> None:
    policy = make_policy(FakeEnv(), small_agent_config(), seed=0)
    obs = random_tokens(generator, 12)
    env, order = _permuted_env()
    permuted = obs.clone()
    used = obs[..., 0] != 0xFF
    permuted[..., 1][used] = torch.tensor(order, dtype=torch.uint8)[obs[..., 1][used].long()]
    torch.manual_seed(11)
    expected = policy(obs, PolicyState())
    policy.initialize_to_environment(
        env.get_observation_features(), env.action_names, env.max_action_args, "cpu"
    )
    assert policy.original_feature_mapping == {name: i for i, name in enumerate(FEATURE_NAMES)}
    torch.manual_seed(11)
    got = policy(permuted, PolicyState())
    for x, y in zip(expected, got, strict=True):
        assert torch.equal(x, y)


def test_loaded_remap_table_shapes_the_box() -> None:
    # The shaper's token-offset table is derived from feature_remap: a state dict that brings a
    # different remap must bring its shaping too.
    env, order = _permuted_env()
    trained = make_policy(FakeEnv(), small_agent_config(), seed=0)
    trained.initialize_to_environment(
        env.get_observation_features(), env.action_names, env.max_action_args, "cpu"
    )
    fresh = make_policy(FakeEnv(), small_agent_config(), seed=1)
    fresh.load_state_dict(trained.state_dict())
    tokens = torch.full((1, 200, 3), 0xFF, dtype=torch.uint8)
    tokens[0, 0] = torch.tensor([0x23, order[0], 7])  # env id of type_id at row 2, col 3
    expected = torch.zeros(1, 22, 11, 11)
    expected[0, 0, 2, 3] = 7.0
    assert torch.equal(_box(fresh, tokens), expected)
    assert torch.equal(_box(trained, tokens), expected)


def test_unknown_features_dropped_in_eval_learned_in_training() -> None:
    policy = make_policy(FakeEnv(), small_agent_config(), seed=0)
    features = FakeEnv().get_observation_features()
    del features["hp"]  # frees original id 2
    features["inv:gem"] = {"id": 30, "type": "scalar", "normalization": 4.0}
    actions = (FakeEnv().action_names, FakeEnv().max_action_args)
    policy.eval()
    policy.initialize_to_environment(features, *actions, "cpu")
    assert "inv:gem" not in policy.original_feature_mapping
    assert policy.components["_obs_"].feature_remap[30].item() == 255
    policy.train()
    policy.initialize_to_environment(features, *actions, "cpu")
    assert policy.original_feature_mapping["inv:gem"] == 22  # the next free original id
    assert policy.components["_obs_"].feature_remap[30].item() == 22
    # 22 is beyond this CNN's 22 channels: observed tokens of it are dropped, not an error
    tokens = torch.full((1, 200, 3), 0xFF, dtype=torch.uint8)
    tokens[0, 0] = torch.tensor([0x55, 30, 8])
    assert torch.count_nonzero(_box(policy, tokens)) == 0


def test_bad_feature_specs_are_rejected() -> None:
    policy = make_policy(FakeEnv(), small_agent_config(), seed=0)
    args = (FakeEnv().action_names, FakeEnv().max_action_args, "cpu")
    with pytest.raises(ValueError, match=r"features\['b'\]\.id: id 3 is also used by 'a'"):
        policy.initialize_to_environment({"a": {"id": 3}, "b": {"id": 3}}, *args)
    with pytest.raises(ValueError, match=r"features\['a'\]\.id: must be in 0\.\.254"):
        policy.initialize_to_environment({"a": {"id": 300}}, *args)
    with pytest.raises(ValueError, match="max_action_args: expected one entry per action"):
        policy.initialize_to_environment(None, ["noop", "move"], [0], "cpu")


def test_normalizations_by_feature_name_override_the_env() -> None:
    config = small_agent_config()
    config["components"]["obs_normalizer"]["nn_params"] = {
        "normalizations": {"inv:*": 1.0, "agent:group": 5.0}
    }
    # Feature ids permuted: the override follows names, not ids.
    order = list(range(len(FEATURE_NAMES)))
    random.Random(3).shuffle(order)
    policy = make_policy(FakeEnv(order=order), config, seed=0)
    env_id = dict(zip(FEATURE_NAMES, order, strict=True))
    tokens = torch.full((1, 200, 3), 0xFF, dtype=torch.uint8)
    tokens[0, 0] = torch.tensor([0x55, env_id["inv:heart"], 3])  # norm 100 -> 1
    tokens[0, 1] = torch.tensor([0x55, env_id["agent:group"], 30])  # norm 10 -> 5
    tokens[0, 2] = torch.tensor([0x55, env_id["hp"], 30])  # untouched: norm 30
    box = _box(policy, tokens)[0, :, 5, 5]
    ids = policy.original_feature_mapping
    assert box[ids["inv:heart"]] == 3.0
    assert box[ids["agent:group"]] == 6.0
    assert box[ids["hp"]] == 1.0


def test_normalizations_by_name_are_checked() -> None:
    config = small_agent_config()
    config["components"]["obs_normalizer"]["nn_params"] = {"normalizations": {"inv:*": 0.0}}
    with pytest.raises(ValueError, match=r"normalizations\.inv:\*: must be > 0, got 0\.0"):
        make_policy(FakeEnv(), config)
    config["components"]["obs_normalizer"]["nn_params"] = {"normalizations": {"invx:*": 1.0}}
    with pytest.raises(ValueError, match="'invx:\\*' matches none of the environment's features"):
        make_policy(FakeEnv(), config)
    config["components"]["obs_normalizer"]["nn_params"] = {"scale": 2}
    with pytest.raises(ValueError, match=r"obs_normalizer\.nn_params\.scale"):
        make_policy(FakeEnv(), config)
