"""Building agents from presets and configs: shapes, dtypes, determinism and config errors."""

from __future__ import annotations

import copy

import gymnasium as gym
import numpy as np
import pytest
import torch
from agent_fixtures import ACTION_NAMES, FakeEnv, random_tokens, small_agent_config
from omegaconf import DictConfig

from metta.agent import MettaAgent, PolicyState, agent_preset, make_policy

NUM_LOGITS = sum(m + 1 for m in [0, 1, 3, 0, 0, 9, 0, 0, 3])  # 25


def test_default_preset_is_the_seed_architecture() -> None:
    policy = make_policy(FakeEnv(), seed=0)
    shapes = {name: c.out_shape for name, c in policy.components.items()}
    assert shapes["_obs_"] == (22, 11, 11)
    assert shapes["cnn1"] == (32, 11, 11)
    assert shapes["cnn2"] == (64, 11, 11)
    assert shapes["obs_flattener"] == (7744,)
    assert shapes["encoded_obs"] == (512,)
    assert (policy.hidden_size, policy.core_num_layers) == (512, 1)
    assert policy.components["_value_"].source_names == ["_core_"]
    assert isinstance(policy.lstm, torch.nn.LSTM)


def test_fast_preset_is_the_reference_fast_yaml() -> None:
    policy = make_policy(FakeEnv(), "fast", seed=0)
    shapes = {name: c.out_shape for name, c in policy.components.items()}
    assert shapes["cnn1"] == (64, 3, 3)
    assert shapes["cnn2"] == (64, 1, 1)
    assert shapes["obs_flattener"] == (64,)
    assert shapes["critic_1"] == (1024,)
    assert (policy.hidden_size, policy.core_num_layers) == (128, 2)
    assert isinstance(policy.components["critic_1"].activation, torch.nn.Tanh)
    assert policy.components["_value_"].activation is None
    # LSTM biases are all 1
    for name, parameter in policy.lstm.named_parameters():
        if "bias" in name:
            assert torch.all(parameter == 1.0)
    embeds = policy.components["_action_embeds_"].net.weight
    assert embeds.abs().max().item() == pytest.approx(0.1)


def test_rollout_forward_shapes_and_dtypes(generator: torch.Generator) -> None:
    policy = make_policy(FakeEnv(), small_agent_config(), seed=0)
    state = PolicyState()
    actions, logprob, entropy, value, log_probs = policy(random_tokens(generator, 7), state)
    assert actions.shape == (7, 2)
    assert actions.dtype == torch.int32
    assert logprob.shape == (7,)
    assert entropy.shape == (7,)
    assert value.shape == (7, 1)
    assert log_probs.shape == (7, NUM_LOGITS)
    assert state.lstm_h.shape == (2, 7, 16)
    assert state.lstm_c.shape == (2, 7, 16)
    assert not state.lstm_h.requires_grad
    # sampled actions are valid (type, arg) pairs and their logprob is the gathered one
    max_args = torch.tensor([0, 1, 3, 0, 0, 9, 0, 0, 3])
    assert torch.all(actions[:, 1] <= max_args[actions[:, 0].long()])
    offsets = torch.tensor([0, 1, 3, 7, 8, 9, 19, 20, 21])
    index = offsets[actions[:, 0].long()] + actions[:, 1].long()
    assert torch.equal(logprob, log_probs.gather(1, index[:, None]).squeeze(1))
    probabilities = log_probs.exp()
    assert torch.allclose(probabilities.sum(1), torch.ones(7))
    assert torch.allclose(entropy, -(probabilities * log_probs).sum(1))


def test_training_forward_evaluates_given_actions(generator: torch.Generator) -> None:
    policy = make_policy(FakeEnv(), small_agent_config(), seed=0)
    obs = random_tokens(generator, 3 * 4).view(3, 4, 200, 3)
    action = torch.tensor([[5, 9], [1, 1], [0, 0], [8, 3]], dtype=torch.int32).repeat(3, 1, 1)
    out_action, logprob, _, value, log_probs = policy(obs, PolicyState(), action=action)
    assert out_action.shape == (12, 2)
    assert torch.equal(out_action, action.reshape(12, 2))
    assert logprob.shape == (12,)
    assert value.shape == (12, 1)
    assert log_probs.shape == (12, 25)
    assert torch.equal(logprob[:4], log_probs[torch.arange(4), torch.tensor([18, 2, 0, 24])])
    logprob.sum().backward()  # differentiable in training
    assert policy.components["actor_1"].weight_layer.weight.grad is not None


def test_out_of_range_actions_are_rejected(generator: torch.Generator) -> None:
    policy = make_policy(FakeEnv(), small_agent_config(), seed=0)
    obs = random_tokens(generator, 2).view(1, 2, 200, 3)
    bad = torch.tensor([[[1, 2], [0, 0]]], dtype=torch.int32)  # move takes args 0..1
    with pytest.raises(ValueError, match="outside the action space"):
        policy(obs, PolicyState(), action=bad)


def test_same_seed_same_weights_and_actions(generator: torch.Generator) -> None:
    a = make_policy(FakeEnv(), small_agent_config(), seed=7)
    b = make_policy(FakeEnv(), small_agent_config(), seed=7)
    c = make_policy(FakeEnv(), small_agent_config(), seed=8)
    for (name, x), y in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
        assert torch.equal(x, y), name
    assert not torch.equal(
        a.components["encoded_obs"].weight_layer.weight,
        c.components["encoded_obs"].weight_layer.weight,
    )
    obs = random_tokens(generator, 16)
    torch.manual_seed(3)
    first = a(obs, PolicyState())
    torch.manual_seed(3)
    second = b(obs, PolicyState())
    for x, y in zip(first, second, strict=True):
        assert torch.equal(x, y)


