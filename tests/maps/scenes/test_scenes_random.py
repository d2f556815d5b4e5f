"""Random scenes keep their promises: counts, connectivity, symmetry, patterns, seeding."""

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view
from scene_helpers import ascii_of, render, walkable_components

from metta.mettagrid.maps import check_reachability
from metta.mettagrid.maps.scenes import (
    AutoConfig,
    BSPConfig,
    BSPLayoutConfig,
    ChildSpec,
    ConvChainConfig,
    InlineAsciiConfig,
    MakeConnectedConfig,
    MazeConfig,
    MirrorConfig,
    MultiLeftAndRightConfig,
    NopConfig,
    RandomConfig,
    RandomObjectsConfig,
    RandomSceneConfig,
    RandomSceneFromDirConfig,
    WFCConfig,
    wfc,
)
from metta.mettagrid.maps.scenes.patterns import parse_sample, pattern_indices, sample_patterns

SAMPLE = """
|.#..|
|.#..|
|.###|
|....|
"""

# One config per scene kind with randomness, at a size where it is fast.
RANDOM_SCENES = {
    "random": (RandomConfig(objects={"altar": 5, "wall": 4}, agents=2), 9, 9),
    "random_objects": (RandomObjectsConfig(object_ranges={"altar": 0.05}), 10, 10),
    "bsp": (BSPConfig(rooms=5), 24, 24),
    "bsp_layout": (
        BSPLayoutConfig(
            area_count=4,
            children=(ChildSpec(scene=RandomConfig(agents=1), where={"tags": ["zone"]}),),
        ),
        20,
        20,
    ),
    "maze_kruskal": (MazeConfig(algorithm="kruskal"), 15, 15),
    "maze_prim": (MazeConfig(algorithm="prim", room_size=(1, 2), wall_size=(1, 2)), 17, 17),
    "wfc": (WFCConfig(), 14, 14),
    "convchain": (ConvChainConfig(), 16, 16),
    "mirror_random": (MirrorConfig(scene=RandomConfig(objects={"altar": 3})), 6, 8),
    "make_connected": (
        NopConfig(
            children=(ChildSpec(scene=ConvChainConfig()), ChildSpec(scene=MakeConnectedConfig()))
        ),
        16,
        16,
    ),
    "random_scene": (
        RandomSceneConfig(candidates=[{"scene": MazeConfig()}, {"scene": BSPConfig()}]),
        15,
        15,
    ),
    "auto": (AutoConfig(num_agents=3), 32, 32),
    "multi_left_and_right": (MultiLeftAndRightConfig(border_width=1), 9, 31),
}


@pytest.mark.parametrize("name", sorted(RANDOM_SCENES))
def test_same_seed_same_map_other_seed_other_map(name):
    scene, height, width = RANDOM_SCENES[name]
    first = render(scene, height, width, seed=3)
    assert np.array_equal(first, render(scene, height, width, seed=3))
    others = [render(scene, height, width, seed=seed) for seed in (4, 5, 6)]
    assert any(not np.array_equal(first, other) for other in others)


def test_random_places_exact_counts_on_empty_cells_only():
    walls = InlineAsciiConfig(data="#####\n#...#\n#####")
    scene = NopConfig(
        children=(
            ChildSpec(scene=walls),
            ChildSpec(scene=RandomConfig(objects={"altar": 4}, agents={"team_1": 2, "team_2": 1})),
        )
    )
    for seed in range(5):
        grid = render(scene, 6, 6, seed)
        assert (grid == "altar").sum() == 4
        assert (grid == "agent.team_1").sum() == 2
        assert (grid == "agent.team_2").sum() == 1
        assert ascii_of(grid[:3, :5]) == "#####\n#...#\n#####"  # drawn cells untouched
        assert check_reachability(grid).all_reachable


def test_random_too_many_objects():
    scene = RandomConfig(objects={"altar": 50})
    grid = render(scene, 4, 4)
    assert 0 < (grid == "altar").sum() < 16
    assert check_reachability(grid).all_reachable
    with pytest.raises(ValueError, match="objects: placed"):
        render(RandomConfig(objects={"altar": 50}, too_many_is_ok=False), 4, 4)
    with pytest.raises(ValueError, match="agents: 20 agents requested"):
        render(RandomConfig(agents=20), 4, 4)


def test_random_objects_counts_follow_density():
    grid = render(RandomObjectsConfig(object_ranges={"altar": 0.1, "mine_red": 0.05}), 10, 20)
    assert (grid == "altar").sum() == 20
    assert (grid == "mine_red").sum() == 10
    ranged = RandomObjectsConfig(object_ranges={"altar": (0.0, 0.1)})
    counts = {int((render(ranged, 10, 10, seed) == "altar").sum()) for seed in range(12)}
    assert len(counts) > 3
    assert max(counts) <= 10


