"""ProgressDisplay: the live terminal view of a training run.

On a terminal it redraws a few lines in place (progress bar, speed, rollout/train split, reward,
losses); on anything else (a log file, CI) it writes one plain line per update instead. Updates
closer together than ``min_interval_s`` are skipped, so calling it every epoch costs nothing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from typing import TextIO

__all__ = ["ProgressDisplay"]

_BAR_WIDTH = 30
# Metrics shown when present, in this order, with their labels.
_SHOWN = {
    "reward": "reward",
    "policy_loss": "policy loss",
    "value_loss": "value loss",
    "entropy": "entropy",
    "approx_kl": "approx kl",
    "explained_variance": "explained var",
}


def _duration(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


class ProgressDisplay:
    """Shows training progress towards ``total_steps`` agent steps."""

    def __init__(
        self,
        total_steps: int,
        stream: TextIO | None = None,
        min_interval_s: float = 1.0,
        live: bool | None = None,
    ) -> None:
        if total_steps <= 0:
            raise ValueError(f"total_steps must be > 0, got {total_steps}")
        self.total_steps = total_steps
        self.stream = stream if stream is not None else sys.stdout
        self.live = self.stream.isatty() if live is None else live
        self.min_interval_s = min_interval_s
        self._started = time.monotonic()
        self._last_render = -float("inf")
        self._lines_drawn = 0

    def update(
        self,
        agent_step: int,
        epoch: int,
        steps_per_second: float,
        metrics: Mapping[str, float] | None = None,
        rollout_fraction: float | None = None,
        force: bool = False,
    ) -> bool:
        """Renders the current state unless the last render was too recent; True if it drew."""
        now = time.monotonic()
        if not force and now - self._last_render < self.min_interval_s:
            return False
        self._last_render = now
        lines = self._lines(agent_step, epoch, steps_per_second, metrics or {}, rollout_fraction)
        if self.live:
            if self._lines_drawn:
                self.stream.write(f"\x1b[{self._lines_drawn}F")
            self.stream.write("".join(f"\x1b[2K{line}\n" for line in lines))
            self._lines_drawn = len(lines)
        else:
            self.stream.write(" | ".join(lines) + "\n")
        self.stream.flush()
        return True

    def _lines(
        self,
        agent_step: int,
        epoch: int,
        steps_per_second: float,
        metrics: Mapping[str, float],
        rollout_fraction: float | None,
    ) -> list[str]:
        fraction = min(agent_step / self.total_steps, 1.0)
        filled = round(fraction * _BAR_WIDTH)
        bar = "#" * filled + "." * (_BAR_WIDTH - filled)
        elapsed = time.monotonic() - self._started
        remaining = (self.total_steps - agent_step) / steps_per_second if steps_per_second else 0
        lines = [
            f"[{bar}] {100 * fraction:5.1f}%  agent steps {agent_step:,}/{self.total_steps:,}"
            f"  epoch {epoch}",
            f"{steps_per_second:,.0f} agent steps/s  elapsed {_duration(elapsed)}"
            f"  eta {_duration(remaining)}",
        ]
        if rollout_fraction is not None:
            train = 1 - rollout_fraction
            lines[1] += f"  rollout {100 * rollout_fraction:.0f}% / train {100 * train:.0f}%"
        shown = [f"{label} {metrics[key]:.4g}" for key, label in _SHOWN.items() if key in metrics]
        if shown:
            lines.append("  ".join(shown))
        return lines
