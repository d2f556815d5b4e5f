"""Stopwatch: named timers, warnings on mismatched start/stop, context manager and decorators,
checkpoints and laps with max_laps trimming, progress helpers, summaries, state round trip.

Every test drives an injected clock, so all timings are exact.
"""

import inspect
import logging
import math
import threading

import pytest
import torch

from metta.common.profiling.stopwatch import (
    GLOBAL_TIMER_NAME,
    Stopwatch,
    with_instance_timer,
    with_timer,
)

LOGGER_NAME = "test.stopwatch"


class FakeClock:
    """A seconds counter the test moves by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def watch(clock):
    return Stopwatch(logging.getLogger(LOGGER_NAME), clock=clock)


def messages(caplog, level=logging.WARNING):
    return [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME and r.levelno == level]


def here() -> int:
    """The caller's line number."""
    return inspect.currentframe().f_back.f_lineno


# --------------------------------------------------------------------------------- timers
def test_named_timers_accumulate(watch, clock):
    with watch("_rollout"):
        clock.advance(2.0)
    with watch.time("_rollout"):
        clock.advance(0.5)
    assert watch.get_elapsed("_rollout") == 2.5
    assert watch.get_last_elapsed("_rollout") == 0.5
    assert watch.get_elapsed("never") == 0.0
    assert watch.get_last_elapsed("never") == 0.0
    assert watch.get_all_elapsed() == {"_rollout": 2.5}  # a query creates no timer
    assert watch.get_rate(100, "_rollout") == 40.0
    assert watch.get_rate(100, "never") == 0.0


def test_running_time_counts_before_stop(watch, clock):
    assert watch.start("train") is watch
    clock.advance(1.5)
    assert watch.is_running("train")
    assert watch.get_elapsed("train") == 1.5
    assert watch.stop("train") == 1.5
    clock.advance(7.0)
    assert not watch.is_running("train")
    assert watch.get_elapsed("train") == 1.5


def test_start_while_running_warns_and_keeps_the_first_start(watch, clock, caplog):
    watch.start()
    clock.advance(1.0)
    watch.start()
    clock.advance(2.0)
    assert watch.stop() == 3.0
    assert messages(caplog) == ["Timer 'global' already running"]


def test_stop_when_not_running_warns_and_returns_zero(watch, clock, caplog):
    assert watch.stop("never_started") == 0.0
    with watch("a"):
        clock.advance(1.0)
    assert watch.stop("a") == 0.0
    assert watch.get_elapsed("a") == 1.0
    assert watch.get_last_elapsed("a") == 1.0
    assert messages(caplog) == ["Timer 'never_started' not running", "Timer 'a' not running"]
    assert watch.get_all_elapsed() == {"a": 1.0}  # stopping an unknown timer does not create it


def test_nested_with_on_the_same_timer_keeps_the_outer_span(watch, clock, caplog):
    with watch("a"):
        clock.advance(1.0)
        with watch("a"):
            clock.advance(2.0)
        assert watch.is_running("a")
        clock.advance(4.0)
    assert watch.get_elapsed("a") == 7.0
    assert watch.get_last_elapsed("a") == 7.0
    assert messages(caplog) == ["Timer 'a' already running"]


def test_timer_stops_when_the_body_raises(watch, clock):
    def fail():
        with watch("a"):
            clock.advance(1.0)
            raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        fail()
    assert not watch.is_running("a")
    assert watch.get_elapsed("a") == 1.0


def test_invalid_arguments_are_rejected(watch):
    with pytest.raises(ValueError, match="timer name must be a non-empty string, got ''"):
        watch.start("")
    with pytest.raises(ValueError, match="checkpoint name must be a non-empty string, got ''"):
        watch.checkpoint(1, "")
    with pytest.raises(ValueError, match="max_laps must be an int >= 1, got 0"):
        Stopwatch(max_laps=0)
    with pytest.raises(ValueError, match=r"max_laps must be an int >= 1, got 2\.5"):
        Stopwatch(max_laps=2.5)
    with pytest.raises(ValueError, match="log_level must be a logging level int, got 'INFO'"):
        Stopwatch(log_level="INFO")


def test_defaults():
    watch = Stopwatch()
    assert watch.max_laps == 4
    assert watch.log_level == logging.INFO
    assert watch.logger.name == "metta.common.profiling.stopwatch"


def test_get_all_elapsed_can_exclude_global(watch, clock):
    watch.start()
    with watch("a"):
        clock.advance(2.0)
    assert watch.get_all_elapsed() == {GLOBAL_TIMER_NAME: 2.0, "a": 2.0}
    assert watch.get_all_elapsed(exclude_global=True) == {"a": 2.0}


