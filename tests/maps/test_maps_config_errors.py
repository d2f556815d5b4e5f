"""Bad builder configs are refused with errors naming the field."""

import pydantic
import pytest

from metta.mettagrid.maps import (
    AsciiMapConfig,
    MazePrimConfig,
    MeanDistanceConfig,
    RandomRoomConfig,
    RoomSceneConfig,
    TerrainMapConfig,
    VariedTerrainConfig,
    build_map,
    parse_map_config,
)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: RandomRoomConfig(widht=10), "widht"),
        (lambda: RandomRoomConfig(width=0), "width"),
        (lambda: RandomRoomConfig(objects={"altar": -1}), "objects"),
        (lambda: RandomRoomConfig(objects={"agent.agent": 2}), "use the agents field"),
        (lambda: RandomRoomConfig(objects={"": 2}), "non-empty word"),
        (lambda: RandomRoomConfig(agents={"team one": 1}), "group name"),
        (lambda: RandomRoomConfig(width=2, height=2, agents=5), "agents: 5 agents do not fit"),
        (lambda: RandomRoomConfig(border_object="empty"), "border_object"),
        (lambda: MazePrimConfig(width=10), "width must be odd"),
        (lambda: MazePrimConfig(start_pos=(1, 0)), "start_pos"),
        (lambda: MazePrimConfig(end_pos=(0, 0)), "end_pos must differ"),
        (lambda: MazePrimConfig(agents=0), "at least one agent"),
        (lambda: VariedTerrainConfig(style="wavy"), "style"),
        (lambda: TerrainMapConfig(dataset="terrain_mapz"), "unknown terrain dataset"),
        (lambda: TerrainMapConfig(index=5, num_maps=5), "index 5 must be < num_maps 5"),
        (AsciiMapConfig, "exactly one of path and text"),
        (lambda: AsciiMapConfig(path="/no/such.map"), "path: no such map file"),
        (lambda: RandomRoomConfig(seed=-1), "seed"),
        (lambda: RoomSceneConfig(rooms={"a": RandomRoomConfig()}), "layout"),
        (
            lambda: RoomSceneConfig(rooms={"a": RandomRoomConfig()}, layout=["a", ["a", "b"]]),
            r"layout\[1\]\[1\]: unknown room 'b' \(known: \['a'\]\)",
        ),
        (
            lambda: RoomSceneConfig(rooms={"a": RandomRoomConfig()}, layout=["a", []]),
            r"layout\[1\]: an empty list",
        ),
        (
            lambda: RoomSceneConfig(rooms={"a": RandomRoomConfig()}, layout=[3]),
            r"layout\[0\]: expected a room name or a list, got int",
        ),
        (lambda: MeanDistanceConfig(agents=0), "agents: at least one agent"),
        (lambda: MeanDistanceConfig(width=3, height=3, objects={"altar": 9}), "do not fit"),
        (lambda: MeanDistanceConfig(width=9, height=20, mean_distance=5), "at most 4"),
        (lambda: MeanDistanceConfig(mean_distance=0), "mean_distance"),
    ],
)
def test_bad_config_names_the_field(make, match):
    with pytest.raises(pydantic.ValidationError, match=match):
        make()


def test_unknown_type_and_non_mapping():
    with pytest.raises(pydantic.ValidationError, match="random"):
        parse_map_config({"type": "randum"})
    with pytest.raises(TypeError, match="map config must be"):
        parse_map_config(["random"])
    with pytest.raises(pydantic.ValidationError, match=r"room\.random\.widht"):
        parse_map_config({"type": "multi_room", "room": {"type": "random", "widht": 3}})


def test_disconnected_ascii_map_refused_unless_allowed():
    text = "#####\n#@#_#\n#####"
    with pytest.raises(ValueError, match="not every agent and object is reachable"):
        build_map(AsciiMapConfig(text=text))
    assert build_map(AsciiMapConfig(text=text, require_connected=False)).num_agents == 1


def test_bad_ascii_character_names_line_and_column():
    with pytest.raises(ValueError, match="line 2, column 3"):
        build_map(AsciiMapConfig(text="###\n#@?\n###"))


def test_too_many_objects_for_the_room():
    with pytest.raises(ValueError, match="objects: placed"):
        build_map(RandomRoomConfig(width=3, height=3, agents=1, objects={"altar": 5}), seed=0)


def test_negative_seed_argument():
    with pytest.raises(ValueError, match="seed must be >= 0"):
        build_map(RandomRoomConfig(), seed=-3)


def test_mean_distance_that_cannot_place_its_objects_says_so():
    # 7x7 room, mean distance 1: the ring around the agent fills and the rest never lands.
    config = MeanDistanceConfig(width=7, height=7, objects={"wall": 30}, mean_distance=1.0)
    with pytest.raises(ValueError, match=r"objects: placed \d+ of 30 'wall'"):
        build_map(config, seed=0)
