"""``make_policy``: build a ``MettaAgent`` for an environment from a preset name or a config.

This is what ``metta.api.Agent(env, device=..., config=...)`` calls. ``env_like`` is anything
with ``single_observation_space`` (Box ``(M, 3)`` uint8), ``obs_width``, ``obs_height``,
``get_observation_features()`` (or ``feature_normalizations``), ``action_names`` and
``max_action_args``; a vector env without them is looked through via its ``driver_env``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from omegaconf import DictConfig

from metta.agent.agent_config import AgentArchitectureConfig, to_plain_dict
from metta.agent.metta_agent import MettaAgent
from metta.agent.presets import agent_preset

__all__ = [
    "attach_to_environment",
    "environment_features",
    "make_policy",
    "resolve_agent_config",
]

_MISSING = object()


def _env_value(env_like: Any, name: str) -> Any:
    """``env.name`` (called if it is a method), else ``env.driver_env.name``; raises if absent."""
    for holder in (env_like, getattr(env_like, "driver_env", None)):
        if holder is None:
            continue
        value = getattr(holder, name, _MISSING)
        if value is not _MISSING:
            return value() if callable(value) else value
    raise ValueError(f"env_like.{name}: the environment does not provide it")


def environment_features(env_like: Any) -> dict[str, dict[str, Any]]:
    """The env's ``{name: {"id", "type", "normalization"}}``; from ``feature_normalizations``
    (``{id: norm}``) as names ``feature_<id>`` when the env publishes no names."""
    try:
        features = _env_value(env_like, "get_observation_features")
    except ValueError:
        norms = _env_value(env_like, "feature_normalizations")
        features = {
            f"feature_{int(k)}": {"id": int(k), "type": "scalar", "normalization": float(v)}
            for k, v in dict(norms).items()
        }
    return {str(name): dict(info) for name, info in dict(features).items()}


def resolve_agent_config(
    config: str | AgentArchitectureConfig | Mapping[str, Any] | DictConfig | None,
) -> tuple[AgentArchitectureConfig | dict[str, Any], str | None]:
    """Splits the seed's ``{"device", "agent": {...}}`` form; returns (agent config, device)."""
    if config is None:
        return agent_preset("default"), None
    if isinstance(config, str):
        return agent_preset(config), None
    if isinstance(config, AgentArchitectureConfig):
        return config, None
    plain = to_plain_dict(config)
    if not isinstance(plain, dict):
        raise TypeError(f"config: expected a preset name or a mapping, got {type(config).__name__}")
    device = plain.get("device")
    if "agent" in plain:
        extra = sorted(set(plain) - {"agent", "device"})
        if extra:
            raise ValueError(
                f"config: unexpected top-level key(s) {extra}; use 'device' and 'agent'"
            )
        agent = plain["agent"]
        if isinstance(agent, str):
            agent = agent_preset(agent)
        return agent, device
    plain.pop("device", None)
    return plain, device


def _token_shape(env_like: Any) -> tuple[int, int]:
    """``single_observation_space.shape``, checked to be uint8 tokens ``(M, 3)``."""
    space = _env_value(env_like, "single_observation_space")
    shape = tuple(int(d) for d in (getattr(space, "shape", ()) or ()))
    if len(shape) != 2 or shape[1] != 3:
        raise ValueError(
            f"env_like.single_observation_space: expected token observations of shape (M, 3), "
            f"got {shape}"
        )
    dtype = getattr(space, "dtype", None)
    if dtype is not None and np.dtype(dtype) != np.uint8:
        raise ValueError(f"env_like.single_observation_space: expected uint8 tokens, got {dtype}")
    return shape[0], shape[1]


def attach_to_environment(
    policy: MettaAgent,
    env_like: Any,
    device: str | torch.device | None = None,
    is_training: bool | None = None,
) -> MettaAgent:
    """Checks that ``env_like``'s observations fit ``policy`` and initialises it to the env
    (features remapped by name, actions by name); use it on a policy loaded from a checkpoint."""
    _token_shape(env_like)
    policy.validate_observation_shape(
        int(_env_value(env_like, "obs_width")), int(_env_value(env_like, "obs_height"))
    )
    policy.initialize_to_environment(
        environment_features(env_like),
        list(_env_value(env_like, "action_names")),
        [int(v) for v in _env_value(env_like, "max_action_args")],
        device if device is not None else policy.device,
        is_training,
    )
    return policy


def make_policy(
    env_like: Any,
    config: str | AgentArchitectureConfig | Mapping[str, Any] | DictConfig | None = None,
    device: str | torch.device | None = None,
    seed: int | None = None,
) -> MettaAgent:
    """Builds a MettaAgent for ``env_like`` and initialises it to the env's features and actions.

    ``config``: None or ``"default"`` (the seed's default CNN-LSTM), ``"fast"`` (strided convs, a
    2-layer LSTM; see ``presets``), an agent mapping, or the seed's ``{"device": ..., "agent":
    {...}}``. ``device`` wins over the config's, which wins over the env's ``device``
    (metta.api.Environment's argument); default cpu. ``seed`` makes the initial weights
    reproducible without touching the global RNG.
    """
    agent_config, config_device = resolve_agent_config(config)
    env_device = getattr(env_like, "device", None)
    if not isinstance(env_device, str | torch.device):
        env_device = None
    device = torch.device(device if device is not None else (config_device or env_device or "cpu"))
    shape = _token_shape(env_like)
    features = environment_features(env_like)
    if not features:
        raise ValueError("env_like.get_observation_features: the environment publishes no features")
    # The policy numbers the features 0..n-1 in the env's id order, so its box has one channel per
    # feature however high the env's ids run (extension features start at 200).
    order = sorted(features, key=lambda name: int(features[name]["id"]))
    policy_ids = {name: index for index, name in enumerate(order)}
    norms = {
        policy_ids[name]: float(info.get("normalization", 1.0)) for name, info in features.items()
    }
    action_names = list(_env_value(env_like, "action_names"))
    max_action_args = [int(v) for v in _env_value(env_like, "max_action_args")]

    def build() -> MettaAgent:
        return MettaAgent(
            obs_shape=shape,
            obs_width=int(_env_value(env_like, "obs_width")),
            obs_height=int(_env_value(env_like, "obs_height")),
            feature_normalizations=norms,
            config=agent_config,
            device="cpu",
        )

    if seed is None:
        policy = build()
    else:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            policy = build()
    policy.restore_original_feature_mapping(policy_ids)
    policy.initialize_to_environment(features, action_names, max_action_args, device, True)
    return policy
