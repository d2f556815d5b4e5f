"""The varied navigation curriculum: one agent per game, every terrain family, maps from smaller
than the view to several times larger, each family with its own step limit."""

import pytest

from metta.mettagrid.builtin_envs import make_curriculum
from metta.mettagrid.maps import build_map, is_connected

PATH = "/env/mettagrid/curriculum/navigation/varied"


def test_every_family_builds_single_agent_maps_with_altars():
    curriculum = make_curriculum(PATH, num_agents=1, seed=3)
    families, sizes = set(), []
    for seed in range(450):
        task = curriculum.get_task()
        families.add(task.id.split(":", 1)[0])
        level = build_map(task.env_config.map_builder, seed)
        cells = level.grid.ravel().tolist()
        assert cells.count("agent.agent") == 1, task.id
        assert cells.count("altar") >= 1, task.id
        assert 45 <= task.env_config.game.max_steps <= 300
        sizes.append(max(level.grid.shape))
    assert families == {
        "open_small", "open_large", "out_of_sight", "maze", "maze_kruskal", "terrain_sparse",
        "terrain_balanced", "terrain_dense", "terrain_maze", "walled_rooms", "cylinders",
        "corridors", "spirals", "radial_mazes", "walled_detours",
    }  # fmt: skip
    assert min(sizes) <= 11  # the whole map inside the 11x11 view
    assert max(sizes) >= 30  # and far beyond it


def test_the_same_seed_gives_the_same_tasks():
    first = make_curriculum(PATH, num_agents=1, seed=5)
    second = make_curriculum(PATH, num_agents=1, seed=5)
    for _ in range(20):
        assert first.get_task().env_config == second.get_task().env_config


def test_more_than_one_agent_per_game_is_refused():
    with pytest.raises(ValueError, match="one agent per game, got 4"):
        make_curriculum(PATH, num_agents=4)


def test_walled_rooms_are_connected_and_hold_four_altars():
    curriculum = make_curriculum(PATH, num_agents=1, seed=0).children["walled_rooms"]
    for seed in range(30):
        task = curriculum.get_task()
        level = build_map(task.env_config.map_builder, seed)
        assert (level.grid == "altar").sum() == 4
        assert is_connected(level.grid), task.id
        assert (level.grid[1:-1, 1:-1] == "wall").any()  # rooms have walls between them