def test_reset_forgets_timers(watch, clock):
    with watch("a"):
        clock.advance(1.0)
    watch.start("b")
    watch.reset("a")
    assert watch.get_all_elapsed() == {"b": 0.0}
    watch.reset_all()
    assert watch.get_all_elapsed() == {}
    assert watch.get_filename("b") is None


# --------------------------------------------------------------------------------- call sites
def test_get_filename_is_the_first_start_site(watch):
    this_file = inspect.getsourcefile(test_get_filename_is_the_first_start_site)
    line = here() + 1
    watch.start("direct")
    watch.stop("direct")
    watch.start("direct")  # a later start elsewhere does not move it
    assert watch.get_filename("direct") == f"{this_file}:{line}"

    line = here() + 1
    with watch("context"):
        pass
    assert watch.get_filename("context") == f"{this_file}:{line}"

    line = here() + 1
    with watch.time("time"):
        pass
    assert watch.get_filename("time") == f"{this_file}:{line}"

    assert watch.get_filename("never") is None
    watch.checkpoint(5, name="only_checkpoints")
    assert watch.get_filename("only_checkpoints") is None


def test_decorators_time_calls_and_record_the_decorator_line(watch, clock):
    this_file = inspect.getsourcefile(test_decorators_time_calls_and_record_the_decorator_line)
    function_line = here() + 2

    @with_timer(watch, "work")
    def work(x):
        clock.advance(0.25)
        return x * 2

    class Trainer:
        def __init__(self):
            self.timer = watch

        step_line = here() + 2

        @with_instance_timer("step")
        def step(self):
            clock.advance(0.5)
            return "done"

    assert work(3) == 6
    assert work(4) == 8
    assert Trainer().step() == "done"
    assert watch.get_elapsed("work") == 0.5
    assert watch.get_summary("work")["runs"] == 2
    assert watch.get_elapsed("step") == 0.5
    assert watch.get_filename("work") == f"{this_file}:{function_line}"
    assert watch.get_filename("step") == f"{this_file}:{Trainer.step_line}"


def test_instance_decorator_needs_a_stopwatch():
    class NoTimer:
        @with_instance_timer("step", timer_attr="clock")
        def step(self):
            return 1

    with pytest.raises(AttributeError, match=r"with_instance_timer\('step'\): self.clock must be"):
        NoTimer().step()


# --------------------------------------------------------------------------------- progress
@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 sec"),
        (45, "45 sec"),
        (59.4, "59 sec"),
        (60, "1.0 min"),
        (90, "1.5 min"),
        (3599, "60.0 min"),
        (3600, "1.0 hours"),
        (5400, "1.5 hours"),
        (86400, "1.0 days"),
        (129600, "1.5 days"),
        (math.inf, "unknown"),
        (math.nan, "unknown"),
    ],
)
def test_format_time(seconds, text):
    assert Stopwatch.format_time(seconds) == text
    assert Stopwatch().format_time(seconds) == text


def test_estimate_remaining_uses_the_average_rate(watch, clock):
    assert watch.estimate_remaining(0, 100) == (math.inf, 0.0)  # no time yet
    watch.start()
    clock.advance(10.0)
    assert watch.estimate_remaining(500, 2000) == (30.0, 50.0)
    assert watch.estimate_remaining(2000, 2000) == (0.0, 200.0)
    assert watch.estimate_remaining(2500, 2000) == (0.0, 250.0)
    assert watch.estimate_remaining(0, 2000) == (math.inf, 0.0)  # no steps yet
    with watch("_train"):
        clock.advance(4.0)
    assert watch.estimate_remaining(100, 300, "_train") == (8.0, 25.0)


def test_log_progress_logs_one_line_at_log_level(clock, caplog):
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    watch = Stopwatch(logging.getLogger(LOGGER_NAME), clock=clock)
    watch.start()
    clock.advance(10.0)
    watch.log_progress(500, 2000)
    assert messages(caplog, logging.INFO) == [
        "Progress: 500/2000 [50 steps/sec] (25.00%) - 30 sec remaining"
    ]

    caplog.clear()
    quiet = Stopwatch(logging.getLogger(LOGGER_NAME), log_level=logging.DEBUG, clock=clock)
    with quiet("_train"):
        clock.advance(2.0)
    quiet.log_progress(100, 36100, name="_train", prefix="Training")
    quiet.log_progress(0, 0, name="_idle")
    assert messages(caplog, logging.INFO) == []
    assert messages(caplog, logging.DEBUG) == [
        "Training [_train]: 100/36100 [50 steps/sec] (0.28%) - 12.0 min remaining",
        "Progress [_idle]: 0/0 [0 steps/sec] (0.00%) - unknown remaining",
    ]


