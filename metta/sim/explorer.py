"""A scripted navigator that sees only what the policy sees: a realistic ceiling for the suite.

The full-map oracle knows where every altar is from the first step; a policy observes only the
window around its agent. ``NavigationExplorer`` plays with the policy's information: it
remembers every cell that has been inside its observation window, walks to the nearest altar it
knows still holds hearts, and otherwise to the nearest known free cell next to an unseen one
(frontier exploration). Its score on a map says how much of the oracle's reward a partially
observing agent can reasonably hope for there.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from metta.mettagrid.game_view import GameView
from metta.sim.grid_search import (
    ORIENTATION_OFFSETS,
    UNREACHABLE,
    Action,
    NavigationActions,
    State,
    distances,
    shortest_path,
    single_agent,
)

__all__ = ["NavigationExplorer"]


class NavigationExplorer:
    """Frontier exploration with memory, for one single-agent game.

    Call ``action(view)`` once per step with the game's view: it reads the agent's state and the
    objects inside the observation window (``obs_height`` x ``obs_width`` centred on the agent,
    the window the policy's observation covers), adds them to its memory and returns the engine
    action to take. Nothing outside the window is read. Every step replans from scratch with
    exact shortest paths over (orientation, cell) states through cells known to be free, so the
    agent's facing and every rotation are counted.
    """

    def __init__(self, view: GameView) -> None:
        self._actions = NavigationActions.of(view.action_names, view.max_action_args)
        shape = (view.map_height, view.map_width)
        self._known = np.zeros(shape, dtype=bool)
        self._blocked = np.zeros(shape, dtype=bool)
        self._hearts = np.zeros(shape, dtype=np.int64)
        """Hearts last seen in each known altar cell (0 elsewhere)."""
        self._half = (view.obs_height // 2, view.obs_width // 2)

    @property
    def known_cells(self) -> int:
        """How many map cells have been inside the observation window so far."""
        return int(self._known.sum())

    def action(self, view: GameView) -> Action:
        """Observes the window around the agent and returns the next engine action."""
        state = self._observe(view)
        free = self._known & ~self._blocked
        free[state[1:]] = True
        dist = distances(free, state)
        target = self._nearest_pickup(dist)
        if target is not None:
            path = shortest_path(dist, target, self._actions)
            return path[0] if path else self._actions.get_output
        target = self._nearest_frontier(dist, free)
        if target is None:
            return self._actions.noop
        return shortest_path(dist, target, self._actions)[0]

    def _observe(self, view: GameView) -> State:
        """Records the objects inside the window; returns the agent's (orientation, row, col)."""
        objects = list(view.grid_objects.values())
        agent = single_agent(objects, "NavigationExplorer")
        row, col = int(agent["r"]), int(agent["c"])
        top, left = max(row - self._half[0], 0), max(col - self._half[1], 0)
        bottom, right = row + self._half[0] + 1, col + self._half[1] + 1
        self._known[top:bottom, left:right] = True
        self._blocked[top:bottom, left:right] = False
        self._hearts[top:bottom, left:right] = 0
        for obj in objects:
            r, c = int(obj["r"]), int(obj["c"])
            if obj is agent or not (top <= r < bottom and left <= c < right):
                continue
            self._blocked[r, c] = True
            if obj["type_name"] == "altar":
                self._hearts[r, c] = int(obj.get("inv:heart", 0))
        return int(agent["agent:orientation"]), row, col

    def _nearest_pickup(self, dist: npt.NDArray[np.int32]) -> State | None:
        """The closest reachable state facing a known altar that still holds hearts."""
        height, width = self._hearts.shape
        best: tuple[int, State] | None = None
        for r, c in zip(*np.nonzero(self._hearts > 0), strict=True):
            for o, (dr, dc) in enumerate(ORIENTATION_OFFSETS):
                pr, pc = int(r) - dr, int(c) - dc
                if 0 <= pr < height and 0 <= pc < width and dist[o, pr, pc] != UNREACHABLE:
                    candidate = (int(dist[o, pr, pc]), (o, pr, pc))
                    if best is None or candidate < best:
                        best = candidate
        return None if best is None else best[1]

    def _nearest_frontier(
        self, dist: npt.NDArray[np.int32], free: npt.NDArray[np.bool_]
    ) -> State | None:
        """The closest reachable state, other than the current one, that stands on a known free
        cell facing an unseen one: arriving there, a step forward explores."""
        height, width = free.shape
        unknown = np.pad(~self._known, 1, constant_values=False)
        facing_unknown = np.stack(
            [
                free & unknown[1 + dr : 1 + dr + height, 1 + dc : 1 + dc + width]
                for dr, dc in ORIENTATION_OFFSETS
            ]
        )
        never = np.iinfo(np.int32).max
        steps = np.where((dist > 0) & facing_unknown, dist, never)
        flat = int(np.argmin(steps))
        if steps.flat[flat] == never:
            return None
        o, r, c = np.unravel_index(flat, steps.shape)
        return int(o), int(r), int(c)
