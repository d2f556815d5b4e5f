"""PolicyStore / PolicyRecord / PolicyMetadata as the seed uses them, selectors and the cache."""

from __future__ import annotations

import random
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
import torch
from agent_fixtures import FEATURE_NAMES, FakeEnv, random_tokens, small_agent_config
from omegaconf import DictConfig

from metta.agent import (
    PolicyMetadata,
    PolicyRecord,
    PolicyState,
    PolicyStore,
    attach_to_environment,
    make_policy,
)
from metta.agent.policy_cache import PolicyCache


def _store(directory: Path, cache: int = 10) -> PolicyStore:
    return PolicyStore(
        DictConfig(
            {
                "device": "cpu",
                "policy_cache_size": cache,
                "trainer": {"checkpoint": {"checkpoint_dir": str(directory)}},
            }
        ),
        wandb_run=None,
    )


@pytest.fixture(scope="module")
def agent():
    return make_policy(FakeEnv(), small_agent_config(), seed=0)


def _save(store: PolicyStore, agent, name: str, **metadata) -> PolicyRecord:
    record = store.create_empty_policy_record(name)
    record.metadata = metadata
    record.policy = agent
    return store.save(record)


def test_seed_checkpoint_flow(agent, tmp_path: Path, generator) -> None:
    store = _store(tmp_path)
    name = store.make_model_name(7)
    assert name == "model_0007.pt"
    record = store.create_empty_policy_record(name)
    assert record.file_path == str(tmp_path / name)
    assert record.uri == f"file://{tmp_path / name}"
    record.metadata = {"agent_step": 1000, "epoch": 7, "score": 0.95}
    record.policy = agent
    saved = store.save(record)
    assert (tmp_path / name).is_file()
    assert saved.metadata.score == 0.95
    assert saved.metadata.generation == 0
    loaded = _store(tmp_path).policy_record(str(tmp_path / name))  # a fresh store: from disk
    assert loaded.metadata == {
        "agent_step": 1000, "epoch": 7, "generation": 0, "train_time": 0.0, "score": 0.95,
    }  # fmt: skip
    assert loaded.num_params() == agent.total_params
    assert loaded.policy is not agent
    obs = random_tokens(generator, 5)
    torch.manual_seed(4)
    expected = agent(obs, PolicyState())
    torch.manual_seed(4)
    got = loaded.policy(obs, PolicyState())
    for x, y in zip(expected, got, strict=True):
        assert torch.equal(x, y)
    assert loaded.policy_as_metta_agent() is loaded.policy
    assert "epoch=7" in repr(loaded)


def test_loaded_policy_in_permuted_env_gives_same_actions(agent, tmp_path, generator) -> None:
    store = _store(tmp_path)
    _save(store, agent, "model_0001.pt", epoch=1)
    policy = _store(tmp_path).policy_record(tmp_path / "model_0001.pt").policy
    order = list(range(len(FEATURE_NAMES)))
    random.Random(9).shuffle(order)
    assert attach_to_environment(policy, FakeEnv(order=order)) is policy
    canonical = torch.Generator().manual_seed(3)
    permuted = torch.Generator().manual_seed(3)
    obs = random_tokens(canonical, 6)
    obs_permuted = random_tokens(permuted, 6, order=order)
    torch.manual_seed(0)
    expected = agent(obs, PolicyState())
    torch.manual_seed(0)
    got = policy(obs_permuted, PolicyState())
    for x, y in zip(expected, got, strict=True):
        assert torch.equal(x, y)


def test_loaded_policy_rejects_an_env_it_does_not_fit(agent, tmp_path: Path) -> None:
    store = _store(tmp_path)
    _save(store, agent, "model_0001.pt", epoch=1)
    policy = store.policy_record(tmp_path / "model_0001.pt").policy
    with pytest.raises(ValueError, match="environment's 9x9 observation window does not fit"):
        attach_to_environment(policy, FakeEnv(obs_width=9, obs_height=9))
    with pytest.raises(ValueError, match=r"single_observation_space: expected uint8 tokens"):
        attach_to_environment(policy, _FloatEnv())


class _FloatEnv(FakeEnv):
    @property
    def single_observation_space(self) -> gym.spaces.Box:
        return gym.spaces.Box(0, 255, (self.tokens, 3), np.float32)


def test_metadata_keys_and_attribute_access() -> None:
    meta = PolicyMetadata({"score": 1.5})
    assert (meta.agent_step, meta.epoch, meta.generation, meta.train_time) == (0, 0, 0, 0.0)
    meta.epoch = 4
    assert meta["epoch"] == 4
    with pytest.raises(KeyError, match="'epoch' is required"):
        del meta["epoch"]
    with pytest.raises(AttributeError, match="no key 'missing'"):
        _ = meta.missing
    with pytest.raises(TypeError, match="keys must be strings"):
        PolicyMetadata.from_dict({1: 2})


def test_latest_is_by_epoch_not_file_order(agent, tmp_path: Path) -> None:
    store = _store(tmp_path)
    _save(store, agent, "a.pt", epoch=30, agent_step=300)
    _save(store, agent, "b.pt", epoch=2, agent_step=20)
    _save(store, agent, "c.pt", epoch=10, agent_step=100)
    fresh = _store(tmp_path)
    assert Path(fresh.policy_record(tmp_path, "latest").file_path).name == "a.pt"
    epochs = [r.metadata.epoch for r in fresh.policy_records(tmp_path, "all")]
    assert epochs == [2, 10, 30]
    latest_two = fresh.policy_records(str(tmp_path), "latest", n=2)
    assert [r.metadata.epoch for r in latest_two] == [30, 10]


