"""Stopwatch: named timers, context manager and decorators, laps, state round trip."""

import time

import pytest

from metta.common.profiling.stopwatch import Stopwatch, with_instance_timer, with_timer


def test_named_timers_accumulate():
    timer = Stopwatch()
    with timer("_rollout"):
        time.sleep(0.01)
    with timer.time("_rollout"):
        time.sleep(0.01)
    assert 0.02 <= timer.get_elapsed("_rollout") < 1.0
    assert 0.01 <= timer.get_last_elapsed("_rollout") < 0.5
    assert timer.get_elapsed("never") == 0.0
    assert set(timer.get_all_elapsed()) == {"_rollout"}
    assert timer.get_rate(100, "_rollout") == pytest.approx(100 / timer.get_elapsed("_rollout"))


def test_start_stop_and_errors():
    timer = Stopwatch().start()
    assert timer.is_running()
    with pytest.raises(RuntimeError, match="'global' is already running"):
        timer.start()
    span = timer.stop()
    assert span >= 0
    assert not timer.is_running()
    with pytest.raises(RuntimeError, match="'global' is not running"):
        timer.stop()
    with pytest.raises(ValueError, match="non-empty string"):
        timer.start("")


def test_running_time_counts_before_stop():
    timer = Stopwatch()
    timer.start("train")
    time.sleep(0.01)
    assert timer.get_elapsed("train") >= 0.01
    timer.stop("train")


def test_laps_report_time_since_previous_lap():
    timer = Stopwatch()
    with timer("a"):
        time.sleep(0.01)
    first = timer.lap_all(steps=10)
    assert first["a"] == pytest.approx(timer.get_elapsed("a"))
    with timer("a"):
        time.sleep(0.01)
    second = timer.lap_all(steps=30)
    assert 0.01 <= second["a"] < first["a"] + 0.5
    assert timer.get_lap_rate(30, "a") == 0.0  # nothing elapsed since the last lap


def test_decorators():
    timer = Stopwatch()

    @with_timer(timer, "work")
    def work(x):
        return x * 2

    class Trainer:
        def __init__(self):
            self.timer = Stopwatch()

        @with_instance_timer("step")
        def step(self):
            return "done"

    assert work(3) == 6
    assert timer.get_elapsed("work") > 0
    trainer = Trainer()
    assert trainer.step() == "done"
    assert trainer.timer.get_elapsed("step") > 0


def test_state_round_trip():
    timer = Stopwatch()
    with timer("a"):
        time.sleep(0.01)
    timer.lap_all(5)
    timer.start("b")
    state = timer.save_state()
    restored = Stopwatch()
    restored.load_state(state)
    assert restored.get_elapsed("a") == pytest.approx(timer.get_elapsed("a"))
    assert restored.is_running("b")  # running timers resume
    assert restored.save_state()["a"]["lap_marks"] == state["a"]["lap_marks"]
    with pytest.raises(ValueError, match="timer 'x' is malformed"):
        restored.load_state({"x": {"total": 1.0}})
