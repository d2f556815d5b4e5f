"""Environment: the vectorised MettaGrid env of metta.api, driven by a curriculum.

Data flow: curriculum.get_task() -> EnvConfig -> map built (seeded by env seed, game, episode)
-> engine game -> ... episode ends: the env hands the finished game ids to
``_start_next_episodes``, which queues each game's next task and map, scores the finished
episodes (mean agent reward) to their tasks and adds the curriculum keys (``task``,
``task_reward``, ``map_reward``, ``task_completions``, ``curriculum``, ``curriculum_task_probs``)
to their infos. Maps for the next episodes are built, and with their game configs compiled and
encoded for the engine, ahead on a background thread, so an episode end only hands the engine
what is ready and never waits for a map builder.
"""

from __future__ import annotations

import logging
import queue
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from metta.mettagrid import _mettagrid
from metta.mettagrid.builtin_envs import make_curriculum, simple_env
from metta.mettagrid.config import GameConfig
from metta.mettagrid.curriculum import Curriculum, SingleTaskCurriculum, Task
from metta.mettagrid.engine_config import encode_map
from metta.mettagrid.env_config import EnvConfig, apply_overrides
from metta.mettagrid.maps import build_map
from metta.mettagrid.vec_env import MettaGridVecEnv, _Compiler, check_seed

__all__ = ["CurriculumVecEnv", "Environment"]

logger = logging.getLogger(__name__)

_MAX_CACHED_GAMES = 256
"""Distinct GameConfig objects whose compiled form the planner keeps (then it starts over)."""


@dataclass
class _Episode:
    """What a game plays next: the task, its game config (also compiled for the engine), the
    built map (also encoded as engine cell codes) and the map's labels."""

    task: Task
    game: GameConfig
    compiled: _mettagrid.CompiledConfig
    grid: npt.NDArray[np.str_]
    cells: npt.NDArray[np.uint16]
    labels: tuple[str, ...]
    desync: bool = False
    """A shortened first training episode (see CurriculumVecEnv): not scored."""