# --------------------------------------------------------------------------------- checkpoints
def test_named_checkpoints_and_lap_queries(watch, clock):
    watch.start()
    clock.advance(2.0)
    watch.checkpoint(100, "warmup")
    clock.advance(3.0)
    watch.checkpoint(400)
    clock.advance(1.0)
    watch.checkpoint()  # steps default to the checkpoint count
    summary = watch.get_summary()
    assert summary["checkpoints"] == {
        "_start": {"elapsed_time": 0.0, "steps": 0},
        "warmup": {"elapsed_time": 2.0, "steps": 100},
        "_lap_2": {"elapsed_time": 5.0, "steps": 400},
        "_lap_3": {"elapsed_time": 6.0, "steps": 3},
    }
    assert [watch.get_lap_time(i) for i in (-1, -2, -3, -4)] == [1.0, 3.0, 2.0, None]
    assert [watch.get_lap_steps(i) for i in (-1, -2, -3, -4)] == [-397, 300, 100, None]
    assert watch.get_lap_time(0) is None
    assert watch.get_lap_time(1) is None
    assert watch.get_lap_time(-1, "never") is None
    assert watch.get_lap_steps(-1, "never") is None


def test_max_laps_drops_the_oldest_checkpoints_in_order(clock):
    watch = Stopwatch(max_laps=2, clock=clock)
    watch.start()
    for steps in (10, 20, 30, 40):
        clock.advance(1.0)
        watch.checkpoint(steps, f"c{steps}")
    assert list(watch.get_summary()["checkpoints"]) == ["c20", "c30", "c40"]
    assert watch.get_lap_time(-2) == 1.0
    assert watch.get_lap_steps(-2) == 10
    assert watch.get_lap_time(-3) is None
    assert watch.get_summary()["lap_count"] == 4

    clock.advance(2.0)
    watch.checkpoint(55, "c30")  # a reused name moves to the end, keeping time order
    assert list(watch.get_summary()["checkpoints"]) == ["c20", "c40", "c30"]
    assert watch.get_lap_time(-1) == 2.0
    assert watch.get_lap_steps(-1) == 15

    watch.max_laps = 1  # lowering the limit trims at once
    assert list(watch.get_summary()["checkpoints"]) == ["c40", "c30"]
    with pytest.raises(ValueError, match="max_laps must be an int >= 1"):
        watch.max_laps = 0


def test_lap_and_lap_all(watch, clock):
    with watch("a"):
        clock.advance(2.0)
    assert watch.lap_all(steps=10) == {"a": 2.0}
    with watch("a"):
        clock.advance(0.5)
    watch.start()
    assert watch.lap_all(steps=30) == {"a": 0.5}  # global is skipped unless asked for
    assert watch.get_lap_time(-1, GLOBAL_TIMER_NAME) is None
    clock.advance(1.0)
    assert watch.lap_all(steps=40, exclude_global=False) == {"global": 1.0, "a": 0.0}
    assert watch.get_lap_steps(-1, "a") == 10
    assert watch.lap(name="b") == 0.0  # creates the timer, steps from its own count
    assert watch.get_summary("b")["checkpoints"]["_lap_1"] == {"elapsed_time": 0.0, "steps": 1}


def test_checkpoint_all_marks_every_timer(watch, clock):
    watch.start()
    with watch("a"):
        clock.advance(2.0)
    watch.checkpoint_all(7, "epoch")
    for name in ("global", "a"):
        assert watch.get_summary(name)["checkpoints"]["epoch"] == {"elapsed_time": 2.0, "steps": 7}


def test_get_lap_rate_is_the_rate_since_the_last_checkpoint(watch, clock):
    assert watch.get_lap_rate(10, "never") == 0.0
    watch.start()
    clock.advance(4.0)
    assert watch.get_lap_rate(100) == 25.0  # from the start checkpoint
    watch.lap(100)
    assert watch.get_lap_rate(100) == 0.0  # nothing elapsed since the last lap
    clock.advance(2.0)
    assert watch.get_lap_rate(300) == 100.0


