"""Nested overrides of pydantic configs: ``{"a": {"b": 1}}`` or ``{"a.b": 1}`` merged over a model.

A key that names no field is an error naming its full dotted path, except under the "open"
tables a caller names (tables keyed by user-chosen names, such as object or group names). A
mapping merges into the mapping it overrides. An empty mapping clears an open table (the only way
to empty one, such as a converter's ``input_resources``) and leaves a config section unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = ["apply_overrides", "expand_dotted", "merge_overrides"]

ModelT = TypeVar("ModelT", bound=BaseModel)


def expand_dotted(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """{"a.b": 1} -> {"a": {"b": 1}}, recursively; two keys that collide are an error."""
    expanded: dict[str, Any] = {}
    for key, value in overrides.items():
        target = expanded
        *parents, leaf = str(key).split(".")
        for part in parents:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                raise ValueError(f"overrides: {key!r} conflicts with a value set above it")
        expanded_value = expand_dotted(value) if isinstance(value, Mapping) else value
        if isinstance(target.get(leaf), dict) and isinstance(expanded_value, dict):
            target[leaf] = merge_overrides(target[leaf], expanded_value, lambda _path: True)
        else:
            target[leaf] = expanded_value
    return expanded


def merge_overrides(
    base: Mapping[str, Any],
    overrides: Mapping[str, Any],
    is_open: Callable[[str], bool],
    path: str = "",
) -> dict[str, Any]:
    """``base`` with ``overrides`` merged in; new keys only where ``is_open(dotted path)``; an
    empty mapping clears an open table and is a no-op elsewhere."""
    merged = dict(base)
    for key, value in overrides.items():
        where = f"{path}.{key}" if path else str(key)
        if key not in base:
            if not (path and is_open(path)):
                known = ", ".join(sorted(map(str, base))) or "none"
                raise ValueError(f"overrides: unknown field {where!r} (fields here: {known})")
            merged[key] = value
        elif isinstance(value, Mapping) and isinstance(base[key], Mapping):
            if value:
                merged[key] = merge_overrides(base[key], value, is_open, where)
            elif is_open(where):
                merged[key] = {}  # an empty mapping clears an open table
            # an empty mapping over a config section changes nothing
        else:
            merged[key] = value
    return merged


def apply_overrides(
    model: ModelT, overrides: Mapping[str, Any] | None, is_open: Callable[[str], bool]
) -> ModelT:
    """A re-validated copy of ``model`` with nested or dotted-key ``overrides`` applied."""
    if not overrides:
        return model
    merged = merge_overrides(model.model_dump(), expand_dotted(overrides), is_open)
    return type(model).model_validate(merged)
