"""Named wall-clock timers for the training loop (``global``, ``_rollout``, ``_rollout.env``, ...).

A ``Stopwatch`` keeps one timer per name. Timers are started and stopped explicitly, used as context
managers (``with timer("_train"):``) or as decorators; ``lap_all`` marks per-epoch checkpoints so a
loop can report what share of the last epoch each timer took. All methods are thread-safe, and the
whole state round-trips through ``save_state`` / ``load_state`` so a resumed run keeps its totals.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

__all__ = ["GLOBAL_TIMER_NAME", "Stopwatch", "with_instance_timer", "with_timer"]

GLOBAL_TIMER_NAME = "global"

_P = ParamSpec("_P")
_R = TypeVar("_R")


@dataclass
class _Timer:
    """One named timer: finished time, the start of a running span, and lap checkpoints."""

    total: float = 0.0
    started_at: float | None = None
    last_elapsed: float = 0.0
    runs: int = 0
    lap_marks: list[tuple[int, float]] = field(default_factory=list)

    def elapsed(self, now: float) -> float:
        running = now - self.started_at if self.started_at is not None else 0.0
        return self.total + running


class Stopwatch:
    """A set of named timers; the name ``None`` means the ``global`` timer.

    Starting a running timer or stopping a stopped one is an error (it would hide a mismatched
    start/stop pair, which silently corrupts timings).
    """

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self.logger = logger or logging.getLogger(__name__)
        self._timers: dict[str, _Timer] = {}
        self._lock = threading.RLock()

    @staticmethod
    def _name(name: str | None) -> str:
        if name is None:
            return GLOBAL_TIMER_NAME
        if not isinstance(name, str) or not name:
            raise ValueError(f"Stopwatch: timer name must be a non-empty string, got {name!r}")
        return name

    def _timer(self, name: str | None) -> _Timer:
        key = self._name(name)
        timer = self._timers.get(key)
        if timer is None:
            timer = self._timers[key] = _Timer()
        return timer

    # ----------------------------------------------------------------------------- start / stop
    def start(self, name: str | None = None) -> Stopwatch:
        """Starts timer ``name`` (creating it); returns self so ``Stopwatch().start()`` chains."""
        with self._lock:
            timer = self._timer(name)
            if timer.started_at is not None:
                raise RuntimeError(f"Stopwatch: timer {self._name(name)!r} is already running")
            timer.started_at = time.perf_counter()
        return self

    def stop(self, name: str | None = None) -> float:
        """Stops timer ``name`` and returns the length of the span that just ended, in seconds."""
        with self._lock:
            key = self._name(name)
            timer = self._timers.get(key)
            if timer is None or timer.started_at is None:
                raise RuntimeError(f"Stopwatch: timer {key!r} is not running")
            span = time.perf_counter() - timer.started_at
            timer.total += span
            timer.last_elapsed = span
            timer.runs += 1
            timer.started_at = None
            return span

    def is_running(self, name: str | None = None) -> bool:
        """Whether timer ``name`` is currently running."""
        with self._lock:
            timer = self._timers.get(self._name(name))
            return timer is not None and timer.started_at is not None

    @contextmanager
    def time(self, name: str | None = None) -> Iterator[None]:
        """Context manager timing its body under ``name``."""
        self.start(name)
        try:
            yield
        finally:
            self.stop(name)

    def __call__(self, name: str | None = None) -> AbstractContextManager[None]:
        """``with timer("_rollout"):`` is the same as ``with timer.time("_rollout"):``."""
        return self.time(name)

    # ----------------------------------------------------------------------------- queries
    def get_elapsed(self, name: str | None = None) -> float:
        """Total seconds on timer ``name``, including a span still running (0 if unknown)."""
        with self._lock:
            timer = self._timers.get(self._name(name))
            return timer.elapsed(time.perf_counter()) if timer is not None else 0.0

    def get_last_elapsed(self, name: str | None = None) -> float:
        """Length of the last finished span of ``name`` (0 if none)."""
        with self._lock:
            timer = self._timers.get(self._name(name))
            return timer.last_elapsed if timer is not None else 0.0

    def get_all_elapsed(self) -> dict[str, float]:
        """Total seconds of every timer, by name."""
        with self._lock:
            now = time.perf_counter()
            return {name: timer.elapsed(now) for name, timer in self._timers.items()}

    def get_rate(self, steps: int | float, name: str | None = None) -> float:
        """``steps`` divided by the total time on ``name`` (0 when no time has passed)."""
        elapsed = self.get_elapsed(name)
        return steps / elapsed if elapsed > 0 else 0.0

    # ----------------------------------------------------------------------------- laps
    def lap(self, steps: int, name: str | None = None) -> float:
        """Marks a lap on ``name`` at ``steps``; returns the seconds since its previous lap."""
        with self._lock:
            timer = self._timer(name)
            now_elapsed = timer.elapsed(time.perf_counter())
            previous = timer.lap_marks[-1][1] if timer.lap_marks else 0.0
            timer.lap_marks.append((int(steps), now_elapsed))
            return now_elapsed - previous

    def lap_all(self, steps: int, exclude_global: bool = True) -> dict[str, float]:
        """Laps every timer at ``steps``; returns each timer's seconds since its previous lap."""
        with self._lock:
            names = [n for n in self._timers if not (exclude_global and n == GLOBAL_TIMER_NAME)]
            return {name: self.lap(steps, name) for name in names}

    def get_lap_rate(self, steps: int, name: str | None = None) -> float:
        """Steps per second over the last lap of ``name``, given the current step count."""
        with self._lock:
            timer = self._timers.get(self._name(name))
            if timer is None or not timer.lap_marks:
                return self.get_rate(steps, name)
            lap_steps, lap_elapsed = timer.lap_marks[-1]
            seconds = timer.elapsed(time.perf_counter()) - lap_elapsed
            return (steps - lap_steps) / seconds if seconds > 0 else 0.0

    # ----------------------------------------------------------------------------- reset / state
    def reset(self, name: str | None = None) -> None:
        """Forgets timer ``name`` entirely."""
        with self._lock:
            self._timers.pop(self._name(name), None)

    def reset_all(self) -> None:
        """Forgets every timer."""
        with self._lock:
            self._timers.clear()

    def save_state(self) -> dict[str, dict[str, Any]]:
        """Plain-data snapshot (running spans counted up to now) for a trainer checkpoint."""
        with self._lock:
            now = time.perf_counter()
            return {
                name: {
                    "total": timer.elapsed(now),
                    "last_elapsed": timer.last_elapsed,
                    "runs": timer.runs,
                    "running": timer.started_at is not None,
                    "lap_marks": [list(mark) for mark in timer.lap_marks],
                }
                for name, timer in self._timers.items()
            }

    def load_state(self, state: dict[str, dict[str, Any]], resume_running: bool = True) -> None:
        """Restores a ``save_state`` snapshot; timers running at save time restart now if asked."""
        if not isinstance(state, dict):
            raise TypeError(f"Stopwatch.load_state: state must be a dict, got {type(state)}")
        with self._lock:
            self._timers.clear()
            now = time.perf_counter()
            for name, entry in state.items():
                try:
                    timer = _Timer(
                        total=float(entry["total"]),
                        last_elapsed=float(entry["last_elapsed"]),
                        runs=int(entry["runs"]),
                        lap_marks=[(int(s), float(e)) for s, e in entry["lap_marks"]],
                    )
                except (KeyError, TypeError, ValueError) as error:
                    raise ValueError(
                        f"Stopwatch.load_state: entry for timer {name!r} is malformed ({error})"
                    ) from error
                if entry.get("running") and resume_running:
                    timer.started_at = now
                self._timers[self._name(name)] = timer


def with_timer(timer: Stopwatch, name: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Decorator timing every call of the function under ``name`` on ``timer``."""

    def decorate(function: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(function)
        def timed(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            with timer.time(name):
                return function(*args, **kwargs)

        return timed

    return decorate


def with_instance_timer(
    name: str, timer_attr: str = "timer"
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Method decorator timing calls on the instance's Stopwatch found at ``self.<timer_attr>``."""

    def decorate(method: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(method)
        def timed(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            timer = getattr(args[0], timer_attr, None)
            if not isinstance(timer, Stopwatch):
                raise AttributeError(
                    f"with_instance_timer({name!r}): self.{timer_attr} must be a Stopwatch"
                )
            with timer.time(name):
                return method(*args, **kwargs)

        return timed

    return decorate
