"""A scripted navigator that sees only what the policy sees: a realistic ceiling for the suite.

The full-map oracle knows where every altar is from the first step; a policy observes only the
window around its agent. ``NavigationExplorer`` plays with the policy's information: it
remembers every cell that has been inside its observation window, walks to the nearest altar it
knows still holds hearts, and otherwise to the nearest known free cell next to an unseen one
(frontier exploration). Its score on a map says how much of the oracle's reward a partially
observing agent can reasonably hope for there.
"""

from __future__ import annotations

from typing import Protocol

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

__all__ = ["ExplorerTeam", "NavigationExplorer"]


class NavigationExplorer:
    """Frontier exploration with memory, for one single-agent game.

    Call ``action(view)`` once per step with the game's view: it reads the agent's state and the
    objects inside the observation window (``obs_height`` x ``obs_width`` centred on the agent,
    the window the policy's observation covers), adds them to its memory and returns the engine
    action to take. Nothing outside the window is read. Every step replans from scratch with
    exact shortest paths over (orientation, cell) states through cells known to be free, so the
    agent's facing and every rotation are counted.
    """

    def __init__(self, view: GameView, *, backward: bool = True) -> None:
        self._actions = NavigationActions.of(view.action_names, view.max_action_args)
        self._backward = backward
        """Whether it may walk backward; without, it turns and walks forward (as a policy that
        disables ``move_1`` must, so its labels are actions that policy can take)."""
        shape = (view.map_height, view.map_width)
        self._known = np.zeros(shape, dtype=bool)
        self._blocked = np.zeros(shape, dtype=bool)
        self._hearts = np.zeros(shape, dtype=np.int64)
        """Hearts last seen in each known altar cell (0 elsewhere)."""
        self._half = (view.obs_height // 2, view.obs_width // 2)
        self.heading_for_altar = False
        """Whether the last action was on the way to (or collecting from) a known altar."""

    @property
    def known_cells(self) -> int:
        """How many map cells have been inside the observation window so far."""
        return int(self._known.sum())

    def action(self, view: GameView) -> Action:
        """Observes the window around the agent and returns the next engine action."""
        state = self._observe(view)
        free = self._known & ~self._blocked
        free[state[1:]] = True
        pickups = self._pickup_states()
        if pickups.any():
            dist = distances(free, state, until=pickups, backward=self._backward)
            target = _nearest(dist, pickups)
            if target is not None:
                self.heading_for_altar = True
                path = shortest_path(dist, target, self._actions, backward=self._backward)
                return path[0] if path else self._actions.get_output
        self.heading_for_altar = False
        frontier = self._frontier_states(free)
        frontier[state] = False  # arriving at a frontier state must take a step
        dist = distances(free, state, until=frontier, backward=self._backward)
        target = _nearest(dist, frontier)
        if target is None:
            return self._actions.noop
        return shortest_path(dist, target, self._actions, backward=self._backward)[0]

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

    def _pickup_states(self) -> npt.NDArray[np.bool_]:
        """[orientation, row, col]: the states facing a known altar that still holds hearts."""
        height, width = self._hearts.shape
        states = np.zeros((4, height, width), dtype=bool)
        for r, c in zip(*np.nonzero(self._hearts > 0), strict=True):
            for o, (dr, dc) in enumerate(ORIENTATION_OFFSETS):
                pr, pc = int(r) - dr, int(c) - dc
                if 0 <= pr < height and 0 <= pc < width:
                    states[o, pr, pc] = True
        return states

    def _frontier_states(self, free: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """[orientation, row, col]: the states on a known free cell facing an unseen one, where
        a step forward explores."""
        height, width = free.shape
        unknown = np.pad(~self._known, 1, constant_values=False)
        return np.stack(
            [
                free & unknown[1 + dr : 1 + dr + height, 1 + dc : 1 + dc + width]
                for dr, dc in ORIENTATION_OFFSETS
            ]
        )


def _nearest(dist: npt.NDArray[np.int32], targets: npt.NDArray[np.bool_]) -> State | None:
    """The reachable target state with the fewest steps (ties: the lowest (o, row, col))."""
    never = np.iinfo(np.int32).max
    steps = np.where(targets & (dist != UNREACHABLE), dist, never)
    flat = int(np.argmin(steps))
    if steps.flat[flat] == never:
        return None
    o, r, c = np.unravel_index(flat, steps.shape)
    return int(o), int(r), int(c)


class _Games(Protocol):
    """What ``ExplorerTeam`` needs of a vector env: its games and a view of each."""

    @property
    def num_envs(self) -> int: ...

    def game_view(self, game: int) -> GameView: ...


class ExplorerTeam:
    """One ``NavigationExplorer`` per game of a vector env of single-agent games.

    ``actions()`` gives every game's next engine action (row g is game g's agent). When a game
    starts a new episode, call ``restart(game)`` before the next ``actions()``: the explorer
    forgets the old map and reads the new one's size. Used to play the explorer as a baseline
    and as a scripted teacher during training.
    """

    def __init__(self, env: _Games, *, altars_only: bool = False, backward: bool = True) -> None:
        self._altars_only = altars_only
        self._backward = backward
        self._views = [env.game_view(game) for game in range(env.num_envs)]
        for view in self._views:
            if view.num_agents != 1:
                raise ValueError(
                    f"ExplorerTeam: only single-agent games are supported, the env has "
                    f"{view.num_agents} agents per game"
                )
        self._explorers = [NavigationExplorer(view, backward=backward) for view in self._views]

    def restart(self, game: int) -> None:
        """Forgets game ``game``'s map: its explorer starts afresh on the current episode."""
        self._explorers[game] = NavigationExplorer(self._views[game], backward=self._backward)

    def actions(self, games: slice = slice(None)) -> npt.NDArray[np.int32]:
        """``[games, 2]`` engine actions (type, arg), one per game of ``games`` (default: all);
        with ``altars_only``, (-1, -1) where the explorer is exploring rather than heading for a
        known altar. Only those games' explorers observe and plan."""
        chosen = range(len(self._views))[games]
        actions = np.empty((len(chosen), 2), dtype=np.int32)
        for row, game in enumerate(chosen):
            explorer = self._explorers[game]
            actions[row] = explorer.action(self._views[game])
            if self._altars_only and not explorer.heading_for_altar:
                actions[row] = -1
        return actions
