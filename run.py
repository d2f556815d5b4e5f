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

from metta.api import SimulationSuiteConfig, SingleEnvSimulationConfig, TrainerConfig
from metta.rl.run_config import EnvSettings, LoggingSettings, RunConfig
from metta.rl.trainer import train
from metta.rl.trainer_config import (
    CheckpointConfig,
    OptimizerConfig,
    PPOConfig,
    SimulationConfig,
)

logger = logging.getLogger("run")


def main() -> None:
    """Configures the run and trains it."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    # 1. Setup: the run name picks the directory (and resumes it if it holds a checkpoint).
    run_name = os.environ.get("METTA_RUN")

    # Trainer: PPO with V-trace, sized so that a CPU sees the reward rise within minutes.
    trainer_config = TrainerConfig(
        total_timesteps=300_000,
        batch_size=8192,
        minibatch_size=2048,
        bptt_horizon=16,
        update_epochs=1,
        ppo=PPOConfig(clip_coef=0.1, ent_coef=0.01, gamma=0.99, gae_lambda=0.95),
        optimizer=OptimizerConfig(type="adam", learning_rate=1e-3),
        checkpoint=CheckpointConfig(checkpoint_interval=10),
        simulation=SimulationConfig(evaluate_interval=20, replay_interval=20),
    )

    # 2. Components: a bucketed navigation curriculum (room sizes x altar counts) for 16 games of
    # 4 agents, the seed's default CNN-LSTM agent; the trainer builds the policy store,
    # optimizer, experience buffer, kickstarter and monitors from these settings.
    # On a GPU machine, try curriculum_path="/env/mettagrid/curriculum/navigation/bucketed",
    # the seed's terrain curriculum, with a larger batch and more timesteps.
    env = EnvSettings(
        curriculum_path="/env/mettagrid/curriculum/navigation/rooms", num_agents=4, num_envs=16
    )

    # 4. Evaluation: navigation on small, medium and large terrain (the seed's suite).
    evaluation = SimulationSuiteConfig(
        name="evaluation",
        num_episodes=2,
        max_time_s=30,
        env_overrides={"game": {"max_steps": 200}},
        simulations={
            f"navigation/terrain_{size}": SingleEnvSimulationConfig(
                env=f"/env/mettagrid/navigation/evals/terrain_{size}"
            )
            for size in ("small", "medium", "large")
        },
    )

    config = RunConfig(
        run=run_name,
        env=env,
        agent="default",
        trainer=trainer_config,
        evaluation=evaluation,
        logging=LoggingSettings(progress=True),
    )

    # 3. Training loop, periodic tasks and 5. cleanup.
    result = train(config)

    rewards = [reward for _, reward in result.reward_history]
    if rewards:
        window = max(1, min(5, len(rewards) // 4))  # a few epochs: one epoch's mean is noisy
        first = sum(rewards[:window]) / window
        last = sum(rewards[-window:]) / window
        logger.info(
            "mean episode reward: %.2f over the first %d epochs, %.2f over the last %d",
            first, window, last, window,
        )  # fmt: skip
    logger.info("final policy: %s", result.policy_uri)
    logger.info("evaluation: %s", result.eval_scores)
    logger.info("run directory: %s", result.run_dir)


if __name__ == "__main__":
    main()
