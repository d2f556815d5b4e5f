"""``TrainerConfig``: every training hyperparameter, validated (pydantic v2, ``extra="forbid"``).

Defaults are the values of the reference ``trainer.yaml`` that :func:`parse_trainer_config`
reads. Beyond that format: ``TrainerConfig()`` is valid alone (directories default to ``None`` =
"inside the run directory", resolved into a separate :class:`TrainerPaths` by
:meth:`TrainerConfig.paths`, never written back into the config); keys of that format that have
no effect here are not fields, so ``TrainerConfig(num_workers=4)`` is an error, while
:func:`parse_trainer_config` drops them with one warning that names them
(``_NO_EFFECT_FIELDS``); ``initial_policy.type`` takes the PolicyStore selectors (a file URI is
always taken as is, so parse_trainer_config drops "specific" with the warning);
``lr_scheduler`` honours ``schedule_type`` and ``warmup_steps`` (no "exponential"; ``null`` for
either is the default); cross-field checks are validators, run when the config is built, whose
messages name the numbers to change.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from omegaconf import DictConfig, OmegaConf
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

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
    "PerformanceConfig",
    "PrioritizedExperienceReplayConfig",
    "SimulationConfig",
    "TorchProfilerConfig",
    "TrainerConfig",
    "TrainerPaths",
    "VTraceConfig",
    "cpu_has_native_bf16",
    "parse_trainer_config",
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
    """Decay shape after warm-up, from the base rate to 0 at total_timesteps // batch_size;
    None (not set) = cosine."""
    warmup_steps: int = Field(default=0, ge=0)
    """Training phases of linear warm-up from base/warmup_steps to the base rate; None = 0."""
    total_timesteps: int | None = Field(default=None, gt=0)
    """Agent steps the schedule spans; None = the trainer's ``total_timesteps``. Set it to train
    part of a longer schedule: a run stopped at each of several budgets and resumed
    (``benchmarks/learning.py``) then follows the one schedule of its last budget."""

    @field_validator("schedule_type", "warmup_steps", mode="before")
    @classmethod
    def _none_is_default(cls, value: object, info: ValidationInfo) -> object:
        """A trainer.yaml may write ``null`` for both; it means the default."""
        if value is None:
            return cls.model_fields[info.field_name].default
        return value

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
    scripted_teacher: Literal["navigation_explorer", "navigation_explorer_altars"] | None = None
    """A scripted teacher that plays along in every training game (single-agent games only):
    ``navigation_explorer`` is ``metta.sim.explorer.NavigationExplorer``, which sees only the
    agent's observation window. The policy still chooses every action; the teacher's action on
    each state the policy reaches is a target (DAgger-style imitation), annealed like the rest.
    ``navigation_explorer_altars`` labels only the states where the explorer is heading for an
    altar it has seen (its exploring moves depend on a map memory the policy lacks)."""
    scripted_action_loss_coef: float = Field(default=1.0, ge=0)
    """Weight of the scripted teacher's term, ``-log p_student(teacher action)``."""

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


def _checked_world_size(world_size: int) -> int:
    """``world_size`` itself; ValueError below 1."""
    if world_size < 1:
        raise ValueError(f"world_size must be >= 1, got {world_size}")
    return world_size


def cpu_has_native_bf16() -> bool:
    """True when this CPU has bfloat16 arithmetic instructions (AVX-512 BF16 or AMX tiles)."""
    import torch  # noqa: PLC0415  (the config module itself does not need torch)

    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(bool(getattr(torch.cpu, name, lambda: False)()) for name in checks)