def test_top_by_metric_eval_scores_and_fallback(agent, tmp_path: Path) -> None:
    store = _store(tmp_path)
    _save(store, agent, "m1.pt", epoch=1, score=0.2, eval_scores={"nav": 0.9})
    _save(store, agent, "m2.pt", epoch=2, score=0.7, eval_scores={"nav": 0.1})
    _save(store, agent, "m3.pt", epoch=3, score=0.5, eval_scores={"nav": 0.4})
    fresh = _store(tmp_path)
    assert fresh.policy_record(f"file://{tmp_path}").metadata.epoch == 2  # top score
    assert fresh.policy_record(tmp_path, "top", metric="nav").metadata.epoch == 1
    top2 = fresh.policy_records(tmp_path, "top", n=2, metric="score")
    assert [r.metadata.epoch for r in top2] == [2, 3]
    # fewer than 80% of the records carry "reward": fall back to the latest
    _save(store, agent, "m4.pt", epoch=4, reward=1.0)
    assert _store(tmp_path).policy_record(tmp_path, "top", metric="reward").metadata.epoch == 4
    picks = {r.metadata.epoch for r in _store(tmp_path).policy_records(tmp_path, "rand", n=3)}
    assert len(picks) == 3
    assert picks <= {1, 2, 3, 4}


def test_top_ignores_a_nan_score(agent, tmp_path: Path) -> None:
    store = _store(tmp_path)
    for epoch, score in enumerate([1.0, 5.0, 3.0, float("nan"), 2.0]):
        _save(store, agent, f"n{epoch}.pt", epoch=epoch, score=score)
    fresh = _store(tmp_path)
    assert fresh.policy_record(tmp_path, "top").metadata.epoch == 1
    assert [r.metadata.epoch for r in fresh.policy_records(tmp_path, "top", n=3)] == [1, 2, 4]


def test_store_errors(agent, tmp_path: Path) -> None:
    store = _store(tmp_path)
    with pytest.raises(FileNotFoundError, match="policy checkpoint not found"):
        store.policy_record(tmp_path / "missing.pt")
    with pytest.raises(ValueError, match=r"no policy checkpoints \(\*\.pt\) found in folder"):
        store.policy_record(tmp_path)
    with pytest.raises(ValueError, match="wandb:// scheme is not supported"):
        store.policy_record("wandb://run/abc")
    _save(store, agent, "x.pt", epoch=1)
    torch.save({"format": "trainer-state/1", "epoch": 9}, tmp_path / "trainer_state.pt")
    assert [Path(r.file_path).name for r in store.policy_records(tmp_path, "all")] == ["x.pt"]
    with pytest.raises(ValueError, match="selector_type: unknown 'best'"):
        store.policy_record(tmp_path, "best")
    with pytest.raises(ValueError, match="policy_cache_size: must be > 0"):
        _store(tmp_path, cache=0)
    bare = PolicyStore(DictConfig({"device": "cpu"}))
    with pytest.raises(ValueError, match="checkpoint_dir is not set"):
        bare.create_empty_policy_record("model_0000.pt")
    empty = bare.create_empty_policy_record("p.pt", override_path=str(tmp_path / "p.pt"))
    with pytest.raises(ValueError, match="has no policy set"):
        bare.save(empty)
    (tmp_path / "broken.pt").write_bytes(b"junk")
    with pytest.raises(ValueError, match=r"broken\.pt: not a readable"):
        _store(tmp_path).policy_records(tmp_path, "all")


def test_cache_is_lru(agent, tmp_path: Path) -> None:
    store = _store(tmp_path, cache=2)
    records = [_save(store, agent, f"model_{i}.pt", epoch=i) for i in range(3)]
    assert len(store.cache) == 2
    assert store.policy_record(tmp_path / "model_2.pt") is records[2]  # served from the cache
    assert store.policy_record(tmp_path / "model_0.pt") is not records[0]  # evicted, reloaded
    keys = [Path(k).name for k in store.cache.keys()]  # noqa: SIM118
    assert keys == ["model_2.pt", "model_0.pt"]
    cache = PolicyCache(2)
    cache.put("a", records[0])
    cache.put("b", records[1])
    assert cache.get("a") is records[0]
    cache.put("c", records[2])
    assert "b" not in cache
    assert "a" in cache


def test_create_takes_the_seed_settings_as_arguments(agent, tmp_path: Path) -> None:
    store = PolicyStore.create("cpu", tmp_path, policy_cache_size=3, run_name="r")
    seed_form = _store(tmp_path)
    assert (store.device, store.checkpoint_dir) == (seed_form.device, seed_form.checkpoint_dir)
    assert store.run_name == "r"
    saved = _save(store, agent, "model_0001.pt", epoch=1)
    assert seed_form.policy_record(saved.uri).metadata["epoch"] == 1


def test_a_wandb_run_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="wandb_run must be None"):
        PolicyStore(DictConfig({"device": "cpu"}), wandb_run=object())
