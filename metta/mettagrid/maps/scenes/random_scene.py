"""RandomScene: renders one of several scene configs, chosen by weight."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field

from metta.mettagrid.maps.scenes.scene import Scene, SceneConfig, SceneModel

if TYPE_CHECKING:
    from metta.mettagrid.maps.scenes import AnySceneConfig

__all__ = ["RandomSceneCandidate", "RandomSceneConfig", "choose_candidate"]


class RandomSceneCandidate(SceneModel):
    """One option of a weighted choice."""

    scene: AnySceneConfig
    """The scene rendered when this option is drawn."""
    weight: float = Field(default=1.0, gt=0)
    """Relative chance of this option."""


class RandomSceneConfig(SceneConfig):
    """Draws one candidate (chance proportional to its weight) and renders it on the area."""

    type: Literal["random_scene"] = "random_scene"
    candidates: tuple[RandomSceneCandidate, ...] = Field(min_length=1)
    """The options."""

    def render(self, scene: Scene) -> None:
        """Draws and renders the candidate."""
        scene.render_child(choose_candidate(self.candidates, scene.rng))


def choose_candidate(
    candidates: tuple[RandomSceneCandidate, ...], rng: np.random.Generator
) -> SceneConfig:
    """The scene of a candidate drawn with probability proportional to its weight."""
    weights = np.array([candidate.weight for candidate in candidates])
    return candidates[int(rng.choice(len(candidates), p=weights / weights.sum()))].scene
