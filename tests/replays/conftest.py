"""A tiny hand-made episode: a 5x4 room, one agent walking right and picking up ore, one mine."""

import pytest

from metta.mettagrid.replays import EpisodeReplay

TYPES = ["agent", "wall", "mine_red"]


def walls():
    cells = [(r, c) for r in range(4) for c in range(5) if r in (0, 3) or c in (0, 4)]
    return {10 + i: {"type": 1, "r": r, "c": c, "layer": 1} for i, (r, c) in enumerate(cells)}


def frame(agent_col, ore):
    objects = walls()
    agent = {"type": 0, "r": 1, "c": agent_col, "agent_id": 0, "agent:orientation": 3}
    if ore:
        agent["inv:ore_red"] = ore
    objects[1] = agent
    objects[2] = {"type": 2, "r": 2, "c": 3, "converting": 0}
    return objects


@pytest.fixture
def episode():
    replay = EpisodeReplay(
        map_size=(5, 4),
        num_agents=1,
        max_steps=10,
        object_types=TYPES,
        inventory_items=["ore_red"],
        action_names=["noop", "move"],
        config={"game": {"max_steps": 10}},
    )
    replay.record(0, frame(1, 0))
    replay.record(1, frame(2, 0), actions=[[1, 0]], action_success=[True], rewards=[0.0])
    replay.record(2, frame(2, 1), actions=[[0, 0]], action_success=[True], rewards=[0.5])
    replay.record(3, frame(3, 0), actions=[[1, 0]], action_success=[False], rewards=[0.25])
    return replay
