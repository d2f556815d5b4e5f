"""Named wall-clock timers for the training loop (``global``, ``_rollout``, ``_rollout.env``, ...).

A ``Stopwatch`` keeps one timer per name. Timers are started and stopped explicitly, used as context
managers (``with timer("_train"):``) or as decorators. Each timer keeps named checkpoints (a step
count and the timer's elapsed time at that moment); the span between two consecutive checkpoints is
a lap, so a loop can report per-epoch rates and what share of the last epoch each timer took. Only
the last ``max_laps`` laps are kept. ``log_progress`` and ``estimate_remaining`` turn a timer's rate
into a progress line with the time left. All methods are thread-safe, and the whole state
round-trips through ``save_state`` / ``load_state`` so a resumed run keeps its totals and laps.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypedDict, TypeVar

__all__ = ["GLOBAL_TIMER_NAME", "Checkpoint", "Stopwatch", "with_instance_timer", "with_timer"]

GLOBAL_TIMER_NAME = "global"
DEFAULT_MAX_LAPS = 4
# Every timer starts with this checkpoint at step 0 and elapsed 0, so its first lap has a start.
START_CHECKPOINT_NAME = "_start"

_P = ParamSpec("_P")
_R = TypeVar("_R")


class Checkpoint(TypedDict):
    """A lap marker: the timer's elapsed seconds and the caller's step count when it was taken."""

    elapsed_time: float
    steps: int


def _start_checkpoints() -> dict[str, Checkpoint]:
    return {START_CHECKPOINT_NAME: Checkpoint(elapsed_time=0.0, steps=0)}


@dataclass
class _Timer:
    """One named timer: finished time, the start of a running span, checkpoints, first call site.

    ``checkpoints`` is in chronological order (a reused name moves to the end), so the last entry is
    always the most recent one. ``lap_counter`` counts every checkpoint ever taken, trimmed or not.
    """

    total: float = 0.0
    started_at: float | None = None
    last_elapsed: float = 0.0
    runs: int = 0
    checkpoints: dict[str, Checkpoint] = field(default_factory=_start_checkpoints)
    lap_counter: int = 0
    location: str | None = None

    def elapsed(self, now: float) -> float:
        running = now - self.started_at if self.started_at is not None else 0.0
        return self.total + running

    def lap_bounds(self, lap_index: int) -> tuple[Checkpoint, Checkpoint] | None:
        """Start and end checkpoints of lap ``lap_index`` (-1 is the latest), None if not kept."""
        if lap_index >= 0:
            return None
        marks = list(self.checkpoints.values())
        end = len(marks) + lap_index
        if end < 1:
            return None
        return marks[end - 1], marks[end]

    def trim(self, max_laps: int) -> None:
        """Drops the oldest checkpoints until at most ``max_laps`` laps (+1 checkpoints) remain."""
        excess = len(self.checkpoints) - (max_laps + 1)
        if excess > 0:
            self.checkpoints = dict(list(self.checkpoints.items())[excess:])


def _caller_location() -> str | None:
    """``file:line`` of the nearest frame outside this module and contextlib (None if unknown).

    Walking past both makes ``start``, ``with timer(...)`` and ``timer.time(...)`` all report the
    line in the caller's code.
    """
    frame = inspect.currentframe()
    try:
        while frame is not None and frame.f_code.co_filename in _INTERNAL_FILES:
            frame = frame.f_back
        if frame is None:
            return None
        return f"{frame.f_code.co_filename}:{frame.f_lineno}"
    finally:
        del frame  # a frame held in a local keeps the whole stack alive


_INTERNAL_FILES = frozenset(
    {_caller_location.__code__.co_filename, contextlib.contextmanager.__code__.co_filename}
)


def _check_max_laps(max_laps: int) -> int:
    if isinstance(max_laps, bool) or not isinstance(max_laps, int) or max_laps < 1:
        raise ValueError(f"Stopwatch: max_laps must be an int >= 1, got {max_laps!r}")
    return max_laps


class Stopwatch:
    """A set of named timers; the name ``None`` means the ``global`` timer.

    Starting a running timer or stopping a stopped one logs a warning and does nothing (``stop``
    then returns 0.0): a stray call must not take down a training run. ``with timer(name):`` only
    stops a timer it started, so nesting the same name keeps the outer span intact.

    Args:
        logger: where warnings and progress lines go (this module's logger if None).
        max_laps: how many laps (spans between consecutive checkpoints) each timer keeps.
        log_level: the level ``log_progress`` logs at.
        clock: a monotonic seconds counter; ``time.perf_counter`` unless a test injects one.
    """

    def __init__(
        self,
        logger: logging.Logger | None = None,
        max_laps: int = DEFAULT_MAX_LAPS,
        *,
        log_level: int = logging.INFO,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if isinstance(log_level, bool) or not isinstance(log_level, int):
            raise ValueError(f"Stopwatch: log_level must be a logging level int, got {log_level!r}")
        self.logger = logger or logging.getLogger(__name__)
        self.log_level = log_level
        self._max_laps = _check_max_laps(max_laps)
        self._clock = clock or time.perf_counter
        self._timers: dict[str, _Timer] = {}
        self._lock = threading.RLock()

    @property
    def max_laps(self) -> int:
        """How many laps each timer keeps; lowering it drops the oldest checkpoints at once."""
        return self._max_laps

    @max_laps.setter
    def max_laps(self, value: int) -> None:
        with self._lock:
            self._max_laps = _check_max_laps(value)
            for timer in self._timers.values():
                timer.trim(self._max_laps)

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
        self._begin(name, None)
        return self

    def _begin(self, name: str | None, location: str | None) -> bool:
        """Starts ``name``, recording ``location`` (or the caller's) once; False if running."""
        with self._lock:
            timer = self._timer(name)
            if timer.started_at is not None:
                self.logger.warning("Timer '%s' already running", self._name(name))
                return False
            if timer.location is None:
                timer.location = location or _caller_location()
            timer.started_at = self._clock()
            return True

    def stop(self, name: str | None = None) -> float:
        """Stops timer ``name`` and returns the length of the span that just ended, in seconds."""
        with self._lock:
            key = self._name(name)
            timer = self._timers.get(key)
            if timer is None or timer.started_at is None:
                self.logger.warning("Timer '%s' not running", key)
                return 0.0
            span = self._clock() - timer.started_at
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
    def _span(self, name: str | None, location: str | None) -> Iterator[None]:
        started = self._begin(name, location)
        try:
            yield
        finally:
            if started:
                self.stop(name)

    def time(self, name: str | None = None) -> AbstractContextManager[None]:
        """Context manager timing its body under ``name``."""
        return self._span(name, None)

    def __call__(self, name: str | None = None) -> AbstractContextManager[None]:
        """``with timer("_rollout"):`` is the same as ``with timer.time("_rollout"):``."""
        return self._span(name, None)

    # ----------------------------------------------------------------------------- queries
    def get_elapsed(self, name: str | None = None) -> float:
        """Total seconds on timer ``name``, including a span still running (0 if unknown)."""
        with self._lock:
            timer = self._timers.get(self._name(name))
            return timer.elapsed(self._clock()) if timer is not None else 0.0

    def get_last_elapsed(self, name: str | None = None) -> float:
        """Length of the last finished span of ``name`` (0 if none)."""
        with self._lock:
            timer = self._timers.get(self._name(name))
            return timer.last_elapsed if timer is not None else 0.0

    def get_all_elapsed(self, exclude_global: bool = False) -> dict[str, float]:
        """Total seconds of every timer, by name (without ``global`` if ``exclude_global``)."""
        with self._lock:
            now = self._clock()
            return {
                name: timer.elapsed(now)
                for name, timer in self._timers.items()
                if not (exclude_global and name == GLOBAL_TIMER_NAME)
            }

    def get_rate(self, steps: int | float, name: str | None = None) -> float:
        """``steps`` divided by the total time on ``name`` (0 when no time has passed)."""
        elapsed = self.get_elapsed(name)
        return steps / elapsed if elapsed > 0 else 0.0

    def get_filename(self, name: str | None = None) -> str | None:
        """``file:line`` where timer ``name`` was first started (a decorator's own line for
        ``with_timer`` / ``with_instance_timer``); None if the timer is unknown or never started."""
        with self._lock:
            timer = self._timers.get(self._name(name))
            return timer.location if timer is not None else None

    # ----------------------------------------------------------------------------- progress
    @staticmethod
    def format_time(seconds: float) -> str:
        """Human-readable duration: ``45 sec``, ``1.5 min``, ``1.0 hours``, ``1.0 days``.

        Below a minute whole seconds; below an hour minutes, below a day hours, else days, each
        with one decimal. A non-finite duration (no rate to estimate from) is ``unknown``.
        """
        if not math.isfinite(seconds):
            return "unknown"
        if seconds < 60:
            return f"{seconds:.0f} sec"
        if seconds < 3600:
            return f"{seconds / 60:.1f} min"
        if seconds < 86400:
            return f"{seconds / 3600:.1f} hours"
        return f"{seconds / 86400:.1f} days"

    def estimate_remaining(
        self, current_steps: int | float, total_steps: int | float, name: str | None = None
    ) -> tuple[float, float]:
        """``(remaining_seconds, rate)`` at timer ``name``'s average rate so far.

        The remaining time is ``inf`` while the rate is 0 (no time or no steps yet) and 0 once
        ``current_steps`` reaches ``total_steps``.
        """
        rate = self.get_rate(current_steps, name)
        if rate <= 0:
            return math.inf, 0.0
        return max(total_steps - current_steps, 0) / rate, rate

    def log_progress(
        self,
        current_steps: int | float,
        total_steps: int | float,
        name: str | None = None,
        prefix: str = "Progress",
    ) -> None:
        """Logs one line at ``log_level``: steps done, rate, percentage and time remaining."""
        remaining, rate = self.estimate_remaining(current_steps, total_steps, name)
        percent = 100.0 * current_steps / total_steps if total_steps > 0 else 0.0
        label = f" [{name}]" if name else ""
        self.logger.log(
            self.log_level,
            "%s%s: %s/%s [%.0f steps/sec] (%.2f%%) - %s remaining",
            prefix,
            label,
            current_steps,
            total_steps,
            rate,
            percent,
            self.format_time(remaining),
        )

    # ----------------------------------------------------------------------------- checkpoints
    def _record(self, timer: _Timer, steps: int | None, checkpoint_name: str | None) -> Checkpoint:
        """Appends a checkpoint to ``timer`` (a reused name moves to the end) and trims old ones."""
        if checkpoint_name is not None and (
            not isinstance(checkpoint_name, str) or not checkpoint_name
        ):
            raise ValueError(
                f"Stopwatch: checkpoint name must be a non-empty string, got {checkpoint_name!r}"
            )
        timer.lap_counter += 1
        mark = Checkpoint(
            elapsed_time=timer.elapsed(self._clock()),
            steps=timer.lap_counter if steps is None else int(steps),
        )
        key = checkpoint_name or f"_lap_{timer.lap_counter}"
        timer.checkpoints.pop(key, None)
        timer.checkpoints[key] = mark
        timer.trim(self._max_laps)
        return mark

    def checkpoint(
        self,
        steps: int | None = None,
        checkpoint_name: str | None = None,
        name: str | None = None,
    ) -> None:
        """Marks a checkpoint on timer ``name`` (creating it) at ``steps``.

        ``steps`` defaults to the timer's checkpoint count; ``checkpoint_name`` to ``_lap_<n>``.
        """
        with self._lock:
            self._record(self._timer(name), steps, checkpoint_name)

    def checkpoint_all(self, steps: int | None = None, checkpoint_name: str | None = None) -> None:
        """Marks a checkpoint on every timer."""
        with self._lock:
            for name in list(self._timers):
                self.checkpoint(steps, checkpoint_name, name)

    def lap(self, steps: int | None = None, name: str | None = None) -> float:
        """Marks a checkpoint on ``name`` at ``steps``; returns seconds since the previous one."""
        with self._lock:
            timer = self._timer(name)
            previous = next(reversed(timer.checkpoints.values()), None)
            mark = self._record(timer, steps, None)
            return mark["elapsed_time"] - (previous["elapsed_time"] if previous else 0.0)

    def lap_all(self, steps: int | None = None, exclude_global: bool = True) -> dict[str, float]:
        """Laps every timer at ``steps``; returns each timer's seconds since its previous lap."""
        with self._lock:
            names = [n for n in self._timers if not (exclude_global and n == GLOBAL_TIMER_NAME)]
            return {name: self.lap(steps, name) for name in names}

    def get_lap_rate(self, steps: int, name: str | None = None) -> float:
        """Steps per second since the last checkpoint of ``name``, given the current step count."""
        with self._lock:
            timer = self._timers.get(self._name(name))
            if timer is None or not timer.checkpoints:
                return self.get_rate(steps, name)
            last = next(reversed(timer.checkpoints.values()))
            seconds = timer.elapsed(self._clock()) - last["elapsed_time"]
            return (steps - last["steps"]) / seconds if seconds > 0 else 0.0

    def get_lap_time(self, lap_index: int = -1, name: str | None = None) -> float | None:
        """Seconds in lap ``lap_index`` of ``name`` (-1 the latest, -2 the one before, ...).

        None when that lap is not kept (never taken, trimmed by ``max_laps``, or a non-negative
        index).
        """
        with self._lock:
            timer = self._timers.get(self._name(name))
            bounds = timer.lap_bounds(lap_index) if timer is not None else None
            return bounds[1]["elapsed_time"] - bounds[0]["elapsed_time"] if bounds else None

    def get_lap_steps(self, lap_index: int = -1, name: str | None = None) -> int | None:
        """Steps in lap ``lap_index`` of ``name``, indexed as in ``get_lap_time``."""
        with self._lock:
            timer = self._timers.get(self._name(name))
            bounds = timer.lap_bounds(lap_index) if timer is not None else None
            return bounds[1]["steps"] - bounds[0]["steps"] if bounds else None

    # ----------------------------------------------------------------------------- summaries
    def get_summary(self, name: str | None = None) -> dict[str, Any]:
        """Report of timer ``name`` (an empty one if unknown): totals, laps, call site."""
        with self._lock:
            key = self._name(name)
            timer = self._timers.get(key) or _Timer()
            return {
                "name": key,
                "total_elapsed": timer.elapsed(self._clock()),
                "is_running": timer.started_at is not None,
                "runs": timer.runs,
                "last_elapsed": timer.last_elapsed,
                "lap_count": timer.lap_counter,
                "checkpoints": {n: Checkpoint(**mark) for n, mark in timer.checkpoints.items()},
                "last_lap_time": self.get_lap_time(-1, key),
                "last_lap_steps": self.get_lap_steps(-1, key),
                "filename": timer.location,
                "max_laps": self._max_laps,
            }

    def get_all_summaries(self) -> dict[str, dict[str, Any]]:
        """``get_summary`` of every timer, by name."""
        with self._lock:
            return {name: self.get_summary(name) for name in self._timers}

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
        """Plain-data snapshot (running spans counted up to now) for a trainer checkpoint.

        Only str, int, float, bool, None, lists and dicts, so ``torch.load(weights_only=True)``
        reads it back.
        """
        with self._lock:
            now = self._clock()
            return {
                name: {
                    "total": timer.elapsed(now),
                    "last_elapsed": timer.last_elapsed,
                    "runs": timer.runs,
                    "running": timer.started_at is not None,
                    "checkpoints": [
                        [key, mark["steps"], mark["elapsed_time"]]
                        for key, mark in timer.checkpoints.items()
                    ],
                    "lap_counter": timer.lap_counter,
                    "filename": timer.location,
                }
                for name, timer in self._timers.items()
            }

    def load_state(self, state: dict[str, dict[str, Any]], resume_running: bool = True) -> None:
        """Restores a ``save_state`` snapshot; timers running at save time restart now if asked.

        Checkpoints beyond this Stopwatch's ``max_laps`` are dropped, oldest first. An entry may
        give unnamed ``lap_marks`` ``[[steps, elapsed], ...]`` instead of ``checkpoints``; they
        become ``_lap_1``, ``_lap_2``, ... after the ``_start`` checkpoint.
        """
        if not isinstance(state, dict):
            raise TypeError(f"Stopwatch.load_state: state must be a dict, got {type(state)}")
        timers: dict[str, _Timer] = {}
        running: list[_Timer] = []
        for name, entry in state.items():
            try:
                timer = self._timer_from_entry(entry)
            except (KeyError, TypeError, ValueError) as error:
                raise ValueError(
                    f"Stopwatch.load_state: entry for timer {name!r} is malformed ({error})"
                ) from error
            timers[self._name(name)] = timer
            if entry.get("running") and resume_running:
                running.append(timer)
        with self._lock:
            now = self._clock()
            for timer in running:
                timer.started_at = now
            for timer in timers.values():
                timer.trim(self._max_laps)
            self._timers = timers

    @staticmethod
    def _timer_from_entry(entry: dict[str, Any]) -> _Timer:
        if "checkpoints" in entry:
            checkpoints = {
                str(key): Checkpoint(elapsed_time=float(elapsed), steps=int(steps))
                for key, steps, elapsed in entry["checkpoints"]
            }
            lap_counter = int(entry["lap_counter"])
        else:
            checkpoints = _start_checkpoints()
            for index, (steps, elapsed) in enumerate(entry["lap_marks"], start=1):
                checkpoints[f"_lap_{index}"] = Checkpoint(
                    elapsed_time=float(elapsed), steps=int(steps)
                )
            lap_counter = len(checkpoints) - 1
        location = entry.get("filename")
        if location is not None and not isinstance(location, str):
            raise TypeError(f"filename must be a str or None, got {location!r}")
        return _Timer(
            total=float(entry["total"]),
            last_elapsed=float(entry["last_elapsed"]),
            runs=int(entry["runs"]),
            checkpoints=checkpoints,
            lap_counter=lap_counter,
            location=location,
        )


def with_timer(timer: Stopwatch, name: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Decorator timing every call of the function under ``name`` on ``timer``.

    The timer's ``get_filename`` is the decorator's line, the same for every call.
    """

    def decorate(function: Callable[_P, _R]) -> Callable[_P, _R]:
        location = _caller_location()

        @functools.wraps(function)
        def timed(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            with timer._span(name, location):
                return function(*args, **kwargs)

        return timed

    return decorate


def with_instance_timer(
    name: str, timer_attr: str = "timer"
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Method decorator timing calls on the instance's Stopwatch found at ``self.<timer_attr>``."""

    def decorate(method: Callable[_P, _R]) -> Callable[_P, _R]:
        location = _caller_location()

        @functools.wraps(method)
        def timed(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            timer = getattr(args[0], timer_attr, None) if args else None
            if not isinstance(timer, Stopwatch):
                raise AttributeError(
                    f"with_instance_timer({name!r}): self.{timer_attr} must be a Stopwatch"
                )
            with timer._span(name, location):
                return method(*args, **kwargs)

        return timed

    return decorate
