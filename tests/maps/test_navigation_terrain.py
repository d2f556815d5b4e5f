"""Navigation terrain builders: sizes, counts, reachability, determinism and structure."""

from collections import deque

import numpy as np
import pytest
from pydantic import ValidationError
from scipy import ndimage

from metta.mettagrid.builtin_envs import navigation_game
from metta.mettagrid.env import MettaGridEnv
from metta.mettagrid.env_config import EnvConfig
from metta.mettagrid.maps import (
    CorridorWorldConfig,
    RadialMazeConfig,
    SpiralConfig,
    WalledDetourConfig,
    build_map,
    parse_map_config,
)

BUILDERS = {
    "corridor_world": CorridorWorldConfig,
    "spiral": SpiralConfig,
    "radial_maze": RadialMazeConfig,
    "walled_detour": WalledDetourConfig,
}
SIZES = [(11, 11), (15, 23), (21, 21), (30, 17), (41, 41)]
SEEDS = range(6)
STEPS = ((-1, 0), (1, 0), (0, -1), (0, 1))


def inner(grid, border=1):
    """The grid without its border."""
    return grid[border:-border, border:-border]


def reachable_from_agent(grid):
    """BFS over empty cells from the (single) agent; returns the visited mask."""
    (start,) = [tuple(cell) for cell in np.argwhere(np.char.startswith(grid, "agent"))]
    height, width = grid.shape
    seen = np.zeros(grid.shape, dtype=bool)
    seen[start] = True
    queue = deque([start])
    while queue:
        row, col = queue.popleft()
        for dr, dc in STEPS:
            r, c = row + dr, col + dc
            if 0 <= r < height and 0 <= c < width and not seen[r, c] and grid[r, c] == "empty":
                seen[r, c] = True
                queue.append((r, c))
    return seen


def free_neighbours(free):
    padded = np.pad(free, 1).astype(int)
    return padded[:-2, 1:-1] + padded[2:, 1:-1] + padded[1:-1, :-2] + padded[1:-1, 2:]


@pytest.mark.parametrize("kind", BUILDERS)
@pytest.mark.parametrize(("height", "width"), SIZES)
def test_size_agent_altars_and_reachability(kind, height, width):
    for seed in SEEDS:
        config = BUILDERS[kind](width=width, height=height, objects={"altar": 3})
        grid = build_map(config, seed=seed).grid
        assert grid.shape == (height + 2, width + 2)
        ring = np.concatenate([grid[0], grid[-1], grid[:, 0], grid[:, -1]])
        assert set(ring.tolist()) == {"wall"}
        assert set(np.unique(grid).tolist()) == {"wall", "empty", "altar", "agent.agent"}
        assert int(np.char.startswith(grid, "agent").sum()) == 1
        assert int((grid == "altar").sum()) == 3
        seen = reachable_from_agent(grid)
        for row, col in np.argwhere(grid == "altar"):
            assert any(seen[row + dr, col + dc] for dr, dc in STEPS), (kind, seed, row, col)


@pytest.mark.parametrize("kind", BUILDERS)
@pytest.mark.parametrize("altars", [0, 1, 5])
def test_altar_count_is_honoured(kind, altars):
    for seed in SEEDS:
        level = build_map(BUILDERS[kind](width=17, height=19, objects={"altar": altars}), seed)
        assert level.count("altar") == altars
        assert level.num_agents == 1
        assert all(report.all_reachable for report in level.reachability())


@pytest.mark.parametrize("kind", BUILDERS)
def test_same_seed_same_map_and_seeds_differ(kind):
    config = BUILDERS[kind](width=25, height=21)
    first = build_map(config, seed=7).grid
    np.testing.assert_array_equal(first, build_map(config, seed=7).grid)
    others = [build_map(config, seed=seed).grid for seed in range(8, 12)]
    assert any(not np.array_equal(first, other) for other in others)


