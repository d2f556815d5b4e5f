"""``LRScheduler``: warm-up then constant, linear or cosine decay of every param group's lr.

One ``step()`` per training phase (rollout + update epochs), over
``TrainerConfig.total_training_phases`` steps. ``schedule_type`` and ``warmup_steps`` are
honoured, the length counts the same unit the schedule is stepped in (so the schedule ends with
the run), and the state is saved and restored with the trainer checkpoint.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from metta.rl.trainer_config import TrainerConfig

__all__ = ["LRScheduler", "ScheduleType", "lr_factor"]

logger = logging.getLogger(__name__)

ScheduleType = Literal["constant", "linear", "cosine"]


class _HasParamGroups(Protocol):
    @property
    def param_groups(self) -> list[dict[str, Any]]: ...


def lr_factor(step: int, total_steps: int, schedule_type: ScheduleType, warmup_steps: int) -> float:
    """Multiplier of the base lr at ``step`` (0-based): ``(step+1)/warmup`` during warm-up, then
    1 (constant), ``1 - p`` (linear) or ``(1 + cos(pi p)) / 2`` (cosine), p = decay progress."""
    if step < warmup_steps:
        return (step + 1) / warmup_steps
    decay_steps = max(1, total_steps - warmup_steps)
    progress = min(1.0, (step - warmup_steps) / decay_steps)
    if schedule_type == "constant":
        return 1.0
    if schedule_type == "linear":
        return 1.0 - progress
    if schedule_type == "cosine":
        return 0.5 * (1.0 + math.cos(math.pi * progress))
    raise ValueError(f"schedule_type must be constant, linear or cosine, got {schedule_type!r}")


class LRScheduler:
    """Sets ``group["lr"] = base_lr * lr_factor(step)`` on every param group of ``optimizer``.

    Works with ``metta.rl.optimizer.Optimizer`` (all inner optimizers) or any torch optimizer.
    The base rates are read at construction; the first factor is applied immediately.
    """

    def __init__(
        self,
        optimizer: _HasParamGroups,
        total_steps: int,
        schedule_type: ScheduleType = "cosine",
        warmup_steps: int = 0,
    ) -> None:
        if not isinstance(total_steps, int) or total_steps < 1:
            raise ValueError(f"LRScheduler: total_steps must be an int >= 1, got {total_steps!r}")
        if not isinstance(warmup_steps, int) or not 0 <= warmup_steps <= total_steps:
            raise ValueError(
                f"LRScheduler: warmup_steps must be an int in [0, total_steps={total_steps}], "
                f"got {warmup_steps!r}"
            )
        lr_factor(0, total_steps, schedule_type, warmup_steps)  # validates schedule_type
        self.optimizer = optimizer
        self.total_steps = total_steps
        self.schedule_type: ScheduleType = schedule_type
        self.warmup_steps = warmup_steps
        self.base_lrs = [float(group["lr"]) for group in optimizer.param_groups]
        self.current_step = 0
        self._apply()

    @classmethod
    def from_config(
        cls, optimizer: _HasParamGroups, trainer_config: TrainerConfig, world_size: int = 1
    ) -> LRScheduler | None:
        """The schedule ``trainer_config.lr_scheduler`` describes, or None when it is disabled.

        With ``world_size`` processes each training phase consumes ``batch_size * world_size``
        agent steps, so the schedule is that much shorter in phases."""
        cfg = trainer_config.lr_scheduler
        if not cfg.enabled:
            return None
        total = trainer_config.lr_schedule_phases(world_size)
        if cfg.warmup_steps > total:
            raise ValueError(
                f"lr_scheduler.warmup_steps ({cfg.warmup_steps}) exceeds the schedule's "
                f"{total} training phases ((lr_scheduler.total_timesteps or total_timesteps) "
                "// (batch_size * world_size))"
            )
        return cls(optimizer, total, cfg.schedule_type, cfg.warmup_steps)

    def get_last_lr(self) -> list[float]:
        """The learning rate of every param group now."""
        return [float(group["lr"]) for group in self.optimizer.param_groups]

    def step(self) -> None:
        """Advances one training phase and sets the new rates."""
        self.current_step += 1
        self._apply()

    def _apply(self) -> None:
        factor = lr_factor(
            self.current_step, self.total_steps, self.schedule_type, self.warmup_steps
        )
        groups = self.optimizer.param_groups
        if len(groups) != len(self.base_lrs):
            raise RuntimeError(
                "LRScheduler: the optimizer's param groups changed after construction"
            )
        for group, base in zip(groups, self.base_lrs, strict=True):
            group["lr"] = base * factor

    def state_dict(self) -> dict[str, Any]:
        """Step, base rates and settings, for a trainer checkpoint."""
        return {
            "current_step": self.current_step,
            "base_lrs": list(self.base_lrs),
            "total_steps": self.total_steps,
            "schedule_type": self.schedule_type,
            "warmup_steps": self.warmup_steps,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restores the step of ``state_dict()`` and re-applies the rates there.

        The schedule itself (length, type, warm-up, base rates) stays the one this scheduler was
        built with, i.e. the resumed run's config: a run resumed with a larger total_timesteps
        continues along the longer schedule instead of sitting at the old schedule's end (lr 0).
        """
        if len(state["base_lrs"]) != len(self.optimizer.param_groups):
            raise ValueError(
                f"LRScheduler.load_state_dict: state has {len(state['base_lrs'])} base rates, the "
                f"optimizer has {len(self.optimizer.param_groups)} param groups"
            )
        saved = (int(state["total_steps"]), state["schedule_type"], int(state["warmup_steps"]))
        if saved != (self.total_steps, self.schedule_type, self.warmup_steps):
            logger.info(
                "LRScheduler: resuming at step %d of the new schedule (%d steps, %s, warm-up %d); "
                "the checkpoint's was (%d steps, %s, warm-up %d)",
                int(state["current_step"]), self.total_steps, self.schedule_type,
                self.warmup_steps, *saved,
            )  # fmt: skip
        self.current_step = int(state["current_step"])
        self._apply()
