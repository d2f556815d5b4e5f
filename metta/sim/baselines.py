"""Navigation baselines: a planning oracle and a uniform-random policy, both played in the real env.

They anchor the oracle-normalized score ``(policy - random) / (oracle - random)``: 0 is as good as
acting at random, 1 as good as a planner that knows the whole map. Both baselines build their env
exactly as ``Simulation`` does (``make_baseline_env``) and report the env's own episode rewards.

Engine rules the oracle plans with (checked against the engine in tests/sim/test_baselines.py):
``move`` arg 0/1 steps one cell forward/backward along the orientation into an empty in-bounds
cell and keeps the orientation; ``rotate`` arg sets the orientation (0 Up, 1 Down, 2 Left,
3 Right) and costs a step; ``get_output`` takes the hearts of the altar in the cell in front.
Walls, altars (full or empty) and every other object block movement, so the free cells never
change during an episode.
"""

from __future__ import annotations

import json
import logging
import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from metta.mettagrid.env_config import EnvConfig
from metta.mettagrid.environment import CurriculumVecEnv, Environment
from metta.mettagrid.game_view import GameView
from metta.sim.explorer import ExplorerTeam
from metta.sim.grid_search import (
    ORIENTATION_OFFSETS,
    UNREACHABLE,
    Action,
    NavigationActions,
    State,
    distances,
    shortest_path,
    single_agent,
)

__all__ = [
    "EXACT_ALTAR_LIMIT",
    "ORIENTATION_OFFSETS",
    "BaselineEpisode",
    "Baselines",
    "NavigationOracle",
    "explorer_episodes",
    "make_baseline_env",
    "navigation_baselines",
    "normalized_score",
    "oracle_episode_return",
    "oracle_episodes",
    "random_episode_return",
    "random_episodes",
    "simulation_num_envs",
]

logger = logging.getLogger(__name__)

EXACT_ALTAR_LIMIT = 8
"""Up to this many altars the oracle's visiting order is exact; above it, greedy nearest-first."""

EnvSource = str | EnvConfig
"""A named env or curriculum path (as SingleEnvSimulationConfig.env), or an EnvConfig."""


