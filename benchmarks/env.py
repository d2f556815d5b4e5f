"""MettaGrid environment throughput in agent-steps per second, through the Python face.

Engine modes: one env (MettaGridEnv), N envs batched on one thread, N envs on all threads
(MettaGridVecEnv); each with resets off (max_steps 0) and on (max_steps 1000 by default, every
finished game restarts on the same map). The reference's default rules (GameConfig()), random
valid actions generated before the clock starts, a warm-up, several repeats, median and spread.

Curriculum mode: ``metta.api.Environment(num_agents=4, width=32, height=32, num_envs=8)`` (a
fresh map and curriculum bookkeeping every episode) against ``MettaGridVecEnv`` on the same game
config and one map of the same builder, and against ``MettaGridVecEnv`` whose map provider builds
a fresh map of that builder every episode (synchronously); with ``is_training`` on and off.
Each repeat builds, warms up (1000 steps: past the map planner's first builds), times and
closes the three in turn, with the same actions (random valid ones, or ``--curriculum-actions
noop``); ``ratio`` is the median over repeats of Environment's rate / MettaGridVecEnv's in the
same repeat (``ratio_to_fresh_maps`` likewise), ``cpu_ratio`` the same with this process's CPU
time (all its threads) in place of wall-clock time, which other jobs on the machine disturb less.

Prints one JSON object per measurement per line.

    python benchmarks/env.py                       # full run (figures in benchmarks/README.md)
    python benchmarks/env.py --quick               # a few seconds; CI runs this
    python benchmarks/env.py --map benchmarks/maps/random_32x32_4.txt
    python benchmarks/env.py --only curriculum     # Environment against MettaGridVecEnv
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from metta.mettagrid.builtin_envs import simple_env
from metta.mettagrid.config import GameConfig
from metta.mettagrid.env import MettaGridEnv
from metta.mettagrid.env_config import EnvConfig
from metta.mettagrid.environment import Environment
from metta.mettagrid.maps import build_map
from metta.mettagrid.maps.ascii import load_ascii_map
from metta.mettagrid.vec_env import MettaGridVecEnv

# The repository's copy of ../shared/bench/maps (identical files), so CI needs nothing outside it.
MAPS = Path(__file__).resolve().parent / "maps"
SHARED_MAPS = Path(__file__).resolve().parents[2] / "shared" / "bench" / "maps"
DEFAULT_MAP = (MAPS if MAPS.is_dir() else SHARED_MAPS) / "bench_4rooms_24.txt"
ACTION_SETS = 256


def random_actions(
    action_names: list[str], max_args: list[int], agents: int, seed: int
) -> np.ndarray:
    """ACTION_SETS x [agents, 2] int32 of valid (type, arg) pairs, drawn before timing."""
    rng = np.random.default_rng(seed)
    types = rng.integers(0, len(action_names), size=(ACTION_SETS, agents))
    args = (rng.random((ACTION_SETS, agents)) * (np.asarray(max_args)[types] + 1)).astype(np.int64)
    return np.ascontiguousarray(np.stack([types, args], axis=-1).astype(np.int32))


def time_steps(
    step: object, actions: np.ndarray, steps: int, warmup: int, repeats: int
) -> list[float]:
    """Seconds per repeat of ``steps`` calls of step(actions[i % ACTION_SETS])."""
    for i in range(warmup):
        step(actions[i % ACTION_SETS])
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(steps):
            step(actions[i % ACTION_SETS])
        seconds.append(time.perf_counter() - start)
    return seconds


def report(
    name: str, config: dict[str, object], agents: int, steps: int, seconds: list[float]
) -> None:
    """Prints one JSON line: median and spread of agent-steps/s."""
    rates = [agents * steps / s for s in seconds]
    print(
        json.dumps(
            {
                "benchmark": "mettagrid_env",
                "mode": name,
                "config": config,
                "agent_steps_per_s": round(statistics.median(rates)),
                "agent_steps_per_s_min": round(min(rates)),
                "agent_steps_per_s_max": round(max(rates)),
                "repeats": len(rates),
                "machine": platform.processor() or platform.machine(),
            }
        ),
        flush=True,
    )


def rates(agents: int, steps: int, seconds: list[float]) -> dict[str, int]:
    """Median, min and max agent-steps/s of repeats that took ``seconds``."""
    per_repeat = [agents * steps / s for s in seconds]
    return {
        "median": round(statistics.median(per_repeat)),
        "min": round(min(per_repeat)),
        "max": round(max(per_repeat)),
    }


def paired_ratio(seconds: list[float], other_seconds: list[float]) -> float:
    """Median over repeats of the rate / the other rate, each pair timed in the same repeat."""
    pairs = zip(seconds, other_seconds, strict=True)
    return round(statistics.median(theirs / ours for ours, theirs in pairs), 3)


class FreshMaps:
    """A map provider: a new map of ``config``'s builder for every episode, seeded as
    Environment seeds its maps, from (0, game, episode)."""

    def __init__(self, config: EnvConfig) -> None:
        self.config = config
        self.episodes: dict[int, int] = {}

    def __call__(self, game: int) -> tuple[GameConfig, np.ndarray]:
        self.episodes[game] = self.episodes.get(game, -1) + 1
        rng = np.random.default_rng([0, game, self.episodes[game]])
        return self.config.game, build_map(self.config.map_builder, seed=rng).grid


def curriculum_comparison(args: argparse.Namespace, warmup: int) -> None:
    """Environment against MettaGridVecEnv on the same games (see the module docstring); one
    JSON line per ``is_training`` setting. Each contender is built, warmed up, timed and closed
    on its own, so that no map-builder thread outlives its turn."""
    agents_per_game, size, envs, threads = 4, 32, args.curriculum_envs, args.threads
    config = simple_env(agents_per_game, size, size)
    grid = build_map(config.map_builder, seed=0).grid
    for is_training in (True, False):
        makers = {
            "environment": functools.partial(
                Environment,
                num_agents=agents_per_game,
                width=size,
                height=size,
                num_envs=envs,
                num_workers=threads,
                is_training=is_training,
            ),
            "vec_env": lambda: MettaGridVecEnv(
                config.game, grid, num_envs=envs, num_threads=threads
            ),
            "vec_env_fresh_maps": lambda: MettaGridVecEnv(
                map_provider=FreshMaps(config), num_envs=envs, num_threads=threads
            ),
        }
        agents = agents_per_game * envs
        probe = makers["vec_env"]()
        actions = random_actions(probe.action_names, probe.max_action_args, agents, seed=1)
        if args.curriculum_actions == "noop":
            actions[:] = 0
        probe.close()
        seconds: dict[str, list[float]] = {name: [] for name in makers}
        cpu_seconds: dict[str, list[float]] = {name: [] for name in makers}
        order = list(makers)
        for _ in range(args.repeats):
            for name in order:
                env = makers[name]()
                env.reset(seed=0)
                time_steps(env.step, actions, steps=0, warmup=warmup, repeats=0)
                cpu_start = time.process_time()
                seconds[name] += time_steps(env.step, actions, args.steps, 0, 1)
                cpu_seconds[name].append(time.process_time() - cpu_start)
                env.close()
            order.reverse()  # A/B/C, C/B/A, ...: a busy moment hits every contender alike
        figures = {name: rates(agents, args.steps, s) for name, s in seconds.items()}
        print(
            json.dumps(
                {
                    "benchmark": "mettagrid_env",
                    "mode": "curriculum_environment_vs_vec_env",
                    "config": {
                        "agents": agents,
                        "envs": envs,
                        "threads": threads,
                        "map": f"random room {size}x{size}",
                        "max_steps": config.game.max_steps,
                        "is_training": is_training,
                        "actions": args.curriculum_actions,
                    },
                    **{f"{name}_agent_steps_per_s": f["median"] for name, f in figures.items()},
                    "ratio": paired_ratio(seconds["environment"], seconds["vec_env"]),
                    "ratio_to_fresh_maps": paired_ratio(
                        seconds["environment"], seconds["vec_env_fresh_maps"]
                    ),
                    "cpu_ratio": paired_ratio(cpu_seconds["environment"], cpu_seconds["vec_env"]),
                    "spread": {name: [f["min"], f["max"]] for name, f in figures.items()},
                    "repeats": args.repeats,
                    "machine": platform.processor() or platform.machine(),
                }
            ),
            flush=True,
        )


def main() -> None:
    """Runs every mode and prints its JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--map", type=Path, default=DEFAULT_MAP, help="ASCII map file")
    parser.add_argument("--envs", type=int, default=16, help="games in the batched modes")
    parser.add_argument(
        "--threads", type=int, default=os.cpu_count() or 1, help="'all threads' mode"
    )
    parser.add_argument("--steps", type=int, default=2000, help="steps per repeat")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--episode-steps", type=int, default=1000, help="max_steps with resets")
    parser.add_argument(
        "--curriculum-envs", type=int, default=8, help="games in the curriculum mode"
    )
    parser.add_argument(
        "--curriculum-actions",
        choices=["random", "noop"],
        default="random",
        help="actions in the curriculum mode: random valid ones, or all zero (noop)",
    )
    parser.add_argument(
        "--only", choices=["engine", "curriculum"], help="run only these modes (default: all)"
    )
    parser.add_argument("--quick", action="store_true", help="tiny run (seconds) for CI")
    args = parser.parse_args()
    if args.quick:
        args.steps, args.repeats, args.envs, args.episode_steps = 100, 2, 4, 50
    warmup = max(10, args.steps // 10)
    if args.only != "curriculum":
        engine_modes(args, warmup)
    if args.only != "engine":
        # Past the planner's first builds (one map per game, ahead) and, with max_steps 1000,
        # with two rounds of episode ends in a 2000-step repeat.
        curriculum_comparison(args, warmup if args.quick else max(warmup, 1000))


def engine_modes(args: argparse.Namespace, warmup: int) -> None:
    """The one-env and batched MettaGridVecEnv modes, with resets off and on."""
    grid = load_ascii_map(args.map)
    modes = [
        ("one_env", 1, 1),
        ("batched_one_thread", args.envs, 1),
        ("batched_all_threads", args.envs, args.threads),
    ]
    for resets in (False, True):
        config = GameConfig(max_steps=args.episode_steps if resets else 0)
        for name, envs, threads in modes:
            if name == "one_env":
                env = MettaGridEnv(config, grid)
                env.reset(seed=0)
                step, agents, names, max_args = (
                    env.step,
                    env.num_agents,
                    env.action_names,
                    env.max_action_args,
                )
            else:
                vec = MettaGridVecEnv(config, grid, num_envs=envs, num_threads=threads)
                vec.reset(seed=0)
                step, agents, names, max_args = (
                    vec.step,
                    vec.num_agents,
                    vec.action_names,
                    vec.max_action_args,
                )
            actions = random_actions(names, max_args, agents, seed=1)
            seconds = time_steps(step, actions, args.steps, warmup, args.repeats)
            described = {
                "map": args.map.name,
                "agents": agents,
                "envs": envs,
                "threads": threads,
                "resets": resets,
                "max_steps": config.max_steps,
            }
            report(name, described, agents, args.steps, seconds)


if __name__ == "__main__":
    main()
