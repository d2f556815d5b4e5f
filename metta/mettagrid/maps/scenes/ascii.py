"""Ascii: a map from a ``.map`` text file (the ASCII map characters), pasted at (row, column)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from metta.mettagrid.maps.ascii import load_ascii_map
from metta.mettagrid.maps.scenes.inline_ascii import paste
from metta.mettagrid.maps.scenes.scene import Scene, SceneConfig

__all__ = ["AsciiConfig"]


class AsciiConfig(SceneConfig):
    """Pastes the map file at ``path`` into the area (read at every render)."""

    type: Literal["ascii"] = "ascii"
    path: str
    """The map file (relative paths from the working directory)."""
    row: int = Field(default=0, ge=0)
    """Row of the area where the map's first line goes."""
    column: int = Field(default=0, ge=0)
    """Column of the area where the map's first character goes."""

    @model_validator(mode="after")
    def _check(self) -> AsciiConfig:
        if not Path(self.path).is_file():
            raise ValueError(f"path: no such map file {self.path!r}")
        return self

    def render(self, scene: Scene) -> None:
        """Loads and pastes the map."""
        paste(scene, load_ascii_map(self.path), self.row, self.column)
