"""MakeConnected: joins every walkable region of the area to the largest by digging tunnels.

One breadth-first search from the largest region (over walkable cells and ``wall``/``block``,
never through other objects) gives each cell its distance in steps; from the nearest cell of
every other region a shortest path back is dug, turning the walls on it into ``empty``. Ties
between equally short next steps are broken at random.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from metta.mettagrid.maps.connectivity import TERRAIN_NAMES, label_components, walkable_mask
from metta.mettagrid.maps.scenes.scene import Scene, SceneConfig

__all__ = ["MakeConnectedConfig", "distance_from"]

_UNREACHED = np.iinfo(np.int32).max
_STEPS = ((-1, 0), (1, 0), (0, -1), (0, 1))


class MakeConnectedConfig(SceneConfig):
    """Digs the shortest tunnels that make the area's walkable cells one region."""

    type: Literal["make_connected"] = "make_connected"

    def render(self, scene: Scene) -> None:
        """Labels the regions, measures distances from the largest, digs one tunnel per region."""
        grid = scene.grid
        walkable = walkable_mask(grid)
        labels, count = label_components(walkable)
        if count <= 1:
            return
        sizes = np.bincount(labels[labels >= 0], minlength=count)
        main = int(np.argmax(sizes))
        passable = walkable | np.isin(grid, list(TERRAIN_NAMES))
        distance = distance_from(labels == main, passable)
        flat_labels = labels.ravel()
        flat_distance = distance.ravel()
        order = np.argsort(flat_labels, kind="stable")
        bounds = np.searchsorted(flat_labels[order], np.arange(count + 1))
        height, width = grid.shape
        for region in range(count):
            if region == main:
                continue
            members = order[bounds[region] : bounds[region + 1]]
            start = int(members[np.argmin(flat_distance[members])])
            if flat_distance[start] == _UNREACHED:
                continue
            row, col = divmod(start, width)
            steps = int(distance[row, col])
            while steps > 0:
                options = [
                    (row + dr, col + dc)
                    for dr, dc in _STEPS
                    if 0 <= row + dr < height
                    and 0 <= col + dc < width
                    and distance[row + dr, col + dc] == steps - 1
                ]
                row, col = options[int(scene.rng.integers(len(options)))]
                steps -= 1
                if not walkable[row, col]:
                    grid[row, col] = "empty"
                    walkable[row, col] = True


def distance_from(
    sources: npt.NDArray[np.bool_], passable: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int32]:
    """Steps from the nearest source through passable cells (breadth-first, one array op per
    ring); unreachable cells hold int32 max."""
    distance = np.full(sources.shape, _UNREACHED, dtype=np.int32)
    distance[sources] = 0
    reached = sources.copy()
    frontier = sources.copy()
    steps = 0
    while frontier.any():
        steps += 1
        grown = np.zeros_like(frontier)
        grown[1:, :] |= frontier[:-1, :]
        grown[:-1, :] |= frontier[1:, :]
        grown[:, 1:] |= frontier[:, :-1]
        grown[:, :-1] |= frontier[:, 1:]
        frontier = grown & passable & ~reached
        reached |= frontier
        distance[frontier] = steps
    return distance