class NavigationOracle:
    """The plan that collects the most hearts in the steps left, then in the fewest steps.

    Built from full map knowledge (``view.grid_objects``) at any point of an episode, usually at
    its start. Every altar still holding hearts is a target; it is collected from any free cell
    next to it while facing it. Distances are exact breadth-first searches over (orientation,
    cell) states. With at most ``exact_limit`` altars the visiting order is exact: a dynamic
    programme over (altars collected, state the last one was collected from), so the agent's
    facing after each pickup is part of the search. Above that the order is greedy nearest-first,
    which still reaches the true ceiling whenever it collects every reachable altar.

    ``actions`` is the plan as engine actions, ``steps`` its length, ``ceiling`` the hearts it
    collects, ``altars`` the altar cells in visiting order and ``exact`` whether the order search
    was exact. Only single-agent maps are supported.
    """

    def __init__(self, view: GameView, *, exact_limit: int = EXACT_ALTAR_LIMIT) -> None:
        objects = list(view.grid_objects.values())
        agent = single_agent(objects, "NavigationOracle")
        self._actions = NavigationActions.of(view.action_names, view.max_action_args)
        self._start: State = (int(agent["agent:orientation"]), int(agent["r"]), int(agent["c"]))
        self._free = np.ones((view.map_height, view.map_width), dtype=bool)
        for obj in objects:
            if obj is not agent:
                self._free[obj["r"], obj["c"]] = False
        altars = [
            ((int(obj["r"]), int(obj["c"])), int(obj.get("inv:heart", 0)))
            for obj in objects
            if obj["type_name"] == "altar" and obj.get("inv:heart", 0) > 0
        ]
        self._cells = [cell for cell, _ in altars]
        self._hearts = [hearts for _, hearts in altars]
        self._budget = view.max_steps - view.current_step if view.max_steps > 0 else sys.maxsize
        self._searches: dict[State, npt.NDArray[np.int32]] = {}
        self.exact = len(altars) <= exact_limit
        visits = self._exact_visits() if self.exact else self._greedy_visits()
        self.altars = [self._cells[altar] for altar, _ in visits]
        self.ceiling = sum(self._hearts[altar] for altar, _ in visits)
        self.actions: list[Action] = []
        here = self._start
        for _, state in visits:
            self.actions += shortest_path(self._search(here), state, self._actions)
            self.actions.append(self._actions.get_output)
            here = state
        self.steps = len(self.actions)

    def action(self, step: int) -> Action:
        """The plan's action at ``step`` (0-based) of the plan; noop once the plan is done."""
        return self.actions[step] if step < self.steps else self._actions.noop

    def _search(self, state: State) -> npt.NDArray[np.int32]:
        if state not in self._searches:
            self._searches[state] = distances(self._free, state)
        return self._searches[state]

    def _pickups(self) -> list[tuple[int, State]]:
        """(altar, state) for every reachable state that faces an altar from a free cell."""
        height, width = self._free.shape
        reachable = self._search(self._start) != UNREACHABLE
        pickups = []
        for altar, (r, c) in enumerate(self._cells):
            for o, (dr, dc) in enumerate(ORIENTATION_OFFSETS):
                state = (o, r - dr, c - dc)
                if 0 <= state[1] < height and 0 <= state[2] < width and reachable[state]:
                    pickups.append((altar, state))
        return pickups

    def _exact_visits(self) -> list[tuple[int, State]]:
        """The best (altar, pickup state) sequence, by dynamic programming over altar subsets."""
        pickups = self._pickups()
        start = self._search(self._start)
        # cost[i][j]: steps from collecting at pickup i to collecting at pickup j (0: unreachable).
        cost = [[int(self._search(here)[state]) + 1 for _, state in pickups] for _, here in pickups]
        # best[mask][i]: (fewest steps to collect the altars in mask ending at pickup i, the
        # pickup before i or -1).
        best: list[dict[int, tuple[int, int]]] = [{} for _ in range(1 << len(self._cells))]
        for i, (altar, state) in enumerate(pickups):
            steps = int(start[state]) + 1
            if steps <= self._budget:
                best[1 << altar][i] = (steps, -1)
        for mask, ends in enumerate(best):
            for i, (steps, _) in list(ends.items()):
                for j, (altar, _) in enumerate(pickups):
                    total = steps + cost[i][j]
                    after = best[mask | (1 << altar)]
                    if (
                        not mask & (1 << altar)
                        and cost[i][j] > 0
                        and total <= self._budget
                        and total < after.get(j, (math.inf,))[0]
                    ):
                        after[j] = (total, i)
        return self._best_sequence(best, pickups)

    def _best_sequence(
        self, best: list[dict[int, tuple[int, int]]], pickups: list[tuple[int, State]]
    ) -> list[tuple[int, State]]:
        """The entry of ``best`` with the most hearts, then the fewest steps, as a sequence."""
        chosen: tuple[int, int] | None = None
        key = (0, 0)
        for mask, ends in enumerate(best):
            hearts = sum(h for altar, h in enumerate(self._hearts) if mask & (1 << altar))
            for i, (steps, _) in ends.items():
                if (hearts, -steps) > key or chosen is None:
                    key, chosen = (hearts, -steps), (mask, i)
        sequence: list[tuple[int, State]] = []
        while chosen is not None and chosen[1] != -1:
            mask, i = chosen
            sequence.append(pickups[i])
            chosen = (mask & ~(1 << pickups[i][0]), best[mask][i][1])
        return sequence[::-1]

    def _greedy_visits(self) -> list[tuple[int, State]]:
        """Nearest altar first (ties: lowest altar index) while the next one fits the budget."""
        pickups = self._pickups()
        here, used, visits, done = self._start, 0, [], set()
        while True:
            search = self._search(here)
            options = [
                (int(search[state]) + 1, altar, state)
                for altar, state in pickups
                if altar not in done and search[state] != UNREACHABLE
            ]
            if not options or used + min(options)[0] > self._budget:
                return visits
            steps, altar, here = min(options)
            used += steps
            done.add(altar)
            visits.append((altar, here))


@dataclass(frozen=True)
class BaselineEpisode:
    """One episode a baseline played in the real env."""

    reward: float
    """The env's episode return."""
    initial_grid_hash: int
    """Fingerprint of the episode's starting map (as in the env's episode infos)."""
    ceiling: int | None = None
    """Hearts the oracle's plan collects (None for the random policy)."""


@dataclass(frozen=True)
class Baselines:
    """Mean episode returns of the oracle and of the uniform-random policy on the same maps."""

    oracle: float
    random: float


class _Player(Protocol):
    def begin(self, game: int, view: GameView) -> None: ...
    def act(self) -> npt.NDArray[np.int32]: ...
    def ceiling(self, game: int) -> int | None: ...