def test_seed_form_dictconfig_and_preset_by_name() -> None:
    agent = small_agent_config()
    agent["clip_range"] = 0.2
    agent["l2_init_weight_update_interval"] = 100
    policy = make_policy(FakeEnv(), DictConfig({"device": "cpu", "agent": agent}))
    assert policy.clip_range == 0.2
    assert policy.l2_init_weight_update_interval == 100
    assert policy.device == torch.device("cpu")
    by_name = make_policy(FakeEnv(), DictConfig({"device": "cpu", "agent": "fast"}), seed=1)
    assert by_name.hidden_size == 128
    direct = MettaAgent((200, 3), 11, 11, dict.fromkeys(range(22), 1.0), agent_preset("fast"))
    assert direct.num_features == 22
    assert direct.action_space is None
    with pytest.raises(RuntimeError, match="initialize_to_environment"):
        direct(torch.zeros(1, 200, 3, dtype=torch.uint8), PolicyState())


def _broken(mutate) -> dict:
    config = copy.deepcopy(small_agent_config())
    mutate(config["components"])
    return config


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda c: c["cnn1"].update(_target_="torch.nn.Conv3d"),
            r"cnn1\._target_: unknown component",
        ),
        (
            lambda c: c["cnn1"].update(sources=[{"name": "nope"}]),
            r"'cnn1' names unknown source 'nope'",
        ),
        (lambda c: c.pop("_value_"), r"missing required component\(s\) \['_value_'\]"),
        (lambda c: c["cnn1"].update(stride=2), r"components\.cnn1\.stride: Extra inputs"),
        (lambda c: c["cnn1"]["nn_params"].update(kernal_size=3), r"cnn1\.nn_params\.kernal_size"),
        (
            lambda c: c["flat"].update(_target_="Linear", nn_params={"out_features": 4}),
            r"components\.flat: Linear needs a flat input .*Flatten",
        ),
        (lambda c: c["encoded_obs"].update(nonlinearity="nn.Nope"), r"encoded_obs\.nonlinearity"),
        (lambda c: c["encoded_obs"].update(initialization="zeros"), r"unknown initialization"),
        (lambda c: c["flat"].update(sources=[{"name": "encoded_obs"}]), r"cycle"),
        (
            lambda c: c.update(
                extra={
                    "_target_": "Linear",
                    "sources": ["_core_"],
                    "nn_params": {"out_features": 2},
                }
            ),
            r"\['extra'\] feed neither _value_ nor _action_",
        ),
        (lambda c: c["_core_"].pop("output_size"), r"_core_\.output_size"),
        (lambda c: c["_value_"]["nn_params"].update(out_features=2), r"_value_: must output one"),
        (lambda c: c["_action_"].update(sources=[{"name": "actor_1"}]), r"takes 2 source"),
    ],
)
def test_config_errors_name_the_field(mutate, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_policy(FakeEnv(), _broken(mutate))


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ({"_target_": "my.agents.OtherAgent"}, r"agent\._target_: .*'my\.agents\.OtherAgent'"),
        ({"observations": {"obs_key": "rgb"}}, r"agent\.observations\.obs_key: .*'rgb'"),
    ],
)
def test_agent_options_that_would_be_ignored_are_refused(update: dict, message: str) -> None:
    config = {**copy.deepcopy(small_agent_config()), **update}
    with pytest.raises(ValueError, match=message):
        make_policy(FakeEnv(), config)


def test_the_reference_agent_target_and_obs_key_are_accepted() -> None:
    config = {
        **copy.deepcopy(small_agent_config()),
        "_target_": "metta.agent.metta_agent.MettaAgent",
        "observations": {"obs_key": "grid_obs"},
    }
    assert make_policy(FakeEnv(), config, seed=0).agent_config.target == config["_target_"]


def test_observation_window_that_does_not_fit() -> None:
    with pytest.raises(ValueError, match=r"cnn1: kernel_size 5 .* does not fit the 3x3 input"):
        make_policy(FakeEnv(obs_width=3, obs_height=3), "fast")
    policy = make_policy(FakeEnv(), small_agent_config(), seed=0)
    with pytest.raises(ValueError, match="9x9 observation window does not fit"):
        policy.validate_observation_shape(9, 9)
    with pytest.raises(ValueError, match=r"single_observation_space: expected token"):
        make_policy(_BoxEnv(), small_agent_config())
    with pytest.raises(ValueError, match=r"x: expected \[N, M, 3\]"):
        policy(torch.zeros(5, 3, dtype=torch.uint8), PolicyState())
    with pytest.raises(ValueError, match="unknown agent preset 'big'"):
        make_policy(FakeEnv(), "big")


class _BoxEnv(FakeEnv):
    @property
    def single_observation_space(self):
        return gym.spaces.Box(0, 255, (11, 11, 22), np.uint8)


def test_action_embeddings_are_keyed_by_name(generator: torch.Generator) -> None:
    policy = make_policy(FakeEnv(), small_agent_config(), seed=0)
    embeds = policy.components["_action_embeds_"]
    before = dict(embeds.action_map)
    assert before["noop_0"] == 1
    assert before["attack_9"] == 19
    assert len(before) == 25
    reordered = list(reversed(ACTION_NAMES))
    max_args = list(reversed([0, 1, 3, 0, 0, 9, 0, 0, 3]))
    policy.initialize_to_environment(None, [*reordered, "dance"], [*max_args, 1], "cpu")
    assert embeds.action_map["attack_9"] == 19  # unchanged rows for known names
    assert embeds.action_map["dance_1"] == 27  # new names get new rows
    assert embeds.active_indices[0].item() == before["change_color_0"]
    _, _, _, _, log_probs = policy(random_tokens(generator, 2), PolicyState())
    assert log_probs.shape == (2, 27)