@pytest.mark.parametrize("kind", BUILDERS)
def test_unset_size_is_drawn_and_border_width_applies(kind):
    level = build_map(BUILDERS[kind](border_width=2), seed=3)
    assert 15 + 4 <= level.height <= 41 + 4
    assert 15 + 4 <= level.width <= 41 + 4
    assert (level.grid[:2] == "wall").all()
    assert (level.grid[:, -2:] == "wall").all()
    assert level.labels[0] == kind


@pytest.mark.parametrize(("height", "width"), SIZES)
def test_corridor_world_is_corridors(height, width):
    for seed in SEEDS:
        free = inner(build_map(CorridorWorldConfig(width=width, height=height), seed).grid)
        free = free != "wall"
        counts = free_neighbours(free)[free]
        assert (counts <= 2).mean() >= 0.6, seed
        dead_ends = int((counts == 1).sum())
        assert dead_ends >= 3, seed


@pytest.mark.parametrize(("height", "width"), SIZES)
def test_spiral_is_one_winding_path(height, width):
    for seed in SEEDS:
        for passage in (1, 2):
            config = SpiralConfig(width=width, height=height, passage_width=passage)
            grid = inner(build_map(config, seed).grid)
            free = grid != "wall"
            _, components = ndimage.label(free)
            assert components == 1
            # never wider than the passage: no (passage + 1)-square block is all free
            block = np.ones((passage + 1, passage + 1), dtype=bool)
            assert not ndimage.binary_erosion(free, block, border_value=0).any(), seed
            # no loops: every wall piece (8-connected) touches the map's edge
            labels, count = ndimage.label(~free, np.ones((3, 3)))
            edge = set(
                np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
            )
            assert set(range(1, count + 1)) <= edge, seed
            if passage == 1:
                # a path with 1-cell side niches: only niche junctions have 3 free neighbours
                assert (free_neighbours(free)[free] <= 2).mean() >= 0.85, seed
            # it winds: the walk from end to end is far longer than the map is wide
            assert free.sum() >= 2 * (height + width), seed


@pytest.mark.parametrize("start", ["centre", "entrance"])
def test_spiral_agent_start(start):
    for seed in SEEDS:
        config = SpiralConfig(width=21, height=21, agent_start=start, passage_width=2)
        grid = inner(build_map(config, seed).grid)
        (row, col) = np.argwhere(np.char.startswith(grid, "agent"))[0]
        on_edge = row in (0, 20) or col in (0, 20)
        assert on_edge == (start == "entrance"), seed


@pytest.mark.parametrize(("height", "width"), SIZES)
def test_radial_maze_has_hub_and_arms(height, width):
    for seed in SEEDS:
        for arms in (4, 6, 8):
            config = RadialMazeConfig(width=width, height=height, arms=arms)
            grid = inner(build_map(config, seed).grid)
            free = grid != "wall"
            square = np.ones((3, 3), dtype=bool)
            hub = ndimage.binary_dilation(ndimage.binary_erosion(free, square), square)
            assert hub.sum() >= 9, seed
            agent = np.argwhere(np.char.startswith(grid, "agent"))[0]
            assert hub[tuple(agent)], "the agent starts in the hub"
            rest = free & ~ndimage.binary_dilation(hub, square)
            labels, count = ndimage.label(rest)
            near_border = np.zeros_like(free)
            near_border[:2] = near_border[-2:] = near_border[:, :2] = near_border[:, -2:] = True
            reaching = set(np.unique(labels[near_border & rest]).tolist())
            assert count == arms, (seed, arms)
            assert len(reaching) >= min(arms, 4), (seed, arms)


