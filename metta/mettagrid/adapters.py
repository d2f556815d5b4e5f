"""Standard-API adapters: a single-agent gymnasium Env and a PettingZoo ParallelEnv.

Both wrap a MettaGridEnv and copy what they return (the engine reuses its buffers every step).
"""

from __future__ import annotations

from typing import Any

import gymnasium
import numpy as np
import numpy.typing as npt

try:
    from pettingzoo import ParallelEnv
except ImportError as error:  # the PettingZoo adapter is an optional extra
    raise ImportError(
        "metta.mettagrid.adapters needs PettingZoo: pip install 'metta[pettingzoo]'"
    ) from error

from metta.mettagrid.config import GameConfig
from metta.mettagrid.env import MettaGridEnv

__all__ = ["MettaGridParallelEnv", "SingleAgentGymEnv"]


class SingleAgentGymEnv(gymnasium.Env):
    """gymnasium.Env over a one-agent game: obs [tokens, 3] uint8, action MultiDiscrete([n, m])."""

    metadata = {"render_modes": ["ansi"], "render_fps": 10}  # noqa: RUF012 (gymnasium API)

    def __init__(
        self, config: GameConfig, map_grid: npt.ArrayLike, render_mode: str | None = None
    ) -> None:
        self.env = MettaGridEnv(config, map_grid)
        if self.env.num_agents != 1:
            raise ValueError(
                f"map: SingleAgentGymEnv needs exactly 1 agent, got {self.env.num_agents}"
            )
        self.observation_space = self.env.single_observation_space
        self.action_space = self.env.single_action_space
        self.render_mode = render_mode
        self._actions = np.zeros((1, 2), dtype=np.int32)

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[npt.NDArray[np.uint8], dict[str, Any]]:
        """Starts an episode; the same seed gives the same episode."""
        super().reset(seed=seed)
        obs, _ = self.env.reset(seed=seed)
        return obs[0].copy(), {}

    def step(
        self, action: npt.ArrayLike
    ) -> tuple[npt.NDArray[np.uint8], float, bool, bool, dict[str, Any]]:
        """One step with action (type, argument)."""
        self._actions[0] = np.asarray(action, dtype=np.int32).reshape(2)
        obs, rewards, terminals, truncations, infos = self.env.step(self._actions)
        return obs[0].copy(), float(rewards[0]), bool(terminals[0]), bool(truncations[0]), infos

    def render(self) -> str | None:
        """The grid as text when render_mode is "ansi"."""
        return self.env.render() if self.render_mode == "ansi" else None


class MettaGridParallelEnv(ParallelEnv):
    """PettingZoo ParallelEnv: agents "agent_0".."agent_{n-1}"; all leave at truncation."""

    metadata = {"render_modes": ["ansi"], "name": "mettagrid_v0"}  # noqa: RUF012 (PettingZoo API)

    def __init__(
        self, config: GameConfig, map_grid: npt.ArrayLike, render_mode: str | None = None
    ) -> None:
        self.env = MettaGridEnv(config, map_grid)
        self.possible_agents = [f"agent_{i}" for i in range(self.env.num_agents)]
        self.agents: list[str] = []
        self.render_mode = render_mode
        self._observation_space = self.env.single_observation_space
        self._action_space = self.env.single_action_space
        self._actions = np.zeros((self.env.num_agents, 2), dtype=np.int32)

    def observation_space(self, agent: str) -> gymnasium.spaces.Space:
        """Box(0, 255, (tokens, 3), uint8), the same for every agent."""
        return self._observation_space

    def action_space(self, agent: str) -> gymnasium.spaces.Space:
        """MultiDiscrete([actions, max arg + 1]), the same for every agent."""
        return self._action_space

    def reset(
        self, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, npt.NDArray[np.uint8]], dict[str, dict[str, Any]]]:
        """Starts an episode with every agent."""
        obs, _ = self.env.reset(seed=seed)
        self.agents = list(self.possible_agents)
        return {a: obs[i].copy() for i, a in enumerate(self.agents)}, {a: {} for a in self.agents}

    def step(self, actions: dict[str, npt.ArrayLike]) -> tuple[dict[str, Any], ...]:
        """Steps every live agent; agents without an action do noop (type 0, arg 0)."""
        self._actions.fill(0)
        for index, agent in enumerate(self.possible_agents):
            if agent in actions:
                self._actions[index] = np.asarray(actions[agent], dtype=np.int32).reshape(2)
        obs, rewards, terminals, truncations, infos = self.env.step(self._actions)
        live = self.agents
        out = (
            {a: obs[i].copy() for i, a in enumerate(self.possible_agents) if a in live},
            {a: float(rewards[i]) for i, a in enumerate(self.possible_agents) if a in live},
            {a: bool(terminals[i]) for i, a in enumerate(self.possible_agents) if a in live},
            {a: bool(truncations[i]) for i, a in enumerate(self.possible_agents) if a in live},
            {a: dict(infos) for a in live},
        )
        if terminals.all() or truncations.all():
            self.agents = []
        return out

    def render(self) -> str | None:
        """The grid as text when render_mode is "ansi"."""
        return self.env.render() if self.render_mode == "ansi" else None

    def close(self) -> None:
        """Nothing to release."""
