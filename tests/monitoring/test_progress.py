"""ProgressDisplay: plain lines off a terminal, in-place redraws on one, rate limiting."""

import io

import pytest

from metta.common.progress import ProgressDisplay


def test_plain_line_shows_progress_speed_and_metrics():
    stream = io.StringIO()
    display = ProgressDisplay(1000, stream=stream, min_interval_s=0)
    assert display.update(250, 3, 50.0, {"reward": 0.125, "policy_loss": -0.5}, 0.75)
    line = stream.getvalue()
    assert line.count("\n") == 1
    assert "25.0%" in line
    assert "agent steps 250/1,000" in line
    assert "epoch 3" in line
    assert "50 agent steps/s" in line
    assert "eta 0:00:15" in line
    assert "rollout 75% / train 25%" in line
    assert "reward 0.125" in line
    assert "policy loss -0.5" in line
    assert "\x1b[" not in line


def test_live_display_redraws_in_place():
    stream = io.StringIO()
    display = ProgressDisplay(100, stream=stream, min_interval_s=0, live=True)
    display.update(10, 1, 5.0, {"reward": 1.0})
    first = stream.getvalue()
    assert first.count("\x1b[2K") == 3
    display.update(20, 2, 5.0, {"reward": 2.0})
    assert stream.getvalue()[len(first) :].startswith("\x1b[3F")


def test_updates_closer_than_the_interval_are_skipped():
    stream = io.StringIO()
    display = ProgressDisplay(100, stream=stream, min_interval_s=3600)
    assert display.update(1, 0, 1.0)
    assert not display.update(2, 0, 1.0)
    assert display.update(3, 0, 1.0, force=True)
    assert stream.getvalue().count("\n") == 2


def test_total_steps_must_be_positive():
    with pytest.raises(ValueError, match="total_steps must be > 0"):
        ProgressDisplay(0)