@pytest.mark.parametrize(("height", "width"), SIZES)
def test_walled_detour_enclosures_have_one_opening(height, width):
    for seed in SEEDS:
        grid = inner(build_map(WalledDetourConfig(width=width, height=height), seed).grid)
        walls = grid == "wall"
        labels, count = ndimage.label(walls)
        edge = np.zeros_like(walls)
        edge[0] = edge[-1] = edge[:, 0] = edge[:, -1] = True
        enclosures = [k for k in range(1, count + 1) if not (edge & (labels == k)).any()]
        assert 1 <= len(enclosures) <= 2, seed
        for k in enclosures:
            rows, cols = np.nonzero(labels == k)
            top, bottom, left, right = rows.min(), rows.max(), cols.min(), cols.max()
            box = grid[top : bottom + 1, left : right + 1]
            perimeter = np.concatenate([box[0], box[-1], box[1:-1, 0], box[1:-1, -1]])
            assert (perimeter != "wall").sum() == 1, seed
            assert bottom - top >= 3
            assert right - left >= 3
        # lanes: full-width wall lines with exactly one gap, crossable (free on both sides)
        for lines in (grid, grid.T):
            for index, line in enumerate(lines):
                if (line != "wall").sum() == 1 and 0 < index < len(lines) - 1:
                    (gap,) = np.nonzero(line != "wall")[0]
                    assert lines[index - 1, gap] != "wall"
                    assert lines[index + 1, gap] != "wall"


def test_walled_detour_places_altars_inside_and_lanes():
    inside, lanes = 0, 0
    for seed in range(20):
        grid = inner(build_map(WalledDetourConfig(width=25, height=25), seed).grid)
        walls = grid == "wall"
        lanes += sum(int((~line).sum() == 1) for lines in (walls, walls.T) for line in lines)
        labels, count = ndimage.label(walls)
        for k in range(1, count + 1):
            rows, cols = np.nonzero(labels == k)
            if rows.min() > 0 and cols.min() > 0 and rows.max() < 24 and cols.max() < 24:
                box = grid[rows.min() + 1 : rows.max(), cols.min() + 1 : cols.max()]
                inside += int((box == "altar").sum())
    assert inside >= 20, "every map has at least one altar inside an enclosure"
    assert lanes >= 10


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"type": "corridor_world", "width": 5}, "width"),
        ({"type": "spiral", "height": 3}, "height"),
        ({"type": "spiral", "passage_width": 3}, "passage_width"),
        ({"type": "radial_maze", "width": 8}, "width"),
        ({"type": "radial_maze", "arms": 3}, "arms"),
        ({"type": "walled_detour", "enclosures": 3}, "enclosures"),
        ({"type": "walled_detour", "lanes": 5}, "lanes"),
        ({"type": "corridor_world", "tooth_probability": 1.5}, "tooth_probability"),
        ({"type": "spiral", "agent_start": "middle"}, "agent_start"),
        ({"type": "walled_detour", "objects": {"altar": -1}}, "objects"),
    ],
)
def test_bad_input_names_the_field(config, field):
    with pytest.raises(ValidationError, match=field):
        parse_map_config(config)


def test_direct_construction_rejects_a_small_width():
    with pytest.raises(ValidationError) as error:
        CorridorWorldConfig(width=3)
    assert error.value.errors()[0]["loc"] == ("width",)


def test_too_many_objects_is_a_clear_error():
    with pytest.raises(ValueError, match="objects"):
        build_map(SpiralConfig(width=7, height=7, objects={"altar": 40}), seed=0)


@pytest.mark.parametrize("kind", BUILDERS)
def test_builds_and_steps_in_the_env(kind):
    env_config = EnvConfig(
        game=navigation_game(1, max_steps=30), map_builder={"type": kind, "width": 19, "height": 15}
    )
    assert isinstance(env_config.map_builder, BUILDERS[kind])
    rng = np.random.default_rng(0)
    for seed in range(2):
        grid = build_map(env_config.map_builder, seed=seed).grid
        env = MettaGridEnv(env_config.game, grid)
        env.reset(seed=seed)
        assert env.map_width == 21
        assert env.map_height == 17
        for _ in range(10):
            action = int(rng.integers(len(env.action_names)))
            argument = int(rng.integers(env.max_action_args[action] + 1))
            env.step(np.array([[action, argument]], dtype=np.int32))
        assert env.current_step == 10