class _EpisodePlanner:
    """Draws tasks and builds their maps; keeps one finished plan per game ready ahead of time.

    Tasks are always drawn on the stepping thread, in the order the games ask for them, so the
    curriculum sees the same sequence of draws and completions on every run; only the map
    building (seeded by env seed, game and episode), the compiling of game configs and the
    encoding of maps run on the background thread (or on the stepping thread before
    ``start_prefetch``, never on both at once).
    """

    def __init__(self, curriculum: Curriculum, num_envs: int, num_agents: int, seed: int) -> None:
        self.curriculum = curriculum
        self.num_agents = num_agents
        self.seed = seed
        self._episodes = [0] * num_envs
        self._ready: list[queue.Queue[_Episode | BaseException]] = [
            queue.Queue(maxsize=1) for _ in range(num_envs)
        ]
        self._requests: queue.Queue[tuple[int, Task, int] | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._compile = _Compiler()
        # id(task's GameConfig) -> (that GameConfig, the one the engine plays, compiled); each
        # entry holds its GameConfig, so no other object can take its id while it is cached.
        self._games: dict[int, tuple[GameConfig, GameConfig, _mettagrid.CompiledConfig]] = {}

    def _draw(self, game: int) -> tuple[Task, int]:
        """The task and episode number of game ``game``'s next plan."""
        episode = self._episodes[game]
        self._episodes[game] += 1
        return self.curriculum.get_task(), episode

    def _build(self, game: int, task: Task, episode: int) -> _Episode:
        config = task.env_config
        if not isinstance(config, EnvConfig):
            raise TypeError(
                f"curriculum task {task.id!r}: env_config must be an EnvConfig, got "
                f"{type(config).__name__}"
            )
        level = build_map(
            config.map_builder, seed=np.random.default_rng([self.seed, game, episode])
        )
        if level.num_agents != self.num_agents:
            raise ValueError(
                f"curriculum task {task.id!r}: its map holds {level.num_agents} agents, but the "
                f"environment has {self.num_agents} per game (all tasks must agree)"
            )
        game_config, compiled = self._game(config.game)
        cells = encode_map(level.grid, compiled, game_config.num_agents)
        return _Episode(task, game_config, compiled, level.grid, cells, level.labels)

    def _game(self, game: GameConfig) -> tuple[GameConfig, _mettagrid.CompiledConfig]:
        """A task's GameConfig as the engine plays it (with this env's agent count where it
        leaves it open) and compiled, worked out once per GameConfig object: a curriculum's
        configs are read, not edited, while the env plays them (to change a task, give the
        curriculum a new config)."""
        cached = self._games.get(id(game))
        if cached is None:
            played = game
            if played.num_agents is None:
                played = played.model_copy(update={"num_agents": self.num_agents})
            if len(self._games) >= _MAX_CACHED_GAMES:
                self._games.clear()
            cached = (game, played, self._compile(played))
            self._games[id(game)] = cached
        return cached[1], cached[2]

    def start_prefetch(self) -> None:
        """Starts the background builder; each game's next plan is then built ahead."""
        self._worker = threading.Thread(target=self._run, name="EpisodePlanner", daemon=True)
        self._worker.start()
        for game in range(len(self._ready)):
            self._requests.put((game, *self._draw(game)))

    def _run(self) -> None:
        while (request := self._requests.get()) is not None:
            game = request[0]
            try:
                self._ready[game].put(self._build(*request))
            except BaseException as error:  # handed to the stepping thread, which re-raises
                self._ready[game].put(error)

    def next(self, game: int) -> _Episode:
        """The plan built ahead for ``game`` (waiting for it if needed); queues the one after."""
        if self._worker is None:
            return self._build(game, *self._draw(game))
        result = self._ready[game].get()
        self._requests.put((game, *self._draw(game)))
        if isinstance(result, BaseException):
            raise result
        return result

    def stop(self) -> None:
        """Stops the background builder."""
        if self._worker is not None:
            self._requests.put(None)
            # The garbage collector can run the env's finaliser on the builder thread itself;
            # it then exits on the None just queued and must not join itself.
            if threading.current_thread() is not self._worker:
                self._worker.join()
            self._worker = None

    def restart(self, seed: int) -> None:
        """Forgets every plan built ahead and numbers episodes from 0 again under ``seed``.

        Safe to join the builder: each game has at most one request in flight, and its ready
        slot was emptied before that request was queued, so the builder never blocks on a put.
        """
        prefetching = self._worker is not None
        self.stop()
        for ready in self._ready:
            while not ready.empty():
                ready.get_nowait()
        while not self._requests.empty():
            self._requests.get_nowait()
        self.seed = seed
        self._episodes = [0] * len(self._ready)
        if prefetching:
            self.start_prefetch()


class CurriculumVecEnv(MettaGridVecEnv):
    """MettaGridVecEnv whose games play curriculum tasks; episode infos carry curriculum keys.

    Each GameConfig object a task hands out is compiled once, when the first episode of it is
    planned, and reused for its later episodes: to change a task while the env runs, give the
    curriculum a new config rather than editing one in place.
    """

    def __init__(
        self,
        curriculum: Curriculum,
        *,
        num_agents: int,
        num_envs: int,
        num_threads: int | None,
        seed: int,
        is_training: bool,
        device: str,
        prefetch_maps: bool = True,
    ) -> None:
        self.curriculum = curriculum
        self.device = device
        """Where the training loop sends this env's observations (the rollout's default), as a
        torch device string ("cpu", "cuda:0"); the env itself never touches torch."""
        self.is_training = is_training
        self._planner = _EpisodePlanner(curriculum, num_envs, num_agents, seed)
        self._desync_rng = np.random.default_rng([seed, 7919])
        # Per game: the plan of the episode playing and the plan the engine has queued for the
        # next one (each game always has one queued; see MettaGridVecEnv).
        self._playing: list[_Episode | None] = [None] * num_envs
        self._queued: list[_Episode | None] = [None] * num_envs
        super().__init__(
            map_provider=self._plan_next_episode,
            num_envs=num_envs,
            num_threads=num_threads,
            seed=seed,
        )
        if prefetch_maps:
            self._planner.start_prefetch()
        # An env dropped without close() must not leave its builder thread (and the curriculum and
        # maps it holds) behind; the finaliser must not hold the env itself.
        self._stop_planner = weakref.finalize(self, self._planner.stop)

    def _plan_next_episode(self, game: int) -> tuple[GameConfig, npt.NDArray[np.str_]]:
        """The map provider: the next plan of ``game``, which the engine queues at once (it
        becomes ``_queued[game]``; ``_next_map`` hands the engine its compiled config and cells).

        A game's first plan (at construction, or after a seeded reset) is shortened in training.
        """
        first = self._queued[game] is None
        episode = self._planner.next(game)
        self._queued[game] = episode
        config = episode.game
        if first and self.is_training and config.max_steps > 1:
            # Training starts every game at a different point of its episode, so episode ends
            # and resets spread out instead of arriving together.
            steps = int(self._desync_rng.integers(1, config.max_steps + 1))
            config = config.model_copy(update={"max_steps": steps})
            episode.desync = True
        return config, episode.grid

    def _next_map(
        self, game: int
    ) -> tuple[GameConfig, _mettagrid.CompiledConfig, npt.NDArray[np.uint16]]:
        """The next plan of ``game`` as the engine takes it: the config compiled and the map
        encoded on the planner's thread (a shortened first episode's config is compiled here;
        its cells are the plan's, as shortening changes no object)."""
        config, _ = self._plan_next_episode(game)
        episode = self._queued[game]
        assert episode is not None
        compiled = episode.compiled if config is episode.game else self._compile(config)
        return config, compiled, episode.cells

    def _start_next_episodes(
        self, games: Sequence[int], ended: Sequence[dict[str, Any]] | None
    ) -> None:
        """``games`` now play their queued plans and get new ones queued; the plans they finished
        are scored with the ``ended`` infos, which gain the curriculum keys (a reset's
        interrupted episodes are not scored).

        Every next task is drawn before any finished one is scored, so the curriculum sees the
        same sequence of draws and completions however many games end in one step.
        """
        finished = []
        for game in games:
            finished.append(self._playing[game])
            self._playing[game] = self._queued[game]
        super()._start_next_episodes(games, ended)
        if ended is not None:
            for episode, info in zip(finished, ended, strict=True):
                if episode is None:
                    raise RuntimeError(f"game {info['env_id']}: an episode ended before any began")
                self._score(episode, info)

    def reset(self, seed: int | None = None) -> tuple[Any, list[dict[str, Any]]]:
        """Restarts every game (an interrupted episode is not scored).

        Without ``seed`` the games go on to their queued tasks and maps. With ``seed`` the
        curriculum's random draws, the map builders and the staggered first episode lengths all
        start over from that seed (episode e of game g is built from (seed, g, e)), so a seeded
        reset repeats. What an adaptive curriculum has learnt from scores is kept, so after
        training its task choices can differ from a fresh env's.
        """
        self._check_open()
        if seed is not None:
            check_seed(seed)
            self.curriculum.reseed(seed)
            self._planner.restart(seed)
            self._desync_rng = np.random.default_rng([seed, 7919])
            self._playing = [None] * self.num_envs
            self._queued = [None] * self.num_envs
            self._queue_next_maps(range(self.num_envs))
        return super().reset(seed)

    def _score(self, episode: _Episode, info: dict[str, Any]) -> None:
        """Reports a finished episode's score (mean agent reward) to its task and adds the
        curriculum keys (``task``, ``task_reward``, ``map_reward``, ...) to its info."""
        score = float(info["episode_return"])
        if episode.desync:
            info["desync_episode"] = True  # shortened first episode: not scored anywhere
        else:
            episode.task.complete(score)
            info["task_reward"] = {episode.task.name: {"rewards.mean": score}}
            info["map_reward"] = dict.fromkeys(episode.labels, score)
        info["task"] = episode.task.name
        info["task_completions"] = self.curriculum.completion_rates()
        info["curriculum"] = self.curriculum.stats()
        info["curriculum_task_probs"] = self.curriculum.get_task_probs()

    def close(self) -> None:
        """Stops the map builder thread and releases the engine."""
        self._stop_planner()
        super().close()


_REFUSED = {
    "async_factor": "the native engine steps every game in one call; there is no async pipeline",
    "vectorization": "vectorisation is always native (one engine, a thread pool)",
    "render_mode": "use env.driver_env.render() on one game",
}


def _check_arguments(
    unsupported: Mapping[str, Any],
    *,
    sources: list[bool],
    num_agents: int,
    num_envs: int,
    batch_size: int | None,
    width: int | None,
    height: int | None,
) -> None:
    """Refuses, by name, every Environment argument that is wrong or would have no effect."""
    if unsupported:
        reasons = [
            f"{name} ({_REFUSED.get(name, 'not an Environment argument')})" for name in unsupported
        ]
        raise TypeError("Environment: unsupported arguments: " + "; ".join(reasons))
    if sum(sources) > 1:
        raise ValueError("Environment: pass at most one of curriculum_path, env_config, curriculum")
    if any(sources) and (width is not None or height is not None):
        raise ValueError(
            "Environment: width/height size the default room only; with curriculum_path, "
            "env_config or curriculum the tasks set the map size (change it with "
            "env_overrides={'map_builder': {'width': ..., 'height': ...}} where the builder "
            "has one)"
        )
    for name, size in (("width", width), ("height", height)):
        if size is not None and size < 1:
            raise ValueError(f"Environment: {name} must be >= 1, got {size}")
    if num_agents < 1:
        raise ValueError(f"Environment: num_agents must be >= 1, got {num_agents}")
    if num_envs < 1:
        raise ValueError(f"Environment: num_envs must be >= 1, got {num_envs}")
    if batch_size is not None and batch_size != num_envs:
        raise ValueError(
            f"Environment: batch_size={batch_size} must equal num_envs={num_envs} (the native "
            "engine steps every game in each call; leave batch_size out)"
        )


def Environment(  # noqa: N802  (the seed's factory name)
    curriculum_path: str | None = None,
    env_config: EnvConfig | Mapping[str, Any] | None = None,
    *,
    num_agents: int = 4,
    width: int | None = None,
    height: int | None = None,
    num_envs: int = 1,
    num_workers: int | None = None,
    batch_size: int | None = None,
    seed: int = 0,
    is_training: bool = True,
    device: object = "cpu",
    env_overrides: Mapping[str, Any] | None = None,
    curriculum: Curriculum | None = None,
    **unsupported: Any,
) -> CurriculumVecEnv:
    """Builds the vectorised env of metta.api (contract in metta/mettagrid/vec_env.py).

    Exactly one source of tasks: ``curriculum_path`` (a named curriculum or env, see
    metta.mettagrid.builtin_envs), ``env_config`` (an EnvConfig or a dict of one), ``curriculum``
    (any Curriculum), or none of them for the default game (``GameConfig()``) on a random
    ``width`` x ``height`` room (default 32 x 32; with a task source the tasks set the map size
    and ``width``/``height`` are refused rather than ignored). ``num_agents`` is the agents per
    game; ``num_envs`` games run on ``num_workers`` threads (default: all cores). ``batch_size``
    (games per recv batch) must equal ``num_envs``: the engine always steps every
    game. ``is_training`` staggers the first episodes; ``device`` is kept as ``env.device``, the
    default device of ``Agent(env)`` and of the training loop (a ``torch.device`` is kept as its
    string); ``env_overrides`` is a nested dict applied to every task's config. The env resets
    itself on first use if ``reset()`` was not called.
    """
    _check_arguments(
        unsupported,
        sources=[curriculum_path is not None, env_config is not None, curriculum is not None],
        num_agents=num_agents,
        num_envs=num_envs,
        batch_size=batch_size,
        width=width,
        height=height,
    )
    if curriculum_path is not None:
        curriculum = make_curriculum(
            curriculum_path, num_agents=num_agents, seed=seed, overrides=env_overrides
        )
    elif curriculum is None:
        if env_config is None:
            config = simple_env(num_agents, width or 32, height or 32)
        else:
            config = (
                env_config
                if isinstance(env_config, EnvConfig)
                else EnvConfig.model_validate(env_config)
            )
        curriculum = SingleTaskCurriculum("env", apply_overrides(config, env_overrides))
    elif env_overrides:
        raise ValueError(
            "Environment: env_overrides needs curriculum_path or env_config, not a curriculum"
        )
    return CurriculumVecEnv(
        curriculum,
        num_agents=num_agents,
        num_envs=num_envs,
        num_threads=num_workers,
        seed=seed,
        is_training=is_training,
        device=str(device),
    )