# --------------------------------------------------------------------------------- summaries
def test_get_summary_and_get_all_summaries(watch, clock):
    line = here() + 1
    watch.start("a")
    clock.advance(3.0)
    watch.lap(60, "a")
    clock.advance(1.0)
    this_file = inspect.getsourcefile(test_get_summary_and_get_all_summaries)
    expected = {
        "name": "a",
        "total_elapsed": 4.0,
        "is_running": True,
        "runs": 0,
        "last_elapsed": 0.0,
        "lap_count": 1,
        "checkpoints": {
            "_start": {"elapsed_time": 0.0, "steps": 0},
            "_lap_1": {"elapsed_time": 3.0, "steps": 60},
        },
        "last_lap_time": 3.0,
        "last_lap_steps": 60,
        "filename": f"{this_file}:{line}",
        "max_laps": 4,
    }
    assert watch.get_summary("a") == expected
    assert watch.get_all_summaries() == {"a": expected}
    assert watch.get_summary() == {
        "name": "global",
        "total_elapsed": 0.0,
        "is_running": False,
        "runs": 0,
        "last_elapsed": 0.0,
        "lap_count": 0,
        "checkpoints": {"_start": {"elapsed_time": 0.0, "steps": 0}},
        "last_lap_time": None,
        "last_lap_steps": None,
        "filename": None,
        "max_laps": 4,
    }
    assert watch.get_all_elapsed() == {"a": 4.0}  # summarising an unknown timer creates none


# --------------------------------------------------------------------------------- state
def test_state_round_trip(watch, clock):
    with watch("a"):
        clock.advance(2.0)
    watch.lap_all(5)
    watch.checkpoint(9, "named", "a")
    watch.start("b")
    clock.advance(0.5)
    state = watch.save_state()
    assert state["a"] == {
        "total": 2.0,
        "last_elapsed": 2.0,
        "runs": 1,
        "running": False,
        "checkpoints": [["_start", 0, 0.0], ["_lap_1", 5, 2.0], ["named", 9, 2.0]],
        "lap_counter": 2,
        "filename": watch.get_filename("a"),
    }
    assert state["b"]["total"] == 0.5
    assert state["b"]["running"] is True

    later = FakeClock(50.0)
    restored = Stopwatch(clock=later)
    restored.load_state(state)
    assert restored.save_state() == state  # running spans restart at load time
    later.advance(1.0)
    assert restored.get_elapsed("b") == 1.5
    assert restored.get_lap_time(-2, "a") == 2.0
    assert restored.get_filename("a") == watch.get_filename("a")

    paused = Stopwatch(clock=later)
    paused.load_state(state, resume_running=False)
    assert not paused.is_running("b")
    assert paused.get_elapsed("b") == 0.5


def test_state_loads_with_torch_weights_only(watch, clock, tmp_path):
    with watch("a"):
        clock.advance(1.0)
    watch.lap(3, "a")
    watch.start()
    torch.save(watch.save_state(), tmp_path / "state.pt")
    assert torch.load(tmp_path / "state.pt", weights_only=True) == watch.save_state()


def test_load_state_trims_to_its_own_max_laps(watch, clock):
    watch.start()
    for steps in (1, 2, 3):
        clock.advance(1.0)
        watch.lap(steps)
    small = Stopwatch(max_laps=1, clock=clock)
    small.load_state(watch.save_state())
    assert list(small.get_summary()["checkpoints"]) == ["_lap_2", "_lap_3"]
    assert small.get_summary()["lap_count"] == 3


def test_load_state_reads_unnamed_lap_marks():
    restored = Stopwatch(clock=FakeClock())
    restored.load_state(
        {"a": {"total": 3.0, "last_elapsed": 1.0, "runs": 2, "lap_marks": [[10, 1.0], [30, 3.0]]}}
    )
    summary = restored.get_summary("a")
    assert summary["checkpoints"] == {
        "_start": {"elapsed_time": 0.0, "steps": 0},
        "_lap_1": {"elapsed_time": 1.0, "steps": 10},
        "_lap_2": {"elapsed_time": 3.0, "steps": 30},
    }
    assert summary["lap_count"] == 2
    assert summary["filename"] is None
    assert restored.get_elapsed("a") == 3.0


def test_load_state_rejects_malformed_state(watch, clock):
    with watch("keep"):
        clock.advance(1.0)
    with pytest.raises(TypeError, match="state must be a dict, got <class 'list'>"):
        watch.load_state([])
    with pytest.raises(ValueError, match="entry for timer 'x' is malformed"):
        watch.load_state({"x": {"total": 1.0}})
    bad_filename = watch.save_state()
    bad_filename["keep"]["filename"] = 3
    with pytest.raises(ValueError, match=r"'keep' is malformed \(filename must be a str or None"):
        watch.load_state(bad_filename)
    assert watch.get_all_elapsed() == {"keep": 1.0}  # a failed load leaves the timers alone


# --------------------------------------------------------------------------------- threads
def test_concurrent_use_from_threads(watch):
    def work(name):
        for step in range(200):
            with watch(name):
                pass
            watch.lap(step, name)

    threads = [threading.Thread(target=work, args=(f"t{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i in range(4):
        summary = watch.get_summary(f"t{i}")
        assert summary["runs"] == 200
        assert summary["lap_count"] == 200
        assert len(summary["checkpoints"]) == 5
