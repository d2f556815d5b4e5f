"""The docs/extending.md worked example (chest + chest_transfer) and registry-wide checks."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from metta.mettagrid import config as config_module
from metta.mettagrid.config import ActionsConfig, ChestConfig, GameConfig, default_objects
from metta.mettagrid.engine_config import compile_game
from metta.mettagrid.env import MettaGridEnv
from metta.mettagrid.maps.ascii import parse_ascii_map

RIGHT, LEFT = 3, 2


def chest_config() -> GameConfig:
    objects = {**default_objects(), "chest": ChestConfig()}
    objects["altar"] = objects["altar"].model_copy(update={"initial_items": 2, "max_output": 2})
    return GameConfig(objects=objects, actions={"chest_transfer": {"enabled": True}})


def chest_grid() -> np.ndarray:
    grid = parse_ascii_map("#####\n#_@.#\n#####")
    grid[1, 3] = "chest"
    return grid


def test_chest_is_off_by_default_and_does_not_shift_ids():
    default = compile_game(GameConfig())
    extended = compile_game(chest_config())
    assert "chest_transfer" not in default.action_names
    assert extended.action_names[: len(default.action_names)] == default.action_names
    assert extended.action_names[-1] == "chest_transfer"
    assert extended.max_action_args[-1] == 1
    default_features = set(default.features)
    assert default_features <= set(extended.features)
    assert set(extended.features) - default_features == {(200, "chest:items", 255.0)}


def test_chest_deposit_and_withdraw():
    env = MettaGridEnv(chest_config(), chest_grid())
    env.reset()
    names = env.action_names

    def act(name: str, arg: int) -> float:
        _, rewards, _, _, _ = env.step(np.array([[names.index(name), arg]], dtype=np.int32))
        return float(rewards[0])

    def chest() -> dict:
        return next(o for o in env.grid_objects.values() if o["type_name"] == "chest")

    act("rotate", LEFT)
    assert act("get_output", 0) == 2.0  # two hearts from the altar
    act("rotate", RIGHT)
    assert act("chest_transfer", 0) == -2.0  # deposited: the holding reward goes with them
    assert chest()["inv:heart"] == 2
    assert chest()["chest:items"] == 2
    assert chest()["type"] == 15
    obs = env.observations[0]
    chest_tokens = obs[obs[:, 0] == 0x56]  # one column right of the centre
    assert chest_tokens[:, 1:].tolist() == [[0, 15], [200, 2], [18, 2]]
    assert act("chest_transfer", 0) == 0.0
    assert env.action_success == [False]  # nothing left to deposit
    assert act("chest_transfer", 1) == 2.0
    assert "inv:heart" not in chest()
    stats = env.get_episode_stats()["agent"][0]
    assert stats["chest.deposited"] == 2
    assert stats["chest.withdrawn"] == 2


@pytest.mark.parametrize("action", list(ActionsConfig.model_fields))
def test_every_action_steps_with_every_argument(action):
    """Registry-wide: each action, alone, accepts all its arguments and rejects max_arg + 1."""
    disabled = {name: {"enabled": False} for name in ActionsConfig.model_fields if name != action}
    objects = {**default_objects(), "chest": ChestConfig()}
    config = GameConfig(actions={**disabled, action: {"enabled": True}}, objects=objects)
    env = MettaGridEnv(config, parse_ascii_map("######\n#m@@_#\n#.s.n#\n######"))
    env.reset(seed=0)
    for type_id, max_arg in enumerate(env.max_action_args):
        for arg in range(max_arg + 2):
            env.step(np.array([[type_id, arg], [type_id, arg]], dtype=np.int32))
    stats = env.get_episode_stats()["agent"]
    assert sum(s.get("action.invalid_arg", 0) for s in stats) == 2 * len(env.max_action_args)


def test_every_object_kind_observes_its_type_id_first():
    objects = {**default_objects(), "chest": ChestConfig(type_id=42)}
    grid = parse_ascii_map("######\n#m@s_#\n######")
    grid[1, 0] = "chest"
    env = MettaGridEnv(GameConfig(objects=objects), grid)
    env.reset()
    for obj in env.grid_objects.values():
        assert obj["type_id"] == obj["type"]
    assert {o["type_name"]: o["type"] for o in env.grid_objects.values()}["chest"] == 42


# docs/extending.md, followed word for word: its code blocks are the engine's real code.
DOCS = Path(__file__).resolve().parents[2] / "docs" / "extending.md"
CPP = Path(__file__).resolve().parents[2] / "cpp" / "engine"


def doc_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOCS.read_text(), flags=re.DOTALL)


def test_guide_declarations_are_the_engine_code():
    """Every declaration line the guide shows is in the class it names, or the registry."""
    sources = "\n".join(
        " ".join(path.read_text().split())
        for path in [*CPP.glob("objects/*.hpp"), *CPP.glob("actions/*.hpp"), CPP / "registry.cpp"]
    )
    shown = [
        line.strip()
        for block in doc_blocks("cpp")
        for line in block.splitlines()
        if line.strip().startswith(("static constexpr", "kind_entry<", "action_entry<"))
    ]
    assert len(shown) >= 12
    for line in shown:
        code = " ".join(line.split("//")[0].split())
        assert code in sources, code


def test_guide_pydantic_model_is_the_real_one():
    block = next(b for b in doc_blocks("python") if "class ChestConfig" in b)
    namespace = dict(vars(config_module))
    exec(block, namespace)  # the guide's own example
    shown, real = namespace["ChestConfig"], config_module.ChestConfig
    assert list(shown.model_fields) == list(real.model_fields)
    for name, field in shown.model_fields.items():
        other = real.model_fields[name]
        assert (field.annotation, field.default, field.metadata) == (
            other.annotation,
            other.default,
            other.metadata,
        ), name


def test_guide_example_builds_and_steps():
    block = next(b for b in doc_blocks("python") if "env = MettaGridEnv(config, grid)" in b)
    namespace = {
        "ChestConfig": ChestConfig,
        "GameConfig": GameConfig,
        "MettaGridEnv": MettaGridEnv,
        "default_objects": default_objects,
        "parse_ascii_map": parse_ascii_map,
    }
    exec(block, namespace)  # the guide's own example
    env = namespace["env"]
    env.reset(seed=0)
    names = env.action_names
    assert names[-1] == "chest_transfer"
    env.step(np.array([[names.index("rotate"), RIGHT]], dtype=np.int32))
    env.step(np.array([[names.index("chest_transfer"), 1]], dtype=np.int32))
    assert env.action_success == [False]  # the chest starts empty
    chest = next(o for o in env.grid_objects.values() if o["type_name"] == "chest")
    assert (chest["type"], chest["chest:items"]) == (15, 0)
    assert "chest" in env.get_episode_stats()