class _OraclePlayer:
    """Plays a NavigationOracle plan in every game, planned when its episode starts."""

    def __init__(self, num_envs: int) -> None:
        self._plans: list[NavigationOracle | None] = [None] * num_envs
        self._steps = [0] * num_envs

    def begin(self, game: int, view: GameView) -> None:
        self._plans[game] = NavigationOracle(view)
        self._steps[game] = 0

    def act(self) -> npt.NDArray[np.int32]:
        actions = []
        for game, plan in enumerate(self._plans):
            if plan is None:
                raise RuntimeError(f"game {game} has no plan")
            actions.append(plan.action(self._steps[game]))
            self._steps[game] += 1
        return np.array(actions, dtype=np.int32)

    def ceiling(self, game: int) -> int | None:
        plan = self._plans[game]
        return plan.ceiling if plan is not None else None


class _RandomPlayer:
    """Uniform over the flattened valid (action, arg) pairs: an untrained policy head's
    distribution with equal logits. Draws come from ``numpy.random.default_rng(seed)``."""

    def __init__(self, env: CurriculumVecEnv, seed: int) -> None:
        self._pairs = np.array(
            [
                (action, arg)
                for action, max_arg in enumerate(env.max_action_args)
                for arg in range(max_arg + 1)
            ],
            dtype=np.int32,
        )
        self._num_envs = env.num_envs
        self._rng = np.random.default_rng(seed)

    def begin(self, game: int, view: GameView) -> None:
        del game, view

    def act(self) -> npt.NDArray[np.int32]:
        return self._pairs[self._rng.integers(len(self._pairs), size=self._num_envs)]

    def ceiling(self, game: int) -> int | None:
        del game
        return None


class _ExplorerPlayer:
    """Plays a NavigationExplorer in every game: it sees only each agent's observation window."""

    def __init__(self, env: CurriculumVecEnv) -> None:
        self._team = ExplorerTeam(env)

    def begin(self, game: int, view: GameView) -> None:
        del view
        self._team.restart(game)

    def act(self) -> npt.NDArray[np.int32]:
        return self._team.actions()

    def ceiling(self, game: int) -> int | None:
        del game
        return None


def simulation_num_envs(episodes: int) -> int:
    """Games a Simulation of ``episodes`` episodes steps together when num_envs is unset."""
    return min(episodes, 8)


def make_baseline_env(
    source: EnvSource,
    *,
    overrides: Mapping[str, Any] | None = None,
    seed: int = 0,
    num_envs: int = 1,
) -> CurriculumVecEnv:
    """The env ``Simulation`` builds for ``source`` with one agent per game.

    Same curriculum, overrides, seed and game count give the same tasks and maps: episode e of
    game g is built from (seed, g, e), and every episode lasts its task's max_steps whatever the
    policy does, so the episodes end in the same order. An adaptive curriculum (e.g. a bucketed
    one) picks tasks from the scores it hears, so only the first two episodes of each game (drawn
    before any score) are sure to match a Simulation's; single-env paths always match.
    """
    where = {"env_config": source} if isinstance(source, EnvConfig) else {"curriculum_path": source}
    return Environment(
        **where,
        num_agents=1,
        num_envs=num_envs,
        seed=seed,
        is_training=False,
        env_overrides=dict(overrides or {}),
    )


def _play(env: CurriculumVecEnv, player: _Player, episodes: int) -> list[BaselineEpisode]:
    """Steps every game as Simulation does until ``episodes`` episodes ended; their records in
    the order they ended."""
    env.reset()
    views = [env.game_view(game) for game in range(env.num_envs)]
    for game, view in enumerate(views):
        if view.max_steps <= 0:
            raise ValueError("baselines need episodes that end: set game.max_steps > 0")
        player.begin(game, view)
    records: list[BaselineEpisode] = []
    while True:
        *_, infos = env.step(player.act())
        for info in infos:
            game = int(info["env_id"])
            records.append(
                BaselineEpisode(
                    reward=float(info["episode_return"]),
                    initial_grid_hash=int(info["attributes"]["initial_grid_hash"]),
                    ceiling=player.ceiling(game),
                )
            )
            if len(records) == episodes:
                return records
            player.begin(game, views[game])


def _episodes(
    source: EnvSource,
    overrides: Mapping[str, Any] | None,
    seed: int,
    episodes: int,
    num_envs: int | None,
    kind: str,
) -> list[BaselineEpisode]:
    if episodes < 1:
        raise ValueError(f"episodes must be >= 1, got {episodes}")
    games = num_envs if num_envs is not None else simulation_num_envs(episodes)
    env = make_baseline_env(source, overrides=overrides, seed=seed, num_envs=games)
    try:
        player: _Player = (
            _OraclePlayer(games)
            if kind == "oracle"
            else _ExplorerPlayer(env)
            if kind == "explorer"
            else _RandomPlayer(env, seed)
        )
        return _play(env, player, episodes)
    finally:
        env.close()


