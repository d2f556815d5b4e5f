"""Token observations: exact tokens on hand-worked maps, order, padding, budget, globals."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from metta.mettagrid.builtin_envs import navigation_game

PAD = [255, 255, 255]


def test_tokens_of_a_corridor_exactly(make_driver):
    driver = make_driver(
        "#####\n#@..#\n#####", obs_width=3, obs_height=3, num_observation_tokens=20
    )
    obs = driver.obs[0]
    center = 0x11
    expected = [
        # global tokens: completion, last action, last arg, last reward
        [center, 8, 0],
        [center, 9, 0],
        [center, 10, 0],
        [center, 11, 0],
        # the agent itself: type_id, group, frozen, orientation, colour
        [center, 0, 0],
        [center, 1, 0],
        [center, 3, 0],
        [center, 4, 0],
        [center, 5, 0],
        # distance 1, rows top to bottom, +column before -column: walls up, left, down
        [0x01, 0, 1],
        [0x10, 0, 1],
        [0x21, 0, 1],
        # distance 2: (-1,+1), (-1,-1), (+1,+1), (+1,-1)
        [0x02, 0, 1],
        [0x00, 0, 1],
        [0x22, 0, 1],
        [0x20, 0, 1],
    ]
    assert obs[: len(expected)].tolist() == expected
    assert obs[len(expected) :].tolist() == [PAD] * (20 - len(expected))


def test_reset_observation_has_zero_globals_and_no_phantom_inventory(make_driver):
    driver = make_driver("#####\n#@.S#\n#####", max_steps=10)
    obs = driver.obs[0]
    globals_ = obs[:4]
    assert globals_[:, 2].tolist() == [0, 0, 0, 0]
    # attack requires a laser the agent does not hold: no inv:laser token may appear
    driver.act(("attack", 2))
    laser_feature = 12 + 8
    own = driver.obs[0][(driver.obs[0][:, 0] == 0x55)]
    assert laser_feature not in own[:, 1].tolist()


def test_globals_after_a_step(make_driver):
    driver = make_driver("#####\n#@..#\n#####", max_steps=4)
    driver.act(("rotate", 3))
    obs = driver.obs[0]
    assert obs[:4].tolist() == [[0x55, 8, 64], [0x55, 9, 2], [0x55, 10, 3], [0x55, 11, 0]]
    assert obs[4:9, 1].tolist() == [0, 1, 3, 4, 5]
    assert obs[7].tolist() == [0x55, 4, 3]  # orientation Right


def test_token_budget_drops_farthest_and_counts(make_driver):
    driver = make_driver(
        "#####\n#@..#\n#####", obs_width=3, obs_height=3, num_observation_tokens=10
    )
    obs = driver.obs[0]
    assert (obs != 255).all()  # full
    assert obs[9].tolist() == [0x01, 0, 1]  # the nearest wall made it, farther ones were dropped
    game = driver.env.get_episode_stats()["game"]
    assert game["tokens_written"] == 10
    assert game["tokens_dropped"] == 6


def test_even_window_behaves_like_next_odd(make_driver):
    a = make_driver("#####\n#@..#\n#####", obs_width=4, obs_height=4)
    b = make_driver("#####\n#@..#\n#####", obs_width=5, obs_height=5)
    np.testing.assert_array_equal(a.obs, b.obs)


def test_other_agent_visible_with_group(make_driver):
    driver = make_driver(
        "######\n#1..2#\n######",
        groups={"team_1": {"id": 1}, "team_2": {"id": 2}},
        obs_width=7,
        obs_height=3,
    )
    obs = driver.obs[0]
    # agent 1 sits 3 columns right of agent 0: window (1, 3+3) -> location 0x16
    other = obs[obs[:, 0] == 0x16]
    assert other[:, 1:].tolist() == [[0, 0], [1, 2], [3, 0], [4, 0], [5, 0]]


def test_observation_space_and_feature_table(make_driver):
    driver = make_driver("###\n#@#\n###")
    env = driver.env
    assert env.single_observation_space.shape == (200, 3)
    features = env.get_observation_features()
    assert len(features) == 23
    assert features["agent:visits"] == {"id": 201, "type": "scalar", "normalization": 10.0}
    assert features["inv:heart"] == {"id": 18, "type": "scalar", "normalization": 100.0}
    assert features["last_reward"]["id"] == 11
    assert env.feature_normalizations[5] == 255.0
    assert env.obs_width == 11
    assert env.obs_height == 11


VISITS = 201  # agent:visits


def visit_tokens(obs) -> list[list[int]]:
    """The agent:visits tokens of one observation as [location, count]."""
    return [[int(loc), int(value)] for loc, feature, value in obs if feature == VISITS]


def test_visits_count_entries_into_the_cell_and_its_four_neighbours(make_driver):
    driver = make_driver("######\n#@...#\n######", agent={"observe_visits": True}, max_steps=20)
    # 11 x 11 window: the agent's cell is 0x55, left of it 0x54, right of it 0x56.
    assert visit_tokens(driver.obs[0]) == [[0x55, 1]]  # the start cell counts once
    driver.act(("rotate", 3))  # face right: turning enters no cell
    assert visit_tokens(driver.obs[0]) == [[0x55, 1]]
    driver.act(("move", 0))  # into column 2: the start cell is now on the left
    assert visit_tokens(driver.obs[0]) == [[0x55, 1], [0x54, 1]]
    driver.act(("move", 1))  # back onto the start cell (its second entry)
    assert visit_tokens(driver.obs[0]) == [[0x55, 2], [0x56, 1]]
    driver.act(("move", 0))
    driver.act(("move", 0))  # column 3: column 2 entered twice, column 4 never
    assert visit_tokens(driver.obs[0]) == [[0x55, 1], [0x54, 2]]
    driver.act(("move", 0))  # column 4
    driver.act(("move", 0))  # into the wall: a failed move enters nothing
    assert visit_tokens(driver.obs[0]) == [[0x55, 1], [0x54, 1]]


def test_visits_radius_widens_the_trail_in_scan_order(make_driver):
    text = "#######\n#@....#\n#.....#\n#######"
    near = make_driver(text, agent={"observe_visits": True, "observe_visits_radius": 2})
    window = make_driver(text, agent={"observe_visits": True, "observe_visits_radius": 10})
    for driver in (near, window):
        driver.act(("rotate", 3))
        for _ in range(3):
            driver.act(("move", 0))  # along row 1 to column 4
    # Own cell, then distance 1 (+column before -column), then distance 2; the start cell is
    # three cells left, beyond radius 2.
    assert visit_tokens(near.obs[0]) == [[0x55, 1], [0x54, 1], [0x53, 1]]
    assert visit_tokens(window.obs[0]) == [[0x55, 1], [0x54, 1], [0x53, 1], [0x52, 1]]
    window.act(("move", 1))  # back to column 3: its second entry
    assert visit_tokens(window.obs[0]) == [[0x55, 2], [0x56, 1], [0x54, 1], [0x53, 1]]


def test_visits_radius_is_clipped_by_the_window_and_validated(make_driver):
    driver = make_driver(
        "#######\n#@....#\n#######",
        agent={"observe_visits": True, "observe_visits_radius": 60},
        obs_width=3,
        obs_height=3,
    )
    driver.act(("rotate", 3))
    driver.act(("move", 0))
    driver.act(("move", 0))  # the start cell is two cells left, outside the 3 x 3 window
    assert visit_tokens(driver.obs[0]) == [[0x11, 1], [0x10, 1]]
    with pytest.raises(ValidationError, match="observe_visits_radius"):
        make_driver("###\n#@#\n###", agent={"observe_visits": True, "observe_visits_radius": 0})


def test_visits_saturate_and_start_afresh_each_episode(make_driver):
    driver = make_driver("#####\n#@..#\n#####", agent={"observe_visits": True}, max_steps=600)
    driver.act(("rotate", 3))
    for _ in range(300):
        driver.act(("move", 0))
        driver.act(("move", 1))
    assert visit_tokens(driver.obs[0]) == [[0x55, 255], [0x56, 255]]
    driver.obs, _ = driver.env.reset(seed=1)
    assert visit_tokens(driver.obs[0]) == [[0x55, 1]]


def test_visits_are_off_by_default_and_seen_only_by_their_agent(make_driver):
    assert visit_tokens(make_driver("###\n#@#\n###").obs[0]) == []
    driver = make_driver(
        "#######\n#@...@#\n#######",
        agent={"observe_visits": True},
        num_agents=2,
        obs_width=3,
        obs_height=3,
    )
    driver.act(("rotate", 3), ("rotate", 2))
    driver.act(("move", 0), ("noop", 0))  # agent 0 moves right; agent 1 stays
    # 3 x 3 window: own cell 0x11, left 0x10. Agent 1's tokens know nothing of agent 0's walk.
    assert visit_tokens(driver.obs[0]) == [[0x11, 1], [0x10, 1]]
    assert visit_tokens(driver.obs[1]) == [[0x11, 1]]


def test_navigation_games_observe_visits_over_the_whole_window():
    agent = navigation_game(1).agent
    assert agent.observe_visits
    assert agent.observe_visits_radius == 10  # corner of the 11 x 11 window: 5 + 5