@pytest.mark.parametrize("algorithm", ["kruskal", "prim"])
@pytest.mark.parametrize(("room", "wall"), [(1, 1), (2, 1), (1, 2), (3, 2)])
def test_maze_is_perfect(algorithm, room, wall):
    height, width = 21, 23
    grid = render(MazeConfig(algorithm=algorithm, room_size=room, wall_size=wall), height, width)
    rows = (height + wall) // (room + wall)
    columns = (width + wall) // (room + wall)
    assert walkable_components(grid) == 1
    # A perfect maze is a tree of rooms: (cells - 1) openings, each wall_size x room_size.
    empty = int((grid == "empty").sum())
    assert empty == rows * columns * room * room + (rows * columns - 1) * room * wall
    for r in range(rows):
        for c in range(columns):
            top, left = r * (room + wall), c * (room + wall)
            assert (grid[top : top + room, left : left + room] == "empty").all()


def test_maze_names_its_corners():
    scene = MazeConfig(
        room_size=2,
        children=(
            ChildSpec(scene=InlineAsciiConfig(data="@"), where={"tags": ["top-left"]}),
            ChildSpec(scene=InlineAsciiConfig(data="_"), where={"tags": ["bottom-right"]}),
        ),
    )
    grid = render(scene, 12, 12)  # 4 x 4 rooms of 2, walls of 1, the last column/row wall
    assert grid[0, 0] == "agent.agent"
    assert grid[9, 9] == "altar"
    assert (grid[11, :] == "wall").all()
    assert (grid[:, 11] == "wall").all()


@pytest.mark.parametrize("seed", range(4))
def test_bsp_rooms_are_connected_and_named(seed):
    scene = BSPConfig(
        rooms=6, children=(ChildSpec(scene=InlineAsciiConfig(data="_"), where={"tags": ["room"]}),)
    )
    assert (render(scene, 30, 40, seed) == "altar").sum() == 6
    grid = render(BSPConfig(rooms=6), 30, 40, seed)
    assert walkable_components(grid) == 1
    unconnected = render(BSPConfig(rooms=6, skip_corridors=True), 30, 40, seed)
    assert walkable_components(unconnected) == 6


def test_bsp_layout_zones_tile_the_area():
    marks = ChildSpec(scene=RandomConfig(objects={"altar": 1}), where={"tags": ["zone"]})
    grid = render(BSPLayoutConfig(area_count=5, children=(marks,)), 24, 24)
    assert (grid == "altar").sum() == 5


def _windows(walls, size):
    return set(pattern_indices(sliding_window_view(walls, (size, size)).reshape(-1, size, size)))


@pytest.mark.parametrize("next_cell", ["scanline", "mrv"])
@pytest.mark.parametrize("symmetry", ["none", "horizontal", "all"])
def test_wfc_windows_all_come_from_the_sample(symmetry, next_cell):
    scene = WFCConfig(pattern=SAMPLE, pattern_size=2, symmetry=symmetry, next_cell=next_cell)
    patterns, _ = sample_patterns(SAMPLE, 2, True, symmetry)
    allowed = set(pattern_indices(patterns))
    for seed in range(3):
        walls = render(scene, 12, 15, seed) == "wall"
        assert _windows(walls, 2) <= allowed


def test_wfc_default_sample_with_three_by_three_windows():
    walls = render(WFCConfig(next_cell="mrv"), 14, 16, seed=2) == "wall"
    patterns, _ = sample_patterns(WFCConfig().pattern, 3, True, "all")
    assert _windows(walls, 3) <= set(pattern_indices(patterns))


def test_wfc_symmetry_variants_of_a_sample():
    sample = parse_sample("|##.|\n|...|\n|...|")
    assert sample.shape == (3, 3)
    counts = [len(sample_patterns("|##.|\n|...|\n|...|", 2, True, s)[0]) for s in ("none", "all")]
    assert counts[0] < counts[1]


def test_wfc_gives_up_after_max_attempts_with_a_clear_error(monkeypatch):
    calls = []

    def contradiction(*args):
        calls.append(args)

    monkeypatch.setattr(wfc, "_attempt", contradiction)
    with pytest.raises(RuntimeError, match=r"wfc: every one of max_attempts=3 .* 9x11 area"):
        render(WFCConfig(max_attempts=3), 9, 11)
    assert len(calls) == 3
    with pytest.raises(ValueError, match="wfc: a 2x9 area is smaller than pattern_size 3"):
        render(WFCConfig(), 2, 9)


def test_convchain_follows_the_sample_statistics():
    solid = ConvChainConfig(pattern="|###|\n|###|\n|###|", iterations=10, temperature=0.1)
    assert (render(solid, 10, 13) == "wall").mean() > 0.95
    stripes = ConvChainConfig(pattern="|#.|\n|#.|", pattern_size=2, symmetry="none")
    walls = render(stripes, 12, 12) == "wall"
    # Vertical stripes: most cells equal the cell below them and differ from the one beside.
    assert (walls[1:] == walls[:-1]).mean() > 0.8
    assert (walls[:, 1:] != walls[:, :-1]).mean() > 0.8
    noise = render(stripes.model_copy(update={"iterations": 0}), 12, 12) == "wall"
    assert (noise[1:] == noise[:-1]).mean() < 0.7