def oracle_episodes(
    source: EnvSource,
    *,
    overrides: Mapping[str, Any] | None = None,
    seed: int = 0,
    episodes: int = 1,
    num_envs: int | None = None,
) -> list[BaselineEpisode]:
    """The oracle's episodes in the real env, on the maps a Simulation with the same arguments
    (and ``num_agents=1``) plays; ``num_envs`` defaults to the Simulation's default."""
    records = _episodes(source, overrides, seed, episodes, num_envs, kind="oracle")
    for record in records:
        if record.reward != record.ceiling:
            logger.warning(
                "oracle: planned %s hearts but the env paid %s (map %d)",
                record.ceiling,
                record.reward,
                record.initial_grid_hash,
            )
    return records


def explorer_episodes(
    source: EnvSource,
    *,
    overrides: Mapping[str, Any] | None = None,
    seed: int = 0,
    episodes: int = 1,
    num_envs: int | None = None,
) -> list[BaselineEpisode]:
    """The partially observing explorer's episodes (``metta.sim.explorer``) in the real env, on
    the maps a Simulation with the same arguments plays."""
    return _episodes(source, overrides, seed, episodes, num_envs, kind="explorer")


def random_episodes(
    source: EnvSource,
    *,
    overrides: Mapping[str, Any] | None = None,
    seed: int = 0,
    episodes: int = 1,
    num_envs: int | None = None,
) -> list[BaselineEpisode]:
    """The uniform-random policy's episodes in the real env (see ``random_episode_return``)."""
    return _episodes(source, overrides, seed, episodes, num_envs, kind="random")


def oracle_episode_return(
    source: EnvSource,
    *,
    overrides: Mapping[str, Any] | None = None,
    seed: int = 0,
    episodes: int = 1,
    num_envs: int | None = None,
) -> float:
    """Mean env reward of the oracle's plans over ``episodes`` episodes (one by default)."""
    records = oracle_episodes(
        source, overrides=overrides, seed=seed, episodes=episodes, num_envs=num_envs
    )
    return float(np.mean([record.reward for record in records]))


def random_episode_return(
    source: EnvSource,
    *,
    overrides: Mapping[str, Any] | None = None,
    seed: int = 0,
    episodes: int = 10,
    num_envs: int | None = None,
) -> float:
    """Mean env reward of a uniform-random policy over ``episodes`` episodes.

    Each step draws uniformly from the flattened valid (action, arg) pairs (for navigation: noop,
    move 0/1, rotate 0-3, get_output; 8 pairs), the distribution of an untrained policy head
    with equal logits. Deterministic for a seed.
    """
    records = random_episodes(
        source, overrides=overrides, seed=seed, episodes=episodes, num_envs=num_envs
    )
    return float(np.mean([record.reward for record in records]))


_CACHE: dict[str, Baselines] = {}


def _cache_key(
    source: EnvSource,
    overrides: Mapping[str, Any] | None,
    seed: int,
    episodes: int,
    num_envs: int | None,
) -> str:
    described = source.model_dump(mode="json") if isinstance(source, EnvConfig) else source
    return json.dumps(
        [described, dict(overrides or {}), seed, episodes, num_envs], sort_keys=True, default=str
    )


def navigation_baselines(
    env_path: EnvSource,
    overrides: Mapping[str, Any] | None = None,
    seed: int = 0,
    episodes: int = 10,
    num_envs: int | None = None,
) -> Baselines:
    """Oracle and random mean returns on the maps a Simulation with these arguments plays.

    Cached per process on the arguments (overrides keyed as canonical JSON).
    """
    key = _cache_key(env_path, overrides, seed, episodes, num_envs)
    if key not in _CACHE:
        arguments: dict[str, Any] = {
            "overrides": overrides,
            "seed": seed,
            "episodes": episodes,
            "num_envs": num_envs,
        }
        _CACHE[key] = Baselines(
            oracle=oracle_episode_return(env_path, **arguments),
            random=random_episode_return(env_path, **arguments),
        )
    return _CACHE[key]


def normalized_score(policy: float, random: float, oracle: float) -> float:
    """``(policy - random) / (oracle - random)``: 0 at the random baseline, 1 at the oracle.

    NaN when ``oracle <= random`` (no room between the baselines, e.g. a map without reachable
    altars) or when any input is NaN: there is no meaningful scale then.
    """
    if not oracle > random:
        return math.nan
    return (policy - random) / (oracle - random)
