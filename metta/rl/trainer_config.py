"""``TrainerConfig``: every training hyperparameter, validated (pydantic v2, ``extra="forbid"``).

Defaults are the reference's ``configs/trainer/trainer.yaml`` (spec/rl.md §4). Differences, each on
purpose: ``TrainerConfig()`` is valid alone (directories default to ``None`` = "inside the run
directory", filled by :meth:`TrainerConfig.resolve_directories`); fields the reference accepted but
never read are gone (``zero_copy``, ``require_contiguous_env_ids``, ``verbose``, ``anneal_lr``,
``compile*``, ``num_workers``, ``forward_pass_minibatch_target_size``, ``async_factor``,
``scale_batches_by_world_size``, ``env``, ``curriculum``, ``env_overrides``, ``_target_``,
``initial_policy.range/filters``, ``wandb_checkpoint_interval``; ``initial_policy.type`` takes
the PolicyStore selectors, so "specific" became "rand": a file URI is always taken as is);
``lr_scheduler`` honours ``schedule_type`` and ``warmup_steps`` (no "exponential"); cross-field
checks that the reference ran late in the trainer are validators whose messages name the numbers
to change.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

if TYPE_CHECKING:
    from metta.rl.run_directories import RunDirectories

__all__ = [
    "CheckpointConfig",
    "InitialPolicyConfig",
    "KickstartConfig",
    "KickstartTeacherConfig",
    "LRSchedulerConfig",
    "OptimizerConfig",
    "PPOConfig",
    "PrioritizedExperienceReplayConfig",
    "SimulationConfig",
    "TorchProfilerConfig",
    "TrainerConfig",
    "VTraceConfig",
]


_MISSING = object()


def _nearest_multiple(value: int, step: int) -> int:
    """The multiple of ``step`` closest to ``value`` (at least ``step``), for error suggestions."""
    return max(step, round(value / step) * step)


class _Config(BaseModel):
    """Base of every trainer config: unknown keys are errors, assignments are validated."""

    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, use_attribute_docstrings=True
    )

    def __setattr__(self, name: str, value: object) -> None:
        """Validated assignment that leaves the old value in place when validation fails."""
        old = self.__dict__.get(name, _MISSING)
        try:
            super().__setattr__(name, value)
        except ValidationError:
            if old is not _MISSING:
                self.__dict__[name] = old
            raise


class OptimizerConfig(_Config):
    """Optimizer choice and its hyperparameters (read by ``Optimizer.from_config``)."""

    type: Literal["adam", "muon"] = "adam"
    """adam: torch.optim.Adam on all parameters; muon: torch.optim.Muon on 2-D weights + Adam."""
    learning_rate: float = Field(default=0.0004573146765703167, gt=0, le=1)
    """Base learning rate (before the schedule)."""
    beta1: float = Field(default=0.9, ge=0, le=1)
    """Adam first-moment decay; also Muon's momentum."""
    beta2: float = Field(default=0.999, ge=0, le=1)
    """Adam second-moment decay."""
    eps: float = Field(default=1e-12, gt=0)
    """Adam denominator epsilon."""
    weight_decay: float = Field(default=0.0, ge=0)
    """Adam: coupled L2 (as torch.optim.Adam); Muon: decoupled decay of the 2-D weights."""


class LRSchedulerConfig(_Config):
    """Learning-rate schedule, stepped once per training phase (rollout), see ``LRScheduler``."""

    enabled: bool = False
    """Off: the learning rate stays at optimizer.learning_rate."""
    schedule_type: Literal["constant", "linear", "cosine"] = "cosine"
    """Decay shape after warm-up, from the base rate to 0 at total_timesteps // batch_size."""
    warmup_steps: int = Field(default=0, ge=0)
    """Training phases of linear warm-up from base/warmup_steps to the base rate."""

    @model_validator(mode="after")
    def _warmup_needs_schedule(self) -> LRSchedulerConfig:
        if not self.enabled and self.warmup_steps > 0:
            raise ValueError(
                f"lr_scheduler.warmup_steps={self.warmup_steps} has no effect while "
                "lr_scheduler.enabled=False: set enabled=True or warmup_steps=0"
            )
        return self


