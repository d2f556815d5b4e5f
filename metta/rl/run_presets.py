"""Named starting points for a training run: ``cpu`` (learns navigation in minutes on a laptop)
and ``reference`` (the reference's GPU-sized defaults, ``RunConfig()`` as it is).

``metta train`` starts from ``auto``: ``cpu`` unless a CUDA device is present. ``run.py`` trains
the ``cpu`` recipe; every number of it is here.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from metta.rl.run_config import EnvSettings, RunConfig, navigation_evaluation
from metta.rl.trainer_config import (
    CheckpointConfig,
    OptimizerConfig,
    PerformanceConfig,
    PPOConfig,
    SimulationConfig,
    TrainerConfig,
)

__all__ = ["RUN_PRESETS", "cpu_run_config", "cpu_trainer_config", "resolve_preset", "run_preset"]

CPU_CURRICULUM = "/env/mettagrid/curriculum/navigation/varied"
"""Single-agent navigation over every terrain family (see builtin_envs._navigation_varied)."""

CPU_EXPLORATION_REWARD = 0.03
"""Reward for each cell an agent enters for the first time in an episode, in training only (the
evaluation maps pay hearts alone). Without it the policy rarely leaves the neighbourhood of its
start in mazes and gets no reward to learn from there; with 0.06 exploring outpays the hearts and
the policy stops collecting them (benchmarks/README.md, "Learning")."""


def cpu_trainer_config(total_timesteps: int = 800_000) -> TrainerConfig:
    """PPO sized for a 2-core CPU, chosen by experiment (benchmarks/README.md, "Learning").

    Small batches and four update epochs give 16 optimizer steps per 2,048 agent steps (the
    reference's defaults give one per 524,288): on a 2-core CPU the policy learns more per agent
    step and per second this way than with 8,192 or 1,024. Adam at 2e-3 beat 1e-3 on each of
    three seeds (mean suite score 0.371 against 0.333 at 500k steps). Value clipping is off
    because it held the value head to 0.1 per rollout (tests/training/test_value_learning.py).
    Torch keeps its own thread count: on a quiet 2-core machine two threads run the recipe about
    40% faster than one; on a machine another job shares, ``performance.cpu_threads="auto"``
    (one thread fewer than the CPUs) avoids a collapse. ``performance.malloc_keep_mb=256``
    keeps the training step's activations in the heap instead of fresh pages: about 30% more
    agent steps per second (benchmarks/README.md, "The CPU recipe").
    """
    return TrainerConfig(
        total_timesteps=total_timesteps,
        batch_size=2048,
        minibatch_size=512,
        bptt_horizon=16,
        update_epochs=4,
        ppo=PPOConfig(
            clip_coef=0.1,
            ent_coef=0.01,
            gamma=0.99,
            gae_lambda=0.95,
            clip_vloss=False,
        ),
        optimizer=OptimizerConfig(type="adam", learning_rate=2e-3),
        checkpoint=CheckpointConfig(checkpoint_interval=160),
        simulation=SimulationConfig(evaluate_interval=0, evaluate_at_end=True, replay_interval=400),
        performance=PerformanceConfig(malloc_keep_mb=256),
    )


def cpu_run_config(total_timesteps: int = 800_000) -> RunConfig:
    """The CPU recipe: the ``small`` agent on the varied navigation curriculum, 32 one-agent
    games paying an exploration reward, evaluated on the hand-drawn navigation suite at the end
    of the run."""
    return RunConfig(
        env=EnvSettings(
            curriculum_path=CPU_CURRICULUM,
            num_agents=1,
            num_envs=32,
            env_overrides={"game": {"agent": {"exploration_reward": CPU_EXPLORATION_REWARD}}},
        ),
        agent="small",
        trainer=cpu_trainer_config(total_timesteps),
        evaluation=navigation_evaluation(),
    )


RUN_PRESETS: dict[str, Callable[[], RunConfig]] = {
    "cpu": cpu_run_config,
    "reference": RunConfig,
}
"""Preset name -> a fresh RunConfig."""


def resolve_preset(name: str) -> str:
    """``auto`` -> ``reference`` when CUDA is available, else ``cpu``; other names are checked."""
    if name == "auto":
        return "reference" if torch.cuda.is_available() else "cpu"
    if name not in RUN_PRESETS:
        raise ValueError(f"preset: unknown {name!r}; known: auto, {', '.join(RUN_PRESETS)}")
    return name


def run_preset(name: str) -> RunConfig:
    """A fresh RunConfig of the named (or ``auto``-resolved) preset."""
    return RUN_PRESETS[resolve_preset(name)]()
