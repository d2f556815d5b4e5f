"""MetricLogger: JSON lines always, TensorBoard and W&B (offline) when asked; crash-safe reading."""

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from metta.common.metric_logger import MetricLogger, read_metrics


def test_json_lines_round_trip(tmp_path):
    with MetricLogger(tmp_path) as logger:
        logger.log({"loss": 0.5, "sps": np.float32(100.0)}, step=10)
        logger.log({"loss": torch.tensor(0.25), "bad": math.nan}, step=20)
    assert read_metrics(tmp_path / "metrics.jsonl") == [
        {"step": 10, "loss": 0.5, "sps": 100.0},
        {"step": 20, "loss": 0.25, "bad": None},
    ]


def test_a_line_cut_short_by_a_crash_is_skipped(tmp_path):
    with MetricLogger(tmp_path) as logger:
        logger.log({"a": 1.0}, step=1)
    with (tmp_path / "metrics.jsonl").open("a") as file:
        file.write('{"step": 2, "a": 0.')
    assert read_metrics(tmp_path / "metrics.jsonl") == [{"step": 1, "a": 1.0}]


def test_non_scalar_metric_is_refused_by_name(tmp_path):
    with MetricLogger(tmp_path) as logger, pytest.raises(TypeError, match="metric 'x' must be"):
        logger.log({"x": "fast"}, step=1)


def test_steps_cannot_go_backwards(tmp_path):
    with MetricLogger(tmp_path) as logger:
        logger.log({"a": 1.0}, step=5)
        with pytest.raises(ValueError, match="step 4 is before the last step 5"):
            logger.log({"a": 1.0}, step=4)


def test_tensorboard_event_file_is_written(tmp_path):
    pytest.importorskip("tensorboard")
    with MetricLogger(tmp_path, tensorboard=True) as logger:
        logger.log({"loss": 1.5}, step=3)
    events = list(Path(tmp_path, "tensorboard").glob("events.out.tfevents.*"))
    assert len(events) == 1
    assert events[0].stat().st_size > 0


def test_wandb_offline_run_is_written_locally(tmp_path, monkeypatch):
    pytest.importorskip("wandb")
    monkeypatch.setenv("WANDB_SILENT", "true")
    with MetricLogger(tmp_path, wandb_project="metta-test", wandb_mode="offline") as logger:
        logger.log({"loss": 1.5}, step=3)
    runs = list(Path(tmp_path, "wandb").glob("offline-run-*"))
    assert len(runs) == 1
    assert list(runs[0].glob("*.wandb"))
