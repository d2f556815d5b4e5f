"""Scene configs: bad ones are refused naming the field, YAML trees load, MapGen drives the env."""

from pathlib import Path

import numpy as np
import pydantic
import pytest
from scene_helpers import ascii_of, render

from metta.mettagrid.env_config import EnvConfig
from metta.mettagrid.environment import Environment
from metta.mettagrid.maps import (
    MapGen,
    MapGenConfig,
    build_map,
    load_scene_config,
    parse_map_config,
)
from metta.mettagrid.maps.scenes import (
    SCENE_CONFIGS,
    AsciiConfig,
    AutoConfig,
    BSPConfig,
    ChildSpec,
    ConvChainConfig,
    InlineAsciiConfig,
    MazeConfig,
    MirrorConfig,
    MultiLeftAndRightConfig,
    NopConfig,
    RandomConfig,
    RandomObjectsConfig,
    RandomSceneConfig,
    RandomSceneFromDirConfig,
    RoomGridConfig,
    WFCConfig,
    parse_scene_config,
)

BAD_CONFIGS = [
    (lambda: WFCConfig(pattern="#a"), r"pattern: line 1, column 2: 'a'"),
    (lambda: WFCConfig(pattern="|##|\n|#|"), r"pattern: line 2 has 1 cells, expected 2"),
    (lambda: WFCConfig(pattern_size=7), r"pattern_size\n.*less than or equal to 4"),
    (
        lambda: WFCConfig(pattern="|#.|", pattern_size=3, periodic_input=False),
        r"pattern_size: 3 is larger than the 1x2 sample",
    ),
    (lambda: WFCConfig(max_attempts=0), r"max_attempts"),
    (lambda: ConvChainConfig(temperature=0), r"temperature"),
    (lambda: ConvChainConfig(symmetry="diagonal"), r"symmetry"),
    (lambda: MirrorConfig(scene=NopConfig(), symmetry="x5"), r"symmetry"),
    (lambda: ChildSpec(scene=NopConfig(), offset=1), r"offset: only used with order_by"),
    (lambda: ChildSpec(scene=NopConfig(), limit=-1), r"limit"),
    (lambda: ChildSpec(scene=NopConfig(), order_by="middle"), r"order_by"),
    (lambda: ChildSpec(scene=NopConfig(), where="everywhere"), r"where"),
    (lambda: RoomGridConfig(rows=2), r"rows and columns: give both"),
    (lambda: RoomGridConfig(layout=[["a", "b"], ["c"]]), r"layout: row 2 has 1 rooms"),
    (lambda: RoomGridConfig(layout="ab", rows=1, columns=2), r"layout: give either"),
    (lambda: RoomGridConfig(border_object="empty"), r"border_object"),
    (
        lambda: BSPConfig(min_room_size_ratio=0.9, max_room_size_ratio=0.5),
        r"min_room_size_ratio 0.9 must be <= max_room_size_ratio 0.5",
    ),
    (lambda: RandomConfig(objects={"agent.x": 1}), r"use the agents field"),
    (lambda: RandomConfig(agents={"team one": 1}), r"agents: group name"),
    (lambda: RandomObjectsConfig(object_ranges={"altar": 2}), r"object_ranges: density"),
    (lambda: RandomObjectsConfig(object_ranges={"altar": (0.5, 0.1)}), r"low <= high"),
    (lambda: MazeConfig(algorithm="dfs"), r"algorithm"),
    (lambda: MazeConfig(room_size=(0, 2)), r"room_size: must be >= 1"),
    (lambda: MazeConfig(wall_size=(3, 1)), r"wall_size\n.*low <= high"),
    (lambda: RandomSceneConfig(candidates=[]), r"candidates"),
    (
        lambda: RandomSceneConfig(candidates=[{"scene": NopConfig(), "weight": 0}]),
        r"candidates\.0\.weight",
    ),
    (lambda: RandomSceneFromDirConfig(dir="/no/such/dir"), r"dir: no such folder"),
    (lambda: AsciiConfig(path="/no/such.map"), r"path: no such map file"),
    (lambda: InlineAsciiConfig(data="@?"), r"data: ASCII map line 1, column 2"),
    (lambda: MultiLeftAndRightConfig(rows=1, columns=3), r"rows and columns: 1 x 3 rooms"),
    (lambda: AutoConfig(layout={"grid": 0, "bsp": 0}), r"layout: at least one of grid and bsp"),
    (lambda: AutoConfig(room_symmetry={"none": -1}), r"room_symmetry\.none"),
    (lambda: AutoConfig(bogus=1), r"bogus\n.*Extra inputs are not permitted"),
    (lambda: NopConfig(seed=-1), r"seed"),
    (lambda: MapGenConfig(width=0), r"width"),
    (
        lambda: MapGenConfig(root={"type": "wfcc"}),
        r"root\n.*does not match any of the expected tags",
    ),
    (
        lambda: MapGenConfig(root={"type": "wfc", "pattern_size": 9}),
        r"root\.wfc\.pattern_size",
    ),
    (
        lambda: MapGenConfig(
            root={"type": "nop", "children": [{"scene": {"type": "maze", "room_size": 0}}]}
        ),
        r"root\.nop\.children\.0\.scene\.maze",
    ),
]


