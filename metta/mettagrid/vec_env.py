"""MettaGridVecEnv: N MettaGrid games stepped together by the native engine on a thread pool.

Public contract (DESIGN.md):
- ``reset(seed=None) -> (obs, infos)`` and ``step(actions) -> (obs, rewards, terminals,
  truncations, infos)``; ``send(actions)`` / ``recv()`` split one step in two (``send`` runs the
  step with the GIL released, ``recv`` hands back its results). An env used before any
  ``reset()`` resets itself first (constructor seed), and the first ``recv()`` after a reset
  returns its first frame, as PufferLib's ``async_reset``; a second ``send()`` before ``recv()``
  is refused.
- ``obs`` uint8 ``[num_envs * agents_per_env, num_observation_tokens, 3]`` tokens
  ``(location, feature id, value)`` padded with 0xFF; ``actions`` int32 ``[num_agents, 2]``
  (action type, argument); ``rewards`` float32, ``terminals`` / ``truncations`` bool
  ``[num_agents]``. The arrays returned are always the same numpy views of the engine's own
  buffers (no copy): read them before the next step, copy them to keep them.
- Agents of game g are rows ``g * agents_per_env ... (g + 1) * agents_per_env - 1``.
- Autoreset: a game whose episode ends (``truncations`` true at ``max_steps``; the engine never
  sets ``terminals``) restarts inside the same step on its next map, so the observation returned
  with the final rewards and flags is already the new episode's first one. ``infos`` is a list
  with one dict per episode that ended in this step (see ``_episode_info``). The other games are
  not held up: resets run in the same parallel pass.
- Maps: either one ``config`` plus one ``map_grid`` (a numpy array of object names, e.g. from
  ``metta.mettagrid.maps.ascii.load_ascii_map``) for every game and episode, or a
  ``map_provider(game_index) -> (GameConfig, map_grid)``. Each game always has one map queued:
  the one its next episode starts on (a reset or an episode end starts it). The provider is
  called once per game at construction (the first episode) and, through
  ``_start_next_episodes``, once for each game that has just started its queued episode (every
  game in reset(), the finished ones after a step), so every episode gets a fresh map and the
  call happens outside the native step. All maps need the same number of agents, and all
  configs the same window, token count, items and action set.
- Determinism: episode e of game g is seeded from (seed, g, e), so results are bit-identical for
  any ``num_threads`` and do not depend on the other games of the batch.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from metta.mettagrid import _mettagrid
from metta.mettagrid.config import GameConfig
from metta.mettagrid.engine_config import compile_game, encode_map
from metta.mettagrid.game_view import GameView

__all__ = ["MapProvider", "MettaGridVecEnv", "check_game_config", "check_seed"]

MapProvider = Callable[[int], tuple[GameConfig, npt.ArrayLike]]


class _Compiler:
    """Compiles each distinct GameConfig once (configs from a curriculum repeat)."""

    def __init__(self) -> None:
        self._cache: dict[str, _mettagrid.CompiledConfig] = {}

    def __call__(self, config: GameConfig) -> _mettagrid.CompiledConfig:
        key = config.model_dump_json()
        compiled = self._cache.get(key)
        if compiled is None:
            if len(self._cache) > 256:
                self._cache.clear()
            compiled = compile_game(config)
            self._cache[key] = compiled
        return compiled


class MettaGridVecEnv:
    """N games in one native batch; see the module docstring for the full contract."""

    def __init__(
        self,
        config: GameConfig | None = None,
        map_grid: npt.ArrayLike | None = None,
        *,
        map_provider: MapProvider | None = None,
        num_envs: int = 1,
        num_threads: int | None = None,
        seed: int = 0,
        autoreset: bool = True,
    ) -> None:
        if num_envs < 1:
            raise ValueError(f"num_envs: must be at least 1, got {num_envs}")
        if num_threads is not None and num_threads < 1:
            raise ValueError(
                f"num_threads: must be at least 1 (or None for all cores), got {num_threads}"
            )
        if (map_provider is None) == (map_grid is None):
            raise ValueError("pass exactly one of map_grid (with config) or map_provider")
        if map_provider is not None and config is not None:
            raise ValueError("config: not used with map_provider (the provider returns configs)")
        self._provider = map_provider
        self._compile = _Compiler()
        self.configs: list[GameConfig] = []
        """The GameConfig the provider last gave for each game (that of its next episode)."""
        if map_provider is None:
            game_config = check_game_config(config) if config is not None else GameConfig()
            compiled = self._compile(game_config)
            cells = encode_map(map_grid, compiled, game_config.num_agents)
            games = [(compiled, cells)] * num_envs
            self.configs = [game_config] * num_envs
        else:
            games = [self._provide(game) for game in range(num_envs)]
        threads = num_threads if num_threads is not None else min(num_envs, os.cpu_count() or 1)
        self._batch = _mettagrid.Batch(games, threads, autoreset)
        self._obs, self._rewards, self._terminals, self._truncations = self._batch.buffers()
        self._batch.reset(seed)  # objects exist (grid_objects, render) before the first reset()
        self._num_envs = num_envs
        self._next_seed = seed
        self._infos: list[dict[str, Any]] = []
        self._sent = False
        self._stepped = False  # a send() whose results recv() has not returned yet
        self._started = False  # reset() has run (send/recv before it reset implicitly)
        self._closed = False
        self.driver_env = GameView(self._batch, 0)
        """The first game, for its properties (action names, features, grid objects, render)."""

    def _provide(self, game: int) -> tuple[_mettagrid.CompiledConfig, npt.NDArray[np.uint16]]:
        """Game ``game``'s next compiled config and encoded map; records its GameConfig."""
        config, compiled, cells = self._next_map(game)
        if len(self.configs) <= game:
            self.configs.append(config)
        else:
            self.configs[game] = config
        return compiled, cells

    def _next_map(
        self, game: int
    ) -> tuple[GameConfig, _mettagrid.CompiledConfig, npt.NDArray[np.uint16]]:
        """The map provider's next (config, map) for ``game``, compiled and encoded. Subclasses
        that compile and encode their maps ahead of time override it."""
        if self._provider is None:
            raise RuntimeError("no map_provider")
        config, grid = self._provider(game)
        if not isinstance(config, GameConfig):
            raise TypeError(
                f"map_provider must return (GameConfig, grid), got {type(config).__name__}"
            )
        compiled = self._compile(config)
        return config, compiled, encode_map(grid, compiled, config.num_agents)

    def game_view(self, game: int) -> GameView:
        """A read-only view of game ``game`` (its grid objects, step, config); ``driver_env`` is
        game 0's."""
        if not 0 <= game < self._num_envs:
            raise IndexError(f"game must be in [0, {self._num_envs}), got {game}")
        return GameView(self._batch, game)

    # Sizes and spaces.
    @property
    def num_envs(self) -> int:
        """Number of games."""
        return self._num_envs

    @property
    def agents_per_env(self) -> int:
        """Agents in each game."""
        return int(self._batch.agents_per_env)

    @property
    def num_agents(self) -> int:
        """Agents over all games (rows of obs/actions)."""
        return int(self._batch.total_agents)

    @property
    def num_threads(self) -> int:
        """Threads the batch steps on."""
        return int(self._batch.num_threads)

    @property
    def single_observation_space(self) -> Any:
        """gymnasium Box(0, 255, (tokens, 3), uint8) of one agent."""
        return self.driver_env.single_observation_space

    @property
    def single_action_space(self) -> Any:
        """gymnasium MultiDiscrete([actions, max arg + 1]) int32 of one agent."""
        return self.driver_env.single_action_space

    @property
    def action_names(self) -> list[str]:
        """Action type i's name."""
        return self.driver_env.action_names

    @property
    def max_action_args(self) -> list[int]:
        """Largest valid argument of action type i."""
        return self.driver_env.max_action_args

    @property
    def observations(self) -> npt.NDArray[np.uint8]:
        """The engine's observation buffer (the array step() returns)."""
        return self._obs

    @property
    def rewards(self) -> npt.NDArray[np.float32]:
        """The engine's reward buffer."""
        return self._rewards

    @property
    def terminals(self) -> npt.NDArray[np.bool_]:
        """The engine's terminal flags (never set by MettaGrid rules)."""
        return self._terminals

    @property
    def truncations(self) -> npt.NDArray[np.bool_]:
        """The engine's truncation flags."""
        return self._truncations

    def set_buffers(
        self,
        observations: npt.NDArray[np.uint8],
        rewards: npt.NDArray[np.float32],
        terminals: npt.NDArray[np.bool_],
        truncations: npt.NDArray[np.bool_],
    ) -> None:
        """Makes the engine write into caller arrays (exact dtype and shape, C-contiguous,
        writeable; never converted) from the next reset/step on; step() then returns them."""
        self._batch.set_buffers(observations, rewards, terminals, truncations)
        self._obs, self._rewards, self._terminals, self._truncations = (
            observations,
            rewards,
            terminals,
            truncations,
        )

    def observation_address(self) -> int:
        """Address of the engine's observation memory (for zero-copy checks)."""
        return int(self._batch.observation_address())

    # Stepping.
    def reset(self, seed: int | None = None) -> tuple[npt.NDArray[np.uint8], list[dict[str, Any]]]:
        """Restarts every game; episode e of game g is seeded from (seed, g, e).

        ``seed=None`` uses the constructor's seed for the first reset and the previous seed + 1
        afterwards.
        """
        self._check_open()
        if seed is None:
            seed = self._next_seed
        check_seed(seed)
        self._next_seed = seed + 1
        self._batch.reset(seed)
        self._start_next_episodes(range(self._num_envs), None)
        # Like PufferLib's async_reset: the next recv() returns these first observations (with
        # zero rewards and flags), which is where a rollout loop of recv/act/send starts.
        self._infos = []
        self._sent = True
        self._stepped = False
        self._started = True
        return self._obs, []

    def _queue_next_maps(self, games: Iterable[int]) -> None:
        """Asks the map provider (if any) for the map each game of ``games`` plays next."""
        if self._provider is not None:
            for game in games:
                self._batch.set_next(game, *self._provide(game))

    def _start_next_episodes(
        self, games: Sequence[int], ended: Sequence[dict[str, Any]] | None
    ) -> None:
        """Called when ``games`` have just started the episode queued for them: after their
        episodes ended (``ended``: those episodes' infos, in the order of ``games``) or on a
        reset (``ended`` None: the interrupted episodes are not reported). Queues each game's
        next map; subclasses extend it to keep per-episode bookkeeping."""
        self._queue_next_maps(games)

    def send(self, actions: npt.NDArray[np.int32]) -> None:
        """Steps every game with ``actions`` (int32 [num_agents, 2]); results come from recv().

        A send before any reset() resets first (with the constructor's seed), as the reference's
        env was reset when built. Two sends without a recv() between them are refused: the first
        one's finished episodes would be lost."""
        self._check_open()
        if not self._started:
            self.reset()
        if self._stepped:
            raise RuntimeError("send() called twice without recv(): collect the results first")
        if not isinstance(actions, np.ndarray):
            raise TypeError(f"actions: expected a numpy int32 array, got {type(actions).__name__}")
        any_done = self._batch.step(actions)
        self._infos = self._collect_episodes() if any_done else []
        self._sent = True
        self._stepped = True

    def recv(
        self,
    ) -> tuple[
        npt.NDArray[np.uint8],
        npt.NDArray[np.float32],
        npt.NDArray[np.bool_],
        npt.NDArray[np.bool_],
        list[dict[str, Any]],
    ]:
        """Results of the last send(): (obs, rewards, terminals, truncations, infos); before any
        reset() or send(), the env resets (constructor seed) and this returns its first frame."""
        self._check_open()
        if not self._started:
            self.reset()
        if not self._sent:
            raise RuntimeError("recv() called without a preceding send()")
        self._sent = False
        self._stepped = False
        return self._obs, self._rewards, self._terminals, self._truncations, self._infos

    def step(
        self, actions: npt.NDArray[np.int32]
    ) -> tuple[
        npt.NDArray[np.uint8],
        npt.NDArray[np.float32],
        npt.NDArray[np.bool_],
        npt.NDArray[np.bool_],
        list[dict[str, Any]],
    ]:
        """send(actions) then recv()."""
        self.send(actions)
        return self.recv()

    def _collect_episodes(self) -> list[dict[str, Any]]:
        """Infos of the episodes that ended in this step; those games start their next ones."""
        finished = [game for game, done in enumerate(self._batch.episodes_done()) if done]
        infos = [self._episode_info(game) for game in finished]
        self._start_next_episodes(finished, infos)
        return infos

    def _episode_info(self, game: int) -> dict[str, Any]:
        """Summary of game ``game``'s finished episode.

        Keys: ``env_id``, ``episode_length``, ``episode_rewards`` (per agent, after sharing),
        ``episode_return`` (their mean), ``game`` (game stats), ``agent`` (agent stats averaged
        over agents), ``attributes`` (the episode's ``seed``, ``map_w``, ``map_h``,
        ``initial_grid_hash``, ``steps`` and ``max_steps``, as the reference's infos).
        """
        summary = self._batch.last_episode(game)
        rewards = np.asarray(summary["rewards"], dtype=np.float32)
        return {
            "env_id": game,
            "episode_length": int(summary["steps"]),
            "episode_rewards": rewards,
            "episode_return": float(rewards.mean()),
            "game": dict(summary["game"]),
            "agent": average_agent_stats(summary["agent"]),
            "attributes": {
                "seed": int(summary["seed"]),
                "map_w": int(summary["map_width"]),
                "map_h": int(summary["map_height"]),
                "initial_grid_hash": int(summary["initial_grid_hash"]),
                "steps": int(summary["steps"]),
                "max_steps": int(summary["max_steps"]),
            },
        }

    def close(self) -> None:
        """Marks the env closed (reset/step then raise). The engine's threads and memory go with
        the last reference to it: this env or an array it returned."""
        self._closed = True

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("environment is closed")


