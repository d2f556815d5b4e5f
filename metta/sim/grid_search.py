"""Shortest paths for one agent on a grid with the engine's navigation actions.

States are (orientation, row, col); ``move`` arg 0/1 steps one cell forward/backward along the
orientation into a free cell and keeps it; ``rotate`` arg sets the orientation and costs a step.
Both the full-map oracle and the partially observing explorer plan with these searches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "ORIENTATION_OFFSETS",
    "UNREACHABLE",
    "Action",
    "NavigationActions",
    "State",
    "distances",
    "shortest_path",
    "single_agent",
]

ORIENTATION_OFFSETS: tuple[tuple[int, int], ...] = ((-1, 0), (1, 0), (0, -1), (0, 1))
"""(row, col) change of one step forward for orientation 0 Up, 1 Down, 2 Left, 3 Right."""

UNREACHABLE = -1

State = tuple[int, int, int]
"""An agent state: (orientation, row, col)."""

Action = tuple[int, int]
"""An engine action: (index in action_names, argument)."""


@dataclass(frozen=True)
class NavigationActions:
    """The navigation actions as engine (index, arg) pairs, looked up by name."""

    noop: Action
    forward: Action
    backward: Action
    get_output: Action
    rotate: tuple[Action, ...]

    @classmethod
    def of(cls, names: Sequence[str], max_args: Sequence[int]) -> NavigationActions:
        """Finds each action by name; refuses an action set a planner cannot use."""
        needed = {"noop": 0, "move": 1, "rotate": 3, "get_output": 0}
        missing = [
            f"{name} (max arg >= {arg})"
            for name, arg in needed.items()
            if name not in names or max_args[list(names).index(name)] < arg
        ]
        if missing:
            raise ValueError(
                f"navigation planner: the game lacks the actions {', '.join(missing)}; "
                f"it has {list(names)} with max args {list(max_args)}"
            )
        index = {name: list(names).index(name) for name in needed}
        return cls(
            noop=(index["noop"], 0),
            forward=(index["move"], 0),
            backward=(index["move"], 1),
            get_output=(index["get_output"], 0),
            rotate=tuple((index["rotate"], o) for o in range(4)),
        )


def distances(
    free: npt.NDArray[np.bool_],
    start: State,
    until: npt.NDArray[np.bool_] | None = None,
    *,
    backward: bool = True,
) -> npt.NDArray[np.int32]:
    """Fewest steps from ``start`` to every state, as an [orientation, row, col] array
    (UNREACHABLE where none): a breadth-first search, one whole frontier per numpy pass.

    With ``until`` (a boolean [orientation, row, col] array), the search stops after the first
    level that reaches one of those states: every state up to that distance is exact, farther
    ones are UNREACHABLE. Without ``backward`` only forward moves (and rotations) are used."""
    dist = np.full((4, *free.shape), UNREACHABLE, dtype=np.int32)
    frontier = np.zeros(dist.shape, dtype=bool)
    dist[start] = 0
    frontier[start] = True
    step = 0
    while frontier.any() and not (until is not None and (frontier & until).any()):
        step += 1
        # Rotating reaches the other orientations of a cell; moving forward or backward keeps
        # the orientation and changes the row (orientations 0, 1) or the column (2, 3).
        reached = np.repeat(frontier.any(axis=0)[None], 4, axis=0)
        if backward:
            vertical, horizontal = frontier[:2], frontier[2:]
            reached[:2, 1:, :] |= vertical[:, :-1, :]
            reached[:2, :-1, :] |= vertical[:, 1:, :]
            reached[2:, :, 1:] |= horizontal[:, :, :-1]
            reached[2:, :, :-1] |= horizontal[:, :, 1:]
        else:  # forward along each orientation's own direction (ORIENTATION_OFFSETS)
            reached[0, :-1, :] |= frontier[0, 1:, :]
            reached[1, 1:, :] |= frontier[1, :-1, :]
            reached[2, :, :-1] |= frontier[2, :, 1:]
            reached[3, :, 1:] |= frontier[3, :, :-1]
        frontier = reached & free[None] & (dist == UNREACHABLE)
        dist[frontier] = step
    return dist


def shortest_path(
    dist: npt.NDArray[np.int32], target: State, actions: NavigationActions, *, backward: bool = True
) -> list[Action]:
    """The actions of one shortest path from the search start of ``dist`` to ``target`` (without
    ``backward``, of a search made without backward moves)."""
    height, width = dist.shape[1:]
    o, r, c = target
    path: list[Action] = []
    while dist[o, r, c] > 0:
        dr, dc = ORIENTATION_OFFSETS[o]
        before: list[tuple[State, Action]] = [
            ((o, r - dr, c - dc), actions.forward),
            *([((o, r + dr, c + dc), actions.backward)] if backward else []),
            *(((p, r, c), actions.rotate[o]) for p in range(4) if p != o),
        ]
        for (po, pr, pc), action in before:
            if 0 <= pr < height and 0 <= pc < width and dist[po, pr, pc] == dist[o, r, c] - 1:
                path.append(action)
                o, r, c = po, pr, pc
                break
    path.reverse()
    return path


def single_agent(objects: Sequence[dict[str, Any]], planner: str) -> dict[str, Any]:
    """The one agent among ``objects`` (grid_objects values); ValueError naming ``planner`` and
    the agent count when there is not exactly one."""
    agents = [obj for obj in objects if "agent_id" in obj]
    if len(agents) != 1:
        raise ValueError(
            f"{planner}: only single-agent maps are supported, this map has {len(agents)} agents"
        )
    return agents[0]
