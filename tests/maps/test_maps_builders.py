"""Invariants of every builder: size, counts, agents, connectivity, labels, determinism by seed."""

from pathlib import Path

import numpy as np
import pytest

from metta.mettagrid.maps import (
    CHAR_TO_NAME,
    AsciiMapConfig,
    CylinderWorldConfig,
    Level,
    MazeKruskalConfig,
    MazePrimConfig,
    MeanDistanceConfig,
    MultiRoomConfig,
    RandomRoomConfig,
    RoomListConfig,
    RoomSceneConfig,
    TerrainMapConfig,
    VariedTerrainConfig,
    build_map,
    grid_to_ascii,
)
from metta.mettagrid.maps.random_room import fit_object_counts

ROOM_ASCII = """
#######
#@...a#
#..#..#
#m...@#
#######
"""

CONFIGS = {
    "random": RandomRoomConfig(width=20, height=15, objects={"altar": 6, "mine_red": 4}, agents=3),
    "random_teams": RandomRoomConfig(
        width=12, height=12, objects={"wall": 10}, agents={"team_1": 2, "team_2": 2}
    ),
    "maze_prim": MazePrimConfig(width=15, height=11, agents=2, objects={"mine_red": 2}),
    "maze_kruskal": MazeKruskalConfig(width=21, height=9),
    "varied_sparse": VariedTerrainConfig(width=40, height=30, style="sparse", agents=4),
    "varied_balanced": VariedTerrainConfig(width=40, height=40, style="balanced", agents=2),
    "varied_dense": VariedTerrainConfig(width=45, height=35, style="dense", agents=3),
    "varied_maze": VariedTerrainConfig(width=50, height=50, style="maze"),
    "cylinder": CylinderWorldConfig(width=40, height=30, agents=2, objects={"altar": 40}),
    "terrain": TerrainMapConfig(agents=4, objects={"altar": 25}, num_maps=3),
    "multi_room": MultiRoomConfig(
        room=RandomRoomConfig(width=8, height=6, agents=1, objects={"altar": 2}),
        num_rooms=5,
        border_width=2,
    ),
    "room_list": RoomListConfig(
        rooms=[
            RandomRoomConfig(width=6, height=6, agents=1, objects={}),
            MazePrimConfig(width=9, height=7),
            AsciiMapConfig(text=ROOM_ASCII),
        ],
        layout="row",
    ),
    # A bases map: a 3x3 of base / wild / centre rooms, rows inside a column.
    "room_scene": RoomSceneConfig(
        rooms={
            "base": RandomRoomConfig(width=5, height=5, agents=1, objects={"altar": 1}),
            "wild": RandomRoomConfig(width=7, height=5, agents=0, objects={"mine_red": 2}),
            "centre": RandomRoomConfig(width=7, height=7, agents=0, objects={"altar": 3}),
        },
        layout=[["base", "wild", "base"], ["wild", "centre", "wild"], ["base", "wild", "base"]],
        stack_layout="column",
        border_width=1,
    ),
    "mean_distance": MeanDistanceConfig(
        width=21, height=17, objects={"altar": 4, "mine_red": 2}, agents=2, mean_distance=4.0
    ),
}

# (height, width) of the built grid, when it does not depend on the seed.
SHAPES = {
    "random": (17, 22),
    "random_teams": (14, 14),
    "maze_prim": (13, 17),
    "maze_kruskal": (11, 23),
    "varied_sparse": (32, 42),
    "varied_balanced": (42, 42),
    "varied_dense": (37, 47),
    "varied_maze": (52, 52),
    "cylinder": (32, 42),
    "multi_room": (3 * 8 + 4, 2 * 10 + 4),  # 5 rooms: ceil(sqrt(5)) = 3 rows of 2, cells 8x10
    "room_list": (9, 3 * 11),  # each of the 3 cells sized to the largest room (9x11)
    # rows of 3 cells 9 wide (the widest room of a row); the column then sizes every row's cell
    # to the largest row (9 x 27): 3 * 9 high, 27 wide, plus the border
    "room_scene": (3 * 9 + 2, 3 * 9 + 2),
    "mean_distance": (19, 23),
}

AGENTS = {
    "random": 3,
    "random_teams": 4,
    "maze_prim": 2,
    "maze_kruskal": 1,
    "varied_sparse": 4,
    "varied_balanced": 2,
    "varied_dense": 3,
    "varied_maze": 1,
    "cylinder": 2,
    "terrain": 4,
    "multi_room": 5,
    "room_list": 4,
    "room_scene": 4,
    "mean_distance": 2,
}


