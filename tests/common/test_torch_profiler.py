"""TorchProfiler: traces only on the configured epochs, gzipped and complete."""

import gzip
import json

import pytest
import torch

from metta.common.profiling.torch_profiler import TorchProfiler
from metta.rl.trainer_config import TrainerConfig


def test_profiles_only_every_interval(tmp_path):
    profiler = TorchProfiler(interval_epochs=2, profile_dir=tmp_path / "traces")
    assert [profiler.should_profile(e) for e in range(5)] == [False, False, True, False, True]
    with profiler.profile_epoch(1):
        torch.ones(3).sum()
    assert not (tmp_path / "traces").exists()
    with profiler.profile_epoch(2):
        (torch.ones(8, 8) @ torch.ones(8, 8)).sum()
    assert profiler.last_trace == tmp_path / "traces" / "trace_epoch_2.json.gz"
    trace = json.loads(gzip.decompress(profiler.last_trace.read_bytes()))
    assert any("mm" in event.get("name", "") for event in trace["traceEvents"])
    assert [p.name for p in (tmp_path / "traces").iterdir()] == ["trace_epoch_2.json.gz"]


def test_from_config(tmp_path):
    cfg = TrainerConfig(profiler={"interval_epochs": 0})
    off = TorchProfiler.from_config(cfg.profiler, cfg.paths(tmp_path).profile_dir)
    assert off.profile_dir == tmp_path / "torch_traces"
    assert not off.should_profile(0)
    with pytest.raises(ValueError, match="interval_epochs must be an int >= 0"):
        TorchProfiler(-1, tmp_path)
