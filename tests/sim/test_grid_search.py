"""Breadth-first search over (orientation, cell): exact step counts, and the early stop."""

from __future__ import annotations

import numpy as np

from metta.sim.grid_search import UNREACHABLE, NavigationActions, distances, shortest_path

UP, DOWN, LEFT, RIGHT = 0, 1, 2, 3
NAV = (["noop", "move", "rotate", "get_output"], [0, 1, 3, 0])


def test_moves_keep_the_orientation_and_rotations_cost_a_step():
    free = np.ones((1, 4), dtype=bool)  # one row of four cells
    dist = distances(free, (RIGHT, 0, 0))
    assert dist[RIGHT, 0].tolist() == [0, 1, 2, 3]  # forward along the row
    assert dist[LEFT, 0].tolist() == [1, 2, 3, 4]  # turn, then move backward
    assert dist[UP, 0].tolist() == [1, 2, 3, 4]  # every other state: reach the cell, then turn
    free[0, 2] = False
    assert dist.shape == (4, 1, 4)
    blocked = distances(free, (RIGHT, 0, 0))
    assert blocked[:, 0, 2:].tolist() == [[UNREACHABLE] * 2] * 4


def test_the_search_stops_at_the_first_level_that_reaches_a_target():
    free = np.ones((1, 6), dtype=bool)
    until = np.zeros((4, 1, 6), dtype=bool)
    until[RIGHT, 0, 2] = True  # two steps away
    full = distances(free, (RIGHT, 0, 0))
    early = distances(free, (RIGHT, 0, 0), until=until)
    near = full <= 2
    assert np.array_equal(early[near], full[near])  # everything up to the stop level is exact
    assert (early[~near] == UNREACHABLE).all()  # nothing beyond it was searched
    assert np.array_equal(distances(free, (RIGHT, 0, 0), until=np.zeros_like(until)), full)


def test_without_backward_moves_a_target_behind_costs_a_turn():
    free = np.ones((1, 4), dtype=bool)
    dist = distances(free, (RIGHT, 0, 3), backward=False)
    assert dist[RIGHT, 0].tolist() == [5, 4, 3, 0]  # turn, walk, turn back
    assert dist[LEFT, 0].tolist() == [4, 3, 2, 1]  # turn about, then walk forward
    both = distances(free, (RIGHT, 0, 3))
    assert both[RIGHT, 0].tolist() == [3, 2, 1, 0]  # backward keeps facing right
    path = shortest_path(dist, (LEFT, 0, 0), NavigationActions.of(*NAV), backward=False)
    assert path == [(2, LEFT), (1, 0), (1, 0), (1, 0)]  # rotate left, then forward three times
