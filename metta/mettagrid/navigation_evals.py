"""The navigation evaluation suite: hand-drawn single-agent ASCII maps with their step limits.

Each map (``maps/navigation_evals/<name>.map``, shipped inside the package) holds one agent
(``@``), three altars (``_``, one heart each) and walls, and is played under the navigation
rules (``builtin_envs.navigation_game``) for its own ``max_steps``. A limit is about 1.3-2x the
optimal plan (``optimal_steps``: fewest steps to take all three hearts, counting each move, each
rotation and each take as one step, computed by breadth-first search over cell, orientation and
altars taken; tests/mettagrid/test_navigation_evals.py recomputes it), so a good policy has
slack but a wandering one runs out. ``NAVIGATION_EVAL_PATHS`` names them
``/env/mettagrid/navigation/evals/<name>`` for ``env_config``/``make_curriculum``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from metta.mettagrid.env_config import EnvConfig
from metta.mettagrid.maps import AsciiMapConfig

__all__ = [
    "MAPS_DIR",
    "NAVIGATION_EVALS",
    "NAVIGATION_EVAL_PATHS",
    "NAVIGATION_EVAL_PREFIX",
    "NavigationEval",
    "NavigationKind",
    "navigation_eval_env",
    "navigation_eval_map_path",
]

MAPS_DIR = Path(__file__).resolve().parent / "maps" / "navigation_evals"
"""Where the ``.map`` files live (package data: shipped in editable and regular installs)."""

NAVIGATION_EVAL_PREFIX = "/env/mettagrid/navigation/evals/"

NavigationKind = Literal[
    "quick",
    "open_in_sight",
    "open_out_of_sight",
    "scattered_walls",
    "corridors",
    "labyrinth",
    "radial_maze",
    "obstacles",
    "cylinder",
    "honeypot",
    "spiral",
]
"""What a map tests. ``open_in_sight``: every altar within 5 cells (Chebyshev) of the start, in
the agent's 11x11 view; ``open_out_of_sight``: every altar farther than that; ``labyrinth``: a
perfect maze (passages form a tree)."""


@dataclass(frozen=True)
class NavigationEval:
    """One evaluation map: its file, step limit, kind, optimal plan length and what it tests."""

    file: str
    """File name in ``MAPS_DIR``."""
    max_steps: int
    """Episode length: about 1.3-2x ``optimal_steps`` (at least 45)."""
    kind: NavigationKind
    optimal_steps: int
    """Fewest steps that take all three hearts (moves, rotations and takes count one each)."""
    description: str


def _eval(
    name: str, max_steps: int, kind: NavigationKind, optimal_steps: int, description: str
) -> tuple[str, NavigationEval]:
    return name, NavigationEval(f"{name}.map", max_steps, kind, optimal_steps, description)


NAVIGATION_EVALS: dict[str, NavigationEval] = dict(
    [
        _eval(
            "quick_room", 45, "quick", 20, "9x9 room with a short wall, two altars in far corners"
        ),
        _eval("quick_wall", 45, "quick", 29, "11x11, a wall across with one gap"),
        _eval("quick_pocket", 45, "quick", 20, "11x9, two altars in a pocket opening below"),
        _eval("open_in_sight", 45, "open_in_sight", 25, "13x13 open field, altars in view"),
        _eval(
            "open_out_of_sight", 80, "open_out_of_sight", 53, "25x25 open field, altars out of view"
        ),
        _eval(
            "open_far_corners",
            150,
            "open_out_of_sight",
            98,
            "39x39 open field from the centre, altars near three corners",
        ),
        _eval("scattered_walls", 85, "scattered_walls", 56, "21x21, short wall pieces"),
        _eval("scattered_walls_large", 125, "scattered_walls", 82, "31x31, short wall pieces"),
        _eval("corridors", 130, "corridors", 87, "29x17, long corridors joined by shafts"),
        _eval(
            "corridors_comb", 90, "corridors", 60, "33x15, one hall with dead-end side corridors"
        ),
        _eval("labyrinth_small", 120, "labyrinth", 79, "15x15 perfect maze"),
        _eval("labyrinth", 240, "labyrinth", 165, "23x23 perfect maze"),
        _eval("labyrinth_large", 250, "labyrinth", 175, "31x31 perfect maze"),
        _eval(
            "radial_maze", 110, "radial_maze", 75, "25x25 hub with 8 arms (4 straight, 4 stepped)"
        ),
        _eval(
            "radial_maze_large",
            250,
            "radial_maze",
            177,
            "35x35 hub with 8 long arms, each ending in a small chamber",
        ),
        _eval("obstacles_sparse", 75, "obstacles", 50, "25x25, ~10% of cells blocked"),
        _eval("obstacles_medium", 90, "obstacles", 59, "25x25, ~22% of cells blocked"),
        _eval("obstacles_dense", 125, "obstacles", 83, "25x25, ~36% of cells blocked"),
        _eval("cylinder", 90, "cylinder", 60, "35x13, start inside a long tube with two gaps"),
        _eval(
            "cylinder_lanes",
            195,
            "cylinder",
            132,
            "31x21, five lanes between four long walls, one or two gaps each",
        ),
        _eval("cylinder_vertical", 100, "cylinder", 66, "19x33, a vertical tube with two gaps"),
        _eval(
            "honeypot_detour",
            85,
            "honeypot",
            55,
            "27x21, the altar cluster is in plain view in a box whose door faces away",
        ),
        _eval(
            "honeypot_trap",
            80,
            "honeypot",
            54,
            "33x17, one altar in view near the start; the other two far, behind two walls",
        ),
        _eval("spiral", 160, "spiral", 108, "19x19 spiral, start outside, altars inward"),
        _eval(
            "spiral_out", 220, "spiral", 149, "25x25 spiral, start at the centre, altars outward"
        ),
    ]
)
"""The suite, by name (the name is also the path suffix)."""


def navigation_eval_map_path(name: str) -> Path:
    """The packaged ``.map`` file of evaluation ``name``."""
    return MAPS_DIR / _lookup(name).file


def _lookup(name: str) -> NavigationEval:
    try:
        return NAVIGATION_EVALS[name]
    except KeyError:
        known = ", ".join(NAVIGATION_EVALS)
        raise ValueError(f"unknown navigation eval {name!r}; known: {known}") from None


def navigation_eval_env(name: str) -> EnvConfig:
    """Evaluation ``name``: the navigation rules for one agent and its step limit, on its map."""
    # Imported here: builtin_envs imports this module to register the paths.
    from metta.mettagrid.builtin_envs import navigation_game  # noqa: PLC0415

    spec = _lookup(name)
    return EnvConfig(
        game=navigation_game(1, spec.max_steps),
        map_builder=AsciiMapConfig(path=str(MAPS_DIR / spec.file), require_connected=True),
    )


def _factory(name: str) -> Callable[..., EnvConfig]:
    """An ``ENV_PATHS`` factory for evaluation ``name``: takes ``num_agents``, which must be 1."""

    def factory(num_agents: int = 1) -> EnvConfig:
        if num_agents != 1:
            raise ValueError(
                f"{NAVIGATION_EVAL_PREFIX}{name} is a single-agent map: num_agents must be 1, "
                f"got num_agents={num_agents}"
            )
        return navigation_eval_env(name)

    factory.__name__ = f"navigation_eval_{name}"
    factory.__doc__ = f"Navigation eval {name!r}: {NAVIGATION_EVALS[name].description}."
    return factory


NAVIGATION_EVAL_PATHS: dict[str, Callable[..., EnvConfig]] = {
    f"{NAVIGATION_EVAL_PREFIX}{name}": _factory(name) for name in NAVIGATION_EVALS
}
"""``/env/mettagrid/navigation/evals/<name>`` -> factory(num_agents=1) -> EnvConfig."""
