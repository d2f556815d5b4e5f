"""Simulation: runs a policy on one named environment for some episodes; SimulationSuite runs many.

Data flow: named env (is_training=False) -> policy forward (no grad, LSTM reset at episode ends)
-> actions -> env ... each finished episode -> EvalStatsDB (per-agent reward and agent stats)
and the results; optionally the first game's first episode -> a replay file. The policy is
copied before it is initialised to the evaluation env, so the caller's (training) policy keeps its
own feature and action mapping.
"""

from __future__ import annotations

import copy
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from metta.agent import MettaAgent, PolicyState, attach_to_environment
from metta.mettagrid.environment import CurriculumVecEnv, Environment
from metta.mettagrid.replays import EpisodeReplay
from metta.sim.baselines import (
    Baselines,
    navigation_baselines,
    normalized_score,
    simulation_num_envs,
)
from metta.sim.simulation_config import SimulationSuiteConfig, SingleEnvSimulationConfig
from metta.sim.stats_db import EvalStatsDB

__all__ = ["Simulation", "SimulationResults", "SimulationSuite", "suite_scores"]

logger = logging.getLogger(__name__)


@dataclass
class SimulationResults:
    """What one simulation produced."""

    name: str
    episode_returns: list[float] = field(default_factory=list)
    """Mean agent reward of each finished episode."""
    episode_lengths: list[int] = field(default_factory=list)
    replay_path: Path | None = None
    timed_out: bool = False
    baselines: Baselines | None = None
    """Oracle and uniform-random mean returns on the same maps (when the config asks for them)."""

    @property
    def mean_return(self) -> float:
        """Average episode return (NaN when no episode finished)."""
        return float(np.mean(self.episode_returns)) if self.episode_returns else float("nan")

    @property
    def normalized_score(self) -> float:
        """(policy - random) / (oracle - random): 0 plays like chance, 1 like the oracle.

        NaN without baselines or finished episodes, or when the oracle is no better than chance.
        """
        if self.baselines is None or not self.episode_returns:
            return float("nan")
        return normalized_score(self.mean_return, self.baselines.random, self.baselines.oracle)

    def scores(self) -> dict[str, float]:
        """``reward`` and, with baselines, ``random``, ``oracle`` and ``normalized``."""
        scores = {"reward": self.mean_return}
        if self.baselines is not None:
            scores |= {
                "random": self.baselines.random,
                "oracle": self.baselines.oracle,
                "normalized": self.normalized_score,
            }
        return scores


