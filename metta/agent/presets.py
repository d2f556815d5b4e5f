"""Named agent architectures: ``default`` (the seed's ``_get_default_agent_config``), ``fast``
(strided convs and a 2-layer LSTM, the layout of the ``fast.yaml`` agent config) and ``small``
(the CPU preset).

All are plain dicts in the agent YAML's form, so a user can copy one and edit it.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = [
    "AGENT_PRESETS",
    "agent_preset",
    "default_agent_config",
    "fast_agent_config",
    "small_agent_config",
]

_LIB = "metta.agent.components"


def _conv(source: str, out_channels: int, kernel: int, stride: int, padding: int) -> dict[str, Any]:
    """A Conv2d + ReLU node."""
    params = {"out_channels": out_channels, "kernel_size": kernel, "stride": stride}
    if padding:
        params["padding"] = padding
    return {"_target_": f"{_LIB}.conv2d.Conv2d", "sources": [{"name": source}], "nn_params": params}


def _linear(source: str, out_features: int, nonlinearity: str | None = "nn.ReLU") -> dict[str, Any]:
    """A Linear node with its activation."""
    return {
        "_target_": f"{_LIB}.linear.Linear",
        "sources": [{"name": source}],
        "nn_params": {"out_features": out_features},
        "nonlinearity": nonlinearity,
    }


def _common_input_and_heads(hidden: int, layers: int, encoded_source: str) -> dict[str, Any]:
    """Shaper, normaliser, LSTM core, actor layer, embeddings and the bilinear head."""
    return {
        "_core_": {
            "_target_": f"{_LIB}.lstm.LSTM",
            "sources": [{"name": encoded_source}],
            "output_size": hidden,
            "nn_params": {"num_layers": layers},
        },
        "actor_1": _linear("_core_", 512),
        "_action_embeds_": {
            "_target_": f"{_LIB}.action_embedding.ActionEmbedding",
            "sources": None,
            "nn_params": {"num_embeddings": 100, "embedding_dim": 16},
        },
        "_action_": {
            "_target_": f"{_LIB}.actor_head.MettaActorSingleHead",
            "sources": [{"name": "actor_1"}, {"name": "_action_embeds_"}],
        },
    }


def _observation_nodes() -> dict[str, Any]:
    """Token-to-box shaper followed by the per-feature normaliser."""
    return {
        "_obs_": {"_target_": f"{_LIB}.obs_token_to_box.ObsTokenToBoxShaper", "sources": None},
        "obs_normalizer": {
            "_target_": f"{_LIB}.obs_normalizer.ObservationNormalizer",
            "sources": [{"name": "_obs_"}],
        },
    }


def _flatten(source: str) -> dict[str, Any]:
    """A Flatten node."""
    return {"_target_": f"{_LIB}.flatten.Flatten", "sources": [{"name": source}]}


def _agent(components: dict[str, Any]) -> dict[str, Any]:
    """The agent config around a component graph (no weight clipping, no L2-init updates)."""
    return {
        "clip_range": 0,
        "analyze_weights_interval": 300,
        "l2_init_weight_update_interval": 0,
        "observations": {"obs_key": "grid_obs"},
        "components": components,
    }


def default_agent_config() -> dict[str, Any]:
    """The metta.api default: padded 3x3 convs, 512 encoder, 1-layer LSTM 512, value on the core."""
    components = _observation_nodes()
    components["cnn1"] = _conv("obs_normalizer", 32, 3, 1, 1)
    components["cnn2"] = _conv("cnn1", 64, 3, 1, 1)
    components["obs_flattener"] = _flatten("cnn2")
    components["encoded_obs"] = _linear("obs_flattener", 512)
    components.update(_common_input_and_heads(512, 1, "encoded_obs"))
    components["_value_"] = _linear("_core_", 1, None)
    return _agent(components)


def fast_agent_config() -> dict[str, Any]:
    """The ``fast.yaml`` agent: k5/s3 and k3 convs, 128 encoder, 2-layer LSTM 128, 1024 critic."""
    components = _observation_nodes()
    components["cnn1"] = _conv("obs_normalizer", 64, 5, 3, 0)
    components["cnn2"] = _conv("cnn1", 64, 3, 1, 0)
    components["obs_flattener"] = _flatten("cnn2")
    components["fc1"] = _linear("obs_flattener", 128)
    components["encoded_obs"] = _linear("fc1", 128)
    components.update(_common_input_and_heads(128, 2, "encoded_obs"))
    components["critic_1"] = _linear("_core_", 1024, "nn.Tanh")
    components["critic_1"]["effective_rank"] = True
    components["_value_"] = _linear("critic_1", 1, None)
    return _agent(components)


def small_agent_config() -> dict[str, Any]:
    """The CPU preset: the view turned to the agent's heading (``EgocentricView``, rotate args
    as relative turns) with raw item counts, two unpadded 3x3 convs of 32 channels at full
    resolution (every cell of the view keeps its own features, which navigation needs), a 128
    encoder, a 1-layer LSTM 128, and 128-wide actor and critic layers; about a tenth of the
    default's compute per step. It never walks backward (``disabled_actions: [move_1]``): in the
    turned view walking backward explores as well as walking forward, and a policy that settles
    on it early never faces the altars it must face to take hearts (7 of 17 runs in
    benchmarks/README.md, "Walking backward"); turning about costs one step instead."""
    components = _observation_nodes()
    components["egocentric"] = {
        "_target_": f"{_LIB}.egocentric_view.EgocentricView",
        "sources": [{"name": "_obs_"}],
    }
    components["obs_normalizer"]["sources"] = [{"name": "egocentric"}]
    # An altar's one heart reads 1, not the env's 1/100: whether it still pays is visible.
    components["obs_normalizer"]["nn_params"] = {
        "normalizations": {"inv:*": 1.0, "last_reward": 1.0}
    }
    components["cnn1"] = _conv("obs_normalizer", 32, 3, 1, 0)
    components["cnn2"] = _conv("cnn1", 32, 3, 1, 0)
    components["obs_flattener"] = _flatten("cnn2")
    components["encoded_obs"] = _linear("obs_flattener", 128)
    components.update(_common_input_and_heads(128, 1, "encoded_obs"))
    components["actor_1"] = _linear("_core_", 128)
    components["critic_1"] = _linear("_core_", 128, "nn.Tanh")
    components["_value_"] = _linear("critic_1", 1, None)
    return {**_agent(components), "disabled_actions": ["move_1"]}


AGENT_PRESETS = {
    "default": default_agent_config,
    "fast": fast_agent_config,
    "small": small_agent_config,
}


def agent_preset(name: str) -> dict[str, Any]:
    """A fresh copy of a named preset; ValueError lists the known names."""
    if name not in AGENT_PRESETS:
        raise ValueError(f"unknown agent preset {name!r}; known presets: {sorted(AGENT_PRESETS)}")
    return copy.deepcopy(AGENT_PRESETS[name]())
