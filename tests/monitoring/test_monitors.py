"""SystemMonitor sampling and summaries; MemoryMonitor sizes of tensors, modules and containers."""

import time

import numpy as np
import pytest
import torch

from metta.common.monitoring import MemoryMonitor, SystemMonitor
from metta.common.monitoring.memory_monitor import object_size_bytes

MB = 2**20


def test_system_monitor_samples_in_the_background():
    with SystemMonitor(sampling_interval_sec=0.02, history_size=5) as monitor:
        assert monitor.running
        deadline = time.time() + 5
        while monitor.get_summary()["sample_count"] < 3 and time.time() < deadline:
            time.sleep(0.01)
    assert not monitor.running
    summary = monitor.get_summary()
    assert 3 <= summary["sample_count"] <= 5
    memory = summary["metrics"]["process_memory_mb"]
    assert memory["min"] <= memory["average"] <= memory["max"]
    assert memory["latest"] == monitor.stats()["process_memory_mb"]
    assert memory["latest"] > 1.0
    assert 0.0 <= monitor.stats()["memory_percent"] <= 100.0


def test_system_monitor_without_auto_start_samples_on_demand():
    monitor = SystemMonitor(auto_start=False)
    assert monitor.stats() == {}
    assert monitor.get_summary() == {"timestamp": None, "sample_count": 0, "metrics": {}}
    sample = monitor.sample()
    assert monitor.stats() == sample
    assert sample["cpu_count"] >= 1
    monitor.stop()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"sampling_interval_sec": 0}, "sampling_interval_sec must be > 0"),
        ({"history_size": 0}, "history_size must be >= 1"),
    ],
)
def test_system_monitor_refuses_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SystemMonitor(auto_start=False, **kwargs)


def test_tensor_and_array_sizes_are_exact():
    assert object_size_bytes(torch.zeros(1000, dtype=torch.float32)) == 4000
    assert object_size_bytes(np.zeros((10, 10), dtype=np.float64)) == 800
    view = np.zeros(100, dtype=np.uint8)[10:20]
    assert object_size_bytes(view) == 0  # a view owns nothing


def test_shared_tensors_are_counted_once():
    tensor = torch.zeros(256, 1024)  # 1 MB
    assert object_size_bytes([tensor, tensor, {"again": tensor}]) - 1 * MB < 4096


def test_cycles_terminate():
    node = {}
    node["self"] = node
    assert object_size_bytes(node) > 0


def test_memory_monitor_reports_named_objects_and_attributes():
    class Buffer:
        def __init__(self):
            self.obs = torch.zeros(MB, dtype=torch.uint8)
            self.values = torch.zeros(MB // 4, dtype=torch.float32)

    buffer, policy = Buffer(), torch.nn.Linear(1024, 256)
    monitor = MemoryMonitor()
    monitor.add(buffer, "experience", track_attributes=True)
    monitor.add(policy)
    stats = monitor.stats()
    assert stats["experience.obs"] == pytest.approx(1.0)
    assert stats["experience.values"] == pytest.approx(1.0)
    assert stats["experience"] == pytest.approx(2.0, abs=0.01)
    assert stats["Linear"] == pytest.approx((1024 * 256 + 256) * 4 / MB, rel=0.01)
    monitor.remove("Linear")
    assert "Linear" not in monitor.stats()
    with pytest.raises(KeyError, match="not tracking 'Linear'"):
        monitor.remove("Linear")


def test_memory_monitor_forgets_freed_objects():
    monitor = MemoryMonitor()
    tensor = torch.zeros(10)
    monitor.add(tensor, "temporary")
    del tensor
    assert "temporary" not in monitor.stats()