class PrioritizedExperienceReplayConfig(_Config):
    """Prioritised segment sampling: p_s ~ (sum_t |A_st|)^alpha, IS weight (S p_s)^-beta."""

    prio_alpha: float = Field(default=0.0, ge=0, le=1)
    """Priority exponent; 0 samples segments uniformly."""
    prio_beta0: float = Field(default=0.6, ge=0, le=1)
    """Initial importance-weight exponent, annealed towards 1 by calculate_anneal_beta."""


class VTraceConfig(_Config):
    """V-trace truncation levels of the importance ratio in the advantage recurrence."""

    vtrace_rho_clip: float = Field(default=1.0, gt=0)
    """rho-bar: clip of the ratio weighting each TD error."""
    vtrace_c_clip: float = Field(default=1.0, gt=0)
    """c-bar: clip of the ratio carrying the trace to earlier steps."""


class PPOConfig(_Config):
    """PPO loss coefficients (read by ``process_minibatch_update`` and the optimizer)."""

    clip_coef: float = Field(default=0.1, gt=0, le=1)
    """Policy ratio clip epsilon."""
    ent_coef: float = Field(default=0.0021, ge=0)
    """Entropy bonus coefficient."""
    gae_lambda: float = Field(default=0.916, ge=0, le=1)
    """GAE lambda."""
    gamma: float = Field(default=0.977, ge=0, le=1)
    """Discount factor."""
    max_grad_norm: float = Field(default=0.5, gt=0)
    """Global gradient-norm clip applied before every optimizer step."""
    vf_clip_coef: float = Field(default=0.1, ge=0)
    """Value clip around the rollout value (used when clip_vloss)."""
    vf_coef: float = Field(default=0.44, ge=0)
    """Value loss coefficient."""
    l2_reg_loss_coef: float = Field(default=0.0, ge=0)
    """Coefficient of sum ||W||^2 over weight matrices/kernels (biases excluded); 0 = off."""
    l2_init_loss_coef: float = Field(default=0.0, ge=0)
    """Coefficient of the policy's l2_init_loss() (pull towards initial weights); 0 = off."""
    norm_adv: bool = True
    """Normalise advantages per minibatch (mean 0, std 1)."""
    clip_vloss: bool = True
    """Clip the value update around the rollout value."""
    target_kl: float | None = Field(default=None, gt=0)
    """Stop the update epochs once the running mean approx-KL exceeds this; None = never."""


class TorchProfilerConfig(_Config):
    """torch.profiler capture cadence for a trainer that profiles epochs."""

    interval_epochs: int = Field(default=10000, ge=0)
    """Profile one epoch every this many epochs; 0 = off."""
    profile_dir: str | None = None
    """Where traces go; None = <run_dir>/torch_traces."""

    @property
    def enabled(self) -> bool:
        """Whether profiling is on (interval_epochs > 0)."""
        return self.interval_epochs > 0


class KickstartTeacherConfig(_Config):
    """One teacher policy and its distillation coefficients."""

    teacher_uri: str = Field(min_length=1)
    """Where PolicyStore.policy_record loads the teacher from."""
    action_loss_coef: float = Field(default=1.0, ge=0)
    """Weight of the cross-entropy to the teacher's action distribution."""
    value_loss_coef: float = Field(default=1.0, ge=0)
    """Weight of the squared error to the teacher's value."""


