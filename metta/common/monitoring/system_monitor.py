"""SystemMonitor: a background thread that samples CPU, memory and GPU use into a bounded history.

Data flow: thread wakes every ``sampling_interval_sec`` -> one sample {metric: value} -> ring buffer
of ``history_size`` samples -> ``stats()`` (latest values, for per-epoch logging) and
``get_summary()`` (latest / average / min / max per metric).
"""

from __future__ import annotations

import threading
import time
from collections import deque

import psutil
import torch

from metta.common.closeable import Closeable

__all__ = ["SystemMonitor"]


class SystemMonitor(Closeable):
    """Samples the machine and this process on a daemon thread; stop() it (or use ``with``)."""

    def __init__(
        self,
        sampling_interval_sec: float = 1.0,
        history_size: int = 100,
        auto_start: bool = True,
    ) -> None:
        if not sampling_interval_sec > 0:
            raise ValueError(f"sampling_interval_sec must be > 0, got {sampling_interval_sec}")
        if history_size < 1:
            raise ValueError(f"history_size must be >= 1, got {history_size}")
        self.sampling_interval_sec = sampling_interval_sec
        self._history: deque[tuple[float, dict[str, float]]] = deque(maxlen=history_size)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._process = psutil.Process()
        self._process.cpu_percent(None)  # the first reading only sets the baseline
        psutil.cpu_percent(None)
        if auto_start:
            self.start()

    def start(self) -> None:
        """Starts sampling (no-op when already running); the first sample is taken at once."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self.sample()
        self._thread = threading.Thread(target=self._run, name="SystemMonitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stops the sampling thread and waits for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def close(self) -> None:
        """Same as stop(): the monitor's ``with`` block stops it on exit."""
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the sampling thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.wait(self.sampling_interval_sec):
            self.sample()

    def sample(self) -> dict[str, float]:
        """Takes one sample now, stores it, and returns it."""
        memory = psutil.virtual_memory()
        with self._process.oneshot():
            values = {
                "cpu_percent": psutil.cpu_percent(None),
                "cpu_count": float(psutil.cpu_count() or 1),
                "memory_percent": memory.percent,
                "memory_used_mb": (memory.total - memory.available) / 2**20,
                "memory_total_mb": memory.total / 2**20,
                "process_cpu_percent": self._process.cpu_percent(None),
                "process_memory_mb": self._process.memory_info().rss / 2**20,
                "process_threads": float(self._process.num_threads()),
            }
        if torch.cuda.is_available():
            for index in range(torch.cuda.device_count()):
                values[f"gpu{index}_memory_allocated_mb"] = (
                    torch.cuda.memory_allocated(index) / 2**20
                )
                values[f"gpu{index}_memory_reserved_mb"] = torch.cuda.memory_reserved(index) / 2**20
                free, total = torch.cuda.mem_get_info(index)
                values[f"gpu{index}_memory_used_percent"] = 100.0 * (total - free) / total
        with self._lock:
            self._history.append((time.time(), values))
        return values

    def stats(self) -> dict[str, float]:
        """The latest sample (empty before the first one)."""
        with self._lock:
            return dict(self._history[-1][1]) if self._history else {}

    def get_summary(self) -> dict[str, object]:
        """{timestamp, sample_count, metrics: {name: {latest, average, min, max, sample_count}}}."""
        with self._lock:
            history = list(self._history)
        metrics: dict[str, dict[str, float]] = {}
        for name in history[-1][1] if history else {}:
            series = [sample[name] for _, sample in history if name in sample]
            metrics[name] = {
                "latest": series[-1],
                "average": sum(series) / len(series),
                "min": min(series),
                "max": max(series),
                "sample_count": len(series),
            }
        timestamp = history[-1][0] if history else None
        return {"timestamp": timestamp, "sample_count": len(history), "metrics": metrics}
