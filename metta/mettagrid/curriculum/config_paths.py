"""Reading and writing dotted paths (``game.map_builder.width``) in env configs of any kind.

Env configs are opaque to curricula: a dict, a pydantic model or an OmegaConf config. Writes return
a new config (the template is never mutated); a path that does not exist is an error naming it,
so a typo cannot silently add a field.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from omegaconf import DictConfig, OmegaConf
from pydantic import BaseModel

__all__ = ["get_path", "set_paths", "to_plain"]


def to_plain(config: Any) -> Any:
    """A deep plain-dict copy of a dict, pydantic model or OmegaConf config."""
    if isinstance(config, BaseModel):
        return config.model_dump()
    if isinstance(config, DictConfig):
        return OmegaConf.to_container(config, resolve=True)
    if isinstance(config, Mapping):
        return copy.deepcopy(dict(config))
    raise TypeError(
        f"env config must be a dict, a pydantic model or a DictConfig, got {type(config).__name__}"
    )


def _walk(plain: Any, path: str) -> tuple[dict[str, Any], str]:
    """The dict holding the last key of ``path`` and that key; KeyError names the missing part."""
    keys = path.split(".")
    if not path or any(not key for key in keys):
        raise KeyError(f"config path {path!r} is not a dotted path of keys")
    node = plain
    for depth, key in enumerate(keys[:-1]):
        if not isinstance(node, dict) or key not in node:
            raise KeyError(f"config path {path!r}: no key {'.'.join(keys[: depth + 1])!r}")
        node = node[key]
    if not isinstance(node, dict) or keys[-1] not in node:
        raise KeyError(f"config path {path!r}: no key {path!r}")
    return node, keys[-1]


def get_path(config: Any, path: str) -> Any:
    """The value at a dotted path."""
    node, key = _walk(to_plain(config), path)
    return node[key]


def set_paths(config: Any, values: Mapping[str, Any]) -> Any:
    """A copy of ``config`` with each dotted path set, re-validated when it is a pydantic model."""
    plain = to_plain(config)
    for path, value in values.items():
        node, key = _walk(plain, path)
        node[key] = to_plain(value) if isinstance(value, BaseModel) else copy.deepcopy(value)
    if isinstance(config, BaseModel):
        return type(config).model_validate(plain)
    if isinstance(config, DictConfig):
        return OmegaConf.create(plain)
    return plain