@pytest.mark.parametrize(("make", "match"), BAD_CONFIGS)
def test_bad_config_names_the_field(make, match):
    with pytest.raises(pydantic.ValidationError, match=match):
        make()


@pytest.mark.parametrize("config_type", SCENE_CONFIGS, ids=lambda t: t.__name__)
def test_every_scene_has_a_type_and_documented_fields(config_type):
    assert config_type.model_config["frozen"]
    assert config_type.model_config["extra"] == "forbid"
    for name, info in config_type.model_fields.items():
        assert name == "type" or info.description, f"{config_type.__name__}.{name} has no docstring"
    with pytest.raises(pydantic.ValidationError):
        config_type.model_validate({"type": "not_this_one"})


def test_configs_are_frozen():
    with pytest.raises(pydantic.ValidationError):
        MazeConfig().room_size = 3


SCENE_YAML = """
type: room_grid
rows: 1
columns: 2
children:
  - scene:
      type: inline_ascii
      data: "@"
    where:
      tags: [room_0_0]
  - scene: {type: inline_ascii, data: _}
    where: {tags: [room_0_1]}
"""


def test_scene_tree_from_yaml(tmp_path):
    path = tmp_path / "scene.yaml"
    path.write_text(SCENE_YAML)
    scene = load_scene_config(path)
    assert isinstance(scene, RoomGridConfig)
    assert ascii_of(render(scene, 1, 5)) == "@.#_."
    assert parse_scene_config(scene) is scene


def test_mapgen_from_yaml_and_through_build_map(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text(
        "width: 5\nheight: 1\nborder_width: 1\nseed: 4\nroot:\n"
        + "".join(f"  {line}\n" for line in SCENE_YAML.strip().splitlines())
    )
    config = MapGenConfig.from_yaml(path)
    assert ascii_of(build_map(config).grid) == "#######\n#@.#_.#\n#######"
    as_dict = {"type": "mapgen", **config.model_dump(exclude={"type"})}
    assert parse_map_config(as_dict) == config
    assert MapGen is MapGenConfig
    (tmp_path / "list.yaml").write_text("- 1\n")
    with pytest.raises(ValueError, match="expected a mapping"):
        MapGenConfig.from_yaml(tmp_path / "list.yaml")


def test_default_mapgen_builds_a_connected_map_with_four_agents():
    level = build_map(MapGenConfig(), seed=1)
    assert level.grid.shape == (42, 42)
    assert level.num_agents == 4
    assert all(report.connected for report in level.reachability())


def test_build_map_seeding():
    config = MapGenConfig(width=24, height=24)
    same = [build_map(config, np.random.default_rng([0, 1, 2])).grid for _ in range(2)]
    assert np.array_equal(*same)
    assert np.array_equal(build_map(config, 5).grid, build_map(config, 5).grid)
    assert not np.array_equal(build_map(config, 5).grid, build_map(config, 6).grid)
    seeded = config.model_copy(update={"seed": 5})
    assert np.array_equal(build_map(seeded).grid, build_map(config, 5).grid)


def test_errors_inside_the_tree_say_where_they_happened():
    root = NopConfig(children=(ChildSpec(scene=BSPConfig(min_room_size=9)),))
    with pytest.raises(ValueError, match="cannot hold a room") as error:
        build_map(MapGenConfig(width=6, height=6, root=root))
    notes = "\n".join(error.value.__notes__)
    assert "scene 'bsp' on a 6x6 area at row 0, column 0" in notes
    assert "scene 'nop'" in notes


def test_a_mapgen_map_steps_in_the_real_environment():
    root = AutoConfig(num_agents=2, room_objects={"altar": (0.01, 0.02)})
    config = EnvConfig(map_builder=MapGenConfig(width=20, height=16, border_width=2, root=root))
    env = Environment(env_config=config.model_dump(), num_agents=2, num_envs=2)
    try:
        obs, _ = env.reset(seed=3)
        assert env.driver_env.map_width == 24
        assert env.driver_env.map_height == 20
        rng = np.random.default_rng(0)
        for _ in range(5):
            types = rng.integers(0, len(env.action_names), env.num_agents)
            args = rng.random(env.num_agents) * (np.asarray(env.max_action_args)[types] + 1)
            actions = np.stack([types, args.astype(np.int64)], axis=1).astype(np.int32)
            obs, rewards, _, _, _ = env.step(actions)
        assert obs.shape[0] == 4
        assert rewards.shape == (4,)
    finally:
        env.close()


def test_the_yaml_example_of_docs_maps_md_builds(tmp_path):
    docs = Path(__file__).resolve().parents[3] / "docs" / "maps.md"
    example = docs.read_text().split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "map.yaml"
    path.write_text(example)
    for seed in range(3):
        level = build_map(MapGenConfig.from_yaml(path), seed)
        assert level.num_agents == 4
        assert level.count("altar") == 10
        assert all(report.connected for report in level.reachability())
