"""Actions on hand-worked maps: move, rotate, get/put, attack, swap, colour, invalid input."""

from __future__ import annotations

import numpy as np
import pytest
from mettagrid_fixtures import stocked_source

from metta.mettagrid.config import GameConfig
from metta.mettagrid.engine_config import compile_game
from metta.mettagrid.env import MettaGridEnv
from metta.mettagrid.maps.ascii import parse_ascii_map

UP, DOWN, LEFT, RIGHT = 0, 1, 2, 3


def test_default_action_set_matches_reference():
    compiled = compile_game(GameConfig())
    assert compiled.action_names == [
        "noop",
        "move",
        "rotate",
        "put_recipe_items",
        "get_output",
        "attack",
        "attack_nearest",
        "swap",
        "change_color",
    ]
    assert compiled.max_action_args == [0, 1, 3, 0, 0, 9, 0, 0, 3]


def test_disabled_action_is_removed_and_ids_follow_registry():
    compiled = compile_game(GameConfig(actions={"rotate": {"enabled": False}}))
    assert "rotate" not in compiled.action_names
    assert compiled.action_names[:3] == ["noop", "move", "put_recipe_items"]


def test_move_forward_backward_and_blocked(make_driver):
    driver = make_driver("#####\n#@..#\n#####", agent={"action_failure_penalty": 0.5})
    driver.act(("rotate", RIGHT))
    driver.act(("move", 0))
    assert (driver.agent(0)["r"], driver.agent(0)["c"]) == (1, 2)
    assert driver.env.action_success == [True]
    driver.act(("move", 1))
    assert (driver.agent(0)["r"], driver.agent(0)["c"]) == (1, 1)
    rewards = driver.act(("move", 1))  # into the wall
    assert driver.env.action_success == [False]
    assert rewards.tolist() == [-0.5]
    stats = driver.agent_stats(0)
    assert stats["action.move.success"] == 2
    assert stats["action.move.failed"] == 1
    assert stats["action.failure_penalty"] == 0.5


def test_get_output_pays_holding_reward(make_driver):
    driver = make_driver(
        "#####\n#@_.#\n#####",
        objects={
            "altar": {
                "type": "converter",
                "type_id": 8,
                "input_resources": {"battery_red": 3},
                "output_resources": {"heart": 1},
                "initial_items": 1,
                "cooldown": 10,
            }
        },
    )
    driver.act(("rotate", RIGHT))
    rewards = driver.act(("get_output", 0))
    assert rewards.tolist() == [1.0]
    assert driver.agent(0)["inv:heart"] == 1
    own = driver.obs[0][driver.obs[0][:, 0] == 0x55]
    assert [0x55, 11, 100] in own.tolist()  # last_reward = 1.0 * 100
    assert [0x55, 18, 1] in own.tolist()  # inv:heart
    assert "inv:heart" not in driver.object_named("altar")
    assert driver.act(("get_output", 0)).tolist() == [0.0]
    assert driver.env.action_success == [False]


def test_put_recipe_items_starts_conversion(make_driver):
    driver = make_driver(
        "######\n#m@n.#\n######",
        objects={
            "mine_red": {
                "type": "converter",
                "type_id": 2,
                "output_resources": {"ore_red": 1},
                "initial_items": 2,
                "max_output": 2,
                "cooldown": 50,
            },
            "generator_red": {
                "type": "converter",
                "type_id": 5,
                "input_resources": {"ore_red": 1},
                "output_resources": {"battery_red": 1},
                "cooldown": 25,
            },
        },
    )
    driver.act(("rotate", LEFT))
    driver.act(("get_output", 0))
    assert driver.agent(0)["inv:ore_red"] == 2
    driver.act(("rotate", RIGHT))
    driver.act(("put_recipe_items", 0))  # puts one recipe's worth: 1 ore
    assert driver.agent(0)["inv:ore_red"] == 1
    generator = driver.object_named("generator_red")
    assert generator["converting"] == 1
    driver.act(("noop", 0))  # conversion_ticks 1: done at the start of the next step
    generator = driver.object_named("generator_red")
    assert generator["inv:battery_red"] == 1
    assert generator["converting"] == 1  # cooling down
    assert driver.agent_stats(0)["ore_red.put"] == 1


