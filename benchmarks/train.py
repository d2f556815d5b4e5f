"""End-to-end training throughput: agent steps per second and where the time goes.

Runs the ready-made trainer (metta.rl.trainer.train) on the quick-start curriculum with no
evaluation, replays or checkpoints between epochs, then prints one JSON line per device with
the median per-epoch agent_steps_per_s (first epoch left out as warm-up) and the share of time
spent in: env (stepping, actions back to the host), rollout_forward (policy inference),
rollout_copies (observations to the device, buffer writes), train_forward (advantages, forward
and loss) and train_backward (backward and optimizer step), from the trainer's Stopwatch.

    python benchmarks/train.py            # ~1 minute per device
    python benchmarks/train.py --quick    # seconds; CI runs this
    python benchmarks/train.py --preset cpu --devices cpu [--set performance.KEY=VALUE ...]

``--preset cpu`` measures the CPU recipe exactly (``metta.rl.run_presets.cpu_run_config``: the
``small`` agent, 32 one-agent games on the varied navigation curriculum, batch 2048, minibatch
512, horizon 16, 4 update epochs) with evaluation, replays and checkpoints off. ``--set`` overrides
one trainer field by its dotted path (repeatable), e.g. ``--set performance.cpu_threads=1``.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile
from typing import Any

import torch
import yaml

from metta.common.metric_logger import read_metrics
from metta.rl.run_config import EnvSettings, LoggingSettings, RunConfig
from metta.rl.run_presets import cpu_run_config
from metta.rl.trainer import train
from metta.rl.trainer_config import TrainerConfig
from metta.sim.simulation_config import SimulationSuiteConfig


def _apply_overrides(trainer: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """``trainer`` with each ``dotted.key=value`` (value read as YAML) set in it."""
    for override in overrides:
        key, sep, raw = override.partition("=")
        if not sep or not key:
            raise ValueError(f"--set: expected KEY=VALUE, got {override!r}")
        *sections, name = key.split(".")
        node = trainer
        for section in sections:
            node = node.setdefault(section, {})
        node[name] = yaml.safe_load(raw)
    return trainer


def _run_config(
    preset: str, device: str, agent: str, epochs: int, num_envs: int, batch_size: int
) -> dict[str, Any]:
    """The benchmarked run as a RunConfig dict: the quick-start curriculum, or the CPU recipe
    with ``preset="cpu"``; evaluation, replays and checkpoints off."""
    no_tasks = {
        "checkpoint": {"checkpoint_interval": 10_000},
        "simulation": {"evaluate_interval": 0, "replay_interval": 0, "evaluate_at_end": False},
    }
    common = {
        "run": "benchmark",
        "device": device,
        "evaluation": SimulationSuiteConfig().model_dump(),
        "logging": LoggingSettings(progress=False, system_stats_interval=0).model_dump(),
    }
    if preset == "cpu":
        config = cpu_run_config().model_dump()
        config["trainer"].update(no_tasks, total_timesteps=config["trainer"]["batch_size"] * epochs)
        return {**config, **common}
    trainer = {
        "total_timesteps": batch_size * epochs,
        "batch_size": batch_size,
        "minibatch_size": batch_size // 4,
        "bptt_horizon": 16,
        **no_tasks,
    }
    env = EnvSettings(
        curriculum_path="/env/mettagrid/curriculum/navigation/rooms",
        num_agents=4,
        num_envs=num_envs,
    )
    return {**common, "env": env.model_dump(), "agent": agent, "trainer": trainer}


def measure(
    device: str,
    agent: str,
    epochs: int,
    num_envs: int,
    batch_size: int,
    preset: str = "quickstart",
    overrides: list[str] | None = None,
) -> dict:
    """One short training run on ``device``; its throughput and time shares."""
    base = _run_config(preset, device, agent, epochs, num_envs, batch_size)
    trainer = TrainerConfig.model_validate(_apply_overrides(base["trainer"], overrides or []))
    with tempfile.TemporaryDirectory() as data_dir:
        config = RunConfig.model_validate({**base, "data_dir": data_dir, "trainer": trainer})
        result = train(config)
        metrics = read_metrics(result.run_dir / "metrics.jsonl")
    timing = {
        k.removeprefix("timing/"): v for k, v in metrics[-1].items() if k.startswith("timing/")
    }
    rollout, train_total = timing.get("_rollout", 0.0), timing.get("_train", 0.0)
    env_s, inference = timing.get("_rollout.env", 0.0), timing.get("_rollout.inference", 0.0)
    learn = timing.get("_train.learn", 0.0)
    parts = {
        "env": env_s,
        "rollout_forward": inference,
        "rollout_copies": max(rollout - env_s - inference, 0.0),
        "train_forward": max(train_total - learn, 0.0),
        "train_backward": learn,
    }
    total = sum(parts.values()) or 1.0
    per_epoch = [m["overview/sps"] for m in metrics[1:]] or [metrics[0]["overview/sps"]]
    return {
        "benchmark": "train",
        "config": {
            "preset": preset,
            "device": device,
            "agent": config.agent if isinstance(config.agent, str) else "custom",
            "envs": config.env.num_envs,
            "agents": config.env.num_envs * config.env.num_agents,
            "batch_size": config.trainer.batch_size,
            "epochs": epochs,
            "threads": config.trainer.performance.resolved_cpu_threads()
            if device == "cpu" and config.trainer.performance.cpu_threads is not None
            else torch.get_num_threads(),
            "overrides": overrides or [],
        },
        "agent_steps_per_s": statistics.median(per_epoch),
        "time_share": {name: seconds / total for name, seconds in parts.items()},
    }


def main() -> None:
    """Measures on the CPU, and on the GPU when there is one."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="two small epochs (CI)")
    parser.add_argument(
        "--preset",
        choices=("quickstart", "cpu"),
        default="quickstart",
        help="quickstart: 16 four-agent games on the rooms curriculum; cpu: the CPU recipe",
    )
    parser.add_argument("--epochs", type=int, default=None, help="rollout+train phases to run")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="trainer field override by dotted path, e.g. performance.cpu_threads=1",
    )
    parser.add_argument("--agent", default="default", help="agent preset (default, fast)")
    parser.add_argument(
        "--devices",
        default="cpu,cuda",
        help="comma list of devices to measure; cuda is skipped (saying so) without a GPU",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    epochs, num_envs, batch = (3, 4, 1024) if args.quick else (8, 16, 8192)
    if args.preset == "cpu":
        epochs = 3 if args.quick else 12
    epochs = args.epochs or epochs
    devices = [device.strip() for device in args.devices.split(",") if device.strip()]
    unknown = sorted(set(devices) - {"cpu", "cuda"})
    if unknown:
        parser.error(f"--devices: unknown {unknown}; expected cpu and/or cuda")
    if "cuda" in devices and not torch.cuda.is_available():
        print(json.dumps({"benchmark": "train", "skipped": "cuda", "why": "no CUDA device"}))
        devices.remove("cuda")
    for device in devices:
        result = measure(device, args.agent, epochs, num_envs, batch, args.preset, args.set)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
