"""Resume equivalence: N+M update phases straight equal N, save, load into fresh objects, M."""

import random

import numpy as np
import pytest
import torch
from rl_stand_ins import TinyBanditEnv, TinyPolicy

from metta.common.profiling.stopwatch import Stopwatch
from metta.rl.experience import Experience
from metta.rl.kickstarter import Kickstarter
from metta.rl.losses import Losses
from metta.rl.lr_scheduler import LRScheduler
from metta.rl.optimizer import Optimizer
from metta.rl.rollout import collect_rollout
from metta.rl.trainer_checkpoint import (
    TRAINER_STATE_FILE,
    TrainerCheckpoint,
    load_trainer_state,
    save_trainer_state,
    select_start_policy,
)
from metta.rl.trainer_config import TrainerConfig
from metta.rl.training_phase import train_on_experience


def trainer_config(optimizer_type):
    return TrainerConfig(
        total_timesteps=64 * 8,
        batch_size=64,
        minibatch_size=16,
        bptt_horizon=4,
        update_epochs=2,
        optimizer={"type": optimizer_type, "learning_rate": 0.01},
        lr_scheduler={"enabled": True, "schedule_type": "cosine", "warmup_steps": 2},
        prioritized_experience_replay={"prio_alpha": 0.6, "prio_beta0": 0.4},
    )


def build(cfg):
    """Fresh policy, optimizer, schedule and a buffer filled by one seeded rollout."""
    torch.manual_seed(0)
    policy = TinyPolicy(num_tokens=2)
    env = TinyBanditEnv(num_agents=4, num_tokens=2)
    env.reset(seed=0)
    experience = Experience.from_trainer_config(
        cfg, env, "cpu", policy.hidden_size, policy.num_layers
    )
    collect_rollout(policy, env, experience, "cpu")
    optimizer = Optimizer.from_config(policy, cfg)
    schedule = LRScheduler.from_config(optimizer, cfg)
    return policy, experience, optimizer, schedule


def train(parts, cfg, phases, epoch):
    policy, experience, optimizer, schedule = parts
    for _ in range(phases):
        epoch = train_on_experience(
            policy, experience, optimizer, cfg, Losses(), "cpu",
            epoch=epoch, agent_step=0, lr_scheduler=schedule,
        )  # fmt: skip
    return epoch


@pytest.mark.parametrize("optimizer_type", ["adam", "muon"])
def test_resume_gives_the_same_weights(tmp_path, optimizer_type):
    cfg = trainer_config(optimizer_type)
    straight = build(cfg)
    torch.manual_seed(42)
    train(straight, cfg, phases=5, epoch=0)

    first = build(cfg)
    torch.manual_seed(42)
    epoch = train(first, cfg, phases=3, epoch=0)
    timer = Stopwatch()
    save_trainer_state(
        tmp_path, agent_step=192, epoch=epoch, optimizer=first[2], lr_scheduler=first[3],
        stopwatch=timer, policy=first[0], policy_path="file://model_0006.pt",
    )  # fmt: skip
    torch.manual_seed(999)  # a fresh process would start from another RNG state
    random.seed(999)

    resumed = build(cfg)
    checkpoint = load_trainer_state(
        tmp_path, optimizer=resumed[2], lr_scheduler=resumed[3], policy=resumed[0]
    )
    assert (checkpoint.agent_step, checkpoint.epoch) == (192, 6)
    assert checkpoint.policy_path == "file://model_0006.pt"
    train(resumed, cfg, phases=2, epoch=checkpoint.epoch)

    for (name, a), b in zip(straight[0].named_parameters(), resumed[0].parameters(), strict=True):
        assert torch.equal(a, b), name
    assert straight[3].get_last_lr() == resumed[3].get_last_lr()


