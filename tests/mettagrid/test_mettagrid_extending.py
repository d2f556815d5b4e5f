"""The docs/extending.md worked example (chest + chest_transfer) and registry-wide checks."""

from __future__ import annotations

import numpy as np
import pytest

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
