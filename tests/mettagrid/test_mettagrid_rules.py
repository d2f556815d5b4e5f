"""Converter timeline, rewards with caps, group sharing, truncation and episode stats."""

from __future__ import annotations

import numpy as np
from mettagrid_fixtures import stocked_source

from metta.mettagrid.config import GameConfig
from metta.mettagrid.env import MettaGridEnv
from metta.mettagrid.maps.ascii import parse_ascii_map

RIGHT = 3


def test_mine_timeline_conversion_and_cooldown(make_driver):
    driver = make_driver("#####\n#@m.#\n#####", max_steps=0)
    mine = driver.object_named("mine_red")
    assert mine["converting"] == 1  # started on map load
    assert "inv:ore_red" not in mine
    driver.act(("noop", 0))  # step 1: finished (1 tick), cooling down for 50
    mine = driver.object_named("mine_red")
    assert mine["inv:ore_red"] == 1
    assert mine["converting"] == 1
    for _ in range(49):
        driver.act(("noop", 0))
    assert driver.object_named("mine_red")["inv:ore_red"] == 1  # step 50: still cooling
    driver.act(("noop", 0))  # step 51: cooldown over, starts again
    driver.act(("noop", 0))  # step 52: second ore
    assert driver.object_named("mine_red")["inv:ore_red"] == 2
    converter_stats = driver.env.get_episode_stats()["converter"][0]
    assert converter_stats["conversions.completed"] == 2
    assert converter_stats["ore_red.produced"] == 2
    assert converter_stats["type_id"] == 2


def test_max_output_blocks_until_taken(make_driver):
    driver = make_driver(
        "#####\n#@m.#\n#####",
        objects={
            "mine_red": {
                "type": "converter",
                "type_id": 2,
                "output_resources": {"ore_red": 1},
                "max_output": 2,
                "cooldown": 1,
            }
        },
    )
    for _ in range(10):
        driver.act(("noop", 0))
    assert driver.object_named("mine_red")["inv:ore_red"] == 2
    assert driver.env.get_episode_stats()["converter"][0]["blocked.output_full"] >= 1


def test_reward_counts_held_items_up_to_cap(make_driver):
    driver = make_driver(
        "#####\n#@m.#\n#####",
        agent={"rewards": {"ore_red": 0.5}, "reward_max": {"ore_red": 2}},
        objects={"mine_red": stocked_source(2, "ore_red", 3)},
    )
    driver.act(("rotate", RIGHT))
    rewards = driver.act(("get_output", 0))
    assert driver.agent(0)["inv:ore_red"] == 3
    assert rewards.tolist() == [1.0]  # 0.5 * min(3, 2)
    assert driver.env.get_episode_rewards().tolist() == [1.0]


def test_inventory_cap_clamps(make_driver):
    driver = make_driver(
        "#####\n#@m.#\n#####",
        agent={"default_item_max": 2},
        objects={
            "mine_red": {
                "type": "converter",
                "type_id": 2,
                "output_resources": {"ore_red": 1},
                "initial_items": 5,
                "cooldown": 100,
            }
        },
    )
    driver.act(("rotate", RIGHT))
    driver.act(("get_output", 0))
    assert driver.agent(0)["inv:ore_red"] == 2
    assert driver.object_named("mine_red")["inv:ore_red"] == 3


def test_group_reward_sharing():
    config = GameConfig(
        groups={"team_1": {"id": 1, "group_reward_pct": 0.5}},
        agent={"rewards": {"ore_red": 2.0}},
        objects={
            "mine_red": stocked_source(2, "ore_red", 1),
            "wall": {"type": "wall"},
        },
    )
    env = MettaGridEnv(config, parse_ascii_map("######\n#1m.1#\n######"))
    env.reset()
    env.step(np.array([[2, RIGHT], [0, 0]], dtype=np.int32))
    _, rewards, _, _, _ = env.step(np.array([[4, 0], [0, 0]], dtype=np.int32))
    assert rewards.tolist() == [1.5, 0.5]  # keeps 2 - 1, the pool's 1 is split over 2
    assert env.get_episode_rewards().tolist() == [1.5, 0.5]
    agents = [o for o in env.grid_objects.values() if "agent_id" in o]
    assert [o["agent:group"] for o in agents] == [1, 1]


def test_truncation_at_max_steps_and_final_infos():
    env = MettaGridEnv(GameConfig(max_steps=3), parse_ascii_map("###\n#@#\n###"))
    obs, infos = env.reset()
    assert infos == {}
    noop = np.zeros((1, 2), dtype=np.int32)
    for step in range(1, 4):
        obs, _, terminals, truncations, infos = env.step(noop)
        assert obs[0, 0].tolist() == [0x55, 8, round(step / 3 * 255)]
        assert not terminals.any()
        assert truncations.tolist() == [step == 3]
        assert bool(infos) == (step == 3)
    assert infos["attributes"]["steps"] == 3
    assert infos["agent"]["action.noop.success"] == 3
    assert infos["game"]["tokens_written"] > 0


def test_render_one_char_per_cell(make_driver):
    driver = make_driver("#####\n#@m_#\n#s..#\n#####")
    assert driver.env.render() == "#####\n#0m_#\n#s..#\n#####"
    assert "\x1b[" in driver.env.render(color=True)


def test_exploration_reward_pays_each_new_cell_once_per_episode(make_driver):
    driver = make_driver("######\n#@...#\n######", agent={"exploration_reward": 0.25}, max_steps=8)
    driver.act(("rotate", RIGHT))
    assert driver.rewards.tolist() == [0.0]  # turning enters no cell
    assert driver.act(("move", 0)).tolist() == [0.25]  # (1, 2): new
    assert driver.act(("move", 0)).tolist() == [0.25]  # (1, 3): new
    assert driver.act(("move", 1)).tolist() == [0.0]  # back to (1, 2): seen
    assert driver.act(("move", 1)).tolist() == [0.0]  # the start cell counts as seen
    assert driver.act(("move", 1)).tolist() == [0.0]  # into the wall: no move, no reward
    for _ in range(2):
        driver.act(("noop", 0))  # step 8 ends the episode; the next one starts afresh
    driver.env.reset()
    driver.act(("rotate", RIGHT))
    assert driver.act(("move", 0)).tolist() == [0.25]
    assert driver.env.get_episode_rewards().tolist() == [0.25]


def test_exploration_reward_is_off_by_default_and_per_group(make_driver):
    driver = make_driver("#####\n#@..#\n#####")
    driver.act(("rotate", RIGHT))
    assert driver.act(("move", 0)).tolist() == [0.0]
    config = GameConfig(
        agent={"exploration_reward": 0.5},
        groups={"agent": {"id": 0, "props": {"exploration_reward": 0.0}}},
    )
    env = MettaGridEnv(config, parse_ascii_map("#####\n#@..#\n#####"))
    env.reset()
    names = env.action_names
    env.step(np.array([[names.index("rotate"), RIGHT]], dtype=np.int32))
    _, rewards, *_ = env.step(np.array([[names.index("move"), 0]], dtype=np.int32))
    assert rewards.tolist() == [0.0]
