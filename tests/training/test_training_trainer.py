"""The ready-made trainer end to end: artifacts, metrics, resume, and a run killed with -9."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import torch
import yaml
from training_configs import tiny_run_config

from metta.common.metric_logger import read_metrics
from metta.mettagrid.replays import load_replay
from metta.rl.run_config import RunConfig
from metta.rl.trainer import RUN_CONFIG_FILE, train
from metta.sim.stats_db import EvalStatsDB


def test_a_run_leaves_checkpoints_metrics_replays_and_stats(tiny_config):
    result = train(tiny_config)
    run_dir = result.run_dir
    assert result.agent_step == 2048
    assert result.epoch == 8
    checkpoints = sorted(p.name for p in (run_dir / "checkpoints").glob("model_*.pt"))
    assert checkpoints == ["model_0002.pt", "model_0004.pt", "model_0006.pt", "model_0008.pt"]
    assert result.policy_uri.endswith("model_0008.pt")
    state = torch.load(run_dir / "checkpoints" / "trainer_state.pt", weights_only=True)
    assert state["agent_step"] == 2048
    assert state["epoch"] == 8

    metrics = read_metrics(run_dir / "metrics.jsonl")
    assert [m["step"] for m in metrics] == [256 * i for i in range(1, 9)]
    assert all(m["overview/sps"] > 0 for m in metrics)
    assert "losses/policy_loss" in metrics[-1]
    assert "monitor/process_memory_mb" in metrics[-1]
    assert "trainer_memory/policy" in metrics[-1]
    assert "eval/room/score" in metrics[3]

    replays = sorted((run_dir / "replays").glob("*.json.gz"))
    assert len(replays) == 2
    assert load_replay(replays[0])["num_agents"] == 2
    assert len(list((run_dir / "replays").glob("*.html"))) == 2

    with EvalStatsDB(run_dir / "stats" / "eval.sqlite") as db:
        assert db.episode_count() == 4  # two evaluations of two episodes
        # each evaluation is filed under the checkpoint of the weights it played (epochs 4, 8)
        for epoch in (4, 8):
            uri = (run_dir / "checkpoints" / f"model_{epoch:04d}.pt").as_uri()
            assert db.episode_count(uri) == 2, uri
    assert set(result.eval_scores) == {"room/score", "room/small"}

    saved = RunConfig.model_validate(yaml.safe_load((run_dir / RUN_CONFIG_FILE).read_text()))
    assert saved == tiny_config
    config_yaml = yaml.safe_load((run_dir / "config.yaml").read_text())
    assert config_yaml["trainer"]["batch_size"] == 256
    assert config_yaml["agent"]["components"]


def test_a_finished_run_resumes_where_it_stopped(tmp_path):
    first = train(tiny_run_config(tmp_path, run="resume", total_timesteps=1024))
    assert first.agent_step == 1024
    second = train(tiny_run_config(tmp_path, run="resume", total_timesteps=2048))
    assert second.resumed_from_step == 1024
    assert second.agent_step == 2048
    assert second.epoch == 8
    steps = [m["step"] for m in read_metrics(second.run_dir / "metrics.jsonl")]
    assert steps == [256 * i for i in range(1, 9)]


def test_a_run_killed_with_sigkill_resumes_from_its_last_checkpoint(tmp_path):
    config = tiny_run_config(tmp_path, run="killed", total_timesteps=10_000_000)
    config_file = tmp_path / "run.yaml"
    config_file.write_text(yaml.safe_dump(config.model_dump(mode="json")))
    state = tmp_path / "killed" / "checkpoints" / "trainer_state.pt"
    process = subprocess.Popen(
        [sys.executable, "-m", "metta.cli", "train", "--config", str(config_file)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.time() + 120
        while not state.exists() and time.time() < deadline and process.poll() is None:
            time.sleep(0.2)
        assert state.exists(), "the run never wrote a checkpoint"
        time.sleep(1.0)  # let it get into the middle of later work
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()

    saved = torch.load(state, weights_only=True)
    for checkpoint in Path(state.parent).glob("model_*.pt"):
        torch.load(checkpoint, weights_only=True)  # every file is whole
    read_metrics(tmp_path / "killed" / "metrics.jsonl")
    # A kill during a write may leave that write's temporary; the next start removes it.
    (state.parent / f".model_9999.pt.{process.pid}.abc123.tmp").write_bytes(b"half a file")

    target = saved["agent_step"] + 512
    resumed = train(tiny_run_config(tmp_path, run="killed", total_timesteps=target))
    assert not list((tmp_path / "killed").rglob("*.tmp"))
    assert resumed.resumed_from_step == saved["agent_step"]
    assert resumed.agent_step == target


def test_two_runs_of_one_config_are_identical(tmp_path):
    # Same config and seed, different run names: the same losses, rewards and final weights
    # (only wall-clock figures differ), whatever the thread timing was.
    results = [train(tiny_run_config(tmp_path, run=name, total_timesteps=1024)) for name in "ab"]
    metrics = [read_metrics(result.run_dir / "metrics.jsonl") for result in results]
    for first, second in zip(*metrics, strict=True):
        for key in ("overview/reward", "losses/policy_loss", "losses/value_loss", "losses/entropy"):
            assert first[key] == second[key], key
    weights = [
        torch.load(result.run_dir / "checkpoints" / "model_0004.pt", weights_only=True)
        for result in results
    ]
    first_state, second_state = (w["state_dict"] for w in weights)
    assert first_state.keys() == second_state.keys()
    for name, tensor in first_state.items():
        assert torch.equal(tensor, second_state[name]), name


def test_performance_settings_run_the_real_agent_and_restore_torch_threads(tmp_path, monkeypatch):
    """Inference-mode rollouts, bfloat16 autocast and one torch thread through a whole run of
    the real agent; the caller's thread count comes back afterwards."""
    calls = []
    set_num_threads = torch.set_num_threads
    before = torch.get_num_threads()
    set_num_threads(2)
    monkeypatch.setattr(torch, "set_num_threads", lambda n: calls.append(n) or set_num_threads(n))
    config = tiny_run_config(
        tmp_path,
        total_timesteps=512,
        simulation={"evaluate_interval": 0, "replay_interval": 0, "evaluate_at_end": False},
        performance={
            "rollout_inference_mode": True,
            "cpu_autocast_bf16": True,
            "cpu_threads": 1,
        },
    )
    try:
        result = train(config)
        assert result.agent_step >= 512
        assert calls[0] == 1
        assert calls[-1] == 2
        assert torch.get_num_threads() == 2
    finally:
        set_num_threads(before)


def test_the_evaluation_at_the_end_joins_the_metrics(tmp_path):
    config = tiny_run_config(
        tmp_path,
        total_timesteps=768,
        simulation={"evaluate_interval": 2, "replay_interval": 0, "evaluate_at_end": True},
    )
    result = train(config)
    metrics = read_metrics(result.run_dir / "metrics.jsonl")
    evaluated = [(m["step"], m["metric/agent_step"]) for m in metrics if "eval/room/score" in m]
    assert evaluated == [(512, 512), (768, 768)]  # epoch 2 on its interval, epoch 3 at the end
    assert metrics[-1]["eval/room/score"] == result.eval_scores["room/score"]
