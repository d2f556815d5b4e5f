"""cpp/tools/default_game.json, the game the C++ driver bench_engine runs, is what Python writes
now (cpp/tools/write_default_game.py): the default GameConfig's engine params and the ASCII map
characters, typed in one place."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from metta.mettagrid import _mettagrid
from metta.mettagrid.config import GameConfig
from metta.mettagrid.engine_config import compile_game

TOOLS = Path(__file__).resolve().parents[2] / "cpp" / "tools"


def _writer():
    spec = importlib.util.spec_from_file_location(
        "write_default_game", TOOLS / "write_default_game.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_checked_in_default_game_is_current():
    expected = _writer().default_game_json()
    actual = (TOOLS / "default_game.json").read_text()
    assert actual == expected, "rerun: python cpp/tools/write_default_game.py"


def test_default_game_compiles_like_the_python_default():
    document = json.loads((TOOLS / "default_game.json").read_text())
    from_file = _mettagrid.CompiledConfig(document["game"])
    from_python = compile_game(GameConfig())
    assert from_file.action_names == from_python.action_names
    assert from_file.object_names == from_python.object_names
    assert from_file.features == from_python.features
    assert set(document["map_chars"].values()) >= set(from_python.object_names)
