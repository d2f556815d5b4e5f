"""What the navigation suite allows: per map, the full-map oracle, a partially observing explorer
and the uniform-random policy, all played in the real env.

The explorer (``metta.sim.explorer``) sees only the policy's observation window and remembers what
it has seen; its normalized score is a realistic ceiling for a policy, where the oracle's 1.0 is
an upper bound no partially observing agent can be sure to reach. Prints one JSON line per map and
one for the suite.

    python benchmarks/ceilings.py --quick            # seconds; CI runs this
    python benchmarks/ceilings.py --episodes 4
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from typing import Any

import numpy as np

from metta.mettagrid.navigation_evals import NAVIGATION_EVALS
from metta.sim.baselines import explorer_episodes, navigation_baselines, normalized_score

BENCHMARK = "ceilings"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=4, help="explorer episodes per map")
    parser.add_argument(
        "--baseline-episodes", type=int, default=8, help="oracle and random episodes per map"
    )
    parser.add_argument("--quick", action="store_true", help="two maps, one episode each (CI)")
    return parser.parse_args(argv)


def _emit(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> None:
    """Plays the three baselines on every map and prints their returns and normalized scores."""
    args = parse_args(argv)
    names = list(NAVIGATION_EVALS)[:2] if args.quick else list(NAVIGATION_EVALS)
    episodes = 1 if args.quick else args.episodes
    baseline_episodes = 1 if args.quick else args.baseline_episodes
    scores = []
    started = time.perf_counter()
    for name in names:
        path = f"/env/mettagrid/navigation/evals/{name}"
        baselines = navigation_baselines(path, episodes=baseline_episodes)
        explorer = float(np.mean([e.reward for e in explorer_episodes(path, episodes=episodes)]))
        score = normalized_score(explorer, baselines.random, baselines.oracle)
        scores.append(score)
        _emit(
            {
                "benchmark": BENCHMARK,
                "map": name,
                "oracle": baselines.oracle,
                "random": baselines.random,
                "explorer": explorer,
                "explorer_normalized": None if math.isnan(score) else round(score, 4),
            }
        )
    _emit(
        {
            "benchmark": BENCHMARK,
            "maps": len(names),
            "episodes": episodes,
            "explorer_suite_score": round(float(np.nanmean(scores)), 4),
            "wall_s": round(time.perf_counter() - started, 1),
        }
    )


if __name__ == "__main__":
    main()
