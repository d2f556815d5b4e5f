"""The engine's registry, as exported by the native module: every object kind and action with the
config fields it reads (type, bounds, default), the features it writes and the stats it counts,
plus the engine-wide limits. The C++ classes declare these facts; Python reads them from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from metta.mettagrid import _mettagrid

__all__ = [
    "ActionSpec",
    "FeatureSpec",
    "KindSpec",
    "ParamSpec",
    "Registry",
    "registry",
]

TABLE_TYPES = frozenset({"int_table", "float_table"})


@dataclass(frozen=True)
class ParamSpec:
    """One config field: ``type`` is int, float, bool, str, str_list, int_table or float_table."""

    name: str
    type: str
    lo: float
    hi: float
    default: float | None
    """None: required. For an item table, the value of an item the table does not list."""
    default_from: str | None
    """For an item table whose unlisted items take another field's value: that field."""
    doc: str

    @property
    def is_table(self) -> bool:
        """An item table ({item name: value})."""
        return self.type in TABLE_TYPES


@dataclass(frozen=True)
class FeatureSpec:
    """An observation feature with a fixed id."""

    id: int
    name: str
    normalization: float
    is_global: bool


@dataclass(frozen=True)
class KindSpec:
    """An object kind: registry id, name (the ``type`` configs use), fields, features, stats."""

    id: int
    name: str
    params: tuple[ParamSpec, ...]
    observes: tuple[int, ...]
    features: tuple[FeatureSpec, ...]
    stats: tuple[str, ...]


@dataclass(frozen=True)
class ActionSpec:
    """An action handler: registry id, name, the ActionsConfig field enabling it, fields, stats."""

    id: int
    name: str
    config_key: str
    params: tuple[ParamSpec, ...]
    stats: tuple[str, ...]


@dataclass(frozen=True)
class Registry:
    """Everything the engine declares about its kinds, actions, features and limits."""

    kinds: tuple[KindSpec, ...]
    actions: tuple[ActionSpec, ...]
    features: tuple[FeatureSpec, ...]
    game_params: tuple[ParamSpec, ...]
    empty_cell_names: tuple[str, ...]
    """Names a map cell may use for an empty cell; the first is the canonical one."""
    limits: dict[str, Any]
    """max_items, inventory/extension feature bases, max_obs_side, token_bytes, max_objects, ..."""

    def kind(self, name: str) -> KindSpec:
        """The kind called ``name`` (KeyError naming the known kinds otherwise)."""
        for kind in self.kinds:
            if kind.name == name:
                return kind
        raise KeyError(f"unknown object kind {name!r} (known: {[k.name for k in self.kinds]})")

    def actions_for(self, config_key: str) -> tuple[ActionSpec, ...]:
        """The handlers one ActionsConfig field enables, in registry-id order."""
        return tuple(a for a in self.actions if a.config_key == config_key)

    @property
    def config_keys(self) -> tuple[str, ...]:
        """ActionsConfig field names, in registry-id order of their first handler."""
        return tuple(dict.fromkeys(a.config_key for a in self.actions))

    @property
    def global_features(self) -> tuple[str, ...]:
        """Names of the global tokens at the window centre."""
        return tuple(f.name for f in self.features if f.is_global)


def _param(entry: dict[str, Any]) -> ParamSpec:
    return ParamSpec(
        name=entry["name"],
        type=entry["type"],
        lo=entry["lo"],
        hi=entry["hi"],
        default=entry["default"],
        default_from=entry["default_from"],
        doc=entry["doc"],
    )


def _feature(entry: dict[str, Any]) -> FeatureSpec:
    return FeatureSpec(entry["id"], entry["name"], entry["normalization"], entry["global"])


@cache
def registry() -> Registry:
    """The native registry (read once)."""
    raw = _mettagrid.registry()
    kinds = tuple(
        KindSpec(
            id=k["id"],
            name=k["name"],
            params=tuple(_param(p) for p in k["params"]),
            observes=tuple(k["observes"]),
            features=tuple(_feature(f) for f in k["features"]),
            stats=tuple(name for name, _ in k["stats"]),
        )
        for k in raw["kinds"]
    )
    actions = tuple(
        ActionSpec(
            id=a["id"],
            name=a["name"],
            config_key=a["config_key"],
            params=tuple(_param(p) for p in a["params"]),
            stats=tuple(name for name, _ in a["stats"]),
        )
        for a in raw["actions"]
    )
    return Registry(
        kinds=kinds,
        actions=actions,
        features=tuple(_feature(f) for f in raw["features"]),
        game_params=tuple(_param(p) for p in raw["game_params"]),
        empty_cell_names=tuple(raw["empty_cell_names"]),
        limits=dict(raw["limits"]),
    )
