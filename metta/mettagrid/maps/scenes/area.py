"""`Area`: a rectangle of the map that a scene draws into, and the query children select areas by.

An area's ``grid`` is a numpy view of the one map grid, so a scene writes straight into the map.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Area", "AreaWhere", "OrderBy"]

OrderBy = Literal["random", "first", "last"]


@dataclass(frozen=True)
class Area:
    """A view of the map grid with its position (in the inner map, border excluded) and tags."""

    grid: npt.NDArray[np.str_]
    row: int = 0
    col: int = 0
    tags: tuple[str, ...] = ()
    index: int = -1
    """Position among the areas its scene made (what locks remember); -1 for a scene's full area."""

    @property
    def height(self) -> int:
        """Number of rows."""
        return int(self.grid.shape[0])

    @property
    def width(self) -> int:
        """Number of columns."""
        return int(self.grid.shape[1])

    def sub(
        self, row: int, col: int, height: int, width: int, tags: tuple[str, ...], index: int
    ) -> Area:
        """The sub-rectangle at (row, col) of this area, as an area of its own."""
        if row < 0 or col < 0 or height < 1 or width < 1:
            raise ValueError(
                f"area ({row}, {col}, {height}x{width}) must have row, col >= 0 and size >= 1"
            )
        if row + height > self.height or col + width > self.width:
            raise ValueError(
                f"area ({row}, {col}, {height}x{width}) does not fit in a "
                f"{self.height}x{self.width} area"
            )
        return Area(
            self.grid[row : row + height, col : col + width],
            self.row + row,
            self.col + col,
            tags,
            index,
        )


class AreaWhere(BaseModel):
    """Selects a scene's named areas that carry every one of ``tags`` (all areas when empty)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    tags: tuple[str, ...] = Field(default=())
    """Tags an area must all carry."""
