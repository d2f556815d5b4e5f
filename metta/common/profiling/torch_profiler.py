"""``TorchProfiler``: capture one training epoch with torch.profiler every N epochs.

The loop wraps each epoch in ``with profiler.profile_epoch(epoch):``; on epochs where
``epoch % interval_epochs == 0`` (0 = never) the body runs under ``torch.profiler.profile``
(CPU, and CUDA when available; shapes, memory, stacks) and a gzipped Chrome trace
``trace_epoch_<epoch>.json.gz`` is written atomically to ``profile_dir``. No epoch is profiled
outside that schedule, and traces stay local (nothing is uploaded).
"""

from __future__ import annotations

import gzip
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch

__all__ = ["TorchProfiler"]


class TorchProfiler:
    """Profiles the epochs that are multiples of ``interval_epochs`` into ``profile_dir``."""

    def __init__(self, interval_epochs: int, profile_dir: str | os.PathLike[str]) -> None:
        if not isinstance(interval_epochs, int) or interval_epochs < 0:
            raise ValueError(
                f"TorchProfiler: interval_epochs must be an int >= 0, got {interval_epochs!r}"
            )
        self.interval_epochs = interval_epochs
        self.profile_dir = Path(profile_dir)
        self.last_trace: Path | None = None

    @classmethod
    def from_config(cls, config: Any, profile_dir: str | os.PathLike[str]) -> TorchProfiler:
        """From a ``TorchProfilerConfig``'s cadence and the resolved ``profile_dir`` (the
        trainer's ``TrainerPaths.profile_dir``: the config's own, or the run's default)."""
        return cls(config.interval_epochs, profile_dir)

    def should_profile(self, epoch: int) -> bool:
        """Whether ``epoch`` is captured: every interval_epochs-th epoch, never the first (a slow
        warm-up epoch would be profiled at the start of every run)."""
        return self.interval_epochs > 0 and epoch > 0 and epoch % self.interval_epochs == 0

    @contextmanager
    def profile_epoch(self, epoch: int) -> Iterator[None]:
        """Runs the body, under the profiler when ``should_profile(epoch)``."""
        if not self.should_profile(epoch):
            yield
            return
        activities = [torch.profiler.ProfilerActivity.CPU]
        if torch.cuda.is_available():
            activities.append(torch.profiler.ProfilerActivity.CUDA)
        with torch.profiler.profile(
            activities=activities, record_shapes=True, profile_memory=True, with_stack=True
        ) as profiler:
            yield
        self.last_trace = self._export(profiler, epoch)

    def _export(self, profiler: torch.profiler.profile, epoch: int) -> Path:
        self.profile_dir.mkdir(parents=True, exist_ok=True)
        target = self.profile_dir / f"trace_epoch_{epoch}.json.gz"
        with tempfile.TemporaryDirectory(dir=self.profile_dir) as scratch:
            raw = Path(scratch) / "trace.json"
            profiler.export_chrome_trace(str(raw))
            packed = Path(scratch) / "trace.json.gz"
            with raw.open("rb") as source, gzip.open(packed, "wb") as sink:
                sink.writelines(source)
            os.replace(packed, target)
        return target
