"""MettaGridEnv: one MettaGrid game behind a reset/step Python interface.

``reset(seed=None) -> (obs, infos)``; ``step(actions) -> (obs, rewards, terminals, truncations,
infos)`` with obs uint8 [agents, tokens, 3], actions int32 [agents, 2], rewards float32 and
bool flags [agents], all views of the engine's buffers (copy them to keep them). No autoreset:
after truncation, stepping keeps working until reset(). ``infos`` is empty except on the step
that ends the episode, where it holds the episode's stats (see ``_final_infos``).

Constructor arguments of the wrong type (a dict or None as config, a grid that is not a 2-D
array of object-name strings, a seed that is not an int, ...) raise TypeError or ValueError
naming the argument and what it expects, before anything reaches the engine.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from metta.mettagrid import _mettagrid
from metta.mettagrid.config import GameConfig
from metta.mettagrid.engine_config import compile_game, encode_map
from metta.mettagrid.game_view import GameView
from metta.mettagrid.maps.ascii import parse_ascii_map
from metta.mettagrid.vec_env import (
    MapProvider,
    average_agent_stats,
    check_game_config,
    check_seed,
)

__all__ = ["MettaGridEnv"]


def _check_grid(grid: object, argument: str = "map_grid") -> npt.NDArray[Any]:
    """``grid`` (ASCII map text, or a nested list/tuple/array of object names) as an array.

    Refuses, naming ``argument``: other types, ragged rows, and cells that are not strings in an
    object array. Shape, emptiness, dtype and the names themselves are checked by encode_map.
    """
    if isinstance(grid, str):
        try:
            return parse_ascii_map(grid)
        except ValueError as error:
            raise ValueError(f"{argument}: {error}") from error
    if not isinstance(grid, np.ndarray | list | tuple):
        raise TypeError(
            f"{argument}: expected a 2-D array of object-name strings (or ASCII map text), "
            f"got {type(grid).__name__}"
        )
    try:
        names = np.asarray(grid)
    except ValueError as error:  # numpy refuses nested sequences of unequal lengths
        raise ValueError(
            f"{argument}: expected a 2-D grid, but its rows have different lengths"
        ) from error
    if names.dtype.kind == "O" and names.ndim == 2:
        for (row, col), cell in np.ndenumerate(names):
            if not isinstance(cell, str):
                raise TypeError(
                    f"{argument}: expected object-name strings, got {type(cell).__name__} "
                    f"{cell!r} at row {row}, column {col}"
                )
    return names


def _check_seed(seed: object) -> int:
    """An engine seed: an int (not a bool) in [0, 2**64), else TypeError/ValueError."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"seed: expected an int in [0, 2**64), got {type(seed).__name__} {seed!r}")
    check_seed(int(seed))
    return int(seed)


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
        if map_provider is None and map_grid is None:
            raise ValueError(
                "map_grid: missing; pass a 2-D grid of object names (or ASCII map text) with "
                "config, or a map_provider"
            )
        if map_provider is not None and map_grid is not None:
            raise ValueError("pass exactly one of map_grid (with config) or map_provider")
        if map_provider is not None:
            if config is not None:
                raise ValueError(
                    "config: not used with map_provider (the provider returns configs)"
                )
            if not callable(map_provider):
                raise TypeError(
                    "map_provider: expected a callable (game index -> (GameConfig, map grid)), "
                    f"got {type(map_provider).__name__}"
                )
        if not isinstance(render_mode, str | None) or render_mode not in (None, "human", "ansi"):
            raise ValueError(f"render_mode: expected None, 'human' or 'ansi', got {render_mode!r}")
        seed = _check_seed(seed)
        self._provider = map_provider
        if map_provider is not None:
            config, grid = self._provided()
        else:
            config, grid = check_game_config(config), _check_grid(map_grid)
        self.config = config
        compiled = compile_game(self.config)
        cells = encode_map(grid, compiled, self.config.num_agents)
        batch = _mettagrid.Batch([(compiled, cells)], 1, False)
        super().__init__(batch, 0)
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

    def _provided(self) -> tuple[GameConfig, npt.NDArray[Any]]:
        """The map provider's next (config, grid), checked like the constructor's arguments."""
        assert self._provider is not None
        result = self._provider(0)
        if not isinstance(result, tuple | list) or len(result) != 2:
            raise TypeError(
                f"map_provider: must return (GameConfig, map grid), got {type(result).__name__}"
            )
        config, grid = result
        return (
            check_game_config(config, "map_provider's config"),
            _check_grid(grid, "map_provider's map grid"),
        )

    def reset(self, seed: int | None = None) -> tuple[npt.NDArray[np.uint8], dict[str, Any]]:
        """Starts a new episode (on a new map from map_provider, if given)."""
        if seed is not None:
            self._seed = _check_seed(seed)
        if self._provider is not None and self._needs_provider_map:
            config, grid = self._provided()
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
