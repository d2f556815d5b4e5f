"""Deterministic scenes give hand-checked grids; children land in the areas their spec selects."""

import numpy as np
import pytest
from scene_helpers import ascii_of, lines, render

from metta.mettagrid.maps import MapGenConfig, build_map
from metta.mettagrid.maps.scenes import (
    AsciiConfig,
    ChildSpec,
    InlineAsciiConfig,
    MirrorConfig,
    NopConfig,
    RandomConfig,
    RemoveAgentsConfig,
    RoomGridConfig,
)


def test_inline_ascii_is_pasted_at_row_and_column():
    scene = InlineAsciiConfig(data="#@\n_#", row=1, column=2)
    expected = """
        .....
        ..#@.
        .._#.
    """
    assert ascii_of(render(scene, 3, 5)) == lines(expected)


def test_inline_ascii_that_does_not_fit_names_the_scene_and_area():
    scene = InlineAsciiConfig(data="###\n###", row=2)
    with pytest.raises(ValueError, match="2x3 map at row 2, column 0 does not fit") as error:
        render(scene, 3, 3)
    assert "scene 'inline_ascii' on a 3x3 area" in "\n".join(error.value.__notes__)


def test_ascii_reads_a_map_file(tmp_path):
    path = tmp_path / "room.map"
    path.write_text("###\n#@#\n")
    expected = """
        ....
        .###
        .#@#
    """
    assert ascii_of(render(AsciiConfig(path=str(path), row=1, column=1), 3, 4)) == lines(expected)


def test_nop_leaves_the_area_empty_and_still_renders_children():
    child = ChildSpec(scene=InlineAsciiConfig(data="@"))
    assert ascii_of(render(NopConfig(), 2, 3)) == "...\n..."
    assert ascii_of(render(NopConfig(children=(child,)), 2, 3)) == "@..\n..."


def test_remove_agents_empties_agent_cells_only():
    drawn = ChildSpec(scene=InlineAsciiConfig(data="@1#\n_2."))
    scene = NopConfig(children=(drawn, ChildSpec(scene=RemoveAgentsConfig())))
    assert ascii_of(render(scene, 2, 3)) == "..#\n_.."


def test_room_grid_rows_and_columns():
    # 11 wide: (11 - 2 * 1) // 3 = 3 per room; 7 high: (7 - 1) // 2 = 3; the last row is wall.
    expected = """
        ...#...#...
        ...#...#...
        ...#...#...
        ###########
        ...#...#...
        ...#...#...
        ...#...#...
    """
    assert ascii_of(render(RoomGridConfig(rows=2, columns=3), 7, 11)) == lines(expected)
    expected_leftover = """
        ..#..#
        ######
        ..#..#
        ######
    """
    assert ascii_of(render(RoomGridConfig(rows=2, columns=2), 4, 6)) == lines(expected_leftover)


def test_room_grid_layout_tags_its_rooms():
    # One agent in every room tagged "a" (lines of text), an altar in the room tagged "b".
    scene = RoomGridConfig(
        layout="ab\naa",
        border_width=1,
        children=(
            ChildSpec(scene=InlineAsciiConfig(data="@"), where={"tags": ["a"]}),
            ChildSpec(scene=InlineAsciiConfig(data="_"), where={"tags": ["b"]}),
        ),
    )
    expected = """
        @.#_.
        ..#..
        #####
        @.#@.
        ..#..
    """
    assert ascii_of(render(scene, 5, 5)) == lines(expected)
    same_as_lists = scene.model_copy(update={"layout": (("a", "b"), ("a", "a"))})
    assert ascii_of(render(same_as_lists, 5, 5)) == lines(expected)


