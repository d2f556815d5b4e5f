"""Feature-id bookkeeping: the env's ``{name: {id, normalization}}`` -> the policy's own ids.

A policy remembers ``original_feature_mapping`` (name -> id it was trained with). In another
env, each env id is sent to the original id of the same name; unknown names map to 255 (dropped)
in evaluation, or get a fresh original id in training.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["UNMAPPED", "FeatureRemap", "build_feature_remap", "parse_features"]

UNMAPPED = 255


def parse_features(features: Mapping[str, Any]) -> dict[str, tuple[int, float | None]]:
    """Validates ``{name: {"id": int, "normalization"?: float}}`` -> ``{name: (id, norm)}``."""
    if not isinstance(features, Mapping):
        raise TypeError(f"features: expected a mapping name -> {{'id': ...}}, got {type(features)}")
    parsed: dict[str, tuple[int, float | None]] = {}
    seen: dict[int, str] = {}
    for name, info in features.items():
        if not isinstance(info, Mapping) or "id" not in info:
            raise ValueError(f"features[{name!r}]: expected a mapping with an 'id', got {info!r}")
        feature_id = int(info["id"])
        if not 0 <= feature_id < UNMAPPED:
            raise ValueError(f"features[{name!r}].id: must be in 0..254, got {feature_id}")
        if feature_id in seen:
            raise ValueError(
                f"features[{name!r}].id: id {feature_id} is also used by {seen[feature_id]!r}"
            )
        seen[feature_id] = str(name)
        norm = info.get("normalization")
        parsed[str(name)] = (feature_id, None if norm is None else float(norm))
    return parsed


@dataclass
class FeatureRemap:
    """Result of mapping one env onto a policy's feature ids."""

    table: list[int]
    """256 entries: env id -> policy id (255 = drop)."""
    mapping: dict[str, int]
    """The policy's name -> original id map, with any names learned in training mode."""
    added: dict[str, tuple[int, float | None]] = field(default_factory=dict)
    """Names added in this call: name -> (original id, normalization)."""


def build_feature_remap(
    original: Mapping[str, int],
    features: dict[str, tuple[int, float | None]],
    is_training: bool,
) -> FeatureRemap:
    """Builds the remap table; with no original mapping yet, the env's ids become the originals."""
    table = [UNMAPPED] * 256
    if not original:
        mapping = {name: feature_id for name, (feature_id, _) in features.items()}
        for feature_id, _ in features.values():
            table[feature_id] = feature_id
        return FeatureRemap(table=table, mapping=mapping)
    mapping = dict(original)
    added: dict[str, tuple[int, float | None]] = {}
    used = set(mapping.values())
    for name, (feature_id, norm) in features.items():
        if name in mapping:
            table[feature_id] = mapping[name]
        elif is_training:
            fresh = next((i for i in range(UNMAPPED) if i not in used), UNMAPPED)
            if fresh != UNMAPPED:
                mapping[name] = fresh
                used.add(fresh)
                added[name] = (fresh, norm)
                table[feature_id] = fresh
    return FeatureRemap(table=table, mapping=mapping, added=added)
