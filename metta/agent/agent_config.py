"""Agent configuration: the seed's ``agent`` mapping (components by name) as pydantic models.

A config is a plain mapping or an OmegaConf ``DictConfig`` in the agent YAML form
(``clip_range``, ``l2_init_weight_update_interval``, ``components: {name: {_target_, sources,
nn_params, ...}}``). Validation errors name the offending component and field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from omegaconf import DictConfig, OmegaConf
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

__all__ = [
    "AGENT_CLASS_PATH",
    "OBSERVATION_KEY",
    "REQUIRED_COMPONENTS",
    "AgentArchitectureConfig",
    "ComponentSpec",
    "ObservationsConfig",
    "SourceRef",
    "parse_agent_config",
    "to_plain_dict",
]

REQUIRED_COMPONENTS = ("_obs_", "_core_", "_action_embeds_", "_action_", "_value_")

AGENT_CLASS_PATH = "metta.agent.metta_agent.MettaAgent"
"""The one agent class a config may name in ``_target_``: every config builds a MettaAgent."""

OBSERVATION_KEY = "grid_obs"
"""The one ``observations.obs_key``: observations are always the token tensor, under this key."""


class SourceRef(BaseModel):
    """One input of a component: the name of another component."""

    model_config = ConfigDict(extra="forbid")

    name: str


class ComponentSpec(BaseModel):
    """One node of the agent graph; ``nn_params`` is checked by the component class itself."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    target: str = Field(alias="_target_", min_length=1)
    """Component class: a bare class name, or a ``metta.agent.lib.*`` or
    ``metta.agent.components.*`` path."""
    sources: list[SourceRef] | None = None
    """Inputs, in order; None for input components (``_obs_``, ``_action_embeds_``)."""
    nn_params: dict[str, Any] = Field(default_factory=dict)
    """Arguments of the underlying torch layer (out_features, out_channels, kernel_size, ...)."""
    nonlinearity: str | None = "nn.ReLU"
    """Activation appended to a Linear/Conv2d, as ``nn.<Name>``; None for none."""
    initialization: str = "orthogonal"
    """Weight init of a Linear/Conv2d: orthogonal, xavier, normal or max_0_01."""
    clip_scale: float = 1.0
    """Per-layer factor of the weight clip value (0 or less disables clipping for the layer)."""
    l2_init_scale: float = 1.0
    """Per-layer weight of the L2-init loss (0 disables it for the layer)."""
    analyze_weights: bool | None = None
    """Report this layer's singular-value metrics every ``analyze_weights_interval`` epochs."""
    effective_rank: bool | None = None
    """Same as ``analyze_weights`` (either flag adds the layer to the weight metrics)."""
    output_size: int | None = Field(default=None, gt=0)
    """Hidden size of the ``_core_`` LSTM."""

    @field_validator("sources", mode="before")
    @classmethod
    def _names_as_refs(cls, value: Any) -> Any:
        """Accepts bare strings in ``sources`` as shorthand for ``{name: ...}``."""
        if isinstance(value, list | tuple):
            return [{"name": item} if isinstance(item, str) else item for item in value]
        return value

    @field_validator("initialization")
    @classmethod
    def _known_initialization(cls, value: str) -> str:
        """Rejects an unknown init scheme at config time rather than at build time."""
        if value.lower() not in ("orthogonal", "xavier", "normal", "max_0_01"):
            raise ValueError(
                f"unknown initialization {value!r}; expected orthogonal, xavier, normal or max_0_01"
            )
        return value.lower()

    @property
    def source_names(self) -> list[str]:
        """Names of the inputs, in order."""
        return [source.name for source in self.sources or []]


class ObservationsConfig(BaseModel):
    """Where the policy reads its observations: the agent YAML's ``observations`` section."""

    model_config = ConfigDict(extra="forbid")

    obs_key: str = OBSERVATION_KEY
    """Observation key; only ``grid_obs`` (the token tensor) exists, any other is refused."""

    @field_validator("obs_key")
    @classmethod
    def _token_observations_only(cls, value: str) -> str:
        """A config reading another key would silently get the tokens: refuse it instead."""
        if value != OBSERVATION_KEY:
            raise ValueError(
                f"obs_key {value!r} is not an observation of this env; the only one is "
                f"{OBSERVATION_KEY!r} (the token tensor)"
            )
        return value


