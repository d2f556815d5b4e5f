"""RandomObjects: objects scattered by density, each drawn per area from a range."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from metta.mettagrid.maps.placement import check_object_name
from metta.mettagrid.maps.scenes.random import scatter
from metta.mettagrid.maps.scenes.ranges import FloatRange, sample_float
from metta.mettagrid.maps.scenes.scene import Scene, SceneConfig

__all__ = ["Densities", "RandomObjectsConfig", "object_counts"]


def _check_densities(
    value: dict[str, float | tuple[float, float]],
) -> dict[str, float | tuple[float, float]]:
    for name, density in value.items():
        check_object_name(name, "object_ranges")
        low, high = density if isinstance(density, tuple) else (density, density)
        if low < 0 or high > 1:
            raise ValueError(f"object_ranges: density of {name!r} must lie in [0, 1]")
    return value


Densities = Annotated[dict[str, FloatRange], AfterValidator(_check_densities)]
"""Object name -> fraction of the area's cells (a number, or [low, high] drawn per area)."""


class RandomObjectsConfig(SceneConfig):
    """Puts ``fraction * area cells`` of each object on random empty cells (as many as fit)."""

    type: Literal["random_objects"] = "random_objects"
    object_ranges: Densities = Field(default_factory=dict)
    """Object name -> density: a fraction of the area's cells, or [low, high] drawn per area."""

    def render(self, scene: Scene) -> None:
        """Draws each density, converts it to a count and scatters the objects."""
        scatter(scene, object_counts(self.object_ranges, scene), [], too_many_is_ok=True)


def object_counts(
    densities: dict[str, float | tuple[float, float]], scene: Scene
) -> dict[str, int]:
    """Counts for ``densities`` on this scene's area (draws in the order of the dict)."""
    cells = scene.height * scene.width
    return {name: int(cells * sample_float(d, scene.rng)) for name, d in densities.items()}
