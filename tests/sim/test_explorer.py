"""The partially observing explorer: it reads only its observation window and still collects."""

from __future__ import annotations

import numpy as np
import pytest

from metta.mettagrid.builtin_envs import navigation_game
from metta.mettagrid.env import MettaGridEnv
from metta.mettagrid.env_config import EnvConfig
from metta.mettagrid.maps import AsciiMapConfig
from metta.mettagrid.maps.ascii import parse_ascii_map
from metta.mettagrid.vec_env import MettaGridVecEnv
from metta.sim.baselines import explorer_episodes, make_baseline_env
from metta.sim.explorer import ExplorerTeam, NavigationExplorer

NOOP, MOVE, ROTATE, GET = 0, 1, 2, 3  # navigation_game's action order


def nav(text: str, max_steps: int) -> EnvConfig:
    return EnvConfig(
        game=navigation_game(1, max_steps=max_steps), map_builder=AsciiMapConfig(text=text)
    )


def play(text: str, max_steps: int) -> tuple[list[tuple[int, int]], float, NavigationExplorer]:
    """Plays one episode; returns the explorer's actions, the episode return and the explorer."""
    env = make_baseline_env(nav(text, max_steps))
    env.reset()
    try:
        view = env.driver_env
        explorer = NavigationExplorer(view)
        actions: list[tuple[int, int]] = []
        total = 0.0
        for _ in range(max_steps):
            action = explorer.action(view)
            actions.append(action)
            _, rewards, *_ = env.step(np.array([action], dtype=np.int32))
            total += float(rewards[0])
        return actions, total, explorer
    finally:
        env.close()


def test_the_window_is_all_it_knows_and_it_walks_to_the_frontier():
    # A 1 x 30 corridor, agent at col 0 facing Up: the 11 x 11 window covers cols 0-5 of row 0.
    text = "@" + "." * 28 + "a"
    env = make_baseline_env(nav(text, 30))
    env.reset()
    try:
        explorer = NavigationExplorer(env.driver_env)
        assert (env.driver_env.obs_height, env.driver_env.obs_width) == (11, 11)
        assert explorer.action(env.driver_env) == (ROTATE, 3)  # the frontier is to the right
        assert explorer.known_cells == 6
    finally:
        env.close()
    # Turn right, 28 moves, get_output: the only route, so exactly 30 steps.
    actions, total, explorer = play(text, 30)
    assert total == 1.0
    assert actions == [(ROTATE, 3)] + [(MOVE, 0)] * 28 + [(GET, 0)]
    assert explorer.known_cells == 30


def test_altars_outside_the_window_do_not_steer_it():
    # Same corridor around the agent; the altar sits at the far left or at the far right. Both
    # frontiers are 6 steps away; ties go Left, so it heads left on both maps until it sees.
    left = "a" + "." * 14 + "@" + "." * 15
    right = "." * 15 + "@" + "." * 14 + "a"
    left_actions, left_total, _ = play(left, 60)
    right_actions, right_total, _ = play(right, 60)
    assert left_actions[:6] == right_actions[:6] == [(ROTATE, 2)] + [(MOVE, 0)] * 5
    assert left_actions[6:] != right_actions[6:]
    assert left_total == right_total == 1.0


def test_a_seen_altar_that_pays_nothing_is_not_a_target():
    # The empty altar is collected first and then ignored; the explorer looks for the other.
    actions, total, _ = play("a@" + "." * 20 + "a", 40)
    assert total == 2.0
    assert actions[:2] == [(ROTATE, 2), (GET, 0)]


def test_it_solves_a_labyrinth_it_never_sees_whole():
    (episode,) = explorer_episodes("/env/mettagrid/navigation/evals/labyrinth_small")
    assert episode.reward == 3.0


def test_more_than_one_agent_is_refused():
    env = MettaGridEnv(navigation_game(2), parse_ascii_map("a@.\n..@"))
    with pytest.raises(ValueError, match=r"only single-agent maps.*2 agents"):
        NavigationExplorer(env).action(env)


def test_a_team_plays_one_explorer_per_game_and_forgets_a_finished_map():
    env = make_baseline_env(nav("@" + "." * 28 + "a", 30), num_envs=2)
    env.reset()
    try:
        team = ExplorerTeam(env)
        alone = NavigationExplorer(env.game_view(1))
        for _ in range(4):
            actions = team.actions()
            assert actions.shape == (2, 2)
            assert actions.dtype == np.int32
            assert tuple(actions[1]) == alone.action(env.game_view(1))
            assert tuple(actions[0]) == tuple(actions[1])  # same map, same start
            env.step(actions)
        assert team.actions(slice(1, 2)).tolist() == [list(alone.action(env.game_view(1)))]
        team.restart(0)
        assert team._explorers[0].known_cells < team._explorers[1].known_cells
    finally:
        env.close()


def test_a_team_refuses_games_with_several_agents():
    env = MettaGridVecEnv(navigation_game(2), parse_ascii_map("a@.\n..@"), num_envs=1)
    with pytest.raises(ValueError, match=r"only single-agent games.*2 agents per game"):
        ExplorerTeam(env)


def test_with_altars_only_a_team_labels_just_the_walks_to_a_known_altar():
    # The altar is at column 29 and the window reaches 5 columns to each side: the explorer
    # turns right and walks to column 24 exploring (no labels), sees the altar from there and
    # walks on to column 28 (labels), then collects.
    env = make_baseline_env(nav("@" + "." * 28 + "a", 30))
    env.reset()
    try:
        player, labeller = ExplorerTeam(env), ExplorerTeam(env, altars_only=True)
        labels = []
        for _ in range(30):
            labels.append(tuple(labeller.actions()[0]))
            env.step(player.actions())
    finally:
        env.close()
    assert labels == [(-1, -1)] * 25 + [(MOVE, 0)] * 4 + [(GET, 0)]


def test_without_backward_moves_it_still_solves_a_labyrinth_and_never_walks_backward():
    env = make_baseline_env("/env/mettagrid/navigation/evals/labyrinth_small")
    env.reset()
    try:
        view = env.driver_env
        explorer = NavigationExplorer(view, backward=False)
        moves, total = [], 0.0
        for _ in range(120):  # the map's step limit
            action = explorer.action(view)
            moves.append(action)
            _, rewards, *_ = env.step(np.array([action], dtype=np.int32))
            total += float(rewards[0])
    finally:
        env.close()
    assert total == 3.0
    move = view.action_names.index("move")
    assert (move, 1) not in moves
