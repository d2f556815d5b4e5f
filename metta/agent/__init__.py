"""MettaAgent (component-graph policy), its factory, and the PolicyStore / PolicyRecord API."""

from metta.agent.agent_config import AgentArchitectureConfig, ComponentSpec, parse_agent_config
from metta.agent.checkpoint import (
    CHECKPOINT_FORMAT,
    CheckpointError,
    load_checkpoint,
    policy_from_checkpoint,
    save_checkpoint,
)
from metta.agent.factory import attach_to_environment, make_policy
from metta.agent.metta_agent import MettaAgent
from metta.agent.policy_metadata import PolicyMetadata
from metta.agent.policy_record import PolicyRecord
from metta.agent.policy_state import PolicyState
from metta.agent.policy_store import PolicyStore
from metta.agent.presets import AGENT_PRESETS, agent_preset

__all__ = [
    "AGENT_PRESETS",
    "CHECKPOINT_FORMAT",
    "AgentArchitectureConfig",
    "CheckpointError",
    "ComponentSpec",
    "MettaAgent",
    "PolicyMetadata",
    "PolicyRecord",
    "PolicyState",
    "PolicyStore",
    "agent_preset",
    "attach_to_environment",
    "load_checkpoint",
    "make_policy",
    "parse_agent_config",
    "policy_from_checkpoint",
    "save_checkpoint",
]
