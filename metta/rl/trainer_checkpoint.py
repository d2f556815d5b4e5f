"""Trainer-state checkpoint (``trainer_state.pt``): everything besides the env needed to resume.

Holds the counters, the optimizer and LR-schedule state, the kickstarter's anneal state, the
stopwatch, the RNG states (Python, NumPy, torch CPU and CUDA) and optionally the policy weights
and the path of the matching policy checkpoint. Written atomically (temp file, rename) and
readable with ``torch.load(weights_only=True)``. The caller names the one directory it lives in
(the trainer uses ``run_dir``), so the code that writes it and the code that resumes from it
cannot disagree.
"""

from __future__ import annotations

import io
import os
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import nn

from metta.common.atomic_file import atomic_write_bytes

if TYPE_CHECKING:
    from metta.rl.trainer_config import TrainerConfig

__all__ = [
    "TRAINER_STATE_FILE",
    "TrainerCheckpoint",
    "capture_rng_state",
    "load_trainer_state",
    "restore_rng_state",
    "save_trainer_state",
    "select_start_policy",
]

TRAINER_STATE_FILE = "trainer_state.pt"
_FORMAT = "metta-trainer-state/1"


def capture_rng_state() -> dict[str, Any]:
    """Python, NumPy, torch CPU and (when initialised) CUDA generator states, as plain data."""
    version, mt_state, gauss = random.getstate()
    numpy_state = np.random.get_state(legacy=False)  # noqa: NPY002 (the global RNG is what we save)
    state: dict[str, Any] = {
        "python": {"version": version, "state": list(mt_state), "gauss": gauss},
        "numpy": {
            "bit_generator": numpy_state["bit_generator"],
            "key": torch.from_numpy(numpy_state["state"]["key"].astype(np.int64)),
            "pos": int(numpy_state["state"]["pos"]),
            "has_gauss": int(numpy_state["has_gauss"]),
            "gauss": float(numpy_state["gauss"]),
        },
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng_state(state: dict[str, Any]) -> None:
    """Inverse of ``capture_rng_state``."""
    python = state["python"]
    random.setstate((python["version"], tuple(python["state"]), python["gauss"]))
    numpy_state = state["numpy"]
    np.random.set_state(  # noqa: NPY002
        {
            "bit_generator": numpy_state["bit_generator"],
            "state": {
                "key": numpy_state["key"].cpu().numpy().astype(np.uint32),
                "pos": numpy_state["pos"],
            },
            "has_gauss": numpy_state["has_gauss"],
            "gauss": numpy_state["gauss"],
        }
    )
    # RNG states must be CPU byte tensors, wherever map_location put the checkpoint.
    torch.set_rng_state(state["torch"].cpu())
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([cuda_state.cpu() for cuda_state in state["cuda"]])


@dataclass
class TrainerCheckpoint:
    """Contents of ``trainer_state.pt``; ``None`` fields were not saved."""

    agent_step: int
    epoch: int
    optimizer_state: dict[str, Any] | None = None
    lr_scheduler_state: dict[str, Any] | None = None
    kickstarter_state: dict[str, Any] | None = None
    stopwatch_state: dict[str, Any] | None = None
    rng_state: dict[str, Any] | None = None
    policy_state: dict[str, torch.Tensor] | None = None
    policy_path: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Writes ``<directory>/trainer_state.pt`` atomically; returns the path."""
        buffer = io.BytesIO()
        torch.save({"format": _FORMAT, **asdict(self)}, buffer)
        path = Path(directory) / TRAINER_STATE_FILE
        atomic_write_bytes(path, buffer.getvalue())
        return path

    @classmethod
    def load(
        cls, directory: str | os.PathLike[str], map_location: torch.device | str = "cpu"
    ) -> TrainerCheckpoint | None:
        """Reads ``<directory>/trainer_state.pt``; None when there is none (a fresh run)."""
        path = Path(directory) / TRAINER_STATE_FILE
        if not path.exists():
            return None
        try:
            data = torch.load(path, map_location=map_location, weights_only=True)
        except Exception as error:
            raise ValueError(f"trainer state {path} is unreadable or corrupt: {error}") from error
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            found = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise ValueError(f"trainer state {path} has format {found!r}, expected {_FORMAT!r}")
        data.pop("format")
        missing = {"agent_step", "epoch"} - set(data)
        if missing:
            raise ValueError(f"trainer state {path} lacks {sorted(missing)}")
        known = set(cls.__dataclass_fields__)
        extra = dict(data.pop("extra", {}) or {})
        extra.update({k: data.pop(k) for k in list(data) if k not in known})
        return cls(**data, extra=extra)


def save_trainer_state(
    directory: str | os.PathLike[str],
    *,
    agent_step: int,
    epoch: int,
    optimizer: Any = None,
    lr_scheduler: Any = None,
    kickstarter: Any = None,
    stopwatch: Any = None,
    policy: nn.Module | None = None,
    policy_path: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Path:
    """Captures the given components' states and the RNGs into ``<directory>/trainer_state.pt``.

    Pass ``policy`` to keep its weights in the same file (then a resume needs nothing else), or
    ``policy_path`` to point at a policy checkpoint saved at the same step.
    """
    checkpoint = TrainerCheckpoint(
        agent_step=int(agent_step),
        epoch=int(epoch),
        optimizer_state=optimizer.state_dict() if optimizer is not None else None,
        lr_scheduler_state=lr_scheduler.state_dict() if lr_scheduler is not None else None,
        kickstarter_state=kickstarter.state_dict() if kickstarter is not None else None,
        stopwatch_state=stopwatch.save_state() if stopwatch is not None else None,
        rng_state=capture_rng_state(),
        policy_state=policy.state_dict() if policy is not None else None,
        policy_path=policy_path,
        extra=dict(extra or {}),
    )
    return checkpoint.save(directory)


def load_trainer_state(
    directory: str | os.PathLike[str],
    *,
    optimizer: Any = None,
    lr_scheduler: Any = None,
    kickstarter: Any = None,
    stopwatch: Any = None,
    policy: nn.Module | None = None,
    restore_rng: bool = True,
    map_location: torch.device | str = "cpu",
) -> TrainerCheckpoint | None:
    """Loads ``<directory>/trainer_state.pt`` into the given components; None if absent.

    A component passed here whose state was not saved is an error (resuming it from scratch
    would silently change the run).
    """
    checkpoint = TrainerCheckpoint.load(directory, map_location=map_location)
    if checkpoint is None:
        return None
    pairs = {
        "policy": (policy, checkpoint.policy_state),
        "optimizer": (optimizer, checkpoint.optimizer_state),
        "lr_scheduler": (lr_scheduler, checkpoint.lr_scheduler_state),
        "kickstarter": (kickstarter, checkpoint.kickstarter_state),
    }
    for name, (component, state) in pairs.items():
        if component is None:
            continue
        if state is None:
            raise ValueError(
                f"load_trainer_state: the checkpoint in {directory} has no {name} state"
            )
        component.load_state_dict(state)
    if stopwatch is not None:
        if checkpoint.stopwatch_state is None:
            raise ValueError(
                f"load_trainer_state: the checkpoint in {directory} has no stopwatch state"
            )
        stopwatch.load_state(checkpoint.stopwatch_state)
    if restore_rng and checkpoint.rng_state is not None:
        restore_rng_state(checkpoint.rng_state)
    return checkpoint


def select_start_policy(
    policy_store: Any, trainer_config: TrainerConfig, checkpoint: TrainerCheckpoint | None = None
) -> Any:
    """The PolicyRecord a run starts from, or None for a new policy.

    Order: the resumed checkpoint's ``policy_path``, then
    ``initial_policy.uri`` with its ``type`` selector and ``metric``.
    """
    if checkpoint is not None and checkpoint.policy_path:
        return policy_store.policy_record(checkpoint.policy_path)
    initial = trainer_config.initial_policy
    if initial.uri is None:
        return None
    return policy_store.policy_record(
        initial.uri, selector_type=initial.type, metric=initial.metric
    )
