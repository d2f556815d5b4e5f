"""Flood fill, reachability reports, repairs and connectivity-preserving placement."""

import numpy as np
import pytest

from metta.mettagrid.maps import (
    check_reachability,
    connect_free_space,
    fill_unreachable,
    is_connected,
    label_components,
    parse_ascii_map,
)
from metta.mettagrid.maps.base import finish_grid
from metta.mettagrid.maps.config import build_map
from metta.mettagrid.maps.connectivity import agent_mask, label_components_bfs, pad_false
from metta.mettagrid.maps.level import add_border, empty_grid
from metta.mettagrid.maps.placement import agent_names, place_agents, place_objects
from metta.mettagrid.maps.random_room import RandomRoomConfig, fit_object_counts


def test_label_components_hand_worked():
    mask = np.array(
        [
            [1, 1, 0, 1],
            [0, 1, 0, 1],
            [1, 0, 0, 0],
        ],
        dtype=bool,
    )
    labels, count = label_components(mask)
    assert count == 3
    assert labels.tolist() == [[0, 0, -1, 1], [-1, 0, -1, 1], [2, -1, -1, -1]]


def test_label_components_matches_bfs_reference():
    rng = np.random.default_rng(5)
    for _ in range(5):
        mask = rng.random((23, 31)) < 0.55
        fast, fast_count = label_components(mask)
        slow, slow_count = label_components_bfs(mask)
        assert fast_count == slow_count
        np.testing.assert_array_equal(fast, slow)


def test_agent_mask_matches_startswith():
    grid = np.array([["agent.agent", "altar", "agent.team_1"], ["empty", "agen", "wall"]])
    assert agent_mask(grid).tolist() == [[True, False, True], [False, False, False]]
    assert agent_mask(grid.astype(object)).tolist() == agent_mask(grid).tolist()
    assert agent_mask(grid.T).tolist() == agent_mask(grid).T.tolist()
    assert not agent_mask(np.array([["agen", "a"]])).any()  # narrower than "agent"


def test_pad_false_is_a_one_cell_false_border():
    mask = np.random.default_rng(1).random((4, 7)) < 0.5
    np.testing.assert_array_equal(pad_false(mask), np.pad(mask, 1, constant_values=False))


def test_reachability_reports_cut_off_agent_and_object():
    grid = parse_ascii_map(
        """
#######
#@.#._#
#..#.@#
##_####
#######
"""
    )
    report = check_reachability(grid)
    assert report.unreachable_agents == [(2, 5)]
    # the altar at (1, 5) only touches the second room; (3, 2) touches the first agent's room.
    assert report.unreachable_objects == [(1, 5)]
    assert report.free_components == 2
    assert not report.all_reachable
    assert not is_connected(grid)


def test_objects_reachable_from_a_neighbour_and_walls_need_no_access():
    grid = parse_ascii_map(
        """
#####
#@._#
#####
"""
    )
    assert check_reachability(grid).connected


def test_fill_unreachable_walls_off_empty_pockets_only():
    grid = parse_ascii_map(
        """
######
#@.#.#
######
"""
    )
    report = fill_unreachable(grid)
    assert grid[1, 4] == "wall"
    assert report.connected


def test_connect_free_space_fills_small_pockets_and_carves_to_large_ones():
    free = np.zeros((9, 20), dtype=bool)
    free[1:8, 1:6] = True  # main room (35 cells)
    free[1:8, 12:19] = True  # second room (49 cells), 6 walls away
    free[8, 8] = True  # a 1-cell pocket
    joined = connect_free_space(free, fill_below=8)
    _, count = label_components(joined)
    assert count == 1
    assert not joined[8, 8]
    # the carved corridor is the cheapest path: exactly the 6 wall cells between the rooms
    assert joined.sum() == 35 + 49 + 6


def test_placement_keeps_free_space_connected_when_dense():
    rng = np.random.default_rng(11)
    grid = empty_grid(12, 12)
    place_agents(grid, ["agent.agent"] * 3, rng)
    place_objects(grid, {"altar": 30, "wall": 20, "mine_red": 10}, rng)
    assert (grid == "altar").sum() == 30
    assert (grid == "wall").sum() == 20
    assert check_reachability(grid).connected


def test_placement_refuses_what_cannot_fit_connected():
    grid = empty_grid(3, 3)
    place_agents(grid, ["agent.agent"], np.random.default_rng(0))
    with pytest.raises(ValueError, match="objects: placed"):
        place_objects(grid, {"altar": 8}, np.random.default_rng(0))


def test_place_agents_returns_the_cells_it_filled():
    grid = empty_grid(5, 6)
    cells = place_agents(grid, ["agent.agent", "agent.team_1"], np.random.default_rng(3))
    assert cells.shape == (2, 2)
    assert [grid[r, c] for r, c in cells] == ["agent.agent", "agent.team_1"]
    assert (grid != "empty").sum() == 2
    assert place_agents(grid, [], np.random.default_rng(3)).shape == (0, 2)


def room_outcome(build):
    """The map a build gives, or its error message."""
    try:
        return build().tolist()
    except ValueError as error:
        return str(error)


@pytest.mark.parametrize(
    ("width", "height", "agents", "objects"),
    [
        (30, 30, 4, {"altar": 5, "mine_red": 10, "generator_red": 5, "armory": 1}),
        (5, 4, 3, {"altar": 6, "wall": 2}),  # dense: some seeds fail, with the same error
        (9, 7, {"red": 2, "blue": 1}, {"block": 12, "altar": 4}),
        (3, 3, 0, {"altar": 1}),
        (3, 3, 1, {"altar": 8}),  # halved to 4; some seeds cannot place them all
    ],
)
def test_random_room_is_what_placement_reading_the_grid_gives(width, height, agents, objects):
    # The random room tells placement which cells are free instead of letting it read the grid;
    # the maps (and errors) are the same as placement's own reading of the grid gives.
    config = RandomRoomConfig(width=width, height=height, agents=agents, objects=objects)
    names = agent_names(agents)
    counts = fit_object_counts(objects, len(names), width * height)

    def reading_the_grid(seed):
        rng = np.random.default_rng(seed)
        grid = empty_grid(height, width)
        place_agents(grid, names, rng)
        place_objects(grid, counts, rng)
        finish_grid(grid, "random room")
        return add_border(grid, 1)

    for seed in range(6):
        expected = room_outcome(lambda seed=seed: reading_the_grid(seed))
        assert room_outcome(lambda seed=seed: build_map(config, seed=seed).grid) == expected


def test_place_agents_refuses_too_many():
    with pytest.raises(ValueError, match="agents: 5 agents requested but only 4"):
        place_agents(empty_grid(2, 2), ["agent.agent"] * 5, np.random.default_rng(0))


def test_object_with_no_free_space_at_all_is_unreachable():
    grid = np.array([["wall", "altar"], ["wall", "wall"]])
    report = check_reachability(grid)
    assert report.free_components == 0
    assert report.unreachable_objects == [(0, 1)]