class KickstartConfig(_Config):
    """Distillation from teacher policies during the first kickstart_steps agent steps."""

    teacher_uri: str | None = None
    """A teacher with the coefficients below; None = only additional_teachers."""
    action_loss_coef: float = Field(default=1.0, ge=0)
    """Action coefficient of the teacher_uri teacher."""
    value_loss_coef: float = Field(default=1.0, ge=0)
    """Value coefficient of the teacher_uri teacher."""
    anneal_ratio: float = Field(default=0.65, ge=0, le=1)
    """Fraction of kickstart_steps, at the end, over which the terms fade linearly to 0."""
    kickstart_steps: int = Field(default=1_000_000_000, gt=0)
    """Agent steps after which the kickstart terms are 0."""
    additional_teachers: list[KickstartTeacherConfig] | None = None
    """More teachers, each with its own coefficients."""

    def teachers(self) -> list[KickstartTeacherConfig]:
        """All teachers (additional_teachers, then teacher_uri) as new objects; config unchanged."""
        teachers = [t.model_copy() for t in self.additional_teachers or []]
        if self.teacher_uri is not None:
            teachers.append(
                KickstartTeacherConfig(
                    teacher_uri=self.teacher_uri,
                    action_loss_coef=self.action_loss_coef,
                    value_loss_coef=self.value_loss_coef,
                )
            )
        return teachers


class InitialPolicyConfig(_Config):
    """Which policy a fresh run starts from (read by ``select_start_policy``)."""

    uri: str | None = None
    """Checkpoint file, directory or URI; None = a new policy."""
    type: Literal["top", "latest", "rand"] = "top"
    """PolicyStore selector used when uri names several checkpoints (a file is taken as is)."""
    metric: str = "epoch"
    """Metadata metric the 'top' selector ranks by."""


class CheckpointConfig(_Config):
    """Policy and trainer-state checkpoint cadence."""

    checkpoint_interval: int = Field(default=60, gt=0)
    """Save the policy and trainer state every this many epochs."""
    checkpoint_dir: str | None = None
    """Where checkpoints go; None = <run_dir>/checkpoints."""


class SimulationConfig(_Config):
    """Evaluation and replay cadence."""

    evaluate_interval: int = Field(default=300, ge=0)
    """Evaluate the saved policy every this many epochs; 0 = off."""
    evaluate_at_end: bool = False
    """Also evaluate the final policy when the run ends (unless its last epoch was evaluated)."""
    replay_interval: int = Field(default=300, ge=0)
    """Write a replay every this many epochs; 0 = off."""
    replay_dir: str | None = None
    """Where replays go; None = <run_dir>/replays."""


