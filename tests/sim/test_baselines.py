"""Navigation baselines: engine semantics, exact oracle plans on hand-worked maps, random policy,
the maps a Simulation sees, the normalized score."""

import math
from collections import deque

import numpy as np
import pytest

from metta.agent import make_policy
from metta.mettagrid.builtin_envs import navigation_game
from metta.mettagrid.env import MettaGridEnv
from metta.mettagrid.env_config import EnvConfig
from metta.mettagrid.maps import AsciiMapConfig
from metta.mettagrid.maps.ascii import parse_ascii_map
from metta.sim.baselines import (
    ORIENTATION_OFFSETS,
    NavigationOracle,
    make_baseline_env,
    navigation_baselines,
    normalized_score,
    oracle_episode_return,
    oracle_episodes,
    random_episode_return,
    random_episodes,
    simulation_num_envs,
)
from metta.sim.simulation import Simulation
from metta.sim.simulation_config import SingleEnvSimulationConfig

# Altars in the top row, reachable only from below (the agent starts facing Up); a leg to an
# altar d columns away costs d moves + 3 (turn sideways, turn Up, get_output).
TRAP = """
a###aa
.@....
"""
NOT_NEAREST_FIRST = """
a####a#a
...@....
"""


def nav(text: str, max_steps: int = 50) -> EnvConfig:
    return EnvConfig(
        game=navigation_game(1, max_steps=max_steps), map_builder=AsciiMapConfig(text=text)
    )


def oracle_for(text: str, max_steps: int = 50, **kwargs) -> NavigationOracle:
    env = make_baseline_env(nav(text, max_steps))
    env.reset()
    try:
        return NavigationOracle(env.driver_env, **kwargs)
    finally:
        env.close()


class Game:
    """One single-agent game, stepped by action name."""

    def __init__(self, text: str, max_steps: int = 50) -> None:
        self.env = make_baseline_env(nav(text, max_steps))
        self.env.reset()
        self.view = self.env.driver_env
        self.names = self.view.action_names

    def step(self, name: str, arg: int = 0) -> float:
        actions = np.array([[self.names.index(name), arg]], dtype=np.int32)
        _, rewards, *_ = self.env.step(actions)
        return float(rewards[0])

    def fails(self, name: str, arg: int = 0) -> bool:
        """Steps; True when the action failed and paid nothing."""
        return self.step(name, arg) == 0 and not self.view.action_success[0]

    def agent(self) -> tuple[int, int, int]:
        (agent,) = [o for o in self.view.grid_objects.values() if "agent_id" in o]
        return agent["agent:orientation"], agent["r"], agent["c"]


# Engine semantics the oracle plans with.


def test_navigation_actions_and_orientation_offsets():
    game = Game(".....\n.....\n..@..\n.....\n.....")
    assert game.names == ["noop", "move", "rotate", "get_output"]
    assert game.view.max_action_args == [0, 1, 3, 0]
    assert game.agent() == (0, 2, 2)  # agents start facing Up
    for orientation, (dr, dc) in enumerate(ORIENTATION_OFFSETS):
        game.step("rotate", orientation)
        assert game.agent() == (orientation, 2, 2)
        game.step("move", 0)
        assert game.agent() == (orientation, 2 + dr, 2 + dc)  # forward keeps the orientation
        game.step("move", 1)
        assert game.agent() == (orientation, 2, 2)  # backward is the opposite step


def test_walls_altars_and_the_map_edge_block_and_an_altar_pays_once():
    game = Game("a.\n@#")
    assert game.fails("move", 0)  # into the altar
    assert game.fails("move", 1)  # off the map
    game.step("rotate", 3)
    assert game.fails("move", 0)  # into the wall
    assert game.agent() == (3, 1, 0)
    assert game.fails("get_output")  # a wall in front
    game.step("rotate", 0)
    assert game.step("get_output") == 1.0
    assert game.fails("get_output")  # emptied
    assert game.fails("move", 0)  # an empty altar still blocks


def test_the_action_at_max_steps_still_pays():
    game = Game("a\n@", max_steps=1)
    assert game.step("get_output") == 1.0
    assert game.env.truncations[0]


