"""The agent API existing user code relies on: sample/evaluate actions on their own, weight
clipping per component, normalizations given at construction, and legacy PolicyRecord metadata."""

from __future__ import annotations

import io
import math
import pickle
import re
from pathlib import Path

import pytest
import torch
from agent_fixtures import FEATURE_NAMES, NORMALIZATIONS, FakeEnv, random_tokens, small_agent_config
from omegaconf import DictConfig
from torch import nn

from metta.agent import (
    MettaAgent,
    PolicyMetadata,
    PolicyRecord,
    PolicyState,
    PolicyStore,
    attach_to_environment,
    make_policy,
)

# FakeEnv's flat actions: noop 0, move 1-2, rotate 3-6, put_recipe_items 7, get_output 8,
# attack 9-18, attack_nearest 19, swap 20, change_color 21-24.
NUM_LOGITS = 25
ROTATE = 2


@pytest.fixture
def policy() -> MettaAgent:
    return make_policy(FakeEnv(), small_agent_config(), seed=0)


def _forward_with_logits(policy, *args, **kwargs) -> tuple[tuple[torch.Tensor, ...], torch.Tensor]:
    """The forward outputs and the ``_action_`` logits it computed."""
    captured = {}
    handle = policy.components["_action_"].register_forward_hook(
        lambda module, inputs, output: captured.update(logits=output)
    )
    try:
        outputs = policy(*args, **kwargs)
    finally:
        handle.remove()
    return outputs, captured["logits"]


# ----------------------------------------------------------------------------- sample / evaluate


def test_forward_samples_through_sample_actions(policy, generator) -> None:
    obs = random_tokens(generator, 6)
    torch.manual_seed(5)
    outputs, logits = _forward_with_logits(policy, obs, PolicyState())
    torch.manual_seed(5)
    action, logprob, entropy, log_probs = policy.sample_actions(logits)
    assert action.dtype == torch.int32
    assert action.shape == (6, 2)
    assert logprob.shape == entropy.shape == (6,)
    assert log_probs.shape == (6, NUM_LOGITS)
    ours = (action, logprob, entropy, log_probs)
    for mine, forwards in zip(ours, outputs[:3] + outputs[4:], strict=True):
        assert torch.equal(mine, forwards)


def test_forward_evaluates_through_evaluate_actions(policy, generator) -> None:
    obs = random_tokens(generator, 6)
    sampled = policy(obs, PolicyState())[0]
    outputs, logits = _forward_with_logits(
        policy, obs.view(2, 3, *obs.shape[1:]), PolicyState(), action=sampled.view(2, 3, 2)
    )
    logprob, entropy, log_probs = policy.evaluate_actions(logits, sampled)
    assert torch.equal(outputs[0], sampled)
    assert torch.equal(outputs[1], logprob)
    assert torch.equal(outputs[2], entropy)
    assert torch.equal(outputs[4], log_probs)


def test_evaluate_scores_what_sample_drew(policy) -> None:
    logits = torch.randn(64, NUM_LOGITS, generator=torch.Generator().manual_seed(3))
    action, logprob, entropy, log_probs = policy.sample_actions(logits)
    again = policy.evaluate_actions(logits, action)
    assert torch.equal(again[0], logprob)
    assert torch.equal(again[1], entropy)
    assert torch.equal(again[2], log_probs)


def test_evaluate_actions_exact_values(policy) -> None:
    probs = torch.tensor([[0.5] + [0.5 / 24] * 24, [1.0 / NUM_LOGITS] * NUM_LOGITS])
    logits = probs.log() + 3.0  # log-softmax removes the shift
    action = torch.tensor([[0, 0], [5, 9]], dtype=torch.int32)  # noop; attack 9 = logit 18
    logprob, entropy, log_probs = policy.evaluate_actions(logits, action)
    assert torch.allclose(log_probs, probs.log(), atol=1e-6)
    assert torch.allclose(logprob, torch.tensor([math.log(0.5), -math.log(NUM_LOGITS)]))
    expected_entropy = -(probs * probs.log()).sum(-1)
    assert torch.allclose(entropy, expected_entropy)
    assert entropy[1].item() == pytest.approx(math.log(NUM_LOGITS))


