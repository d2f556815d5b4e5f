"""Run presets: the CPU recipe is a valid, complete run; ``auto`` picks by device; the metta
command starts from a preset and says which."""

import logging

import pytest
import torch

from metta.cli import main, run_config_from_args
from metta.rl.run_config import RunConfig
from metta.rl.run_presets import cpu_run_config, resolve_preset, run_preset


def test_the_cpu_recipe_trains_one_agent_games_and_evaluates_on_the_navigation_suite():
    config = cpu_run_config(100_000)
    assert config.trainer.total_timesteps == 100_000
    assert config.agent == "small"
    assert config.env.num_agents == 1
    assert config.env.curriculum_path == "/env/mettagrid/curriculum/navigation/varied"
    assert not config.trainer.ppo.clip_vloss
    assert config.trainer.simulation.evaluate_at_end
    assert config.trainer.performance.cpu_threads is None  # torch's own count: fastest when quiet
    assert config.trainer.performance.rollout_inference_mode
    assert config.trainer.performance.malloc_keep_mb == 256
    assert all(s.wants_baselines for s in config.evaluation.simulations.values())


def test_the_cpu_recipe_pays_for_exploring_in_training_only():
    config = cpu_run_config(100_000)
    assert config.env.env_overrides == {"game": {"agent": {"exploration_reward": 0.03}}}
    evaluation = config.evaluation
    assert evaluation.env_overrides == {}
    assert all(s.env_overrides == {} for s in evaluation.simulations.values())


def test_auto_picks_the_cpu_recipe_without_cuda_and_the_reference_with_it(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_preset("auto") == "cpu"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_preset("auto") == "reference"
    assert run_preset("reference") == RunConfig()


def test_an_unknown_preset_names_the_known_ones():
    with pytest.raises(ValueError, match="unknown 'gpu'; known: auto, cpu, reference"):
        resolve_preset("gpu")


def test_overrides_apply_on_top_of_a_preset():
    config = run_config_from_args(None, ["trainer.total_timesteps=4096"], "cpu")
    assert config.trainer.total_timesteps == 4096
    assert config.agent == "small"


def test_metta_train_refuses_a_config_file_and_a_preset_together(tmp_path, capsys):
    path = tmp_path / "run.yaml"
    path.write_text("seed: 1\n")
    assert main(["train", "--config", str(path), "--preset", "cpu"]) == 2
    assert "give --config or --preset, not both" in capsys.readouterr().err


def test_metta_train_names_the_preset_it_starts_from(tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with caplog.at_level(logging.INFO, logger="metta.cli"):
        # An override the run refuses stops it after the preset is chosen and logged.
        assert main(["train", f"data_dir={tmp_path}", "trainer.bogus=1"]) == 2
    assert "metta train: preset 'cpu' (no CUDA device)" in caplog.text
