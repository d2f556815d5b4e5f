"""The scene tree: `SceneConfig` (what a scene is), `ChildSpec` (where its children go), `Scene`.

Data flow: a `Scene` renders its config into its area (``config.render(scene)``: drawing, naming
sub-areas with ``make_area``, rendering inline sub-scenes with ``render_child``), then renders each
of ``config.children`` into the areas its `ChildSpec` selects. Every scene draws from its own
generator, seeded by a numpy ``SeedSequence`` whose spawn key is the scene's position in the tree,
so a map depends only on the root seed and the tree, never on the order scenes consume numbers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, model_validator

from metta.mettagrid.maps.scenes.area import Area, AreaWhere, OrderBy

if TYPE_CHECKING:
    from metta.mettagrid.maps.scenes import AnySceneConfig

__all__ = ["ChildSpec", "Scene", "SceneConfig", "SceneModel", "child_sequence"]

_INLINE = 0
"""First spawn-key entry of children rendered by ``render_child``; children of spec i use i + 1."""


class SceneModel(BaseModel):
    """Base of every scene-system model: frozen, strict fields, docstrings as descriptions."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class ChildSpec(SceneModel):
    """A child scene and the areas of its parent it is rendered into (one render per area)."""

    scene: AnySceneConfig
    """The child scene's config (a dict with a ``type`` key in YAML)."""
    where: Literal["full"] | AreaWhere = "full"
    """``full``: the parent's whole area; ``{tags: [...]}``: the parent's areas with all tags."""
    limit: int | None = Field(default=None, ge=0)
    """At most this many of the matching areas (None: all of them)."""
    order_by: OrderBy = "random"
    """Which areas ``limit`` keeps: a random choice, the first ones, or the last ones."""
    offset: int = Field(default=0, ge=0)
    """With order_by first/last: skip this many areas from that end first."""
    lock: str | None = None
    """Areas taken under this name are not given to a later child with the same lock."""

    @model_validator(mode="after")
    def _check(self) -> ChildSpec:
        if self.offset and self.order_by == "random":
            raise ValueError("offset: only used with order_by 'first' or 'last', not 'random'")
        return self


class SceneConfig(SceneModel, ABC):
    """Base of every scene config; a subclass adds a ``type`` literal and ``render``."""

    children: tuple[ChildSpec, ...] = ()
    """Scenes rendered after this one, into the areas each selects."""
    seed: int | None = Field(default=None, ge=0)
    """Fixed seed for this scene and its subtree: the same content wherever it is placed.
    None (the default): derived from the parent's seed and this scene's place in the tree."""

    @abstractmethod
    def render(self, scene: Scene) -> None:
        """Draws into ``scene.grid`` and names the areas children may select."""


def child_sequence(
    parent: np.random.SeedSequence, config: SceneConfig, key: tuple[int, ...]
) -> np.random.SeedSequence:
    """The seed sequence of a child at ``key`` below ``parent`` (its own ``seed`` wins)."""
    if config.seed is not None:
        return np.random.SeedSequence(config.seed)
    return np.random.SeedSequence(parent.entropy, spawn_key=(*parent.spawn_key, *key))


class Scene:
    """One node of the rendered tree: its config, its area, its generator and its named areas."""

    def __init__(self, config: SceneConfig, area: Area, seed: np.random.SeedSequence) -> None:
        self.config = config
        self.area = area
        self.seed = seed
        self.rng = np.random.Generator(np.random.PCG64(seed))
        self.areas: list[Area] = []
        self._locks: dict[str, set[int]] = {}
        self._inline_children = 0

    @property
    def grid(self) -> npt.NDArray[np.str_]:
        """The view of the map this scene draws into."""
        return self.area.grid

    @property
    def height(self) -> int:
        """Rows of the area."""
        return self.area.height

    @property
    def width(self) -> int:
        """Columns of the area."""
        return self.area.width

    def describe(self) -> str:
        """``type`` and area, for error messages."""
        kind = getattr(self.config, "type", type(self.config).__name__)
        return (
            f"scene {kind!r} on a {self.height}x{self.width} area at row {self.area.row}, "
            f"column {self.area.col}"
        )

    def make_area(
        self, row: int, col: int, height: int, width: int, tags: tuple[str, ...] | list[str] = ()
    ) -> Area:
        """Names a sub-rectangle (relative to this scene's area) for children to select."""
        area = self.area.sub(row, col, height, width, tuple(tags), len(self.areas))
        self.areas.append(area)
        return area

    def render_child(self, config: SceneConfig, area: Area | None = None) -> Scene:
        """Renders ``config`` (and its children) now, into ``area`` or this scene's whole area."""
        key = (_INLINE, self._inline_children)
        self._inline_children += 1
        target = self.area if area is None else area
        child = Scene(config, target, child_sequence(self.seed, config, key))
        child.render()
        return child

    def select_areas(self, spec: ChildSpec) -> list[Area]:
        """The areas ``spec`` picks, honouring its tags, lock, limit, order and offset."""
        if spec.where == "full":
            candidates = [self.area]
        else:
            wanted = spec.where.tags
            candidates = [area for area in self.areas if all(t in area.tags for t in wanted)]
        taken = self._locks.setdefault(spec.lock, set()) if spec.lock is not None else None
        if taken is not None:
            candidates = [area for area in candidates if area.index not in taken]
        if spec.order_by == "first":
            candidates = candidates[spec.offset :]
        elif spec.order_by == "last":
            candidates = candidates[: len(candidates) - spec.offset]
        if spec.limit is not None and spec.limit < len(candidates):
            if spec.order_by == "random":
                chosen = self.rng.choice(len(candidates), size=spec.limit, replace=False)
                candidates = [candidates[int(i)] for i in chosen]
            elif spec.order_by == "first":
                candidates = candidates[: spec.limit]
            else:
                candidates = candidates[len(candidates) - spec.limit :]
        if taken is not None:
            taken.update(area.index for area in candidates)
        return candidates

    def render(self) -> None:
        """Renders the config, then every child spec into its selected areas, in order."""
        try:
            self.config.render(self)
            for spec_index, spec in enumerate(self.config.children):
                for area_index, area in enumerate(self.select_areas(spec)):
                    key = (spec_index + 1, area_index)
                    Scene(spec.scene, area, child_sequence(self.seed, spec.scene, key)).render()
        except Exception as error:
            error.add_note(f"while rendering {self.describe()}")
            raise
