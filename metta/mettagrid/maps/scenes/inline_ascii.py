"""InlineAscii: a small map drawn in the config's text, pasted at (row, column) of the area."""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from metta.mettagrid.maps.ascii import parse_ascii_map
from metta.mettagrid.maps.scenes.scene import Scene, SceneConfig

__all__ = ["InlineAsciiConfig", "paste"]


class InlineAsciiConfig(SceneConfig):
    """Pastes ``data`` (the ASCII map characters, ``metta.mettagrid.maps.ascii``) into the area."""

    type: Literal["inline_ascii"] = "inline_ascii"
    data: str = "@"
    """The map text; every line the same width."""
    row: int = Field(default=0, ge=0)
    """Row of the area where the text's first line goes."""
    column: int = Field(default=0, ge=0)
    """Column of the area where the text's first character goes."""

    @model_validator(mode="after")
    def _check(self) -> InlineAsciiConfig:
        try:
            parse_ascii_map(self.data)
        except ValueError as error:
            raise ValueError(f"data: {error}") from error
        return self

    def render(self, scene: Scene) -> None:
        """Pastes the parsed text."""
        paste(scene, parse_ascii_map(self.data), self.row, self.column)


def paste(scene: Scene, cells: npt.NDArray[np.str_], row: int, column: int) -> None:
    """Copies ``cells`` into the scene's area at (row, column); refuses what does not fit."""
    height, width = cells.shape
    if row + height > scene.height or column + width > scene.width:
        raise ValueError(
            f"a {height}x{width} map at row {row}, column {column} does not fit in the "
            f"{scene.height}x{scene.width} area"
        )
    scene.grid[row : row + height, column : column + width] = cells
