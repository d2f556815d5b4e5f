"""The checkpoint format: round trip, weights_only loading, atomic writes and clear errors."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import torch
from agent_fixtures import FEATURE_NAMES, FakeEnv, random_tokens, small_agent_config

from metta.agent import (
    CHECKPOINT_FORMAT,
    CheckpointError,
    MettaAgent,
    PolicyState,
    load_checkpoint,
    make_policy,
    policy_from_checkpoint,
    save_checkpoint,
)


@pytest.fixture
def policy():
    return make_policy(FakeEnv(), small_agent_config(), seed=0)


def _run(policy, obs: torch.Tensor, seed: int = 0) -> tuple[torch.Tensor, ...]:
    """Two rollout steps and a training forward under a fixed sampling seed."""
    torch.manual_seed(seed)
    state = PolicyState()
    first = policy(obs, state)
    second = policy(obs, state)
    train = policy(obs.view(2, -1, *obs.shape[1:]), PolicyState(), action=first[0].view(2, -1, 2))
    return (*first, *second, *train)


def test_round_trip_gives_identical_outputs(policy, tmp_path: Path, generator) -> None:
    obs = random_tokens(generator, 8)
    path = save_checkpoint(tmp_path / "p.pt", policy, {"epoch": 3, "score": np.float32(0.5)})
    raw = torch.load(path, weights_only=True)
    assert raw["format"] == CHECKPOINT_FORMAT
    assert raw["metadata"] == {"epoch": 3, "score": 0.5}
    assert raw["feature_mapping"] == {name: i for i, name in enumerate(FEATURE_NAMES)}
    assert raw["action_names"] == FakeEnv().action_names
    assert raw["agent_config"]["components"]["_core_"]["output_size"] == 16
    state = torch.random.get_rng_state()
    loaded = policy_from_checkpoint(load_checkpoint(path))
    assert torch.equal(torch.random.get_rng_state(), state)  # loading does not consume the RNG
    for x, y in zip(_run(policy, obs), _run(loaded, obs), strict=True):
        assert torch.equal(x, y)
    assert loaded.clip_range == 0.5
    assert loaded.l2_init_weight_update_interval == 2


def test_round_trip_keeps_the_weight_clip_limits(policy, tmp_path: Path) -> None:
    # The limits derive from each layer's random initial weights; a reload (which re-initialises
    # from fresh randomness before loading the weights) must clip to the saved limits.
    limits = {
        name: component.clip_value
        for name, component in policy.components.items()
        if hasattr(component, "clip_value")
    }
    assert len(limits) >= 3
    torch.manual_seed(123)  # a different global RNG state than the policy was built under
    loaded = policy_from_checkpoint(load_checkpoint(save_checkpoint(tmp_path / "c.pt", policy, {})))
    assert {name: loaded.components[name].clip_value for name in limits} == limits


def test_round_trip_keeps_remapping_and_learned_state(policy, tmp_path, generator) -> None:
    order = list(range(len(FEATURE_NAMES)))
    random.Random(2).shuffle(order)
    env = FakeEnv(order=order)
    policy.initialize_to_environment(
        env.get_observation_features(), env.action_names, env.max_action_args, "cpu"
    )
    with torch.no_grad():
        policy.components["encoded_obs"].weight_layer.weight.add_(0.01)
    obs = random_tokens(generator, 4, order=order)
    loaded = policy_from_checkpoint(load_checkpoint(save_checkpoint(tmp_path / "q.pt", policy, {})))
    for x, y in zip(_run(policy, obs, 1), _run(loaded, obs, 1), strict=True):
        assert torch.equal(x, y)
    assert torch.equal(loaded.l2_init_loss(), policy.l2_init_loss())


def test_write_is_atomic(policy, tmp_path: Path) -> None:
    path = tmp_path / "p.pt"
    save_checkpoint(path, policy, {"epoch": 1})
    before = path.read_bytes()
    with pytest.raises(TypeError, match=r"metadata\.bad: object cannot be stored"):
        save_checkpoint(path, policy, {"epoch": 2, "bad": object()})
    assert path.read_bytes() == before  # the old checkpoint survives a failed save
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.pt"]  # no temp files left


def test_missing_truncated_and_garbage_files(policy, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"policy checkpoint not found: .*nope\.pt"):
        load_checkpoint(tmp_path / "nope.pt")
    good = save_checkpoint(tmp_path / "good.pt", policy, {})
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(CheckpointError, match=r"truncated\.pt: not a readable metta policy"):
        load_checkpoint(truncated)
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(b"\x00not a checkpoint" * 10)
    with pytest.raises(CheckpointError, match=r"garbage\.pt: not a readable"):
        load_checkpoint(garbage)
    other = tmp_path / "other.pt"
    torch.save({"model": torch.zeros(2)}, other)
    with pytest.raises(CheckpointError, match=r"other\.pt: has no 'format' field"):
        load_checkpoint(other)


def test_other_format_version_and_missing_fields(policy, tmp_path: Path) -> None:
    path = save_checkpoint(tmp_path / "p.pt", policy, {})
    payload = torch.load(path, weights_only=True)
    payload["format"] = "metta-policy/99"
    torch.save(payload, tmp_path / "v99.pt")
    with pytest.raises(CheckpointError, match=r"v99\.pt: checkpoint format 'metta-policy/99'"):
        load_checkpoint(tmp_path / "v99.pt")
    payload["format"] = CHECKPOINT_FORMAT
    del payload["action_names"]
    torch.save(payload, tmp_path / "partial.pt")
    with pytest.raises(CheckpointError, match=r"partial\.pt: checkpoint lacks field\(s\)"):
        load_checkpoint(tmp_path / "partial.pt")


def test_checkpoint_with_bad_config_or_weights(policy, tmp_path: Path) -> None:
    payload = torch.load(save_checkpoint(tmp_path / "p.pt", policy, {}), weights_only=True)
    payload["agent_config"]["components"]["cnn1"]["_target_"] = "Conv9d"
    with pytest.raises(CheckpointError, match=r"x\.pt: cannot rebuild.*cnn1\._target_"):
        policy_from_checkpoint(payload, source="x.pt")
    payload = torch.load(tmp_path / "p.pt", weights_only=True)
    del payload["state_dict"]["components.cnn1.weight_layer.weight"]
    with pytest.raises(CheckpointError, match=r"(?s)y\.pt: cannot rebuild.*cnn1\.weight_layer"):
        policy_from_checkpoint(payload, source="y.pt")


def test_saving_an_uninitialised_policy_fails(tmp_path: Path) -> None:
    agent = MettaAgent((200, 3), 11, 11, {0: 1.0}, small_agent_config())
    with pytest.raises(ValueError, match="not initialised to an environment"):
        save_checkpoint(tmp_path / "p.pt", agent, {})