def test_sample_actions_maps_logits_to_type_and_arg(policy) -> None:
    logits = torch.full((3, NUM_LOGITS), -1e4)
    logits[0, 0] = 0.0  # noop
    logits[1, 18] = 0.0  # attack 9
    logits[2, 24] = 0.0  # change_color 3
    action, logprob, entropy, _ = policy.sample_actions(logits)
    assert action.tolist() == [[0, 0], [5, 9], [8, 3]]
    assert logprob.tolist() == [0.0, 0.0, 0.0]
    assert entropy.abs().max().item() < 1e-6


def test_heading_reads_rotate_args_as_relative_turns(policy) -> None:
    logits = torch.full((4, NUM_LOGITS), -1e4)
    logits[:, 3 + 1] = 0.0  # rotate_1: turn right of the heading
    heading = torch.arange(4)  # up, right, down, left (quarter turns clockwise)
    action, *_ = policy.sample_actions(logits, heading)
    # right of up = right (3), of right = down (1), of down = left (2), of left = up (0)
    assert action.tolist() == [[ROTATE, 3], [ROTATE, 1], [ROTATE, 2], [ROTATE, 0]]
    logprob, _, _ = policy.evaluate_actions(logits, action, heading)
    assert logprob.tolist() == [0.0, 0.0, 0.0, 0.0]
    # Without a heading the args are absolute: engine orientation 3 is logit rotate_3.
    absolute, *_ = policy.sample_actions(logits)
    assert absolute.tolist() == [[ROTATE, 1]] * 4
    logprob, _, _ = policy.evaluate_actions(logits, action)
    assert logprob[1].item() == 0.0  # (rotate, 1) read as absolute is rotate_1
    assert logprob[0].item() < -1000.0  # (rotate, 3) read as absolute is rotate_3


def test_sample_and_evaluate_errors(policy) -> None:
    logits = torch.zeros(2, NUM_LOGITS)
    message = "logits: expected [N, 25] (one logit per action of the environment), got [2, 7]"
    with pytest.raises(ValueError, match=re.escape(message)):
        policy.sample_actions(torch.zeros(2, 7))
    with pytest.raises(ValueError, match=re.escape("logits: expected [N, 25]")):
        policy.evaluate_actions(torch.zeros(2, 5, NUM_LOGITS), torch.zeros(2, 2))
    message = "action: expected [2, 2] (type, arg) pairs, one per row of logits, got [3, 2]"
    with pytest.raises(ValueError, match=re.escape(message)):
        policy.evaluate_actions(logits, torch.zeros(3, 2, dtype=torch.int32))
    with pytest.raises(ValueError, match=re.escape("action: (type, arg) pairs outside the action")):
        policy.evaluate_actions(logits, torch.tensor([[0, 0], [1, 2]], dtype=torch.int32))
    with pytest.raises(
        ValueError, match=re.escape("heading: expected [2] (one per row of logits), got [3]")
    ):
        policy.sample_actions(logits, torch.zeros(3, dtype=torch.long))
    fresh = MettaAgent((200, 3), 11, 11, {0: 1.0}, small_agent_config())
    with pytest.raises(RuntimeError, match="MettaAgent has no actions: call initialize_to_env"):
        fresh.sample_actions(logits)
    with pytest.raises(RuntimeError, match="before sampling or evaluating actions"):
        fresh.evaluate_actions(logits, torch.zeros(2, 2, dtype=torch.int32))


# ----------------------------------------------------------------------------- clip_weights


def test_which_components_can_clip(policy) -> None:
    clippable = {name for name, c in policy.components.items() if c.can_clip_weights}
    assert clippable == {"cnn1", "encoded_obs", "_value_", "actor_1"}


