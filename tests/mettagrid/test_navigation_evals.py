"""The navigation eval suite: every map loads by its path, is well formed and solvable in time.

The optimal plan (fewest steps to take all three hearts) is found by breadth-first search over
(cell, orientation, altars taken); each move (forward or back), rotation (to a new orientation)
and take counts one step, as in the engine. The plan is then played in the engine, which checks
the search's rules against the real ones.
"""

from __future__ import annotations

import typing
from collections import deque

import numpy as np
import pytest

from metta.mettagrid.builtin_envs import ENV_PATHS, env_config
from metta.mettagrid.env import MettaGridEnv
from metta.mettagrid.maps import build_map
from metta.mettagrid.maps.connectivity import check_reachability
from metta.mettagrid.navigation_evals import (
    MAPS_DIR,
    NAVIGATION_EVAL_PATHS,
    NAVIGATION_EVAL_PREFIX,
    NAVIGATION_EVALS,
    NavigationKind,
    navigation_eval_env,
    navigation_eval_map_path,
)

NAMES = list(NAVIGATION_EVALS)
VIEW_RADIUS = 5  # the agent sees an 11x11 window
DIRECTIONS = ((-1, 0), (1, 0), (0, -1), (0, 1))  # the engine's orientations: Up, Down, Left, Right

State = tuple[int, int, int, int]  # row, column, orientation, bit mask of altars taken
Action = tuple[str, int]


def load_grid(name: str) -> np.ndarray:
    """The map of eval ``name``, built through its named path as an env would."""
    config = NAVIGATION_EVAL_PATHS[NAVIGATION_EVAL_PREFIX + name](num_agents=1)
    return build_map(config.map_builder, seed=0).grid


def positions(grid: np.ndarray, name: str) -> list[tuple[int, int]]:
    return [(int(r), int(c)) for r, c in np.argwhere(grid == name)]


def optimal_plan(grid: np.ndarray) -> list[Action]:
    """A shortest action sequence that takes the heart of every altar (the agent starts Up)."""
    (start,) = positions(grid, "agent.agent")
    altars = {cell: bit for bit, cell in enumerate(positions(grid, "altar"))}
    everything = (1 << len(altars)) - 1
    walkable = (grid == "empty") | (grid == "agent.agent")
    first: State = (*start, 0, 0)
    parents: dict[State, tuple[State, Action] | None] = {first: None}
    queue = deque([first])
    while queue:
        state = queue.popleft()
        row, col, facing, taken = state
        if taken == everything:
            plan: list[Action] = []
            while (link := parents[state]) is not None:
                state, action = link
                plan.append(action)
            return plan[::-1]
        d_row, d_col = DIRECTIONS[facing]
        steps: list[tuple[State, Action]] = [
            ((row, col, turn, taken), ("rotate", turn)) for turn in range(4) if turn != facing
        ]
        for arg, sign in ((0, 1), (1, -1)):
            r, c = row + sign * d_row, col + sign * d_col
            if walkable[r, c]:
                steps.append(((r, c, facing, taken), ("move", arg)))
        bit = altars.get((row + d_row, col + d_col))
        if bit is not None and not taken >> bit & 1:
            steps.append(((row, col, facing, taken | 1 << bit), ("get_output", 0)))
        for successor, action in steps:
            if successor not in parents:
                parents[successor] = (state, action)
                queue.append(successor)
    raise AssertionError("no plan takes every heart")


def test_suite_is_complete_and_uniquely_named() -> None:
    assert len(NAVIGATION_EVALS) >= 18
    paths = list(NAVIGATION_EVAL_PATHS)
    assert len(set(paths)) == len(paths) == len(NAVIGATION_EVALS)
    assert paths == [NAVIGATION_EVAL_PREFIX + name for name in NAMES]
    files = [spec.file for spec in NAVIGATION_EVALS.values()]
    assert len(set(files)) == len(files)
    assert sorted(files) == sorted(path.name for path in MAPS_DIR.glob("*.map"))
    assert {spec.kind for spec in NAVIGATION_EVALS.values()} == set(typing.get_args(NavigationKind))
    # Merging into ENV_PATHS must not shadow another env: a shared path is this suite's own.
    for path in set(paths) & set(ENV_PATHS):
        assert ENV_PATHS[path] is NAVIGATION_EVAL_PATHS[path], path


def test_maps_are_package_data() -> None:
    """The maps live inside the ``metta`` package, which the wheel ships whole."""
    package_root = MAPS_DIR.parents[2]
    assert package_root.name == "metta"
    assert (package_root / "__init__.py").is_file()
    for name in NAMES:
        assert navigation_eval_map_path(name).is_file()