# Exact plans on hand-worked maps.


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        ("a\n@", 1),  # facing it: get_output
        ("@\na", 2),  # behind: rotate Down, get_output
        ("@....a", 6),  # corridor: rotate Right, 4 moves, get_output
        (".a.\n.#.\n.@.", 7),  # around a wall: rotate, move, rotate, 2 moves, rotate, get
    ],
)
def test_single_altar_plans_are_shortest(text, steps):
    oracle = oracle_for(text)
    assert (oracle.ceiling, oracle.steps) == (1, steps)
    assert oracle.exact


def test_the_best_order_is_not_nearest_first():
    # Nearest first: col 5 (5), col 7 (5), col 0 (10) = 20; best: col 0 (6), 5 (8), 7 (5) = 19.
    oracle = oracle_for(NOT_NEAREST_FIRST)
    assert (oracle.ceiling, oracle.steps) == (3, 19)
    assert oracle.altars == [(0, 0), (0, 5), (0, 7)]
    greedy = oracle_for(NOT_NEAREST_FIRST, exact_limit=0)
    assert (greedy.ceiling, greedy.steps, greedy.exact) == (3, 20, False)


def test_a_tight_step_limit_picks_the_pair_that_fits():
    # 10 steps: the far pair (6 + 4) fits; the near altar first (4) leaves 6 < 7 for another.
    oracle = oracle_for(TRAP, max_steps=10)
    assert (oracle.ceiling, oracle.steps) == (2, 10)
    assert oracle.altars == [(0, 4), (0, 5)]
    assert oracle_for(TRAP, max_steps=10, exact_limit=0).ceiling == 1
    assert (oracle_for(TRAP).ceiling, oracle_for(TRAP).steps) == (3, 15)  # near altar first


@pytest.mark.parametrize(
    ("text", "max_steps"),
    [("@....a", 6), (NOT_NEAREST_FIRST, 19), (TRAP, 10), (TRAP, 14), (TRAP, 15)],
)
def test_playing_the_plan_in_the_env_pays_the_ceiling(text, max_steps):
    (episode,) = oracle_episodes(nav(text, max_steps))
    assert episode.reward == episode.ceiling
    assert episode.ceiling == oracle_for(text, max_steps).ceiling
    assert oracle_episode_return(nav(text, max_steps)) == episode.reward


def brute_force(text: str, max_steps: int) -> tuple[int, int]:
    """(most altars, fewest steps for them): a breadth-first search over (state, altars taken)
    that steps the rules directly, independent of the oracle's code."""
    grid = parse_ascii_map(text)
    height, width = grid.shape
    altars = {cell: i for i, cell in enumerate(zip(*np.nonzero(grid == "altar"), strict=True))}
    (start,) = zip(*np.nonzero(grid == "agent.agent"), strict=True)

    def free(r: int, c: int) -> bool:
        return 0 <= r < height and 0 <= c < width and grid[r, c] in ("empty", "agent.agent")

    seen = {(0, *start, 0): 0}
    queue = deque(seen)
    best = (0, 0)
    while queue:
        state = queue.popleft()
        o, r, c, taken = state
        steps = seen[state]
        best = max(best, (bin(taken).count("1"), -steps))
        if steps == max_steps:
            continue
        dr, dc = ORIENTATION_OFFSETS[o]
        after = [(p, r, c, taken) for p in range(4)]
        after += [
            (o, r + s * dr, c + s * dc, taken) for s in (1, -1) if free(r + s * dr, c + s * dc)
        ]
        if (r + dr, c + dc) in altars:
            after.append((o, r, c, taken | 1 << altars[r + dr, c + dc]))
        for nxt in after:
            if nxt not in seen:
                seen[nxt] = steps + 1
                queue.append(nxt)
    return best[0], -best[1]


@pytest.mark.parametrize("seed", range(8))
def test_the_oracle_matches_a_brute_force_search_on_random_maps(seed):
    rng = np.random.default_rng(seed)
    cells = rng.choice(np.array(list(".....#a")), size=(4, 6))
    cells[rng.integers(4), rng.integers(6)] = "@"
    text = "\n".join("".join(row) for row in cells)
    max_steps = int(rng.integers(6, 30))
    grid = parse_ascii_map(text)
    env = MettaGridEnv(navigation_game(1, max_steps=max_steps), grid)
    oracle = NavigationOracle(env)
    assert (oracle.ceiling, oracle.steps) == brute_force(text, max_steps)