def test_room_grid_default_tags_name_each_room():
    scene = RoomGridConfig(
        rows=1,
        columns=3,
        children=(ChildSpec(scene=InlineAsciiConfig(data="_"), where={"tags": ["room_0_1"]}),),
    )
    assert ascii_of(render(scene, 1, 5)) == ".#_#."


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"limit": 2, "order_by": "first"}, "@#@#.#."),
        ({"limit": 2, "order_by": "last"}, ".#.#@#@"),
        ({"limit": 1, "order_by": "first", "offset": 1}, ".#@#.#."),
        ({"limit": 1, "order_by": "last", "offset": 1}, ".#.#@#."),
        ({"order_by": "first", "offset": 3}, ".#.#.#@"),
    ],
)
def test_limit_order_and_offset(spec, expected):
    child = ChildSpec(scene=InlineAsciiConfig(data="@"), where={"tags": ["room"]}, **spec)
    scene = RoomGridConfig(rows=1, columns=4, children=(child,))
    assert ascii_of(render(scene, 1, 7)) == expected


def test_a_lock_gives_each_area_to_one_child():
    # Three children under one lock share four rooms: 2 + 1 + the one left, each room once.
    def spec(data, limit):
        return ChildSpec(
            scene=InlineAsciiConfig(data=data), where={"tags": ["room"]}, limit=limit, lock="x"
        )

    scene = RoomGridConfig(rows=1, columns=4, children=(spec("@", 2), spec("_", 1), spec("m", 5)))
    for seed in range(5):
        cells = ascii_of(render(scene, 1, 7, seed))[::2]
        assert sorted(cells) == sorted("@@_m")
    # Without the lock the later child draws over the earlier ones.
    unlocked = RoomGridConfig(
        rows=1,
        columns=4,
        children=(
            ChildSpec(scene=InlineAsciiConfig(data="@"), where={"tags": ["room"]}),
            ChildSpec(scene=InlineAsciiConfig(data="_"), where={"tags": ["room"]}),
        ),
    )
    assert ascii_of(render(unlocked, 1, 7)) == "_#_#_#_"


def test_random_order_picks_different_areas_for_different_seeds():
    child = ChildSpec(scene=InlineAsciiConfig(data="@"), where={"tags": ["room"]}, limit=1)
    scene = RoomGridConfig(rows=1, columns=4, children=(child,))
    picks = {ascii_of(render(scene, 1, 7, seed)).index("@") for seed in range(20)}
    assert picks == {0, 2, 4, 6}


MIRROR_SOURCE = InlineAsciiConfig(data="@_\n#.")


@pytest.mark.parametrize(
    ("symmetry", "expected"),
    [
        ("horizontal", "@__@\n#..#\n....\n...."),
        ("vertical", "@_..\n#...\n#...\n@_.."),
        ("both", "@__@\n#..#\n#..#\n@__@"),
    ],
)
def test_mirror_even_sides(symmetry, expected):
    assert ascii_of(render(MirrorConfig(scene=MIRROR_SOURCE, symmetry=symmetry), 4, 4)) == expected


def test_mirror_odd_side_keeps_a_middle_line():
    # The original part is ceil(5 / 2) = 3 wide; its middle column is its own mirror image.
    scene = MirrorConfig(scene=InlineAsciiConfig(data="@_#"), symmetry="horizontal")
    assert ascii_of(render(scene, 1, 5)) == "@_#_@"


def test_mapgen_adds_the_border_around_the_inner_grid():
    config = MapGenConfig(
        width=3, height=2, border_width=1, root=InlineAsciiConfig(data="@._", column=0)
    )
    level = build_map(config, 0)
    assert ascii_of(level.grid) == lines(
        """
        #####
        #@._#
        #...#
        #####
        """
    )
    assert level.labels == ("mapgen", "small")
    assert build_map(config.model_copy(update={"border_width": 0}), 0).grid.shape == (2, 3)


def test_a_scene_with_its_own_seed_draws_the_same_wherever_it_is():
    scattered = RandomConfig(objects={"altar": 3}, agents=1, seed=7)
    scene = RoomGridConfig(
        rows=2, columns=2, children=(ChildSpec(scene=scattered, where={"tags": ["room"]}),)
    )
    grid = render(scene, 11, 11)
    rooms = [grid[r : r + 5, c : c + 5] for r in (0, 6) for c in (0, 6)]
    assert all(np.array_equal(room, rooms[0]) for room in rooms)
    assert (rooms[0] == "altar").sum() == 3