def test_make_connected_joins_every_region_by_digging_walls_only():
    drawn = InlineAsciiConfig(data="..#..\n..#.#\n###_#\n.#.#.")
    scene = NopConfig(children=(ChildSpec(scene=drawn), ChildSpec(scene=MakeConnectedConfig())))
    before = render(NopConfig(children=(ChildSpec(scene=drawn),)), 4, 5)
    for seed in range(5):
        grid = render(scene, 4, 5, seed)
        assert walkable_components(grid) == 1
        assert grid[2, 3] == "altar"  # objects are never dug through
        changed = grid != before
        assert (before[changed] == "wall").all()
        assert (grid[changed] == "empty").all()


@pytest.mark.parametrize("symmetry", ["horizontal", "vertical", "both"])
def test_mirror_of_a_random_scene_is_symmetric(symmetry):
    scene = MirrorConfig(scene=ConvChainConfig(), symmetry=symmetry)
    for height, width in ((10, 12), (11, 9)):
        grid = render(scene, height, width)
        if symmetry != "vertical":
            assert np.array_equal(grid, grid[:, ::-1])
        if symmetry != "horizontal":
            assert np.array_equal(grid, grid[::-1, :])


def test_random_scene_follows_the_weights():
    scene = RandomSceneConfig(
        candidates=[
            {"scene": InlineAsciiConfig(data="@"), "weight": 3},
            {"scene": InlineAsciiConfig(data="_"), "weight": 1},
        ]
    )
    drawn = [ascii_of(render(scene, 1, 1, seed)) for seed in range(200)]
    assert 120 < drawn.count("@") < 180
    assert drawn.count("@") + drawn.count("_") == 200


def test_random_scene_from_dir_loads_one_yaml_file(tmp_path):
    (tmp_path / "agent.yaml").write_text("type: inline_ascii\ndata: '@'\n")
    (tmp_path / "altar.yml").write_text("type: inline_ascii\ndata: _\n")
    (tmp_path / "notes.txt").write_text("not a scene")
    scene = RandomSceneFromDirConfig(dir=str(tmp_path))
    assert {ascii_of(render(scene, 1, 1, seed)) for seed in range(20)} == {"@", "_"}


@pytest.mark.parametrize("seed", range(6))
def test_auto_is_connected_with_every_agent(seed):
    scene = AutoConfig(num_agents=4, objects={"altar": 0.005})
    grid = render(scene, 48, 48, seed)
    assert (grid == "agent.agent").sum() == 4
    report = check_reachability(grid)
    assert report.connected, report.describe()
    assert (grid == "altar").sum() >= int(48 * 48 * 0.005)


def test_auto_uses_every_layout_and_content():
    grid_only = AutoConfig(layout={"grid": 1, "bsp": 0}, grid={"rows": 2, "columns": 2})
    mazes = AutoConfig(
        layout={"grid": 1, "bsp": 0},
        grid={"rows": 1, "columns": 1},
        room_symmetry={"none": 1, "horizontal": 0, "vertical": 0, "both": 0},
        content=[{"scene": MazeConfig()}],
        room_objects={},
        num_agents=0,
    )
    maze = render(mazes, 15, 15)
    assert walkable_components(maze) == 1
    assert (maze == "wall").sum() == 15 * 15 - (8 * 8 + 63)
    assert check_reachability(render(grid_only, 32, 32)).connected


def test_multi_left_and_right_rooms_are_identical_but_for_the_team():
    scene = MultiLeftAndRightConfig(rows=2, columns=2, total_altars=4, altar_ratio=0.75)
    for seed in range(3):
        grid = render(scene, 30, 34, seed)
        # Rooms: (34 - 6) // 2 = 14 wide, (30 - 6) // 2 = 12 high.
        rooms = [grid[r : r + 12, c : c + 14] for r in (0, 18) for c in (0, 20)]
        teams = ["team_1" if (room == "agent.team_1").any() else "team_2" for room in rooms]
        assert sorted(teams) == ["team_1", "team_1", "team_2", "team_2"]
        plain = [np.char.replace(room.astype(str), "team_2", "team_1") for room in rooms]
        assert all(np.array_equal(room, plain[0]) for room in plain)
        left = int((rooms[0][:, :2] == "altar").sum())
        right = int((rooms[0][:, 12:] == "altar").sum())
        assert sorted((left, right)) == [1, 3]
        assert (rooms[0][:, 6:8] == "agent.team_1").sum() + (
            rooms[0][:, 6:8] == "agent.team_2"
        ).sum() == 1