@pytest.mark.parametrize(("max_steps", "ceiling", "steps"), [(11, 2, 9), (10, 1, 5)])
def test_emptied_altars_and_spent_steps_are_not_planned_again(max_steps, ceiling, steps):
    game = Game(TRAP.replace(".@", "a@").replace("a###", "####"), max_steps=max_steps)
    game.step("rotate", 2)
    assert game.step("get_output") == 1.0  # the altar left of the agent, now empty
    # Facing Left already: col 4 costs 3 moves + 2, col 5 then 4 more; max_steps - 2 are left.
    oracle = NavigationOracle(game.view)
    assert (oracle.ceiling, oracle.steps) == (ceiling, steps)
    assert oracle.altars == [(0, 4), (0, 5)][:ceiling]


# The random baseline and the maps both baselines see.

OPEN_ROOM = """
a.....a
.......
..a.a..
a..@...
..a.a..
.......
a.....a
"""


def test_random_baseline_is_deterministic_and_between_zero_and_the_oracle():
    config = nav(OPEN_ROOM, max_steps=100)
    random = random_episode_return(config, seed=3, episodes=4)
    assert random == random_episode_return(config, seed=3, episodes=4)
    assert 0 < random < oracle_episode_return(config, episodes=4) == 9  # greedy: > 8 altars


def test_baselines_see_the_maps_a_simulation_sees():
    path = "/env/mettagrid/curriculum/navigation/rooms"
    overrides = {"game": {"max_steps": 6}}
    config = SingleEnvSimulationConfig(
        env=path, env_overrides=overrides, num_agents=1, num_episodes=3, seed=5
    )
    hashes: list[int] = []

    class Recording(Simulation):
        def _record_episode(self, info, results):
            if len(results.episode_returns) < self.config.num_episodes:
                hashes.append(int(info["attributes"]["initial_grid_hash"]))
            super()._record_episode(info, results)

    env = make_baseline_env(path, overrides=overrides, seed=5)
    policy = make_policy(env, "fast", seed=0)
    env.close()
    Recording("rooms", config, policy).run()
    assert simulation_num_envs(3) == Simulation("rooms", config, policy)._make_env().num_envs
    for played in (
        oracle_episodes(path, overrides=overrides, seed=5, episodes=3),
        random_episodes(path, overrides=overrides, seed=5, episodes=3),
    ):
        assert [episode.initial_grid_hash for episode in played] == hashes
    assert len(set(hashes)) == 3


def test_navigation_baselines_are_cached_on_canonical_arguments():
    config = nav(OPEN_ROOM, max_steps=30)
    first = navigation_baselines(config, {"game": {"max_steps": 20, "num_agents": 1}}, 0, 2)
    again = navigation_baselines(config, {"game": {"num_agents": 1, "max_steps": 20}}, 0, 2)
    assert again is first
    assert first.oracle == oracle_episode_return(
        config, overrides={"game": {"max_steps": 20}}, episodes=2
    )
    assert navigation_baselines(config, {"game": {"max_steps": 20}}, 1, 2) is not first


# Bad input and the score.


def test_multi_agent_maps_are_refused_naming_the_agent_count():
    env = MettaGridEnv(navigation_game(2), parse_ascii_map("a@.\n..@"))
    with pytest.raises(ValueError, match=r"single-agent maps .* 2 agents"):
        NavigationOracle(env)
    two = EnvConfig(game=navigation_game(2), map_builder=AsciiMapConfig(text="a@.\n..@"))
    with pytest.raises(ValueError, match="holds 2 agents"):
        oracle_episode_return(two)


def test_a_game_without_the_navigation_actions_is_refused():
    game = navigation_game(1)
    game.actions.rotate.enabled = False
    env = MettaGridEnv(game, parse_ascii_map("a\n@"))
    with pytest.raises(ValueError, match=r"lacks the actions rotate \(max arg >= 3\)"):
        NavigationOracle(env)


def test_normalized_score():
    assert normalized_score(5.0, random=1.0, oracle=9.0) == 0.5
    assert normalized_score(1.0, random=1.0, oracle=9.0) == 0.0
    assert normalized_score(9.0, random=1.0, oracle=9.0) == 1.0
    assert math.isnan(normalized_score(1.0, random=2.0, oracle=2.0))
    assert math.isnan(normalized_score(1.0, random=3.0, oracle=2.0))