@pytest.mark.parametrize("name", NAMES)
def test_map_is_well_formed(name: str) -> None:
    grid = load_grid(name)
    height, width = grid.shape
    assert 9 <= height <= 40
    assert 9 <= width <= 40
    assert set(np.unique(grid)) <= {"empty", "wall", "agent.agent", "altar"}
    assert len(positions(grid, "agent.agent")) == 1
    assert len(positions(grid, "altar")) == 3
    border = np.concatenate([grid[0], grid[-1], grid[:, 0], grid[:, -1]])
    assert (border == "wall").all()
    assert check_reachability(grid).all_reachable


@pytest.mark.parametrize("name", NAMES)
def test_env_config(name: str) -> None:
    spec = NAVIGATION_EVALS[name]
    config = navigation_eval_env(name)
    assert config.game.num_agents == 1
    assert config.game.max_steps == spec.max_steps
    assert config.map_builder.path == str(navigation_eval_map_path(name))
    assert config.map_builder.require_connected
    assert NAVIGATION_EVAL_PATHS[NAVIGATION_EVAL_PREFIX + name]() == config


@pytest.mark.parametrize("name", NAMES)
def test_step_limit_leaves_slack_over_the_optimal_plan(name: str) -> None:
    spec = NAVIGATION_EVALS[name]
    optimal = len(optimal_plan(load_grid(name)))
    assert optimal == spec.optimal_steps
    assert 45 <= spec.max_steps <= 300
    assert spec.max_steps >= 1.3 * optimal
    assert spec.max_steps <= max(45, 2 * optimal)


@pytest.mark.parametrize("name", NAMES)
def test_optimal_plan_takes_three_hearts_in_the_engine(name: str) -> None:
    config = navigation_eval_env(name)
    grid = build_map(config.map_builder, seed=0).grid
    plan = optimal_plan(grid)
    env = MettaGridEnv(config.game, grid)
    env.reset(seed=0)
    names = env.action_names
    total = 0.0
    for action, arg in plan:
        _, rewards, terminals, truncations, _ = env.step(
            np.array([[names.index(action), arg]], dtype=np.int32)
        )
        total += float(rewards.sum())
        assert not terminals.any()
        assert not truncations.any()
    assert total == 3.0


@pytest.mark.parametrize(
    "name",
    [name for name, spec in NAVIGATION_EVALS.items() if spec.kind.startswith("open_")],
)
def test_sight_kinds(name: str) -> None:
    """In-sight maps show every altar at the start; out-of-sight maps show none (Chebyshev
    distance from the start beyond the view's radius)."""
    grid = load_grid(name)
    ((row, col),) = positions(grid, "agent.agent")
    distances = [max(abs(r - row), abs(c - col)) for r, c in positions(grid, "altar")]
    if NAVIGATION_EVALS[name].kind == "open_in_sight":
        assert max(distances) <= VIEW_RADIUS
    else:
        assert min(distances) > VIEW_RADIUS


@pytest.mark.parametrize(
    "name", [name for name, spec in NAVIGATION_EVALS.items() if spec.kind == "labyrinth"]
)
def test_labyrinths_are_perfect_mazes(name: str) -> None:
    """The open cells (altars included) form a tree: one path between any two cells."""
    grid = load_grid(name)
    open_cells = {(int(r), int(c)) for r, c in np.argwhere(grid != "wall")}
    edges = sum((r + 1, c) in open_cells for r, c in open_cells)
    edges += sum((r, c + 1) in open_cells for r, c in open_cells)
    assert edges == len(open_cells) - 1  # and connected: checked by test_map_is_well_formed


@pytest.mark.parametrize("num_agents", [0, 2, 4])
def test_factories_refuse_other_agent_counts(num_agents: int) -> None:
    path = NAVIGATION_EVAL_PREFIX + "quick_room"
    with pytest.raises(ValueError, match=rf"{path} .*num_agents={num_agents}"):
        NAVIGATION_EVAL_PATHS[path](num_agents=num_agents)


def test_unknown_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown navigation eval 'nowhere'"):
        navigation_eval_env("nowhere")


def test_named_paths_through_builtin_envs() -> None:
    """Once merged into ``ENV_PATHS``, ``env_config`` serves the suite by path."""
    path = NAVIGATION_EVAL_PREFIX + "quick_room"
    if path not in ENV_PATHS:
        pytest.skip("NAVIGATION_EVAL_PATHS is not merged into builtin_envs.ENV_PATHS yet")
    assert env_config(path, num_agents=1) == navigation_eval_env("quick_room")
