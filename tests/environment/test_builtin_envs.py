"""Built-in named envs and curricula: the navigation rules, and overrides that reach every task."""

import numpy as np
import pytest

from metta.mettagrid.builtin_envs import make_curriculum, navigation_game
from metta.mettagrid.env import MettaGridEnv
from metta.mettagrid.maps.ascii import parse_ascii_map

RIGHT = 3


def test_a_navigation_altar_pays_exactly_one_heart():
    # The navigation altar: one heart to start, and a refill needs 3
    # battery_red that navigation agents never hold, so standing at an altar pays once.
    env = MettaGridEnv(navigation_game(1, max_steps=600), parse_ascii_map("####\n#@_#\n####"))
    env.reset()
    names = env.action_names
    rotate = np.array([[names.index("rotate"), RIGHT]], dtype=np.int32)
    take = np.array([[names.index("get_output"), 0]], dtype=np.int32)
    env.step(rotate)
    rewards = [float(env.step(take)[1][0]) for _ in range(550)]
    assert sum(rewards) == 1.0
    assert rewards[0] == 1.0


def test_overrides_reach_every_navigation_task_even_under_the_map_template():
    overrides = {"map_builder": {"border_width": 2, "room": {"border_width": 1}}}
    curriculum = make_curriculum(
        "/env/mettagrid/curriculum/navigation/bucketed", overrides=overrides
    )
    for _ in range(5):
        config = curriculum.get_task().env_config
        assert config.map_builder.border_width == 2
        assert config.map_builder.room.border_width == 1


@pytest.mark.parametrize(
    ("path", "overrides", "bucket"),
    [
        ("/env/mettagrid/curriculum/navigation/rooms", {"map_builder": {"width": 21}}, "width"),
        ("/env/mettagrid/curriculum/navigation/rooms", {"map_builder.objects.altar": 3}, "altar"),
        (
            "/env/mettagrid/curriculum/navigation/bucketed",
            {"map_builder": {"room": {"dataset": "terrain_maps"}}},
            "dataset",
        ),
    ],
)
def test_an_override_of_a_bucketed_path_is_refused(path, overrides, bucket):
    with pytest.raises(ValueError, match=f"set per task by the curriculum's bucket .*{bucket}"):
        make_curriculum(path, overrides=overrides)