class TrainerConfig(_Config):
    """All training hyperparameters; ``TrainerConfig(total_timesteps=..., batch_size=...,
    minibatch_size=...)`` is complete."""

    total_timesteps: int = Field(default=50_000_000_000, gt=0)
    """Agent steps to train for."""
    batch_size: int = Field(default=524288, gt=0)
    """Agent steps per rollout (buffer size)."""
    minibatch_size: int = Field(default=16384, gt=0)
    """Agent steps per minibatch."""
    bptt_horizon: int = Field(default=64, ge=2)
    """Steps per stored segment; the last one only bootstraps, so at least 2."""
    update_epochs: int = Field(default=1, gt=0)
    """Passes over the buffer per rollout."""
    cpu_offload: bool = False
    """Keep stored observations in (pinned) host memory instead of on the device."""
    reset_lstm_on_done: bool = False
    """Zero an agent's LSTM state when its episode ends, in the rollout and inside training
    segments (evaluation always starts episodes from zeros); off carries the state across
    episodes, as the reference did."""
    grad_mean_variance_interval: int = Field(default=0, ge=0)
    """Report gradient mean/variance/norm every this many epochs; 0 = off."""

    ppo: PPOConfig = Field(default_factory=PPOConfig)
    """PPO loss settings."""
    optimizer: OptimizerConfig = Field(default_factory=OptimizerConfig)
    """Optimizer settings."""
    lr_scheduler: LRSchedulerConfig = Field(default_factory=LRSchedulerConfig)
    """Learning-rate schedule."""
    prioritized_experience_replay: PrioritizedExperienceReplayConfig = Field(
        default_factory=PrioritizedExperienceReplayConfig
    )
    """Prioritised minibatch sampling."""
    vtrace: VTraceConfig = Field(default_factory=VTraceConfig)
    """V-trace clips."""
    kickstart: KickstartConfig = Field(default_factory=KickstartConfig)
    """Teacher distillation."""
    initial_policy: InitialPolicyConfig = Field(default_factory=InitialPolicyConfig)
    """Starting policy."""
    checkpoint: CheckpointConfig = Field(default_factory=CheckpointConfig)
    """Checkpoint cadence and directory."""
    simulation: SimulationConfig = Field(default_factory=SimulationConfig)
    """Evaluation and replay cadence."""
    profiler: TorchProfilerConfig = Field(default_factory=TorchProfilerConfig)
    """torch.profiler cadence."""

    @model_validator(mode="after")
    def _check_sizes(self) -> TrainerConfig:
        batch, minibatch, horizon = self.batch_size, self.minibatch_size, self.bptt_horizon
        if minibatch > batch:
            raise ValueError(
                f"minibatch_size ({minibatch}) must be <= batch_size ({batch}): "
                f"lower minibatch_size or raise batch_size"
            )
        if minibatch % horizon != 0:
            raise ValueError(
                f"minibatch_size ({minibatch}) must be a multiple of bptt_horizon ({horizon}) "
                f"so minibatches hold whole segments: e.g. minibatch_size="
                f"{_nearest_multiple(minibatch, horizon)}"
            )
        if batch % minibatch != 0:
            raise ValueError(
                f"batch_size ({batch}) must be a multiple of minibatch_size ({minibatch}): "
                f"e.g. batch_size={_nearest_multiple(batch, minibatch)}"
            )
        return self

    @model_validator(mode="after")
    def _check_intervals(self) -> TrainerConfig:
        every = self.checkpoint.checkpoint_interval
        evaluate = self.simulation.evaluate_interval
        if evaluate and evaluate % every != 0:
            raise ValueError(
                f"simulation.evaluate_interval ({evaluate}) must be a multiple of "
                f"checkpoint.checkpoint_interval ({every}): evaluation scores the policy saved "
                f"at that epoch, e.g. evaluate_interval={_nearest_multiple(evaluate, every)}"
            )
        return self

    @property
    def num_minibatches(self) -> int:
        """Minibatches per update epoch (batch_size // minibatch_size)."""
        return self.batch_size // self.minibatch_size

    @property
    def total_training_phases(self) -> int:
        """Rollout + update phases of a one-process run (at least 1): the LR schedule's length."""
        return self.training_phases(1)

    def training_phases(self, world_size: int = 1) -> int:
        """Rollout + update phases when ``world_size`` processes each fill ``batch_size`` per
        phase (at least 1)."""
        if world_size < 1:
            raise ValueError(f"world_size must be >= 1, got {world_size}")
        return max(1, self.total_timesteps // (self.batch_size * world_size))

    def resolve_directories(self, dirs: RunDirectories | str | Path) -> TrainerConfig:
        """A copy whose ``None`` directories are filled in under the run directory ``dirs``."""
        run_dir = Path(dirs if isinstance(dirs, str | Path) else dirs.run_dir)
        checkpoint_dir = getattr(dirs, "checkpoint_dir", run_dir / "checkpoints")
        replay_dir = getattr(dirs, "replay_dir", run_dir / "replays")
        resolved = self.model_copy(deep=True)
        if resolved.checkpoint.checkpoint_dir is None:
            resolved.checkpoint.checkpoint_dir = str(checkpoint_dir)
        if resolved.simulation.replay_dir is None:
            resolved.simulation.replay_dir = str(replay_dir)
        if resolved.profiler.profile_dir is None:
            resolved.profiler.profile_dir = str(run_dir / "torch_traces")
        return resolved
