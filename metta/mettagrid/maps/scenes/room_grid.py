"""RoomGrid: the area cut into equal rooms separated by walls, each room a tagged area.

Rooms are ``(width - border_width * (columns - 1)) // columns`` wide (likewise high); the cells
left over on the right and bottom stay ``border_object``. With ``rows``/``columns`` each room is
tagged ``room`` and ``room_<row>_<col>``; with a ``layout`` each room is tagged by its layout
entry (a list of rows of tag names, or text whose characters are the tags).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from metta.mettagrid.maps.placement import check_object_name
from metta.mettagrid.maps.scenes.scene import Scene, SceneConfig

__all__ = ["RoomGridConfig", "grid_rooms"]

Rect = tuple[int, int, int, int]


class RoomGridConfig(SceneConfig):
    """Equal rooms in rows and columns (overwrites the area)."""

    type: Literal["room_grid"] = "room_grid"
    rows: int | None = Field(default=None, ge=1)
    """Rows of rooms (with columns; not with layout); 2 x 2 rooms when neither nor layout."""
    columns: int | None = Field(default=None, ge=1)
    """Columns of rooms (with rows; not with layout)."""
    layout: tuple[tuple[str, ...], ...] | str | None = None
    """Room tags row by row: a list of lists of names, or text with one character per room."""
    border_width: int = Field(default=1, ge=0)
    """Wall cells between neighbouring rooms."""
    border_object: str = "wall"
    """What the walls between rooms are made of."""

    @model_validator(mode="after")
    def _check(self) -> RoomGridConfig:
        check_object_name(self.border_object, "border_object")
        if self.layout is None:
            if (self.rows is None) != (self.columns is None):
                raise ValueError("rows and columns: give both (or a layout instead)")
            return self
        if self.rows is not None or self.columns is not None:
            raise ValueError("layout: give either layout or rows and columns, not both")
        table = self.tag_table
        if not table or not table[0]:
            raise ValueError("layout: needs at least one room")
        for number, row in enumerate(table, start=1):
            if len(row) != len(table[0]):
                raise ValueError(
                    f"layout: row {number} has {len(row)} rooms, expected {len(table[0])} "
                    "(every row must have the same number of rooms)"
                )
        return self

    @property
    def tag_table(self) -> tuple[tuple[str, ...], ...] | None:
        """The layout as rows of tag names (None without a layout)."""
        if isinstance(self.layout, str):
            lines = [line.strip() for line in self.layout.strip().splitlines()]
            return tuple(tuple(line) for line in lines if line)
        return self.layout

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) of rooms."""
        table = self.tag_table
        if table is not None:
            return len(table), len(table[0])
        return int(self.rows or 2), int(self.columns or 2)

    def tags(self, row: int, col: int) -> tuple[str, ...]:
        """The tags of the room at (row, col)."""
        table = self.tag_table
        if table is not None:
            return (table[row][col],)
        return ("room", f"room_{row}_{col}")

    def render(self, scene: Scene) -> None:
        """Fills the area with border_object, carves the rooms empty and names them."""
        rows, columns = self.shape
        rects = grid_rooms(scene.height, scene.width, rows, columns, self.border_width)
        scene.grid[:] = self.border_object
        for index, (row, col, height, width) in enumerate(rects):
            scene.grid[row : row + height, col : col + width] = "empty"
            scene.make_area(row, col, height, width, self.tags(*divmod(index, columns)))


def grid_rooms(height: int, width: int, rows: int, columns: int, border: int) -> list[Rect]:
    """(row, col, height, width) of each room, row-major; refuses rooms under one cell."""
    room_height = (height - border * (rows - 1)) // rows
    room_width = (width - border * (columns - 1)) // columns
    if room_height < 1 or room_width < 1:
        raise ValueError(
            f"a {height}x{width} area cannot hold {rows}x{columns} rooms with border_width {border}"
        )
    return [
        (r * (room_height + border), c * (room_width + border), room_height, room_width)
        for r in range(rows)
        for c in range(columns)
    ]
