"""Synthetic environments, observations and a small agent config for the agent tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np
import torch

ITEMS = [
    "ore_red", "ore_blue", "ore_green", "battery_red", "battery_blue",
    "battery_green", "heart", "armor", "laser", "blueprint",
]  # fmt: skip
FEATURE_NAMES = [
    "type_id", "agent:group", "hp", "agent:frozen", "agent:orientation", "agent:color",
    "converting", "swappable", "episode_completion_pct", "last_action", "last_action_arg",
    "last_reward", *[f"inv:{item}" for item in ITEMS],
]  # fmt: skip
NORMALIZATIONS = [1, 10, 30, 1, 1, 255, 1, 1, 255, 10, 10, 100, *[100] * 10]
ACTION_NAMES = [
    "noop", "move", "rotate", "put_recipe_items", "get_output", "attack", "attack_nearest", "swap",
    "change_color",
]  # fmt: skip
MAX_ACTION_ARGS = [0, 1, 3, 0, 0, 9, 0, 0, 3]


@dataclass
class FakeEnv:
    """The attributes make_policy reads, with feature ids given by ``order`` (a permutation)."""

    order: list[int] = field(default_factory=lambda: list(range(len(FEATURE_NAMES))))
    tokens: int = 200
    obs_width: int = 11
    obs_height: int = 11
    action_names: list[str] = field(default_factory=lambda: list(ACTION_NAMES))
    max_action_args: list[int] = field(default_factory=lambda: list(MAX_ACTION_ARGS))

    @property
    def single_observation_space(self) -> gym.spaces.Box:
        return gym.spaces.Box(0, 255, (self.tokens, 3), np.uint8)

    def get_observation_features(self) -> dict[str, dict[str, Any]]:
        return {
            name: {"id": self.order[i], "type": "scalar", "normalization": float(NORMALIZATIONS[i])}
            for i, name in enumerate(FEATURE_NAMES)
        }


def random_tokens(
    generator: torch.Generator,
    n: int,
    tokens: int = 200,
    used: int = 60,
    order: list[int] | None = None,
) -> torch.Tensor:
    """``[n, tokens, 3]`` uint8: ``used`` random tokens per agent, the rest 0xFF padding.

    Feature ids are drawn as canonical indices and written through ``order`` (canonical -> env id).
    """
    obs = torch.full((n, tokens, 3), 0xFF, dtype=torch.uint8)
    rows = torch.randint(0, 11, (n, used), generator=generator)
    cols = torch.randint(0, 11, (n, used), generator=generator)
    canonical = torch.randint(0, len(FEATURE_NAMES), (n, used), generator=generator)
    ids = canonical if order is None else torch.tensor(order)[canonical]
    obs[:, :used, 0] = (rows << 4 | cols).to(torch.uint8)
    obs[:, :used, 1] = ids.to(torch.uint8)
    obs[:, :used, 2] = torch.randint(0, 256, (n, used), generator=generator).to(torch.uint8)
    return obs


def small_agent_config() -> dict[str, Any]:
    """A tiny CNN-LSTM in the seed's form, so tests stay fast."""
    lib = "metta.agent.lib"
    return {
        "clip_range": 0.5,
        "l2_init_weight_update_interval": 2,
        "components": {
            "_obs_": {
                "_target_": f"{lib}.obs_token_to_box_shaper.ObsTokenToBoxShaper",
                "sources": None,
            },
            "obs_normalizer": {
                "_target_": f"{lib}.observation_normalizer.ObservationNormalizer",
                "sources": [{"name": "_obs_"}],
            },
            "cnn1": {
                "_target_": f"{lib}.nn_layer_library.Conv2d",
                "sources": [{"name": "obs_normalizer"}],
                "nn_params": {"out_channels": 8, "kernel_size": 3, "stride": 2},
            },
            "flat": {"_target_": f"{lib}.nn_layer_library.Flatten", "sources": [{"name": "cnn1"}]},
            "encoded_obs": {
                "_target_": f"{lib}.nn_layer_library.Linear",
                "sources": [{"name": "flat"}],
                "nn_params": {"out_features": 32},
            },
            "_core_": {
                "_target_": f"{lib}.lstm.LSTM",
                "sources": [{"name": "encoded_obs"}],
                "output_size": 16,
                "nn_params": {"num_layers": 2},
            },
            "_value_": {
                "_target_": f"{lib}.nn_layer_library.Linear",
                "sources": [{"name": "_core_"}],
                "nn_params": {"out_features": 1},
                "nonlinearity": None,
            },
            "actor_1": {
                "_target_": f"{lib}.nn_layer_library.Linear",
                "sources": [{"name": "_core_"}],
                "nn_params": {"out_features": 24},
            },
            "_action_embeds_": {
                "_target_": f"{lib}.action.ActionEmbedding",
                "sources": None,
                "nn_params": {"num_embeddings": 100, "embedding_dim": 8},
            },
            "_action_": {
                "_target_": f"{lib}.actor.MettaActorSingleHead",
                "sources": [{"name": "actor_1"}, {"name": "_action_embeds_"}],
            },
        },
    }
