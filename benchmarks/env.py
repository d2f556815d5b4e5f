"""MettaGrid environment throughput in agent-steps per second, through the Python face.

Modes: one env (MettaGridEnv), N envs batched on one thread, N envs on all threads
(MettaGridVecEnv); each with resets off (max_steps 0) and on (max_steps 1000 by default, every
finished game restarts on the same map). The reference's default rules (GameConfig()), random
valid actions generated before the clock starts, a warm-up, several repeats, median and spread.
Prints one JSON object per measurement per line.

    python benchmarks/env.py                       # full run (figures in benchmarks/README.md)
    python benchmarks/env.py --quick               # a few seconds; CI runs this
    python benchmarks/env.py --map benchmarks/maps/random_32x32_4.txt
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from metta.mettagrid.config import GameConfig
from metta.mettagrid.env import MettaGridEnv
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
    parser.add_argument("--quick", action="store_true", help="tiny run (seconds) for CI")
    args = parser.parse_args()
    if args.quick:
        args.steps, args.repeats, args.envs, args.episode_steps = 100, 2, 4, 50
    warmup = max(10, args.steps // 10)
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
