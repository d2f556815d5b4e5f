"""MetricLogger: one call logs a dict of scalars to every configured sink.

Sinks: a JSON-lines file in the run folder (always; one flushed line per call, so a crash loses at
most the line being written and ``read_metrics`` skips it), TensorBoard and Weights & Biases (each
optional: imported only when asked for, with a clear error when the package is missing; W&B's
offline mode needs no network).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Protocol

from metta.common.closeable import Closeable

__all__ = ["MetricLogger", "read_metrics"]


class _Sink(Protocol):
    def log(self, metrics: Mapping[str, float], step: int) -> None: ...
    def close(self) -> None: ...


class _JsonLinesSink:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("a", encoding="utf-8")

    def log(self, metrics: Mapping[str, float], step: int) -> None:
        clean = {k: (v if math.isfinite(v) else None) for k, v in metrics.items()}
        self._file.write(json.dumps({"step": step, **clean}) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self._file.close()


class _TensorBoardSink:
    def __init__(self, log_dir: Path) -> None:
        try:
            from torch.utils.tensorboard import SummaryWriter  # noqa: PLC0415  (optional)
        except ImportError as error:
            raise ImportError(
                "tensorboard=True needs the tensorboard package: pip install tensorboard"
            ) from error
        self._writer = SummaryWriter(log_dir=str(log_dir))

    def log(self, metrics: Mapping[str, float], step: int) -> None:
        for key, value in metrics.items():
            self._writer.add_scalar(key, value, global_step=step)
        self._writer.flush()

    def close(self) -> None:
        self._writer.close()


class _WandbSink:
    def __init__(
        self, run_dir: Path, project: str, run_name: str, mode: str, config: Mapping[str, Any]
    ) -> None:
        try:
            import wandb  # noqa: PLC0415  (optional)
        except ImportError as error:
            raise ImportError("wandb logging needs the wandb package: pip install wandb") from error
        self._run = wandb.init(
            project=project,
            name=run_name,
            dir=str(run_dir),
            mode=mode,
            config=dict(config),
            reinit="finish_previous",
        )

    def log(self, metrics: Mapping[str, float], step: int) -> None:
        self._run.log(dict(metrics), step=step)

    def close(self) -> None:
        self._run.finish()


class MetricLogger(Closeable):
    """Logs scalar metrics to ``<run_dir>/metrics.jsonl`` and, when asked, TensorBoard and W&B."""

    def __init__(
        self,
        run_dir: str | Path,
        *,
        tensorboard: bool = False,
        wandb_project: str | None = None,
        wandb_mode: Literal["online", "offline", "disabled"] = "offline",
        run_name: str | None = None,
        config: Mapping[str, Any] | None = None,
    ) -> None:
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / "metrics.jsonl"
        self._sinks: list[_Sink] = [_JsonLinesSink(self.path)]
        if tensorboard:
            self._sinks.append(_TensorBoardSink(self.run_dir / "tensorboard"))
        if wandb_project is not None:
            name = run_name or self.run_dir.name
            self._sinks.append(
                _WandbSink(self.run_dir, wandb_project, name, wandb_mode, config or {})
            )
        self._last_step: int | None = None

    def log(self, metrics: Mapping[str, Any], step: int) -> None:
        """Logs scalars (numbers, 0-d tensors or arrays) at ``step``; steps never go backwards."""
        if self._last_step is not None and step < self._last_step:
            raise ValueError(
                f"MetricLogger.log: step {step} is before the last step {self._last_step}"
            )
        values: dict[str, float] = {}
        for key, value in metrics.items():
            try:
                values[key] = float(value)
            except (TypeError, ValueError) as error:
                raise TypeError(
                    f"MetricLogger.log: metric {key!r} must be a scalar number, got {value!r}"
                ) from error
        for sink in self._sinks:
            sink.log(values, step)
        self._last_step = step

    def close(self) -> None:
        """Flushes and closes every sink."""
        for sink in self._sinks:
            sink.close()
        self._sinks = []


def read_metrics(path: str | Path) -> list[dict[str, Any]]:
    """Every complete line of a metrics.jsonl file (a line cut short by a crash is skipped)."""
    records = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records
