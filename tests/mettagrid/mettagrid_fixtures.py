"""Config pieces shared by the MettaGrid tests."""

from __future__ import annotations

from typing import Any


def stocked_source(type_id: int, item: str, count: int) -> dict[str, Any]:
    """A converter holding ``count`` of ``item`` that makes no more during a short test."""
    return {
        "type": "converter",
        "type_id": type_id,
        "output_resources": {item: 1},
        "initial_items": count,
        "max_output": count,
        "cooldown": 100,
    }
