"""``PolicyMetadata``: a dict with attribute access whose core counters always exist."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["REQUIRED_METADATA", "PolicyMetadata"]

REQUIRED_METADATA: dict[str, int | float] = {
    "agent_step": 0,
    "epoch": 0,
    "generation": 0,
    "train_time": 0.0,
}


class PolicyMetadata(dict):
    """``agent_step``, ``epoch``, ``generation`` and ``train_time`` default to 0 and cannot be
    deleted; any other key is free (``score``, ``eval_scores``, ``original_feature_mapping``...)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(REQUIRED_METADATA)
        self.update(dict(*args, **kwargs))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> PolicyMetadata:
        """Validated copy of a mapping (keys must be strings)."""
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise TypeError(f"metadata: expected a mapping, got {type(data).__name__}")
        bad = [key for key in data if not isinstance(key, str)]
        if bad:
            raise TypeError(f"metadata: keys must be strings, got {bad}")
        return cls(data)

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"metadata has no key {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self[name]
        except KeyError:
            raise AttributeError(f"metadata has no key {name!r}") from None

    def __delitem__(self, key: str) -> None:
        if key in REQUIRED_METADATA:
            raise KeyError(f"metadata: {key!r} is required and cannot be deleted")
        super().__delitem__(key)

    def pop(self, key: str, *default: Any) -> Any:
        """dict.pop, refusing the required keys."""
        if key in REQUIRED_METADATA:
            raise KeyError(f"metadata: {key!r} is required and cannot be deleted")
        return super().pop(key, *default)
