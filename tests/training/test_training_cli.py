"""The metta command: train with key=value overrides, eval and replay a saved policy, errors."""

import json

import pytest
import yaml
from training_configs import tiny_run_config

from metta.cli import main, run_config_from_args


def write_config(tmp_path, **kwargs):
    path = tmp_path / "run.yaml"
    path.write_text(yaml.safe_dump(tiny_run_config(tmp_path, **kwargs).model_dump(mode="json")))
    return path


def test_overrides_reach_the_run_config(tmp_path):
    config = run_config_from_args(
        str(write_config(tmp_path)),
        ["trainer.total_timesteps=512", "env.env_overrides.game.max_steps=9", "seed=7"],
    )
    assert config.trainer.total_timesteps == 512
    assert config.env.env_overrides["game"]["max_steps"] == 9
    assert config.seed == 7


def test_train_then_eval_then_replay(tmp_path, capsys):
    config = write_config(tmp_path, run="cli")
    assert main(["train", "--config", str(config), "trainer.total_timesteps=512"]) == 0
    trained = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert trained["agent_step"] == 512
    checkpoints = tmp_path / "cli" / "checkpoints"

    stats = tmp_path / "eval.sqlite"
    assert main(["eval", str(checkpoints), "--config", str(config), "--stats", str(stats)]) == 0
    scores = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert scores["policy"].endswith("model_0002.pt")
    assert set(scores["simulations"]) == {"room/small"}

    out = tmp_path / "replay"
    assert main(["replay", str(checkpoints), "--config", str(config), "--out", str(out)]) == 0
    written = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert written["viewer"].endswith("replay.html")
    assert (out / "replay.json.gz").exists()


def test_unknown_override_is_an_error_naming_it(tmp_path, capsys):
    assert main(["train", "--config", str(write_config(tmp_path)), "trainer.bogus=1"]) == 2
    assert "unknown field 'trainer.bogus'" in capsys.readouterr().err


def test_arguments_that_are_not_overrides_are_refused():
    with pytest.raises(SystemExit):
        main(["train", "--nonsense"])
