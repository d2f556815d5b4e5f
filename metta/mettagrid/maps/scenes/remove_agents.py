"""RemoveAgents: every agent cell of the area becomes empty (e.g. to reuse a drawn map's layout)."""

from __future__ import annotations

from typing import Literal

from metta.mettagrid.maps.connectivity import agent_mask
from metta.mettagrid.maps.scenes.scene import Scene, SceneConfig

__all__ = ["RemoveAgentsConfig"]


class RemoveAgentsConfig(SceneConfig):
    """Turns ``agent.*`` cells into ``empty``."""

    type: Literal["remove_agents"] = "remove_agents"

    def render(self, scene: Scene) -> None:
        """Clears the agents."""
        scene.grid[agent_mask(scene.grid)] = "empty"
