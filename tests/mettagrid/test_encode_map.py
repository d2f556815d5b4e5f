"""encode_map: every cell's code is its name's, whatever the grid's string type or layout, and
any other name is refused naming its cell."""

from __future__ import annotations

import numpy as np
import pytest

from metta.mettagrid.builtin_envs import simple_env
from metta.mettagrid.engine_config import EMPTY_NAMES, compile_game, encode_map
from metta.mettagrid.maps import build_map

CONFIG = simple_env(4, 16, 12)
COMPILED = compile_game(CONFIG.game)
CODE_OF = {name: index + 1 for index, name in enumerate(COMPILED.object_names)}


def expected_codes(grid: np.ndarray) -> np.ndarray:
    """The codes looked up cell by cell (0 for every empty-cell name)."""
    return np.vectorize(lambda name: 0 if name in EMPTY_NAMES else CODE_OF[name])(grid)


@pytest.fixture(scope="module")
def grid() -> np.ndarray:
    return build_map(CONFIG.map_builder, seed=2).grid  # a <U50 grid from a map builder


def test_codes_are_each_cells_own_whatever_the_string_type_and_layout(grid):
    expected = expected_codes(grid).astype(np.uint16)
    longest = max(len(name) for name in CODE_OF)
    for variant in (
        grid,
        grid.astype(object),
        grid.astype(f"<U{longest}"),
        grid.astype(">U50"),
        np.asfortranarray(grid),
    ):
        cells = encode_map(variant, COMPILED, 4)
        assert cells.dtype == np.uint16
        assert cells.flags.c_contiguous
        np.testing.assert_array_equal(cells, expected)
    np.testing.assert_array_equal(encode_map(grid.T, COMPILED), expected.T)  # a strided view


def test_every_empty_cell_name_is_code_zero():
    names = sorted(EMPTY_NAMES)
    grid = np.array([["wall", *names, "agent.agent"]])
    assert encode_map(grid, COMPILED).tolist() == [[CODE_OF["wall"], *[0] * len(names), 1]]


@pytest.mark.parametrize(
    "name",
    [
        "generator_redx",  # a known name plus a character
        "x" * 50,  # longer than every known name
        "wall\x00x",  # a known name, a NUL, then more
        "altaR",
    ],
)
def test_any_other_name_is_refused_naming_its_cell(grid, name):
    bad = grid.copy()
    bad[3, 4] = name
    with pytest.raises(ValueError, match=r"map: unknown object .* at row 3, column 4"):
        encode_map(bad, COMPILED)
