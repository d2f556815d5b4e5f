"""Run directories and the saved experiment configuration (``config.yaml``).

``setup_run_directories()`` creates ``<data_dir>/<run>/{checkpoints,replays,stats}``; the run name
is ``$METTA_RUN`` or ``run_YYYYmmdd_HHMMSS`` and the data dir ``$DATA_DIR`` or ``./train_dir``.
``save_experiment_config`` writes the *complete* configuration: the whole ``TrainerConfig`` (not a
hand-picked subset, so V-trace, PER, kickstart, bptt and update_epochs are recorded too) and,
when given, the env and agent configs; atomically (temp file, then rename).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import torch
import yaml
from omegaconf import DictConfig, ListConfig, OmegaConf
from pydantic import BaseModel

from metta.common.atomic_file import atomic_write_bytes
from metta.rl.trainer_config import TrainerConfig

__all__ = ["RunDirectories", "save_experiment_config", "setup_run_directories"]

CONFIG_FILE_NAME = "config.yaml"


@dataclass(frozen=True)
class RunDirectories:
    """Paths of one run (all as strings, as the seed passes them on)."""

    run_name: str
    data_dir: str
    run_dir: str
    checkpoint_dir: str
    replay_dir: str
    stats_dir: str


def setup_run_directories(
    run_name: str | None = None, data_dir: str | os.PathLike[str] | None = None
) -> RunDirectories:
    """Creates (or reuses, so a run can resume) the directories of run ``run_name``."""
    run_name = (
        run_name or os.environ.get("METTA_RUN") or datetime.now(UTC).strftime("run_%Y%m%d_%H%M%S")
    )
    if not run_name or "/" in run_name or run_name in {".", ".."}:
        raise ValueError(f"setup_run_directories: run_name must be a plain name, got {run_name!r}")
    data = Path(data_dir or os.environ.get("DATA_DIR") or "./train_dir").resolve()
    run_dir = data / run_name
    dirs = RunDirectories(
        run_name=run_name,
        data_dir=str(data),
        run_dir=str(run_dir),
        checkpoint_dir=str(run_dir / "checkpoints"),
        replay_dir=str(run_dir / "replays"),
        stats_dir=str(run_dir / "stats"),
    )
    for path in (dirs.checkpoint_dir, dirs.replay_dir, dirs.stats_dir):
        Path(path).mkdir(parents=True, exist_ok=True)
    return dirs


def _plain(config: Any, name: str) -> Any:
    """A config as plain YAML-able data: pydantic models, OmegaConf configs and mappings."""
    if config is None:
        return None
    if isinstance(config, BaseModel):
        return config.model_dump(mode="json")
    if isinstance(config, DictConfig | ListConfig):
        return OmegaConf.to_container(config, resolve=True)
    if isinstance(config, Mapping):
        return {str(k): _plain_value(v) for k, v in config.items()}
    nested = getattr(config, "config", None)
    if isinstance(nested, BaseModel | DictConfig | Mapping):
        return _plain(nested, name)
    raise TypeError(
        f"save_experiment_config: {name} must be a pydantic model, an OmegaConf config, a dict or "
        f"an object with such a .config, got {type(config).__name__}"
    )


def _plain_value(value: Any) -> Any:
    if isinstance(value, BaseModel | DictConfig | ListConfig | Mapping):
        return _plain(value, "value")
    if isinstance(value, list | tuple):
        return [_plain_value(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def save_experiment_config(
    dirs: RunDirectories,
    device: torch.device | str,
    trainer_config: TrainerConfig,
    env_config: Any = None,
    agent_config: Any = None,
) -> Path:
    """Writes ``<run_dir>/config.yaml`` (run, dirs, device, trainer, env, agent); returns its path.

    ``trainer`` is ``trainer_config`` as given (loading it back gives an equal config); the
    directories the trainer writes to, resolved under ``dirs`` (``TrainerConfig.paths``), sit at
    the top level next to ``stats_dir``.
    """
    if not isinstance(trainer_config, TrainerConfig):
        raise TypeError(
            f"save_experiment_config: trainer_config must be a TrainerConfig, got "
            f"{type(trainer_config).__name__}"
        )
    paths = trainer_config.paths(dirs)
    document = {
        "run": dirs.run_name,
        "run_dir": dirs.run_dir,
        "data_dir": dirs.data_dir,
        "checkpoint_dir": paths.checkpoint_dir,
        "replay_dir": paths.replay_dir,
        "profile_dir": paths.profile_dir,
        "stats_dir": dirs.stats_dir,
        "device": str(device),
        "torch_version": str(torch.__version__),
        "trainer": trainer_config.model_dump(mode="json"),
        "env": _plain(env_config, "env_config"),
        "agent": _plain(agent_config, "agent_config"),
    }
    path = Path(dirs.run_dir) / CONFIG_FILE_NAME
    atomic_write_bytes(path, yaml.safe_dump(document, sort_keys=False).encode())
    return path