@pytest.fixture(scope="module")
def built() -> dict[str, Level]:
    return {name: build_map(config, seed=7) for name, config in CONFIGS.items()}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_agent_count_and_connectivity(built, name):
    level = built[name]
    assert level.num_agents == AGENTS[name]
    for report in level.reachability():
        assert report.connected, report.describe()


@pytest.mark.parametrize("name", list(SHAPES))
def test_shape(built, name):
    assert built[name].grid.shape == SHAPES[name]


@pytest.mark.parametrize("name", list(CONFIGS))
def test_border_is_wall(built, name):
    grid = built[name].grid
    for edge in (grid[0], grid[-1], grid[:, 0], grid[:, -1]):
        assert set(edge.tolist()) == {"wall"}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_same_seed_same_map_other_seed_differs(built, name):
    again = build_map(CONFIGS[name], seed=7)
    np.testing.assert_array_equal(again.grid, built[name].grid)
    assert again.labels == built[name].labels
    assert not np.array_equal(build_map(CONFIGS[name], seed=8).grid, built[name].grid)


def test_seed_resolution_call_then_config_then_zero():
    config = RandomRoomConfig(width=10, height=10, seed=3)
    np.testing.assert_array_equal(build_map(config).grid, build_map(config, seed=3).grid)
    unseeded = RandomRoomConfig(width=10, height=10)
    np.testing.assert_array_equal(build_map(unseeded).grid, build_map(unseeded, seed=0).grid)
    generator_built = build_map(unseeded, seed=np.random.default_rng(3))
    np.testing.assert_array_equal(generator_built.grid, build_map(config).grid)


def test_object_counts(built):
    assert built["random"].count("altar") == 6
    assert built["random"].count("mine_red") == 4
    assert built["random_teams"].count("agent.team_1") == 2
    assert built["random_teams"].count("agent.team_2") == 2
    assert built["random_teams"].count("wall") == 14 * 14 - 12 * 12 + 10
    assert built["maze_prim"].count("altar") == 1
    assert built["maze_prim"].count("mine_red") == 2
    assert built["varied_balanced"].count("altar") == 10
    assert built["cylinder"].count("altar") >= 40
    assert built["terrain"].count("altar") == 25
    assert built["multi_room"].count("altar") == 10
    assert built["room_scene"].count("altar") == 4 + 3
    assert built["room_scene"].count("mine_red") == 4 * 2
    assert built["mean_distance"].count("altar") == 4
    assert built["mean_distance"].count("mine_red") == 2


def test_labels(built):
    assert built["random"].labels == ("small",)
    assert built["maze_prim"].labels == ("maze", "small")
    assert built["varied_dense"].labels == ("dense", "small")
    assert built["terrain"].labels[0] == "terrain_maps_nohearts"
    assert built["multi_room"].labels == ("small",)
    assert built["room_list"].labels == ("small",)
    assert built["room_scene"].labels == ("small",)
    assert built["mean_distance"].labels == ("mean_distance", "small")
    big = build_map(RandomRoomConfig(width=80, height=80, objects={}, agents=1), seed=0)
    assert big.labels == ("large",)


def test_random_room_halves_objects_until_they_fit():
    # 10 + 30 + 4 = 44 > 2/3 of 36: halve to 5 + 15 (24 > 24? no: 5+15+4 = 24 = limit) -> fits
    config = RandomRoomConfig(width=6, height=6, objects={"altar": 10, "wall": 30}, agents=4)
    assert fit_object_counts(dict(config.objects), 4, 36) == {"altar": 5, "wall": 15}


def test_maze_layout_and_goal():
    level = build_map(MazePrimConfig(width=11, height=11, start_pos=(0, 0)), seed=1)
    inner = level.grid[1:-1, 1:-1]
    assert inner[0, 0] == "agent.agent"
    assert inner[10, 10] == "altar"
    # maze walls: every (odd, odd) position is a wall, every (even, even) cell is open
    assert set(inner[1::2, 1::2].ravel().tolist()) == {"wall"}
    assert "wall" not in set(inner[0::2, 0::2].ravel().tolist())


