"""End-to-end training throughput: agent steps per second and where the time goes.

Runs the ready-made trainer (metta.rl.trainer.train) on the quick-start curriculum with no
evaluation, replays or checkpoints between epochs, then prints one JSON line per device with
the median per-epoch agent_steps_per_s (first epoch left out as warm-up) and the share of time
spent in: env (stepping, actions back to the host), rollout_forward (policy inference),
rollout_copies (observations to the device, buffer writes), train_forward (advantages, forward
and loss) and train_backward (backward and optimizer step), from the trainer's Stopwatch.

    python benchmarks/train.py            # ~1 minute per device
    python benchmarks/train.py --quick    # seconds; CI runs this
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile

import torch

from metta.common.metric_logger import read_metrics
from metta.rl.run_config import EnvSettings, LoggingSettings, RunConfig
from metta.rl.trainer import train
from metta.rl.trainer_config import TrainerConfig
from metta.sim.simulation_config import SimulationSuiteConfig


def measure(device: str, agent: str, epochs: int, num_envs: int, batch_size: int) -> dict:
    """One short training run on ``device``; its throughput and time shares."""
    trainer = TrainerConfig.model_validate(
        {
            "total_timesteps": batch_size * epochs,
            "batch_size": batch_size,
            "minibatch_size": batch_size // 4,
            "bptt_horizon": 16,
            "checkpoint": {"checkpoint_interval": 10_000},
            "simulation": {"evaluate_interval": 0, "replay_interval": 0},
        }
    )
    env = EnvSettings(
        curriculum_path="/env/mettagrid/curriculum/navigation/rooms",
        num_agents=4,
        num_envs=num_envs,
    )
    with tempfile.TemporaryDirectory() as data_dir:
        config = RunConfig(
            run="benchmark",
            data_dir=data_dir,
            device=device,
            env=env,
            agent=agent,
            trainer=trainer,
            evaluation=SimulationSuiteConfig(),
            logging=LoggingSettings(progress=False, system_stats_interval=0),
        )
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
            "device": device,
            "agent": agent,
            "envs": num_envs,
            "agents": num_envs * 4,
            "batch_size": batch_size,
            "epochs": epochs,
            "threads": torch.get_num_threads(),
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
    parser.add_argument("--agent", default="default", help="agent preset (default, fast)")
    parser.add_argument(
        "--devices",
        default="cpu,cuda",
        help="comma list of devices to measure; cuda is skipped (saying so) without a GPU",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    epochs, num_envs, batch = (3, 4, 1024) if args.quick else (8, 16, 8192)
    devices = [device.strip() for device in args.devices.split(",") if device.strip()]
    unknown = sorted(set(devices) - {"cpu", "cuda"})
    if unknown:
        parser.error(f"--devices: unknown {unknown}; expected cpu and/or cuda")
    if "cuda" in devices and not torch.cuda.is_available():
        print(json.dumps({"benchmark": "train", "skipped": "cuda", "why": "no CUDA device"}))
        devices.remove("cuda")
    for device in devices:
        print(json.dumps(measure(device, args.agent, epochs, num_envs, batch)), flush=True)


if __name__ == "__main__":
    main()
