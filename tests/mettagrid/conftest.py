"""Helpers for MettaGrid tests: build a one-game env from ASCII text and step it by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from metta.mettagrid.config import GameConfig, default_objects
from metta.mettagrid.env import MettaGridEnv
from metta.mettagrid.maps.ascii import parse_ascii_map


class Driver:
    """A MettaGridEnv plus helpers to step it with named actions."""

    def __init__(self, env: MettaGridEnv) -> None:
        self.env = env
        self.obs, _ = env.reset(seed=0)
        self.rewards = np.zeros(env.num_agents, dtype=np.float32)

    def act(self, *actions: tuple[str, int]) -> np.ndarray:
        """One step: action i (name, arg) for agent i; returns the rewards (a copy)."""
        names = self.env.action_names
        array = np.array([[names.index(name), arg] for name, arg in actions], dtype=np.int32)
        self.obs, rewards, _, _, _ = self.env.step(array)
        self.rewards = rewards.copy()
        return self.rewards

    def agent(self, index: int) -> dict[str, Any]:
        """grid_objects entry of agent ``index``."""
        for obj in self.env.grid_objects.values():
            if obj.get("agent_id") == index:
                return obj
        raise KeyError(index)

    def object_named(self, name: str) -> dict[str, Any]:
        """The single grid object called ``name``."""
        found = [o for o in self.env.grid_objects.values() if o["type_name"] == name]
        assert len(found) == 1, found
        return found[0]

    def agent_stats(self, index: int) -> dict[str, float]:
        """Stats of agent ``index`` in the current episode."""
        return self.env.get_episode_stats()["agent"][index]


@pytest.fixture
def make_driver() -> Callable[..., Driver]:
    """Factory: make_driver(ascii_text, **GameConfig fields) -> Driver."""

    def factory(text: str, **fields: Any) -> Driver:
        if "objects" in fields:  # tests name only the objects they change
            fields["objects"] = {**default_objects(), **fields["objects"]}
        config = GameConfig(**fields)
        return Driver(MettaGridEnv(config, parse_ascii_map(text)))

    return factory