class Simulation:
    """One evaluation of a policy: ``Simulation(name, config, policy, ...).run()``."""

    def __init__(
        self,
        name: str,
        config: SingleEnvSimulationConfig,
        policy: MettaAgent,
        device: str | torch.device = "cpu",
        *,
        policy_uri: str = "policy://unsaved",
        policy_epoch: int = 0,
        stats_db: EvalStatsDB | None = None,
        replay_dir: str | Path | None = None,
        suite: str = "",
    ) -> None:
        self.name = name
        self.suite = suite
        self.config = config
        self.device = torch.device(device)
        self.policy_uri = policy_uri
        self.policy_epoch = policy_epoch
        self.stats_db = stats_db
        self.replay_dir = Path(replay_dir) if replay_dir is not None else None
        self._policy = policy

    def _make_env(self) -> CurriculumVecEnv:
        num_envs = self.config.num_envs or simulation_num_envs(self.config.num_episodes)
        return Environment(
            curriculum_path=self.config.env,
            num_agents=self.config.num_agents,
            num_envs=num_envs,
            seed=self.config.seed,
            is_training=False,
            device=self.device,
            env_overrides=self.config.env_overrides,
        )

    def run(self) -> SimulationResults:
        """Plays until ``num_episodes`` episodes finished or ``max_time_s`` passed."""
        env = self._make_env()
        try:
            policy = attach_to_environment(
                copy.deepcopy(self._policy), env, device=self.device, is_training=False
            )
            policy.eval()
            results = self._play(env, policy)
        finally:
            env.close()
        if self.config.wants_baselines:
            results.baselines = navigation_baselines(
                self.config.env,
                self.config.env_overrides,
                self.config.seed,
                episodes=self.config.baseline_episodes,
            )
        return results

    def _play(self, env: CurriculumVecEnv, policy: MettaAgent) -> SimulationResults:
        results = SimulationResults(self.name)
        replay = self._start_replay(env)
        obs, _ = env.reset()
        if replay is not None:
            replay.record(0, env.driver_env.grid_objects)
        state = PolicyState()
        dones = torch.zeros(env.num_agents, dtype=torch.bool, device=self.device)
        deadline = time.monotonic() + self.config.max_time_s
        step = 0
        while len(results.episode_returns) < self.config.num_episodes:
            if time.monotonic() > deadline:
                results.timed_out = True
                logger.warning(
                    "simulation %s: out of time after %d episodes",
                    self.name,
                    len(results.episode_returns),
                )
                if replay is not None:  # keep what was recorded: the episode up to now
                    results.replay_path = replay.write(self._replay_path())
                break
            with torch.no_grad():
                observations = torch.as_tensor(obs, device=self.device)
                actions, *_ = policy(observations, state, dones=dones)
            actions_np = actions.cpu().numpy().astype(np.int32, copy=False)
            obs, rewards, terminals, truncations, infos = env.step(actions_np)
            step += 1
            dones = torch.as_tensor(terminals | truncations, device=self.device)
            if replay is not None:
                replay = self._continue_replay(
                    replay, env, step, actions_np, rewards, infos, results
                )
            for info in infos:
                self._record_episode(info, results)
        return results

    def _record_episode(self, info: dict[str, Any], results: SimulationResults) -> None:
        if len(results.episode_returns) >= self.config.num_episodes:
            return
        results.episode_returns.append(float(info["episode_return"]))
        results.episode_lengths.append(int(info["episode_length"]))
        if self.stats_db is None:
            return
        agent_stats = info.get("agent", {})
        metrics = {
            agent: {"reward": float(reward), **agent_stats}
            for agent, reward in enumerate(info["episode_rewards"])
        }
        self.stats_db.record_episode(
            simulation=self.name,
            policy_uri=self.policy_uri,
            policy_epoch=self.policy_epoch,
            step_count=int(info["episode_length"]),
            agent_metrics=metrics,
            attributes={"env": self.config.env, "task": info.get("task", "")},
            replay_path=str(results.replay_path) if results.replay_path else None,
            suite=self.suite,
            env=self.config.env,
        )

    def _replay_path(self) -> Path:
        if self.replay_dir is None:
            raise RuntimeError("Simulation: no replay_dir was given")
        return self.replay_dir / f"{self.name.replace('/', '_')}.json.gz"

    def _start_replay(self, env: CurriculumVecEnv) -> EpisodeReplay | None:
        if self.replay_dir is None:
            return None
        view = env.driver_env
        return EpisodeReplay(
            map_size=(view.map_width, view.map_height),
            num_agents=view.num_agents,
            max_steps=view.max_steps,
            object_types=view.object_type_names,
            inventory_items=view.inventory_item_names,
            action_names=view.action_names,
            config={"env": self.config.env, "env_overrides": self.config.env_overrides},
        )

    def _continue_replay(
        self,
        replay: EpisodeReplay,
        env: CurriculumVecEnv,
        step: int,
        actions: np.ndarray,
        rewards: np.ndarray,
        infos: list[dict[str, Any]],
        results: SimulationResults,
    ) -> EpisodeReplay | None:
        """Records game 0's frame; writes the replay when its first episode ends."""
        agents = env.agents_per_env
        if any(info["env_id"] == 0 for info in infos):
            results.replay_path = replay.write(self._replay_path())
            return None
        view = env.driver_env
        replay.record(
            step, view.grid_objects, actions[:agents], view.action_success, rewards[:agents]
        )
        return replay


class SimulationSuite:
    """Runs every simulation of a SimulationSuiteConfig with one policy."""

    def __init__(
        self,
        config: SimulationSuiteConfig,
        policy: MettaAgent,
        device: str | torch.device = "cpu",
        *,
        policy_uri: str = "policy://unsaved",
        policy_epoch: int = 0,
        stats_db: EvalStatsDB | None = None,
        replay_dir: str | Path | None = None,
    ) -> None:
        self.config = config
        self._simulations = [
            Simulation(
                name,
                simulation,
                policy,
                device,
                policy_uri=policy_uri,
                policy_epoch=policy_epoch,
                stats_db=stats_db,
                replay_dir=replay_dir,
                suite=config.name,
            )
            for name, simulation in config.simulations.items()
        ]

    def run(self) -> dict[str, SimulationResults]:
        """Results by simulation name."""
        return {simulation.name: simulation.run() for simulation in self._simulations}


def suite_scores(results: dict[str, SimulationResults]) -> dict[str, float]:
    """Flat scores of a suite run: ``<simulation>/<score>`` for every simulation's ``scores()``,
    plus ``normalized_score/mean`` over the simulations that have a finite normalized score."""
    flat = {
        f"{name}/{key}": value
        for name, result in results.items()
        for key, value in result.scores().items()
    }
    normalized = [r.normalized_score for r in results.values() if r.baselines is not None]
    finite = [value for value in normalized if np.isfinite(value)]
    if finite:
        flat["normalized_score/mean"] = float(np.mean(finite))
    return flat
