#!/usr/bin/env python
"""Train a navigation agent with the Metta API: the seed's complete training flow, end to end.

    python run.py                          # a few minutes on a CPU; the log shows reward rising
    METTA_RUN=demo python run.py           # a named run: run it again after a crash (even kill -9)
                                           # and it resumes from its last checkpoint
    torchrun --nproc-per-node=2 run.py     # the same run with DDP (gloo on CPU, NCCL on GPUs)

Everything lands in ./train_dir/<run>/: checkpoints/, replays/ (open the .html files in a
browser), stats/eval.sqlite, metrics.jsonl and config.yaml. The flow itself (setup, components,
rollout and training phases, periodic tasks, cleanup) is metta.rl.trainer.train; each component
can also be used on its own from metta.api in a loop of your own.
"""

from __future__ import annotations

import logging
import os

from metta.rl.run_config import LoggingSettings
from metta.rl.run_presets import cpu_run_config
from metta.rl.trainer import train

logger = logging.getLogger("run")

TOTAL_TIMESTEPS = 800_000
"""About four minutes of training on a quiet 2-core CPU, then half a minute of evaluation."""


def main() -> None:
    """Configures the run and trains it."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    # 1. Setup: the run name picks the directory (and resumes it if it holds a checkpoint).
    run_name = os.environ.get("METTA_RUN")

    # 2. Components, all from the CPU recipe (metta/rl/run_presets.py, where every number is):
    # - TrainerConfig: PPO with V-trace, batch 2,048 in segments of 16 steps, 4 update epochs of
    #   4 minibatches, Adam at 2e-3, entropy 0.01, gamma 0.99, no value clipping;
    # - environment: the varied navigation curriculum (open rooms, altars out of sight, mazes,
    #   varied terrain, rooms joined by gaps, cylinders, corridors, spirals, radial mazes, walled
    #   enclosures; 8 to 40 cells a side) in 32 one-agent games, paying 0.03 for each cell
    #   entered for the first time in an episode; agents see their trail over the whole window;
    # - agent: the "small" CNN-LSTM preset (the view turned to the agent's heading, raw item
    #   counts, never walking backward); the trainer builds the policy store, optimizer,
    #   experience buffer, kickstarter and monitors from these settings;
    # 4. evaluation: the 25 hand-drawn navigation maps of metta/mettagrid/maps/navigation_evals
    #   (never trained on), each scored against a full-map oracle and a random policy.
    config = cpu_run_config(TOTAL_TIMESTEPS).model_copy(
        update={"run": run_name, "logging": LoggingSettings(progress=True)}
    )

    # 3. Training loop, periodic tasks and 5. cleanup.
    result = train(config)

    rewards = [reward for _, reward in result.reward_history]
    if rewards:
        window = max(1, min(5, len(rewards) // 4))  # a few epochs: one epoch's mean is noisy
        first = sum(rewards[:window]) / window
        last = sum(rewards[-window:]) / window
        logger.info(
            "mean training episode return (hearts plus the exploration reward): %.2f over the "
            "first %d epochs, %.2f over the last %d",
            first, window, last, window,
        )  # fmt: skip
    logger.info("final policy: %s", result.policy_uri)
    scores = result.eval_scores
    normalized = {
        name.removeprefix("navigation/").removesuffix("/normalized"): value
        for name, value in scores.items()
        if name.endswith("/normalized")
    }
    if normalized:
        logger.info(
            "normalized score per unseen map (0 = random policy, 1 = full-map oracle): %s",
            ", ".join(f"{name} {value:.2f}" for name, value in normalized.items()),
        )
        logger.info("suite mean normalized score: %.3f", scores["normalized_score/mean"])
    logger.info("run directory: %s", result.run_dir)


if __name__ == "__main__":
    main()