class PerformanceConfig(_Config):
    """How the trainer runs its tensors: settings that change speed, not the algorithm."""

    rollout_inference_mode: bool = True
    """Run the rollout's policy forward under ``torch.inference_mode()`` instead of
    ``torch.no_grad()``. Its outputs are only copied into the experience buffer and read back
    without gradients, so training never sees an inference tensor."""
    cpu_autocast_bf16: bool | Literal["auto"] = False
    """Run the training forward passes on a CPU under ``torch.autocast("cpu",
    dtype=torch.bfloat16)`` (weights, losses and optimizer stay float32); ``"auto"`` does so
    only where the CPU computes in bfloat16 natively (AVX-512 BF16 or AMX), since elsewhere it
    is emulated and slower than float32. No effect on other devices."""
    compile_policy: bool = False
    """Wrap the policy's forward with ``torch.compile`` before training (compilation happens in
    the first rollout and training phase and costs tens of seconds on a small CPU)."""
    cpu_threads: int | Literal["auto"] | None = None
    """Intra-op threads torch uses when training on a CPU: a number, ``"auto"`` (one fewer than
    the CPUs this process may run on and no more than torch's current count, at least 1, so the
    environment's stepping and map-planner threads keep a core) or ``None`` (torch's own
    choice); has no effect on other devices."""

    malloc_keep_mb: int | None = Field(default=None, ge=1, le=2047)
    """On Linux with glibc: serve blocks up to this many MiB (at most 32) from the heap and keep up
    to this many MiB of freed memory in the process (``metta.common.allocator``), so a training
    step's activations stop being fresh ``mmap`` pages that fault in again each time.
    Process-wide and not undone when the run ends; None leaves the allocator alone."""

    @field_validator("cpu_threads")
    @classmethod
    def _check_threads(cls, value: int | str | None) -> int | str | None:
        if isinstance(value, int) and value < 1:
            raise ValueError(f"cpu_threads must be >= 1, 'auto' or None, got {value}")
        return value

    def resolved_cpu_autocast_bf16(self) -> bool:
        """Whether ``cpu_autocast_bf16`` turns bfloat16 autocast on for this machine's CPU."""
        if self.cpu_autocast_bf16 != "auto":
            return bool(self.cpu_autocast_bf16)
        return cpu_has_native_bf16()

    def resolved_cpu_threads(self) -> int | None:
        """The thread count ``cpu_threads`` asks for on this machine (None: leave torch's)."""
        if self.cpu_threads != "auto":
            return self.cpu_threads
        import torch  # noqa: PLC0415  (the config module itself does not need torch)

        try:
            cpus = len(os.sched_getaffinity(0))
        except AttributeError:  # platforms without sched_getaffinity (macOS)
            cpus = os.cpu_count() or 1
        return max(1, min(cpus - 1, torch.get_num_threads()))


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
    episodes."""
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
    performance: PerformanceConfig = Field(default_factory=PerformanceConfig)
    """Speed settings: inference mode, bfloat16 autocast, torch.compile, CPU threads."""

    @model_validator(mode="before")
    @classmethod
    def _ignore_reference_only_fields(cls, data: Any) -> Any:
        """Accepts the reference trainer.yaml's keys that nothing here reads
        (``_NO_EFFECT_FIELDS``), with one warning naming them; other unknown keys stay errors."""
        if not isinstance(data, Mapping):
            return data
        data = {
            key: dict(value) if isinstance(value, Mapping) else value for key, value in data.items()
        }  # sections copied: the caller's dicts are left as they were
        ignored = _drop_no_effect_fields(data)
        if ignored:
            warnings.warn(
                f"TrainerConfig: {len(ignored)} field(s) have no effect in this library and "
                f"were ignored: {', '.join(ignored)}",
                UserWarning,
                stacklevel=2,
            )
        return data

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
        return max(1, self.total_timesteps // (self.batch_size * _checked_world_size(world_size)))

    def lr_schedule_phases(self, world_size: int = 1) -> int:
        """Training phases the learning-rate schedule spans: ``lr_scheduler.total_timesteps``
        (else ``total_timesteps``) over ``batch_size * world_size``, at least 1."""
        span = self.lr_scheduler.total_timesteps or self.total_timesteps
        return max(1, span // (self.batch_size * _checked_world_size(world_size)))

    def paths(self, dirs: RunDirectories | str | Path) -> TrainerPaths:
        """Where this trainer writes in the run ``dirs`` (a ``RunDirectories`` or its run_dir):
        each directory set here, else its default under the run directory."""
        run_dir = Path(dirs if isinstance(dirs, str | Path) else dirs.run_dir)
        defaults = {
            "checkpoint_dir": getattr(dirs, "checkpoint_dir", run_dir / "checkpoints"),
            "replay_dir": getattr(dirs, "replay_dir", run_dir / "replays"),
            "profile_dir": run_dir / "torch_traces",
        }
        chosen = {
            "checkpoint_dir": self.checkpoint.checkpoint_dir,
            "replay_dir": self.simulation.replay_dir,
            "profile_dir": self.profiler.profile_dir,
        }
        return TrainerPaths(
            **{key: str(defaults[key] if value is None else value) for key, value in chosen.items()}
        )


@dataclass(frozen=True)
class TrainerPaths:
    """The directories one run's trainer writes to, resolved once at setup by
    :meth:`TrainerConfig.paths`; the config keeps ``None`` for "the run directory's default"."""

    checkpoint_dir: str
    """Policy and trainer-state checkpoints."""
    replay_dir: str
    """Replays."""
    profile_dir: str
    """torch.profiler traces."""


# The reading of a reference Hydra config (``cfg.trainer`` plus ``cfg.run_dir``).

_REFERENCE_TARGET = "metta.rl.trainer.MettaTrainer"
"""The only ``_target_`` a reference trainer.yaml may name; another names a different trainer."""

_NO_EFFECT_FIELDS: dict[str, tuple[str, ...]] = {
    "": (
        "_target_",
        "num_workers",
        "env",
        "curriculum",
        "env_overrides",
        "zero_copy",
        "require_contiguous_env_ids",
        "verbose",
        "scale_batches_by_world_size",
        "compile",
        "compile_mode",
        "forward_pass_minibatch_target_size",
        "async_factor",
    ),
    "lr_scheduler": ("anneal_lr",),
    "initial_policy": ("range", "filters"),
    "checkpoint": ("wandb_checkpoint_interval",),
}
"""Keys of the reference's trainer.yaml, by section ("" = top level), that nothing here reads:
the environment, curriculum and worker count belong to ``RunConfig.env``; the trainer is built
directly, uncompiled, with in-process vector envs and no W&B checkpoint uploads; each process
fills ``batch_size``; ``anneal_lr``, ``verbose``, ``range`` and ``filters`` had no effect even
in the trainer the format was written for."""

_RUN_SUBDIRECTORIES = (
    ("checkpoint", "checkpoint_dir", "checkpoints"),
    ("simulation", "replay_dir", "replays"),
    ("profiler", "profile_dir", "torch_traces"),
)
"""(section, key, folder under run_dir) of each directory parse_trainer_config fills in."""


def _drop_no_effect_fields(trainer: dict[str, Any]) -> list[str]:
    """Removes from ``trainer`` (in place) the keys that have no effect; returns their names."""
    target = trainer.get("_target_", _REFERENCE_TARGET)
    if target != _REFERENCE_TARGET:
        raise ValueError(
            f"trainer._target_ is {target!r}: this config is for another trainer; a reference "
            f"trainer.yaml names {_REFERENCE_TARGET!r}"
        )
    dropped = []
    for section, keys in _NO_EFFECT_FIELDS.items():
        fields = trainer.get(section) if section else trainer
        if not isinstance(fields, dict):
            continue  # an absent or malformed section is left to the model's validation
        for key in keys:
            if key in fields:
                del fields[key]
                dropped.append(f"{section}.{key}" if section else key)
    initial_policy = trainer.get("initial_policy")
    if isinstance(initial_policy, dict) and initial_policy.get("type") == "specific":
        # A file URI is always taken as is here, which is what "specific" asked for.
        del initial_policy["type"]
        dropped.append("initial_policy.type=specific")
    return dropped


def _fill_directories(trainer: dict[str, Any], run_dir: str | None) -> list[str]:
    """Sets the unset directories to ``<run_dir>/<folder>`` and replaces
    remote (``scheme://``) ones, which nothing here writes to; returns the replaced ones' names."""
    replaced = []
    for section, key, folder in _RUN_SUBDIRECTORIES:
        fields = trainer.get(section, {})
        if not isinstance(fields, dict):
            continue  # left to the model's validation
        value = fields.get(key)
        if isinstance(value, str) and value.startswith("file://"):
            fields[key] = value = value.removeprefix("file://")
        if isinstance(value, str) and "://" in value:
            replaced.append(f"{section}.{key}={value!r} (only local directories are written)")
            value = None
        if value is None or value == "":
            # Without run_dir the directory stays None: TrainerConfig.paths resolves it later.
            fields[key] = None if run_dir is None else str(Path(run_dir) / folder)
            trainer[section] = fields
    return replaced


def parse_trainer_config(cfg: DictConfig | Mapping[str, Any]) -> TrainerConfig:
    """The ``TrainerConfig`` of a reference Hydra config: its ``trainer`` section with every
    interpolation resolved against the whole config (``${run_dir}``, ``${run}``,
    ``${trainer.simulation.evaluate_interval}``).

    ``cfg`` is a ``DictConfig`` or a mapping with a ``trainer`` section and, optionally,
    ``run_dir``: unset directories become ``<run_dir>/checkpoints``, ``<run_dir>/replays`` and
    ``<run_dir>/torch_traces`` (or stay ``None`` for :meth:`TrainerConfig.paths`
    when there is no ``run_dir``). Keys that have no effect in this library (``_NO_EFFECT_FIELDS``,
    remote directories) are dropped with one ``UserWarning`` naming them all; any other unknown
    key, or a bad value, is a ``ValidationError`` naming the field.
    """
    root = cfg if isinstance(cfg, DictConfig) else OmegaConf.create(dict(cfg))
    if root.get("trainer") is None:
        raise ValueError(
            "parse_trainer_config: cfg has no 'trainer' section; pass the whole Hydra config "
            "(trainer, run_dir), not the trainer section alone"
        )
    if not isinstance(root.trainer, DictConfig):
        raise TypeError(
            f"parse_trainer_config: cfg.trainer must be a mapping, got "
            f"{type(root.trainer).__name__}"
        )
    trainer = OmegaConf.to_container(root.trainer, resolve=True)
    run_dir = root.get("run_dir")
    ignored = _drop_no_effect_fields(trainer)
    ignored += _fill_directories(trainer, None if run_dir is None else str(run_dir))
    # Validation first, so that a bad config raises its error rather than the warning.
    config = TrainerConfig.model_validate(trainer)
    if ignored:
        warnings.warn(
            f"parse_trainer_config: {len(ignored)} field(s) of the trainer config have no effect "
            f"in this library and were ignored: {', '.join(ignored)}",
            UserWarning,
            stacklevel=2,
        )
    return config
