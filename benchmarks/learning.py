"""Learning benchmark: the suite's oracle-normalized score against agent steps and wall-clock.

Trains one run of the CPU recipe (metta.rl.run_presets) and, at each budget, evaluates the saved
policy on the hand-drawn navigation suite (maps never trained on): 0 is a uniform-random policy, 1
the full-map oracle. The learning rate follows one schedule, that of the last budget, so each
point lies on the curve of that one run. With ``--yardstick`` it also trains
benchmarks/cleanrl_ppo_lstm.py (the independent CleanRL-style implementation) on the same env,
network size and budgets. Prints one JSON line per point and draws both curves to a PNG (needs
matplotlib: ``pip install metta[plots]``).

    python benchmarks/learning.py --quick                                # seconds; CI runs this
    python benchmarks/learning.py --budgets 200000,400000,800000 --yardstick --png learning.png

``train_wall_s`` counts training only (the evaluations are timed apart, as ``eval_wall_s``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from omegaconf import DictConfig

from metta.agent.policy_store import PolicyStore
from metta.rl.run_config import LoggingSettings, navigation_evaluation
from metta.rl.run_presets import cpu_run_config
from metta.rl.trainer import train
from metta.sim.simulation import SimulationSuite, suite_scores
from metta.sim.simulation_config import SimulationSuiteConfig

BENCHMARK = "learning"
YARDSTICK = Path(__file__).with_name("cleanrl_ppo_lstm.py")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", default="200000,400000,800000", help="agent steps, comma list")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--episodes", type=int, default=4, help="evaluation episodes per map")
    parser.add_argument("--yardstick", action="store_true", help="also train the CleanRL file")
    parser.add_argument("--png", default=None, help="where to draw the learning curves")
    parser.add_argument("--data-dir", default=None, help="run folder (default: a temporary one)")
    parser.add_argument("--quick", action="store_true", help="tiny budgets and suite (CI)")
    return parser.parse_args(argv)


def _emit(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def _policy_store(run_dir: Path) -> PolicyStore:
    settings = {"device": "cpu", "policy_cache_size": 1}
    settings["trainer"] = {"checkpoint": {"checkpoint_dir": str(run_dir / "checkpoints")}}
    return PolicyStore(DictConfig(settings), wandb_run=None)


def _suite(episodes: int, quick: bool) -> SimulationSuiteConfig:
    suite = navigation_evaluation(num_episodes=episodes)
    if quick:
        first = dict(list(suite.simulations.items())[:2])
        suite = suite.model_copy(update={"simulations": first})
    return suite


def library_curve(args: argparse.Namespace, budgets: list[int], data_dir: str) -> list[dict]:
    """Trains the CPU recipe up to each budget in turn (each call resumes the run) and evaluates
    the policy saved at each one."""
    points, train_wall = [], 0.0
    suite = _suite(args.episodes, args.quick)
    for budget in budgets:
        config = cpu_run_config(budget)
        # Every budget trains part of the last budget's run: one learning-rate schedule.
        schedule = config.trainer.lr_scheduler.model_copy(update={"total_timesteps": budgets[-1]})
        trainer = config.trainer.model_copy(
            update={
                "simulation": config.trainer.simulation.model_copy(
                    update={"evaluate_at_end": False, "replay_interval": 0}
                ),
                "lr_scheduler": schedule,
            }
        )
        update: dict[str, Any] = {
            "run": f"learning_seed{args.seed}",
            "data_dir": data_dir,
            "seed": args.seed,
            "trainer": trainer,
            "logging": LoggingSettings(progress=False),
        }
        if args.quick:
            update["env"] = config.env.model_copy(update={"num_envs": 8})
            update["trainer"] = trainer.model_copy(
                update={"batch_size": 512, "minibatch_size": 256, "update_epochs": 1}
            )
        started = time.perf_counter()
        result = train(config.model_copy(update=update))
        train_wall += time.perf_counter() - started
        started = time.perf_counter()
        record = _policy_store(result.run_dir).policy_record(result.policy_uri or "")
        scores = suite_scores(SimulationSuite(suite, record.policy).run())
        point = {
            "benchmark": BENCHMARK,
            "implementation": "metta",
            "config": {"preset": "cpu", "seed": args.seed, "maps": len(suite.simulations)},
            "agent_steps": result.agent_step,
            "train_wall_s": round(train_wall, 1),
            "eval_wall_s": round(time.perf_counter() - started, 1),
            "suite_score": scores.get("normalized_score/mean"),
            "maps": {
                name.removeprefix("navigation/").removesuffix("/normalized"): value
                for name, value in scores.items()
                if name.endswith("/normalized")
            },
        }
        _emit(point)
        points.append(point)
    return points


def yardstick_curve(args: argparse.Namespace, budgets: list[int]) -> list[dict]:
    """Runs the CleanRL-style file with evaluations at the same budgets; its eval lines."""
    command = [sys.executable, str(YARDSTICK), "--seed", str(args.seed)]
    if args.quick:
        command.append("--quick")
    else:
        gaps = [b - a for a, b in zip([0, *budgets], budgets, strict=False)]
        command += ["--total-steps", str(budgets[-1]), "--eval-every", str(min(gaps))]
        command += ["--eval-episodes", str(args.episodes)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    points = []
    for line in output.splitlines():
        record = json.loads(line)
        if record.get("kind") != "eval":
            continue
        point = {
            "benchmark": BENCHMARK,
            "implementation": "cleanrl",
            "config": {"seed": args.seed},
            "agent_steps": record["agent_steps"],
            "train_wall_s": record.get("train_s"),
            "suite_score": record["suite_score"],
            "maps": record.get("maps", {}),
        }
        _emit(point)
        points.append(point)
    return points


def draw(curves: dict[str, list[dict]], path: str) -> None:
    """Two panels: normalized score against agent steps and against training seconds."""
    import matplotlib  # noqa: PLC0415  (optional dependency, only for the picture)

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    figure, (by_steps, by_time) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    for name, points in curves.items():
        steps = [p["agent_steps"] for p in points]
        seconds = [p["train_wall_s"] for p in points]
        scores = [p["suite_score"] for p in points]
        by_steps.plot(steps, scores, marker="o", label=name)
        by_time.plot(seconds, scores, marker="o", label=name)
    for axis, label in ((by_steps, "agent steps"), (by_time, "training wall-clock (s)")):
        axis.set_xlabel(label)
        axis.set_ylabel("suite mean normalized score")
        axis.axhline(0.0, color="grey", linewidth=0.5)
        axis.grid(alpha=0.3)
        axis.legend()
    figure.suptitle("Navigation on unseen maps (0 = random policy, 1 = full-map oracle)")
    target = Path(path)
    temporary = target.with_name(f".{target.name}.tmp.png")
    figure.savefig(temporary, dpi=120)
    temporary.replace(target)
    plt.close(figure)


def main(argv: list[str] | None = None) -> None:
    """Runs the curves and draws them."""
    args = parse_args(argv)
    budgets = [1024, 2048] if args.quick else sorted(int(b) for b in args.budgets.split(","))
    with tempfile.TemporaryDirectory() as scratch:
        curves = {"metta (cpu recipe)": library_curve(args, budgets, args.data_dir or scratch)}
        if args.yardstick:
            curves["cleanrl yardstick"] = yardstick_curve(args, budgets)
    if args.png:
        draw(curves, args.png)


if __name__ == "__main__":
    main()
