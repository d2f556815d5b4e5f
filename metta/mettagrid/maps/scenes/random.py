"""Random: objects and agents scattered on the empty cells of an area.

Placement goes through ``metta.mettagrid.maps.placement``: every object lands where it keeps the
area's free space connected and itself reachable, and agents land in the main free region.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import Field

from metta.mettagrid.maps.base import AgentSpec, ObjectCounts
from metta.mettagrid.maps.placement import agent_names, place_agents, place_objects
from metta.mettagrid.maps.scenes.scene import Scene, SceneConfig

__all__ = ["RandomConfig", "scatter"]


class RandomConfig(SceneConfig):
    """Puts ``objects`` then ``agents`` on random empty cells (existing content stays)."""

    type: Literal["random"] = "random"
    objects: ObjectCounts = Field(default_factory=dict)
    """Object name -> how many."""
    agents: AgentSpec = 0
    """Agent count, or {group: count} for ``agent.<group>`` cells."""
    too_many_is_ok: bool = True
    """When the free space cannot hold every object: place what fits (True) or raise (False)."""

    def render(self, scene: Scene) -> None:
        """Places the objects, then the agents."""
        scatter(scene, self.objects, agent_names(self.agents), self.too_many_is_ok)


def scatter(
    scene: Scene, objects: Mapping[str, int], agents: list[str], too_many_is_ok: bool
) -> None:
    """Objects (as many as fit when ``too_many_is_ok``), then agents, on random empty cells."""
    try:
        place_objects(scene.grid, objects, scene.rng)
    except ValueError:
        if not too_many_is_ok:
            raise
    place_agents(scene.grid, agents, scene.rng)
