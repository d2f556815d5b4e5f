"""Generated terrain datasets (nothing downloaded) and terrain builders."""

import numpy as np
import pytest

from metta.mettagrid.maps import (
    NAVIGATION_TERRAIN_DATASETS,
    TERRAIN_DATASETS,
    CylinderWorldConfig,
    TerrainMapConfig,
    VariedTerrainConfig,
    build_map,
    check_reachability,
    is_connected,
    size_label,
    terrain_dataset_map,
)


def test_navigation_datasets_are_the_reference_sixteen():
    assert len(NAVIGATION_TERRAIN_DATASETS) == 16
    assert NAVIGATION_TERRAIN_DATASETS[0] == "terrain_maps_nohearts"
    assert "varied_terrain/cylinder-world_large" in NAVIGATION_TERRAIN_DATASETS
    assert "varied_terrain/sparse_small" in NAVIGATION_TERRAIN_DATASETS


@pytest.mark.parametrize("dataset", TERRAIN_DATASETS)
def test_dataset_map_invariants(dataset):
    grid = terrain_dataset_map(dataset, 2)
    ring = np.concatenate([grid[0], grid[-1], grid[:, 0], grid[:, -1]])
    assert set(ring.tolist()) == {"wall"}
    assert set(np.unique(grid).tolist()) <= {"wall", "empty", "altar"}
    report = check_reachability(grid)
    assert report.connected, report.describe()
    height, width = grid.shape[0] - 2, grid.shape[1] - 2
    if dataset.startswith("terrain_maps"):
        assert 50 <= height <= 100
        assert 50 <= width <= 100
        assert 0.25 <= (grid == "wall").mean() <= 0.65
    else:
        assert size_label(width, height) == dataset.rsplit("_", 1)[1]
    has_altars = bool((grid == "altar").any())
    assert has_altars == (dataset == "terrain_maps" or "cylinder-world" in dataset)


def test_dataset_maps_are_reproducible_and_distinct():
    first = terrain_dataset_map("terrain_maps_nohearts", 4)
    np.testing.assert_array_equal(first, terrain_dataset_map("terrain_maps_nohearts", 4))
    assert not np.array_equal(first, terrain_dataset_map("terrain_maps_nohearts", 5))
    other = terrain_dataset_map("terrain_maps_nohearts", 4, dataset_seed=1)
    assert not np.array_equal(first, other)


def test_dataset_cache_returns_copies():
    grid = terrain_dataset_map("varied_terrain/sparse_small", 0)
    before = grid.copy()
    grid[:] = "altar"
    np.testing.assert_array_equal(terrain_dataset_map("varied_terrain/sparse_small", 0), before)


def test_terrain_map_tops_up_objects_and_picks_index_by_seed():
    config = TerrainMapConfig(dataset="terrain_maps", agents=1, objects={"altar": 5}, index=0)
    base_altars = int((terrain_dataset_map("terrain_maps", 0) == "altar").sum())
    level = build_map(config, seed=0)
    assert level.count("altar") == max(5, base_altars)
    more = TerrainMapConfig(dataset="terrain_maps", agents=1, objects={"altar": base_altars + 7})
    assert build_map(more.model_copy(update={"index": 0}), seed=0).count("altar") == base_altars + 7
    shapes = {build_map(TerrainMapConfig(agents=1), seed=s).grid.shape for s in range(6)}
    assert len(shapes) > 1


@pytest.mark.parametrize("style", ["sparse", "balanced", "dense", "maze"])
def test_varied_terrain_many_seeds_stay_connected(style):
    config = VariedTerrainConfig(width=30, height=24, style=style, agents=3, objects={"altar": 8})
    walls = []
    for seed in range(8):
        level = build_map(config, seed=seed)
        assert level.num_agents == 3
        assert level.count("altar") == 8
        assert level.reachability()[0].connected
        walls.append((level.grid[1:-1, 1:-1] == "wall").mean())
    assert max(walls) > 0.0


def test_style_density_orders_sparse_below_dense():
    def density(style):
        grids = [
            build_map(VariedTerrainConfig(style=style, objects={}), seed=s).grid for s in range(4)
        ]
        return np.mean([(g[1:-1, 1:-1] == "wall").mean() for g in grids])

    assert density("sparse") < density("balanced") < density("dense")


def test_all_sparse_alias():
    assert VariedTerrainConfig(style="all-sparse").style == "sparse"


def test_cylinder_world_draws_size_when_unset():
    level = build_map(CylinderWorldConfig(), seed=2)
    assert 42 <= level.height <= 101
    assert 42 <= level.width <= 101
    assert level.count("altar") > 0
    assert level.reachability()[0].connected


def test_varied_terrain_draws_a_new_terrain_when_the_objects_do_not_fit():
    # Seed 155 at 17x17 "maze" leaves room for 5 of 8 altars on its first terrain.
    config = VariedTerrainConfig(width=17, height=17, style="maze", objects={"altar": 8})
    level = build_map(config, seed=155)
    assert (level.grid == "altar").sum() == 8
    assert is_connected(level.grid)
    assert np.array_equal(level.grid, build_map(config, seed=155).grid)  # still deterministic
    too_many = VariedTerrainConfig(width=8, height=8, style="dense", objects={"altar": 60})
    with pytest.raises(ValueError, match=r"placed .* of 60 objects") as raised:
        build_map(too_many, seed=0)
    assert "10 terrains drawn" in "".join(raised.value.__notes__)
