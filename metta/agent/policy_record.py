"""``PolicyRecord``: one saved or to-be-saved policy: URI, metadata and a lazily loaded module."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from torch import nn

from metta.agent.checkpoint import unwrap_policy
from metta.agent.metta_agent import MettaAgent
from metta.agent.policy_metadata import PolicyMetadata

if TYPE_CHECKING:
    from metta.agent.policy_store import PolicyStore

__all__ = ["PolicyRecord", "path_from_uri"]


def path_from_uri(uri: str) -> Path | None:
    """``file://x`` or a bare path -> Path; other schemes (``wandb://``...) -> None."""
    if uri.startswith("file://"):
        return Path(uri.removeprefix("file://"))
    if "://" in uri:
        return None
    return Path(uri)


#: attribute names of older pickled records -> current ones (the first present wins)
_LEGACY_ATTRIBUTES = {
    "metadata": "_metadata",
    "checkpoint": "_metadata",
    "_policy": "_cached_policy",
}
#: the attributes an upgrade fills in
_UPGRADED_ATTRIBUTES = frozenset({"_metadata", "_cached_policy", "_policy_store", "run_name"})


def _upgrade_state(state: Mapping[str, Any]) -> dict[str, Any]:
    """A pickled record's ``__dict__`` with older attribute names mapped to current ones.

    Older records kept the metadata under ``checkpoint`` (later a plain ``metadata``
    attribute) and the module under ``_policy``; the metadata becomes a ``PolicyMetadata``.
    """
    upgraded = dict(state)
    for legacy, name in _LEGACY_ATTRIBUTES.items():
        if legacy in upgraded:
            value = upgraded.pop(legacy)
            upgraded.setdefault(name, value)
    metadata = upgraded.get("_metadata")
    if not isinstance(metadata, PolicyMetadata):
        upgraded["_metadata"] = PolicyMetadata.from_dict(metadata)
    upgraded.setdefault("_policy_store", None)
    upgraded.setdefault("run_name", None)
    upgraded.setdefault("_cached_policy", None)
    return upgraded


class PolicyRecord:
    """``policy`` loads from ``uri`` through the store on first access unless set directly.

    Unpickling accepts older attribute names (``checkpoint`` for the metadata,
    ``_policy`` for the module).
    """

    def __init__(
        self,
        policy_store: PolicyStore | None,
        run_name: str | None,
        uri: str,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self._policy_store = policy_store
        self.run_name = run_name
        self.uri = uri
        self._metadata = PolicyMetadata.from_dict(metadata)
        self._cached_policy: nn.Module | None = None

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        """Restores a pickled record, mapping legacy attribute names."""
        self.__dict__.update(_upgrade_state(state))

    def __getattr__(self, name: str) -> Any:
        """Reached only for a missing attribute: a record that holds legacy
        names without having been unpickled (e.g. set up by hand) is upgraded on first use."""
        state = self.__dict__
        if name in _UPGRADED_ATTRIBUTES and any(legacy in state for legacy in _LEGACY_ATTRIBUTES):
            upgraded = _upgrade_state(state)
            state.clear()
            state.update(upgraded)
            return upgraded[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def metadata(self) -> PolicyMetadata:
        """The record's metadata; assigning a dict converts it (required keys default to 0)."""
        return self._metadata

    @metadata.setter
    def metadata(self, value: Mapping[str, Any]) -> None:
        self._metadata = PolicyMetadata.from_dict(value)

    @property
    def file_path(self) -> str | None:
        """Local path of the checkpoint for ``file://`` / bare-path URIs, else None."""
        path = path_from_uri(self.uri)
        return None if path is None else str(path)

    @property
    def policy(self) -> nn.Module:
        """The policy module, loaded from ``uri`` on first access."""
        if self._cached_policy is None:
            if self._policy_store is None:
                raise ValueError(f"PolicyRecord {self.uri}: no policy set and no store to load it")
            self._cached_policy = self._policy_store.load_policy(self.uri)
        return self._cached_policy

    @policy.setter
    def policy(self, policy: nn.Module) -> None:
        if not isinstance(policy, nn.Module):
            raise TypeError(f"PolicyRecord.policy: expected a torch.nn.Module, got {type(policy)}")
        self._cached_policy = policy

    def policy_as_metta_agent(self) -> MettaAgent:
        """The policy with any DDP / compile wrapper removed."""
        return unwrap_policy(self.policy)

    def num_params(self) -> int:
        """Trainable parameters of the policy."""
        return sum(p.numel() for p in self.policy.parameters() if p.requires_grad)

    def __repr__(self) -> str:
        meta = ", ".join(
            f"{k}={self._metadata[k]!r}" for k in ("epoch", "agent_step", "generation")
        )
        loaded = "loaded" if self._cached_policy is not None else "not loaded"
        return (
            f"PolicyRecord(uri={self.uri!r}, run_name={self.run_name!r}, {meta}, policy {loaded})"
        )
