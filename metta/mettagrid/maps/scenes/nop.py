"""Nop: a scene that draws nothing (a placeholder in a choice, or a parent only for children)."""

from __future__ import annotations

from typing import Literal

from metta.mettagrid.maps.scenes.scene import Scene, SceneConfig

__all__ = ["NopConfig"]


class NopConfig(SceneConfig):
    """Leaves its area as it is; its children still render."""

    type: Literal["nop"] = "nop"

    def render(self, scene: Scene) -> None:
        """Nothing to draw."""
        del scene