@pytest.mark.parametrize(
    ("name", "kind"),
    [("flat", "Flatten"), ("_core_", "LSTM"), ("_obs_", "ObsTokenToBoxShaper"),
     ("_action_embeds_", "ActionEmbedding"), ("_action_", "MettaActorSingleHead")],
)  # fmt: skip
def test_clip_on_a_component_without_clip_limit_names_it(policy, name, kind) -> None:
    message = (
        f"agent.components.{name}: {kind} cannot clip weights: it has no clip limit "
        f"(only Linear and Conv2d layers have one)"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        policy.components[name].clip_weights()


def test_agent_clip_clips_weight_layers_and_skips_the_rest(policy) -> None:
    with torch.no_grad():
        for parameter in policy.parameters():
            parameter.mul_(100.0)
    before = {name: p.detach().clone() for name, p in policy.named_parameters()}
    policy.clip_weights()
    for name in ("cnn1", "encoded_obs", "_value_", "actor_1"):
        layer = policy.components[name]
        weight = layer.weight_layer.weight
        assert weight.abs().max().item() == pytest.approx(layer.clip_value)
        assert torch.equal(layer.weight_layer.bias, before[f"components.{name}.weight_layer.bias"])
    for name, parameter in policy.named_parameters():
        if not name.endswith("weight_layer.weight"):
            assert torch.equal(parameter, before[name]), name  # LSTM, embeddings, head untouched


def test_component_clip_directly(policy) -> None:
    layer = policy.components["actor_1"]
    with torch.no_grad():
        layer.weight_layer.weight.fill_(9.0)
    layer.clip_weights()
    assert torch.all(layer.weight_layer.weight == layer.clip_value)


# ----------------------------------------------------------------------------- normalizations

USER_NORMS = {i: 2.0 + i for i in range(len(FEATURE_NAMES))}


def _norms(agent: MettaAgent) -> list[float]:
    return agent.components["obs_normalizer"].normalizations.flatten().tolist()


def _store(directory: Path) -> PolicyStore:
    return PolicyStore(
        DictConfig(
            {
                "device": "cpu",
                "policy_cache_size": 2,
                "trainer": {"checkpoint": {"checkpoint_dir": str(directory)}},
            }
        )
    )


def test_constructor_normalizations_survive_environments_and_a_store_round_trip(
    tmp_path: Path,
) -> None:
    agent = MettaAgent((200, 3), 11, 11, USER_NORMS, small_agent_config())
    expected = [USER_NORMS[i] for i in range(len(FEATURE_NAMES))]
    assert _norms(agent) == expected
    attach_to_environment(agent, FakeEnv())  # the env's normalizations differ from the user's
    assert _norms(agent) == expected
    order = list(reversed(range(len(FEATURE_NAMES))))
    attach_to_environment(agent, FakeEnv(order=order))  # permuted ids, remapped by name
    assert _norms(agent) == expected
    store = _store(tmp_path)
    record = store.create_empty_policy_record("model_0001.pt")
    record.policy = agent
    store.save(record)
    loaded = _store(tmp_path).policy_record(str(tmp_path / "model_0001.pt")).policy
    assert _norms(loaded) == expected
    assert loaded.feature_normalizations == USER_NORMS
    attach_to_environment(loaded, FakeEnv(order=order), is_training=True)
    assert _norms(loaded) == expected


def test_a_learned_feature_keeps_the_constructor_normalization_of_its_id() -> None:
    env = FakeEnv()
    without_hp = env.get_observation_features()
    del without_hp["hp"]  # the first env has no hp, so policy id 2 stays unnamed
    agent = MettaAgent((200, 3), 11, 11, USER_NORMS, small_agent_config())
    agent.initialize_to_environment(without_hp, env.action_names, env.max_action_args, "cpu")
    agent.initialize_to_environment(
        env.get_observation_features(), env.action_names, env.max_action_args, "cpu", True
    )
    assert agent.original_feature_mapping["hp"] == 2  # learned as the first free id
    assert _norms(agent)[2] == USER_NORMS[2]  # not the env's 30


def test_a_learned_feature_takes_the_env_normalization_where_none_was_given() -> None:
    env = FakeEnv()
    without_hp = env.get_observation_features()
    del without_hp["hp"]
    norms = {k: v for k, v in USER_NORMS.items() if k != 2}
    agent = MettaAgent((200, 3), 11, 11, norms, small_agent_config())
    assert _norms(agent)[2] == 1.0
    agent.initialize_to_environment(without_hp, env.action_names, env.max_action_args, "cpu")
    agent.initialize_to_environment(
        env.get_observation_features(), env.action_names, env.max_action_args, "cpu", True
    )
    assert _norms(agent)[2] == NORMALIZATIONS[FEATURE_NAMES.index("hp")] == 30
    assert agent.feature_normalizations == norms  # the constructor's, unchanged


# ----------------------------------------------------------------------------- legacy records


def _legacy_record(**state) -> PolicyRecord:
    """A record as older code left it: attributes set without __init__."""
    record = PolicyRecord.__new__(PolicyRecord)
    record.__dict__.update({"_policy_store": None, "run_name": "old", "uri": "file:///m.pt"})
    record.__dict__.update(state)
    return record


def _expected_metadata(**values) -> dict:
    return {"agent_step": 0, "epoch": 0, "generation": 0, "train_time": 0.0, **values}


def test_unpickling_maps_the_legacy_checkpoint_and_policy_attributes() -> None:
    module = nn.Linear(3, 2)
    metadata = {"epoch": 3, "agent_step": 1200, "score": 0.5}
    legacy = _legacy_record(checkpoint=metadata, _policy=module)
    buffer = io.BytesIO()
    torch.save(legacy, buffer)  # older code saved whole records with torch.save
    buffer.seek(0)
    loaded = torch.load(buffer, weights_only=False)
    assert set(vars(loaded)) == {"_policy_store", "run_name", "uri", "_metadata", "_cached_policy"}
    assert isinstance(loaded.metadata, PolicyMetadata)
    assert loaded.metadata == _expected_metadata(epoch=3, agent_step=1200, score=0.5)
    assert loaded.metadata.epoch == 3
    assert isinstance(loaded.policy, nn.Linear)
    assert torch.equal(loaded.policy.weight, module.weight)
    assert loaded.file_path == "/m.pt"


def test_a_hand_built_legacy_record_reads_its_checkpoint_metadata() -> None:
    module = nn.Linear(3, 2)
    record = _legacy_record(checkpoint={"epoch": 7, "generation": 2}, _policy=module)
    assert record.metadata == _expected_metadata(epoch=7, generation=2)
    assert record.policy is module
    assert "checkpoint" not in vars(record)
    assert "_policy" not in vars(record)
    assert "epoch=7" in repr(record)


def test_legacy_metadata_names_and_precedence() -> None:
    # The later plain ``metadata`` attribute wins over the older ``checkpoint``.
    legacy = _legacy_record(metadata={"epoch": 2}, checkpoint={"epoch": 1})
    both = pickle.loads(pickle.dumps(legacy))
    assert both.metadata == _expected_metadata(epoch=2)
    # A record without any metadata gets the required keys.
    bare = pickle.loads(pickle.dumps(_legacy_record(_policy=None)))
    assert bare.metadata == _expected_metadata()
    message = "PolicyRecord file:///m.pt: no policy set and no store to load it"
    with pytest.raises(ValueError, match=re.escape(message)):
        _ = bare.policy
    with pytest.raises(TypeError, match=re.escape("metadata: keys must be strings, got [1]")):
        pickle.loads(pickle.dumps(_legacy_record(checkpoint={1: "x"})))


def test_current_records_pickle_unchanged_and_unknown_attributes_raise() -> None:
    record = PolicyRecord(None, "run", "file:///p.pt", {"epoch": 4, "score": 1.5})
    record.policy = nn.Linear(2, 2)
    copy = pickle.loads(pickle.dumps(record))
    assert set(vars(copy)) == set(vars(record))
    assert copy.metadata == _expected_metadata(epoch=4, score=1.5)
    assert copy.run_name == "run"
    assert isinstance(copy.policy, nn.Linear)
    with pytest.raises(AttributeError, match="'PolicyRecord' object has no attribute 'nope'"):
        _ = copy.nope
    with pytest.raises(AttributeError, match="'PolicyRecord' object has no attribute '_metadata'"):
        _ = PolicyRecord.__new__(PolicyRecord)._metadata