def _combat_driver(make_driver, **agent):
    return make_driver(
        "######\n#S@@o#\n######",
        agent={"freeze_duration": 3, **agent},
        objects={
            "lasery": stocked_source(10, "laser", 1),
            "armory": stocked_source(9, "armor", 1),
        },
    )


def test_attack_blocked_by_armor_uses_both_up(make_driver):
    driver = _combat_driver(make_driver)
    driver.act(("rotate", LEFT), ("rotate", RIGHT))
    driver.act(("get_output", 0), ("noop", 0))
    assert driver.agent(0)["inv:laser"] == 1
    driver.act(("rotate", RIGHT), ("get_output", 0))  # agent 1 takes an armor
    driver.act(("attack", 2), ("noop", 0))
    assert driver.env.action_success == [True, True]
    stats = driver.agent_stats(0)
    assert stats["attack.blocked.agent"] == 1
    assert "inv:armor" not in driver.agent(1)  # defense used up
    assert "inv:laser" not in driver.agent(0)  # laser consumed by the successful attack
    assert driver.agent(1)["agent:frozen"] == 0


def test_attack_without_laser_fails_and_costs_nothing(make_driver):
    driver = _combat_driver(make_driver)
    driver.act(("rotate", RIGHT), ("noop", 0))
    driver.act(("attack", 2), ("noop", 0))
    assert driver.env.action_success == [False, True]
    assert driver.agent(1)["agent:frozen"] == 0


def test_attack_unblocked_freezes_target_whose_action_then_fails(make_driver):
    driver = _combat_driver(make_driver)
    driver.act(("rotate", LEFT), ("noop", 0))
    driver.act(("get_output", 0), ("noop", 0))
    driver.act(("rotate", RIGHT), ("noop", 0))
    driver.act(("attack", 2), ("rotate", DOWN))  # attack runs first (priority 1)
    assert driver.env.action_success == [True, False]
    assert driver.agent(1)["agent:frozen"] == 1
    assert driver.agent(1)["agent:orientation"] == UP
    assert driver.agent_stats(1)["status.frozen.ticks"] == 1
    assert driver.agent_stats(0)["attack.win.agent"] == 1
    # frozen for 3 ticks: two more failed actions, then free again
    driver.act(("noop", 0), ("rotate", DOWN))
    driver.act(("noop", 0), ("rotate", DOWN))
    assert driver.agent(1)["agent:frozen"] == 0
    driver.act(("noop", 0), ("rotate", DOWN))
    assert driver.agent(1)["agent:orientation"] == DOWN


def test_attack_nearest_and_theft(make_driver):
    driver = make_driver(
        "#######\n#S@.@m#\n#######",
        agent={"freeze_duration": 5},
        actions={"attack": {"defense_resources": {}}},
        objects={
            "lasery": stocked_source(10, "laser", 1),
            "mine_red": stocked_source(2, "ore_red", 3),
        },
    )
    driver.act(("rotate", LEFT), ("rotate", RIGHT))
    driver.act(("get_output", 0), ("get_output", 0))
    assert driver.agent(1)["inv:ore_red"] == 3
    driver.act(("rotate", RIGHT), ("noop", 0))
    driver.act(("attack_nearest", 0), ("noop", 0))  # target 2 cells ahead; its noop then fails
    assert driver.env.action_success == [True, False]
    assert driver.agent(0)["inv:ore_red"] == 3
    assert "inv:ore_red" not in driver.agent(1)
    assert driver.agent(1)["agent:frozen"] == 1
    attacker, victim = driver.agent_stats(0), driver.agent_stats(1)
    for key in (
        "action.attack_nearest.agent",
        "action.attack_nearest.agent.agent",
        "action.attack_nearest.agent.agent.agent",
        "attack.own_team.agent",
        "attack.win.agent",
        "attack.win.agent.agent",
        "attack.win.own_team.agent",
    ):
        assert attacker[key] == 1, key
    for key in ("attack.loss.agent", "attack.loss.agent.agent", "attack.loss.from_own_team.agent"):
        assert victim[key] == 1, key
    assert attacker["ore_red.stolen"] == attacker["ore_red.stolen.agent"] == 3
    assert victim["ore_red.stolen_from"] == victim["ore_red.stolen_from.agent"] == 3


