"""RunConfig: everything one training run needs (env, agent, trainer, evaluation, logging).

``metta train`` builds it from defaults plus ``key=value`` overrides; ``run.py`` builds it in
Python. Saved whole in the run's config.yaml, so a run can be reproduced from that file alone.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from metta.mettagrid.navigation_evals import NAVIGATION_EVALS
from metta.rl.trainer_config import TrainerConfig
from metta.sim.simulation_config import SimulationSuiteConfig, SingleEnvSimulationConfig

__all__ = [
    "EnvSettings",
    "LoggingSettings",
    "RunConfig",
    "navigation_evaluation",
    "terrain_evaluation",
]


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class EnvSettings(_Config):
    """The training environment (arguments of metta.api.Environment)."""

    curriculum_path: str = "/env/mettagrid/curriculum/navigation/bucketed"
    """A named curriculum or environment (metta.mettagrid.builtin_envs)."""
    num_agents: int = Field(default=4, ge=1)
    """Agents per game."""
    num_envs: int = Field(default=16, ge=1)
    """Games stepped together per rank."""
    num_workers: int | None = Field(default=None, ge=1)
    """Engine threads (default: all cores)."""
    env_overrides: dict[str, Any] = Field(default_factory=dict)
    """Nested overrides of every task's env config."""


class LoggingSettings(_Config):
    """Where metrics go besides <run_dir>/metrics.jsonl and the terminal."""

    tensorboard: bool = False
    """Also write TensorBoard event files (needs the tensorboard package)."""
    wandb_project: str | None = None
    """Also log to this Weights & Biases project (needs the wandb package)."""
    wandb_mode: Literal["online", "offline", "disabled"] = "offline"
    """offline writes locally with no network; `wandb sync` uploads later."""
    progress: bool = True
    """Show the live progress display."""
    system_stats_interval: int = Field(default=10, ge=0)
    """Epochs between system and memory monitor logs (0: never)."""


def navigation_evaluation(num_episodes: int = 4, max_time_s: float = 60.0) -> SimulationSuiteConfig:
    """The default evaluation: every hand-drawn navigation map (metta.mettagrid.navigation_evals),
    one agent, scored against the oracle and a random policy (``navigation/<map>/normalized``,
    ``normalized_score/mean``)."""
    return SimulationSuiteConfig(
        name="navigation",
        num_episodes=num_episodes,
        max_time_s=max_time_s,
        num_agents=1,
        simulations={
            f"navigation/{name}": SingleEnvSimulationConfig(
                env=f"/env/mettagrid/navigation/evals/{name}"
            )
            for name in NAVIGATION_EVALS
        },
    )


def terrain_evaluation(num_episodes: int = 5, max_time_s: float = 30.0) -> SimulationSuiteConfig:
    """The seed's evaluation suite: 4-agent navigation on small, medium and large terrain."""
    return SimulationSuiteConfig(
        name="evaluation",
        num_episodes=num_episodes,
        max_time_s=max_time_s,
        simulations={
            f"navigation/terrain_{size}": SingleEnvSimulationConfig(
                env=f"/env/mettagrid/navigation/evals/terrain_{size}"
            )
            for size in ("small", "medium", "large")
        },
    )


class RunConfig(_Config):
    """One training run."""

    run: str | None = None
    """Run name (default: $METTA_RUN or a timestamp); the same name resumes the run."""
    data_dir: str | None = None
    """Parent of the run directory (default: $DATA_DIR or ./train_dir)."""
    device: str = "auto"
    """"auto" (CUDA if present), "cpu", "cuda" or "cuda:N"; torchrun ranks use cuda:LOCAL_RANK."""
    seed: int = Field(default=0, ge=0)
    """Seeds the policy's initial weights, torch, and the environments (offset by rank)."""
    env: EnvSettings = Field(default_factory=EnvSettings)
    """The training environment."""
    agent: str | dict[str, Any] = "default"
    """Agent preset ("default", "fast") or an agent config mapping."""
    trainer: TrainerConfig = Field(default_factory=TrainerConfig)
    """PPO, optimizer, buffer sizes, intervals."""
    evaluation: SimulationSuiteConfig = Field(default_factory=navigation_evaluation)
    """Run every trainer.simulation.evaluate_interval epochs."""
    replay_env: str | None = None
    """Env or curriculum path of the periodic replays (default: the training curriculum)."""
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    """Metric sinks and displays."""