def check_game_config(config: object, argument: str = "config") -> GameConfig:
    """``config`` itself when it is a GameConfig; else TypeError naming ``argument``.

    Dicts are refused rather than validated: ``GameConfig.model_validate`` names any bad field,
    and an accepted ``{}`` would silently be the default game.
    """
    if isinstance(config, GameConfig):
        return config
    if isinstance(config, Mapping):
        empty = "an empty " if not config else "a "
        hint = f"{empty}{type(config).__name__}; build one with GameConfig.model_validate(...)"
    elif config is None:
        hint = "None; GameConfig() is the default game"
    elif isinstance(getattr(config, "game", None), GameConfig):
        hint = f"{type(config).__name__}; pass its .game, and its map builder's grid as map_grid"
    else:
        hint = f"{type(config).__name__} {config!r:.60}"
    raise TypeError(f"{argument}: expected a GameConfig, got {hint}")


def check_seed(seed: int) -> None:
    """Engine seeds are unsigned 64-bit: anything else is refused, naming the argument."""
    if not 0 <= seed < 2**64:
        raise ValueError(f"seed: must be in [0, 2**64), got {seed}")


def average_agent_stats(per_agent: list[dict[str, float]]) -> dict[str, float]:
    """Mean of each agent stat over all agents (a missing key counts as 0)."""
    if not per_agent:
        return {}
    totals: dict[str, float] = {}
    for stats in per_agent:
        for key, value in stats.items():
            totals[key] = totals.get(key, 0.0) + value
    return {key: value / len(per_agent) for key, value in totals.items()}
