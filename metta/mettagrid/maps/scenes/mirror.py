"""Mirror: renders a scene into half (or a quarter) of the area and mirrors it over the rest.

``horizontal`` mirrors left to right, ``vertical`` top to bottom, ``both`` does both (four-fold).
The rendered part is the first ``ceil(side / 2)`` cells, so an odd side has a middle line that
is its own mirror image; the result equals its own flip along each mirrored axis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from metta.mettagrid.maps.scenes.scene import Scene, SceneConfig

if TYPE_CHECKING:
    from metta.mettagrid.maps.scenes import AnySceneConfig

__all__ = ["MirrorConfig", "MirrorSymmetry"]

MirrorSymmetry = Literal["horizontal", "vertical", "both"]


class MirrorConfig(SceneConfig):
    """A symmetric area: ``scene`` on the first half (or quarter), mirrored copies elsewhere."""

    type: Literal["mirror"] = "mirror"
    scene: AnySceneConfig
    """The scene rendered into the original part."""
    symmetry: MirrorSymmetry = "horizontal"
    """horizontal (left-right), vertical (top-bottom) or both."""

    def render(self, scene: Scene) -> None:
        """Renders the inner scene on the original part, then copies it flipped."""
        height, width = scene.height, scene.width
        part_height = (height + 1) // 2 if self.symmetry != "horizontal" else height
        part_width = (width + 1) // 2 if self.symmetry != "vertical" else width
        original = scene.make_area(0, 0, part_height, part_width, ("original",))
        scene.render_child(self.scene, original)
        grid = scene.grid
        if self.symmetry != "vertical":
            grid[:part_height, part_width:] = grid[:part_height, : width - part_width][:, ::-1]
        if self.symmetry != "horizontal":
            grid[part_height:, :] = grid[: height - part_height, :][::-1, :]
