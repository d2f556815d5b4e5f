"""torchrun with two CPU processes (gloo): both ranks train, rank 0 alone writes checkpoints."""

import json
import os
import subprocess
import sys

import yaml
from training_configs import tiny_run_config

from metta.common.metric_logger import read_metrics


def test_two_process_ddp_run(tmp_path):
    config = tiny_run_config(tmp_path, run="ddp", total_timesteps=1024)
    config.env.num_workers = 1
    config_file = tmp_path / "run.yaml"
    config_file.write_text(yaml.safe_dump(config.model_dump(mode="json")))
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc-per-node=2",
        "-m",
        "metta.cli",
        "train",
        "--config",
        str(config_file),
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=300, env=env, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    reports = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(reports) == 2  # each rank reports
    assert {r["agent_step"] for r in reports} == {1024}
    metrics = read_metrics(tmp_path / "ddp" / "metrics.jsonl")
    assert [m["step"] for m in metrics] == [512, 1024]  # 256 steps per rank per epoch, two ranks
    assert sorted(p.name for p in (tmp_path / "ddp" / "checkpoints").glob("model_*.pt")) == [
        "model_0002.pt"
    ]