class AgentArchitectureConfig(BaseModel):
    """The policy network: agent-level settings plus the component graph (the seed's ``agent``
    mapping). Not the engine's per-agent game settings, ``metta.mettagrid.config.AgentConfig``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    target: str | None = Field(default=None, alias="_target_")
    """Agent class named by the YAML: None or ``metta.agent.metta_agent.MettaAgent``
    (the class every config builds); any other class is refused."""
    clip_range: float = Field(default=0.0, ge=0)
    """Weight clipping: each layer is clamped to clip_range * largest_init * clip_scale; 0 = off."""
    analyze_weights_interval: int = Field(default=300, ge=0)
    """Epochs between weight metrics of the layers flagged ``analyze_weights``; 0 = never."""
    l2_init_weight_update_interval: int = Field(default=0, ge=0)
    """Epochs between moves of the L2-init reference weights towards the current ones; 0 = never."""
    observations: ObservationsConfig = Field(default_factory=ObservationsConfig)
    """Observation settings (the YAML's ``observations`` section)."""
    disabled_actions: list[str] = Field(default_factory=list)
    """Logits the policy never takes, by full action name (``<action>_<arg>`` in the policy's
    order, e.g. ``move_1``, walking backward): masked out before sampling. Names of action types
    the environment lacks are ignored; an arg its action does not have is refused."""
    components: dict[str, ComponentSpec]
    """The component graph, by name; needs _obs_, _core_, _action_embeds_, _action_, _value_."""

    @field_validator("target")
    @classmethod
    def _builds_metta_agent(cls, value: str | None) -> str | None:
        """Another agent class would silently be built as a MettaAgent: refuse it instead."""
        if value is not None and value != AGENT_CLASS_PATH:
            raise ValueError(
                f"_target_ {value!r} is not built by this library; agent configs build "
                f"{AGENT_CLASS_PATH!r} (name it or leave _target_ out)"
            )
        return value

    @field_validator("components")
    @classmethod
    def _graph_is_complete(cls, value: dict[str, ComponentSpec]) -> dict[str, ComponentSpec]:
        """Every required node exists and every source names a component."""
        missing = [name for name in REQUIRED_COMPONENTS if name not in value]
        if missing:
            raise ValueError(f"missing required component(s) {missing}")
        for name, spec in value.items():
            for source in spec.source_names:
                if source not in value:
                    raise ValueError(
                        f"component {name!r} names unknown source {source!r}; "
                        f"known components: {sorted(value)}"
                    )
        return value


def to_plain_dict(config: Any) -> Any:
    """Turns a DictConfig (or nested mappings) into plain dicts and lists."""
    if isinstance(config, DictConfig):
        return OmegaConf.to_container(config, resolve=True)
    if isinstance(config, Mapping):
        return {key: to_plain_dict(value) for key, value in config.items()}
    if isinstance(config, list | tuple):
        return [to_plain_dict(value) for value in config]
    return config


def parse_agent_config(
    config: AgentArchitectureConfig | Mapping[str, Any] | DictConfig,
) -> AgentArchitectureConfig:
    """Validates an agent mapping; a ValueError names the bad component and field."""
    if isinstance(config, AgentArchitectureConfig):
        return config
    plain = to_plain_dict(config)
    if not isinstance(plain, dict):
        raise TypeError(f"agent config must be a mapping, got {type(config).__name__}")
    try:
        return AgentArchitectureConfig.model_validate(plain)
    except ValidationError as error:
        lines = []
        for item in error.errors():
            where = ".".join(str(part) for part in item["loc"])
            lines.append(f"agent.{where}: {item['msg']}")
        raise ValueError("invalid agent config:\n  " + "\n  ".join(lines)) from None
