"""ASCII map builder: a hand-drawn map from a ``.map``/``.txt`` file or inline text.

A user's map is never silently changed: when ``require_connected`` is on, a map whose agents or
objects cannot all be reached is refused with the cells that are cut off.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from metta.mettagrid.maps.ascii import load_ascii_map, parse_ascii_map
from metta.mettagrid.maps.base import MapBuilderConfig
from metta.mettagrid.maps.connectivity import check_reachability
from metta.mettagrid.maps.level import Level, add_border, size_label

__all__ = ["AsciiMapConfig", "build_ascii_map"]


class AsciiMapConfig(MapBuilderConfig):
    """A map drawn in ASCII cell codes (see ``ascii.CHAR_TO_NAME``)."""

    type: Literal["ascii"] = "ascii"
    path: str | None = None
    """File to read; exactly one of path and text."""
    text: str | None = None
    """Inline map text; exactly one of path and text."""
    border_width: int = Field(default=0, ge=0)
    """Wall cells added around the drawn map."""
    require_connected: bool = True
    """Refuse maps whose agents/objects are not all reachable from the first agent."""

    @model_validator(mode="after")
    def _check(self) -> AsciiMapConfig:
        if (self.path is None) == (self.text is None):
            raise ValueError("give exactly one of path and text")
        if self.path is not None and not Path(self.path).is_file():
            raise ValueError(f"path: no such map file {self.path!r}")
        return self


def build_ascii_map(config: AsciiMapConfig, rng: np.random.Generator) -> Level:
    """Parses the map (rng unused: the map is fixed) and checks reachability if asked."""
    del rng
    if config.path is not None:
        grid = load_ascii_map(config.path)
        source = config.path
    else:
        grid = parse_ascii_map(config.text or "")
        source = "text"
    if config.require_connected:
        report = check_reachability(grid)
        if not report.all_reachable:
            raise ValueError(
                f"ASCII map {source}: not every agent and object is reachable "
                f"({report.describe()}); fix the map or set require_connected=False"
            )
    height, width = grid.shape
    return Level(add_border(grid, config.border_width), ("ascii", size_label(width, height)))
