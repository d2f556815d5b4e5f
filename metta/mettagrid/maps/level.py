"""`Level`: what every map builder returns (a grid of object names plus labels), and grid helpers.

Labels feed the env's ``map_reward/<label>`` infos; the size label comes from the inner area
(inner area < 4000 cells ``small``, < 6000 ``medium``, else ``large``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from metta.mettagrid.maps.connectivity import ReachabilityReport, agent_mask, check_reachability

__all__ = [
    "GRID_DTYPE",
    "MAX_NAME_LENGTH",
    "Level",
    "Region",
    "add_border",
    "empty_grid",
    "size_label",
]

MAX_NAME_LENGTH = 50
"""Longest object name a grid cell holds (grids are ``<U50`` string arrays)."""

GRID_DTYPE = np.dtype(f"<U{MAX_NAME_LENGTH}")

Region = tuple[int, int, int, int]
"""(row, col, height, width) of a rectangle of a grid."""

SMALL_AREA_LIMIT = 4000
MEDIUM_AREA_LIMIT = 6000


def size_label(width: int, height: int) -> str:
    """The size band of an inner area: ``small``, ``medium`` or ``large``."""
    area = width * height
    if area < SMALL_AREA_LIMIT:
        return "small"
    if area < MEDIUM_AREA_LIMIT:
        return "medium"
    return "large"


def empty_grid(height: int, width: int) -> npt.NDArray[np.str_]:
    """A ``[height, width]`` grid of ``"empty"`` cells."""
    return np.full((height, width), "empty", dtype=GRID_DTYPE)


def add_border(grid: npt.NDArray[np.str_], width: int, name: str = "wall") -> npt.NDArray[np.str_]:
    """Pads a grid with ``width`` cells of ``name`` on every side."""
    if width < 0:
        raise ValueError(f"border_width must be >= 0, got {width}")
    height, columns = grid.shape
    padded = np.full((height + 2 * width, columns + 2 * width), name, dtype=GRID_DTYPE)
    padded[width : width + height, width : width + columns] = grid
    return padded


@dataclass(frozen=True)
class Level:
    """A built map: ``grid[r, c]`` is the object name at row r, column c; labels name its kind."""

    grid: npt.NDArray[np.str_]
    labels: tuple[str, ...] = field(default_factory=tuple)
    regions: tuple[Region, ...] = field(default_factory=tuple)
    """Separate rooms (row, col, height, width) of a multi-room map; empty for a single room."""

    def __post_init__(self) -> None:
        if self.grid.ndim != 2:
            raise ValueError(f"Level.grid must be 2-D [height, width], got shape {self.grid.shape}")

    @property
    def height(self) -> int:
        """Number of rows."""
        return int(self.grid.shape[0])

    @property
    def width(self) -> int:
        """Number of columns."""
        return int(self.grid.shape[1])

    @property
    def num_agents(self) -> int:
        """Number of cells holding an agent (names ``agent.<group>``)."""
        return int(agent_mask(self.grid).sum())

    def count(self, name: str) -> int:
        """Number of cells holding exactly ``name``."""
        return int((self.grid == name).sum())

    def reachability(self) -> list[ReachabilityReport]:
        """One flood-fill report per room (the whole grid when the map is a single room)."""
        regions = self.regions or ((0, 0, self.height, self.width),)
        return [
            check_reachability(self.grid[row : row + height, col : col + width])
            for row, col, height, width in regions
        ]
