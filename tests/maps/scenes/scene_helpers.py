"""Rendering a scene on its own (no border) and reading the result as ASCII."""

from __future__ import annotations

import numpy as np

from metta.mettagrid.maps import MapGenConfig, build_map, grid_to_ascii, label_components


def render(scene, height, width, seed=0):
    """The inner grid a scene tree draws on a ``height`` x ``width`` map with no border."""
    config = MapGenConfig(width=width, height=height, root=scene, border_width=0)
    return build_map(config, seed).grid


def ascii_of(grid):
    """The grid as map text, one line per row."""
    return grid_to_ascii(grid)


def lines(text):
    """Hand-drawn map text without its surrounding blank lines and indentation."""
    return "\n".join(line.strip() for line in text.strip().splitlines())


def walkable_components(grid):
    """Number of 4-connected regions of empty and agent cells."""
    walkable = (grid == "empty") | np.char.startswith(grid.astype(str), "agent")
    return label_components(walkable)[1]
