"""MettaGridEnv: one MettaGrid game with the reference's Python interface (spec §7.2).

``reset(seed=None) -> (obs, infos)``; ``step(actions) -> (obs, rewards, terminals, truncations,
infos)`` with obs uint8 [agents, tokens, 3], actions int32 [agents, 2], rewards float32 and
bool flags [agents], all views of the engine's buffers (copy them to keep them). No autoreset:
after truncation, stepping keeps working until reset(). ``infos`` is empty except on the step
that ends the episode, where it holds the episode's stats (see ``_final_infos``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from metta.mettagrid import _mettagrid
from metta.mettagrid.config import GameConfig
from metta.mettagrid.engine_config import compile_game, encode_map
from metta.mettagrid.game_view import GameView
from metta.mettagrid.vec_env import MapProvider, average_agent_stats, check_seed

__all__ = ["MettaGridEnv"]


class MettaGridEnv(GameView):
    """One game: a config plus a map of object names, or a map_provider called at every reset."""

    def __init__(
        self,
        config: GameConfig | None = None,
        map_grid: npt.ArrayLike | None = None,
        *,
        map_provider: MapProvider | None = None,
        seed: int = 0,
        render_mode: str | None = None,
    ) -> None:
        if (map_provider is None) == (map_grid is None):
            raise ValueError("pass exactly one of map_grid (with config) or map_provider")
        if render_mode not in (None, "human", "ansi"):
            raise ValueError(f"render_mode: expected None, 'human' or 'ansi', got {render_mode!r}")
        self._provider = map_provider
        if map_provider is not None:
            config, map_grid = map_provider(0)
        self.config = config if config is not None else GameConfig()
        compiled = compile_game(self.config)
        cells = encode_map(map_grid, compiled, self.config.num_agents)
        batch = _mettagrid.Batch([(compiled, cells)], 1, False)
        super().__init__(batch, 0, compiled)
        self.render_mode = render_mode
        self._obs, self._rewards, self._terminals, self._truncations = batch.buffers()
        batch.reset(seed)  # objects exist (grid_objects, render) before the first reset()
        self._seed = seed
        self._needs_provider_map = False
        self.done = False
        """True once the current episode has ended."""

    @property
    def observations(self) -> npt.NDArray[np.uint8]:
        """The engine's observation buffer."""
        return self._obs

    def reset(self, seed: int | None = None) -> tuple[npt.NDArray[np.uint8], dict[str, Any]]:
        """Starts a new episode (on a new map from map_provider, if given)."""
        if seed is not None:
            check_seed(seed)
            self._seed = seed
        if self._provider is not None and self._needs_provider_map:
            config, grid = self._provider(0)
            compiled = compile_game(config)
            self._batch.set_next(0, compiled, encode_map(grid, compiled, config.num_agents))
            self.config = config
        self._needs_provider_map = True
        self._batch.reset(self._seed)
        self._seed += 1
        self.done = False
        return self._obs, {}

    def step(
        self, actions: npt.NDArray[np.int32]
    ) -> tuple[
        npt.NDArray[np.uint8],
        npt.NDArray[np.float32],
        npt.NDArray[np.bool_],
        npt.NDArray[np.bool_],
        dict[str, Any],
    ]:
        """Steps every agent with ``actions`` (int32 [num_agents, 2]: action type, argument)."""
        if not isinstance(actions, np.ndarray):
            raise TypeError(f"actions: expected a numpy int32 array, got {type(actions).__name__}")
        over = self._batch.step(actions)  # the engine says whether the episode is over
        infos: dict[str, Any] = {}
        if over and not self.done:
            self.done = True
            infos = self._final_infos()
        if self.render_mode == "human":
            print(self.render(color=True))
        return self._obs, self._rewards, self._terminals, self._truncations, infos

    def _final_infos(self) -> dict[str, Any]:
        """Episode-end infos: ``game`` stats, ``agent`` stats averaged over agents,
        ``episode_rewards``, ``episode_return`` (their mean) and ``attributes``."""
        stats = self.get_episode_stats()
        rewards = self.get_episode_rewards()
        return {
            "game": dict(stats["game"]),
            "agent": average_agent_stats(stats["agent"]),
            "episode_rewards": rewards,
            "episode_return": float(rewards.mean()),
            "attributes": {
                "seed": self._seed - 1,
                "map_w": self.map_width,
                "map_h": self.map_height,
                "initial_grid_hash": self.initial_grid_hash,
                "steps": self.current_step,
                "max_steps": self.max_steps,
            },
        }

    def close(self) -> None:
        """Nothing to release beyond the engine object itself."""