@pytest.mark.parametrize("config_class", [MazePrimConfig, MazeKruskalConfig])
def test_maze_is_perfect(config_class):
    # a perfect maze on c cells has exactly c - 1 openings between cells (a spanning tree)
    level = build_map(config_class(width=13, height=9, goal=None), seed=4)
    inner = level.grid[1:-1, 1:-1]
    cells = 7 * 5
    openings = (inner[0::2, 1::2] != "wall").sum() + (inner[1::2, 0::2] != "wall").sum()
    assert openings == cells - 1


def test_multi_room_regions_hold_one_agent_each(built):
    level = built["multi_room"]
    assert len(level.regions) == 5
    for row, col, height, width in level.regions:
        room = level.grid[row : row + height, col : col + width]
        assert (room == "agent.agent").sum() == 1
        assert room.shape == (8, 10)


def test_ascii_builder_from_text_and_file(tmp_path):
    path = tmp_path / "room.map"
    path.write_text(ROOM_ASCII)
    from_file = build_map(AsciiMapConfig(path=str(path), border_width=1))
    from_text = build_map({"type": "ascii", "text": ROOM_ASCII, "border_width": 1})
    np.testing.assert_array_equal(from_file.grid, from_text.grid)
    assert grid_to_ascii(from_file.grid[1:-1, 1:-1]) == ROOM_ASCII.strip().replace("a", "_")
    assert from_file.num_agents == 2


BENCH_MAPS = Path(__file__).resolve().parents[2] / "benchmarks" / "maps"


def test_bench_maps_build_and_are_connected():
    for name in ("bench_4rooms_24.txt", "random_32x32_4.txt"):
        level = build_map(AsciiMapConfig(path=str(BENCH_MAPS / name)))
        assert level.reachability()[0].all_reachable


def test_build_from_dict_with_nested_rooms():
    level = build_map(
        {
            "type": "multi_room",
            "num_rooms": 2,
            "layout": "column",
            "room": {"type": "random", "width": 5, "height": 5, "agents": 1, "objects": {}},
        },
        seed=0,
    )
    assert level.grid.shape == (14, 7)
    assert level.num_agents == 2


@pytest.mark.parametrize("name", list(CONFIGS))
def test_only_engine_object_names(built, name):
    known = set(CHAR_TO_NAME.values())
    assert set(np.unique(built[name].grid).tolist()) <= known


def test_room_scene_places_named_rooms_by_nested_layout(built):
    level = built["room_scene"]
    # 9 rooms, row-major; corners hold the bases' agents, the middle the centre's 3 altars.
    assert len(level.regions) == 9
    rooms = [level.grid[r : r + h, c : c + w] for r, c, h, w in level.regions]
    base, wild, centre = (7, 7), (7, 9), (9, 9)
    assert [room.shape for room in rooms] == [
        *(base, wild, base),
        *(wild, centre, wild),
        *(base, wild, base),
    ]
    assert [int((room == "agent.agent").sum()) for room in rooms] == [1, 0, 1, 0, 0, 0, 1, 0, 1]
    assert int((rooms[4] == "altar").sum()) == 3
    # inner lists are rows: the second room sits right of the first; with a row at the top
    # level the inner lists become columns and the second room sits below the first
    (row0, col0, height0, width0), (row1, col1, _, _) = level.regions[:2]
    assert row1 == row0
    assert col1 >= col0 + width0
    config = CONFIGS["room_scene"].model_copy(update={"stack_layout": "row"})
    (row0, col0, height0, _), (row1, col1, _, _) = build_map(config, seed=7).regions[:2]
    assert row1 >= row0 + height0
    assert abs(col1 - col0) <= 1  # same column cell; the narrower base is centred


def test_mean_distance_centres_the_first_agent_and_tracks_the_mean():
    config = MeanDistanceConfig(width=31, height=31, objects={"altar": 6}, agents=1, border_width=0)
    assert build_map(config, seed=0).grid[15, 15] == "agent.agent"
    distances = {}
    for mean in (2.0, 8.0):
        found = []
        for seed in range(40):
            grid = build_map(config.model_copy(update={"mean_distance": mean}), seed=seed).grid
            rows, cols = np.nonzero(grid == "altar")
            found.extend(np.hypot(rows - 15, cols - 15).tolist())
        distances[mean] = float(np.mean(found))
    assert 1.5 < distances[2.0] < 3.0
    assert 7.0 < distances[8.0] < 9.0
