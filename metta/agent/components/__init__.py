"""Agent components and the registry that resolves a config's ``_target_`` to a class.

A target is a bare class name (``Conv2d``), one of ours (``metta.agent.components.conv2d.Conv2d``)
or the older path that existing YAML configs name (``metta.agent.lib.nn_layer_library.Conv2d``);
to add a component, write the class and add one line to ``COMPONENT_REGISTRY``.
"""

from __future__ import annotations

from metta.agent.components.action_embedding import ActionEmbedding
from metta.agent.components.actor_head import MettaActorSingleHead
from metta.agent.components.base import BuildContext, Component, ForwardContext
from metta.agent.components.conv2d import Conv2d
from metta.agent.components.egocentric_view import EgocentricView
from metta.agent.components.flatten import Flatten
from metta.agent.components.linear import Linear
from metta.agent.components.lstm import LSTM
from metta.agent.components.obs_normalizer import ObservationNormalizer
from metta.agent.components.obs_token_to_box import ObsTokenToBoxShaper
from metta.agent.components.param_layer import ParamLayer

__all__ = [
    "COMPONENT_REGISTRY",
    "LSTM",
    "ActionEmbedding",
    "BuildContext",
    "Component",
    "Conv2d",
    "EgocentricView",
    "Flatten",
    "ForwardContext",
    "Linear",
    "MettaActorSingleHead",
    "ObsTokenToBoxShaper",
    "ObservationNormalizer",
    "ParamLayer",
    "resolve_component",
]

COMPONENT_REGISTRY: dict[str, type[Component]] = {
    "ObsTokenToBoxShaper": ObsTokenToBoxShaper,
    "ObservationNormalizer": ObservationNormalizer,
    "Conv2d": Conv2d,
    "EgocentricView": EgocentricView,
    "Linear": Linear,
    "Flatten": Flatten,
    "LSTM": LSTM,
    "ActionEmbedding": ActionEmbedding,
    "MettaActorSingleHead": MettaActorSingleHead,
}

_KNOWN_PREFIXES = ("metta.agent.components.", "metta.agent.lib.")


def resolve_component(target: str, where: str) -> type[Component]:
    """Maps a ``_target_`` string to a component class, or raises naming the component."""
    class_name = target.rsplit(".", 1)[-1]
    prefix_ok = "." not in target or target.startswith(_KNOWN_PREFIXES)
    if not prefix_ok or class_name not in COMPONENT_REGISTRY:
        raise ValueError(
            f"{where}._target_: unknown component {target!r}; known components: "
            f"{sorted(COMPONENT_REGISTRY)}"
        )
    return COMPONENT_REGISTRY[class_name]