def test_without_rng_restore_the_runs_differ(tmp_path):
    """The sampling draws depend on the RNG: the state must be part of the checkpoint."""
    cfg = trainer_config("adam")
    straight = build(cfg)
    torch.manual_seed(42)
    train(straight, cfg, phases=2, epoch=0)
    first = build(cfg)
    torch.manual_seed(42)
    epoch = train(first, cfg, phases=1, epoch=0)
    save_trainer_state(tmp_path, agent_step=0, epoch=epoch, optimizer=first[2], policy=first[0])
    resumed = build(cfg)
    torch.manual_seed(999)
    load_trainer_state(tmp_path, optimizer=resumed[2], policy=resumed[0], restore_rng=False)
    train(resumed, cfg, phases=1, epoch=epoch)
    assert not torch.equal(straight[0].actor.weight, resumed[0].actor.weight)


def test_checkpoint_file_is_atomic_weights_only_and_complete(tmp_path):
    cfg = trainer_config("adam")
    _, _, optimizer, schedule = build(cfg)
    store = type("Store", (), {"policy_record": lambda self, uri: None})()
    kickstarter = Kickstarter(cfg.kickstart, "cpu", store, ["a"], [1])
    np.random.seed(3)  # noqa: NPY002 (the global RNG is what the checkpoint restores)
    random.seed(3)
    path = save_trainer_state(
        tmp_path, agent_step=10, epoch=2, optimizer=optimizer, lr_scheduler=schedule,
        kickstarter=kickstarter, stopwatch=Stopwatch(), extra={"teacher_pr_uri": None},
    )  # fmt: skip
    assert path.name == TRAINER_STATE_FILE
    assert [p.name for p in tmp_path.iterdir()] == [TRAINER_STATE_FILE]  # no temp file left
    raw = torch.load(path, weights_only=True)
    assert raw["format"] == "metta-trainer-state/1"
    assert raw["policy_state"] is None
    expected = (np.random.rand(), random.random())  # noqa: NPY002
    np.random.seed(0)  # noqa: NPY002
    random.seed(0)
    checkpoint = load_trainer_state(tmp_path, kickstarter=kickstarter, stopwatch=Stopwatch())
    assert (np.random.rand(), random.random()) == expected  # noqa: NPY002
    assert checkpoint.extra == {"teacher_pr_uri": None}
    assert checkpoint.kickstarter_state == {"anneal_factor": 1.0, "teacher_uris": []}


def test_missing_corrupt_and_incomplete_checkpoints(tmp_path):
    assert TrainerCheckpoint.load(tmp_path) is None
    assert load_trainer_state(tmp_path) is None
    (tmp_path / TRAINER_STATE_FILE).write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="unreadable or corrupt"):
        TrainerCheckpoint.load(tmp_path)
    torch.save({"format": "other/9", "epoch": 1}, tmp_path / TRAINER_STATE_FILE)
    with pytest.raises(ValueError, match="has format 'other/9'"):
        TrainerCheckpoint.load(tmp_path)
    TrainerCheckpoint(agent_step=1, epoch=1).save(tmp_path)
    policy = TinyPolicy()
    with pytest.raises(ValueError, match="has no optimizer state"):
        load_trainer_state(tmp_path, optimizer=Optimizer("adam", policy))


class RecordingStore:
    def __init__(self):
        self.calls = []

    def policy_record(self, uri, selector_type="top", metric="score"):
        self.calls.append((uri, selector_type, metric))
        return f"record:{uri}"


def test_select_start_policy_order():
    store = RecordingStore()
    cfg = TrainerConfig()
    assert select_start_policy(store, cfg) is None
    cfg.initial_policy.uri = "file://runs/a/checkpoints"
    cfg.initial_policy.type = "latest"
    assert select_start_policy(store, cfg) == "record:file://runs/a/checkpoints"
    assert store.calls[-1] == ("file://runs/a/checkpoints", "latest", "epoch")
    resumed = TrainerCheckpoint(agent_step=5, epoch=1, policy_path="file://model_0001.pt")
    assert select_start_policy(store, cfg, resumed) == "record:file://model_0001.pt"
