"""Run directories and the complete, atomically written config.yaml."""

from pathlib import Path

import pytest
import torch
import yaml
from omegaconf import DictConfig

from metta.rl.run_directories import save_experiment_config, setup_run_directories
from metta.rl.trainer_config import PPOConfig, TrainerConfig


def test_setup_run_directories_from_arguments_and_environment(tmp_path, monkeypatch):
    dirs = setup_run_directories("my_run", tmp_path)
    assert dirs.run_dir == str(tmp_path / "my_run")
    for path in (dirs.checkpoint_dir, dirs.replay_dir, dirs.stats_dir):
        assert (tmp_path / "my_run" / path.rsplit("/", 1)[1]).is_dir()
    monkeypatch.setenv("METTA_RUN", "env_run")
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    from_env = setup_run_directories()
    assert from_env.run_name == "env_run"
    assert from_env.data_dir == str(tmp_path / "data")
    assert setup_run_directories("my_run", tmp_path) == dirs  # reused, so a run can resume
    monkeypatch.delenv("METTA_RUN")
    assert setup_run_directories(data_dir=tmp_path).run_name.startswith("run_")
    with pytest.raises(ValueError, match="run_name must be a plain name"):
        setup_run_directories("a/b", tmp_path)


def test_save_experiment_config_is_complete(tmp_path):
    dirs = setup_run_directories("cfg_run", tmp_path)
    cfg = TrainerConfig(total_timesteps=10_000, batch_size=1024, minibatch_size=256)
    cfg.vtrace.vtrace_rho_clip = 2.0
    agent = DictConfig({"clip_range": 0.2, "components": {"_core_": {"output_size": 8}}})
    path = save_experiment_config(
        dirs, torch.device("cpu"), cfg, env_config={"game": {"num_agents": 4}}, agent_config=agent
    )
    assert path == tmp_path / "cfg_run" / "config.yaml"
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "checkpoints", "config.yaml", "replays", "stats",
    ]  # fmt: skip
    saved = yaml.safe_load(path.read_text())
    assert saved["run"] == "cfg_run"
    assert saved["device"] == "cpu"
    trainer = saved["trainer"]
    assert trainer["vtrace"]["vtrace_rho_clip"] == 2.0
    assert trainer["bptt_horizon"] == 64
    assert trainer["update_epochs"] == 1
    assert trainer["checkpoint"]["checkpoint_dir"] is None  # the config as given
    assert saved["checkpoint_dir"] == dirs.checkpoint_dir  # where the trainer writes
    assert saved["profile_dir"] == str(Path(dirs.run_dir) / "torch_traces")
    assert set(trainer) == set(TrainerConfig.model_fields)
    assert saved["env"] == {"game": {"num_agents": 4}}
    assert saved["agent"]["components"]["_core_"]["output_size"] == 8
    # The saved trainer section rebuilds the same config.
    assert TrainerConfig(**trainer) == cfg


def test_save_experiment_config_rejects_unknown_objects(tmp_path):
    dirs = setup_run_directories("bad", tmp_path)
    with pytest.raises(TypeError, match="trainer_config must be a TrainerConfig"):
        save_experiment_config(dirs, "cpu", {"batch_size": 3})
    with pytest.raises(TypeError, match="env_config must be"):
        save_experiment_config(dirs, "cpu", TrainerConfig(), env_config=object())
    save_experiment_config(dirs, "cpu", TrainerConfig(), agent_config=PPOConfig())