def test_attack_stats_name_both_teams_and_a_block(make_driver):
    # team_1 takes 2 lasers, team_2 one armor; the first attack is blocked (armor spent), the
    # second wins. Pair stats put the attacker's group first except on the blocked/loss side.
    driver = make_driver(
        "#######\n#S1.2o#\n#######",
        groups={"team_1": {"id": 1}, "team_2": {"id": 2}},
        objects={
            "lasery": stocked_source(10, "laser", 2),
            "armory": stocked_source(9, "armor", 1),
        },
    )
    driver.act(("rotate", LEFT), ("rotate", RIGHT))
    driver.act(("get_output", 0), ("get_output", 0))
    assert driver.agent(0)["inv:laser"] == 2
    assert driver.agent(1)["inv:armor"] == 1
    driver.act(("rotate", RIGHT), ("noop", 0))
    driver.act(("attack_nearest", 0), ("noop", 0))
    assert "inv:armor" not in driver.agent(1)
    attacker = driver.agent_stats(0)
    assert attacker["attack.blocked.team_2"] == attacker["attack.blocked.team_2.team_1"] == 1
    assert "attack.win.team_1" not in attacker
    driver.act(("attack_nearest", 0), ("noop", 0))
    attacker, victim = driver.agent_stats(0), driver.agent_stats(1)
    assert attacker["action.attack_nearest.agent"] == 2
    assert attacker["action.attack_nearest.agent.team_1"] == 2
    assert attacker["action.attack_nearest.agent.team_1.team_2"] == 2
    assert attacker["attack.other_team.team_1"] == 2
    assert attacker["attack.win.team_1"] == attacker["attack.win.team_1.team_2"] == 1
    assert attacker["attack.win.other_team.team_1"] == 1
    assert victim["attack.loss.team_2"] == victim["attack.loss.team_2.team_1"] == 1
    assert victim["attack.loss.from_other_team.team_2"] == 1
    assert not any(key.startswith("attack.") for key in victim if "loss" not in key)


def test_swap_with_block(make_driver):
    driver = make_driver("#####\n#@s.#\n#####")
    driver.act(("rotate", RIGHT))
    driver.act(("swap", 0))
    assert driver.env.action_success == [True]
    assert (driver.agent(0)["r"], driver.agent(0)["c"]) == (1, 2)
    assert (driver.object_named("block")["r"], driver.object_named("block")["c"]) == (1, 1)
    driver.act(("rotate", LEFT))
    driver.act(("rotate", RIGHT))
    driver.act(("swap", 0))  # empty cell in front: fails
    assert driver.env.action_success == [False]


def test_change_color(make_driver):
    driver = make_driver("###\n#@#\n###")
    for arg, expected in [(0, 1), (0, 2), (2, 4), (3, 2), (1, 1), (1, 0), (1, 0)]:
        driver.act(("change_color", arg))
        assert driver.agent(0)["agent:color"] == expected


@pytest.mark.parametrize(
    ("action", "stat"),
    [
        ((99, 0), "action.invalid_type"),
        ((-1, 0), "action.invalid_type"),
        ((2, 4), "action.invalid_arg"),
        ((2, -1), "action.invalid_arg"),
    ],
)
def test_invalid_actions_are_counted_failures(action, stat):
    env = MettaGridEnv(
        GameConfig(agent={"action_failure_penalty": 0.25}), parse_ascii_map("###\n#@#\n###")
    )
    env.reset()
    _, rewards, _, _, _ = env.step(np.array([action], dtype=np.int32))
    assert rewards.tolist() == [-0.25]
    assert env.action_success == [False]
    assert env.get_episode_stats()["agent"][0][stat] == 1
    assert env.grid_objects[5]["agent:orientation"] == 0


def test_move_conflict_depends_on_seeded_order():
    grid = parse_ascii_map("#####\n#@.@#\n#####")
    env = MettaGridEnv(GameConfig(), grid)
    winners = set()
    for seed in range(16):
        env.reset(seed=seed)
        env.step(np.array([[2, RIGHT], [2, LEFT]], dtype=np.int32))
        env.step(np.array([[1, 0], [1, 0]], dtype=np.int32))
        winners.add(tuple(env.action_success))
    assert winners == {(True, False), (False, True)}
