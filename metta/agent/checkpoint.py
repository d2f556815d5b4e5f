"""The policy checkpoint format: weights plus everything needed to rebuild the agent.

File = ``torch.save`` of a plain dict readable with ``torch.load(weights_only=True)``:
``format`` ("metta-policy/1"), ``agent_config``, ``build`` (obs shape, window, feature count,
normalisations, weight-clip limits), ``state_dict``, ``metadata``, ``feature_mapping`` (name ->
original id), ``action_names``, ``max_action_args``, ``action_embedding_map``, ``run_name``.
Written to a temporary file in the same folder, fsynced, then renamed over the target.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from metta.agent.components.param_layer import ParamLayer
from metta.agent.metta_agent import MettaAgent
from metta.common.atomic_file import atomic_write_bytes

__all__ = [
    "CHECKPOINT_FORMAT",
    "CheckpointError",
    "load_checkpoint",
    "policy_from_checkpoint",
    "save_checkpoint",
    "unwrap_policy",
]

CHECKPOINT_FORMAT = "metta-policy/1"
_REQUIRED_KEYS = (
    "agent_config", "build", "state_dict", "metadata", "feature_mapping", "action_names",
    "max_action_args", "action_embedding_map",
)  # fmt: skip


class CheckpointError(ValueError):
    """A file that is not a readable checkpoint of this format; the message names the file.

    ``reason``: "unreadable" (truncated/corrupt), "foreign" (a torch file that is not a policy,
    e.g. trainer_state.pt), "version" (another policy format version) or "incomplete".
    """

    def __init__(self, message: str, reason: str = "unreadable") -> None:
        super().__init__(message)
        self.reason = reason


def unwrap_policy(policy: nn.Module) -> MettaAgent:
    """The MettaAgent inside a DDP / torch.compile wrapper (or the policy itself)."""
    seen = 0
    while not isinstance(policy, MettaAgent) and seen < 4:
        inner = getattr(policy, "module", None) or getattr(policy, "_orig_mod", None)
        if inner is None:
            break
        policy, seen = inner, seen + 1
    if not isinstance(policy, MettaAgent):
        raise TypeError(f"policy: expected a MettaAgent (or a wrapper of one), got {type(policy)}")
    return policy


def _plain(value: Any, where: str) -> Any:
    """Converts metadata to types ``weights_only`` loading accepts, naming any bad entry."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    if isinstance(value, Mapping):
        return {str(k): _plain(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    raise TypeError(
        f"{where}: {type(value).__name__} cannot be stored in a checkpoint; use numbers, "
        f"strings, lists, dicts or tensors"
    )


def checkpoint_payload(
    policy: nn.Module, metadata: Mapping[str, Any], run_name: str | None
) -> dict:
    """The dict that is written to disk for ``policy`` and ``metadata``."""
    agent = unwrap_policy(policy)
    if agent.action_space is None:
        raise ValueError(
            "policy: not initialised to an environment (no actions); call "
            "initialize_to_environment before saving"
        )
    embeds = agent.components["_action_embeds_"]
    return {
        "format": CHECKPOINT_FORMAT,
        "agent_config": agent.agent_config.model_dump(by_alias=True, mode="json"),
        "build": {
            "obs_shape": list(agent.obs_shape),
            "obs_width": agent.obs_width,
            "obs_height": agent.obs_height,
            "num_features": agent.num_features,
            "feature_normalizations": dict(agent.feature_normalizations),
            # Weight-clip limits come from each layer's random initial weights: keep them, so a
            # reloaded policy clips to the limits it was trained with.
            "weight_clip_values": {
                name: float(component.clip_value)
                for name, component in agent.components.items()
                if isinstance(component, ParamLayer)
            },
        },
        "state_dict": {k: v.detach().cpu() for k, v in agent.state_dict().items()},
        "metadata": _plain(dict(metadata), "metadata"),
        "feature_mapping": dict(agent.original_feature_mapping),
        "action_names": list(agent.action_names),
        "max_action_args": list(agent.max_action_args),
        "action_embedding_map": dict(embeds.action_map),
        "run_name": run_name,
    }


def save_checkpoint(
    path: str | Path, policy: nn.Module, metadata: Mapping[str, Any], run_name: str | None = None
) -> Path:
    """Writes the checkpoint atomically (temp file in the same folder, fsync, rename)."""
    buffer = io.BytesIO()
    torch.save(checkpoint_payload(policy, metadata, run_name), buffer)
    return atomic_write_bytes(path, buffer.getvalue())


def load_checkpoint(
    path: str | Path, device: str | torch.device = "cpu", lazy: bool = False
) -> dict:
    """Reads and checks a checkpoint; ``lazy`` memory-maps it so tensors are read on use."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"policy checkpoint not found: {path}")
    try:
        if lazy:
            payload = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
        else:
            payload = torch.load(path, map_location=device, weights_only=True)
    except Exception as error:
        raise CheckpointError(
            f"{path}: not a readable metta policy checkpoint (truncated, corrupt, or a pickled "
            f"object from another program): {type(error).__name__}: {error}"
        ) from error
    if not isinstance(payload, dict) or "format" not in payload:
        raise CheckpointError(
            f"{path}: has no 'format' field; not a metta policy checkpoint", "foreign"
        )
    found = payload["format"]
    if found != CHECKPOINT_FORMAT:
        if not str(found).startswith("metta-policy/"):
            raise CheckpointError(
                f"{path}: holds {found!r}, not a metta policy checkpoint", "foreign"
            )
        raise CheckpointError(
            f"{path}: checkpoint format {found!r} is not supported "
            f"(this version reads {CHECKPOINT_FORMAT!r})",
            "version",
        )
    missing = [key for key in _REQUIRED_KEYS if key not in payload]
    if missing:
        raise CheckpointError(f"{path}: checkpoint lacks field(s) {missing}", "incomplete")
    return payload


def policy_from_checkpoint(
    payload: dict, device: str | torch.device = "cpu", source: str = "checkpoint"
) -> MettaAgent:
    """Rebuilds the agent from its config and loads the weights; the global RNG is untouched."""
    build = payload["build"]
    try:
        with torch.random.fork_rng(devices=[]):
            agent = MettaAgent(
                obs_shape=build["obs_shape"],
                obs_width=build["obs_width"],
                obs_height=build["obs_height"],
                feature_normalizations=build["feature_normalizations"],
                config=payload["agent_config"],
                device="cpu",
                num_features=build["num_features"],
            )
        agent.components["_action_embeds_"].restore_action_map(payload["action_embedding_map"])
        agent.restore_original_feature_mapping(payload["feature_mapping"])
        agent.activate_actions(
            payload["action_names"], payload["max_action_args"], torch.device("cpu")
        )
        agent.load_state_dict(payload["state_dict"], strict=True)
        for name, value in build.get("weight_clip_values", {}).items():
            component = agent.components[name]
            if not isinstance(component, ParamLayer):
                raise ValueError(f"build.weight_clip_values: {name!r} is not a weight layer")
            component.clip_value = float(value)
    except (ValueError, KeyError, RuntimeError, TypeError) as error:
        raise CheckpointError(f"{source}: cannot rebuild the policy: {error}") from error
    return agent.to(torch.device(device))
