"""The CleanRL-style PPO-LSTM yardstick (benchmarks/cleanrl_ppo_lstm.py): its token box, its GAE
and an end-to-end ``--quick`` run."""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import torch

from metta.rl.run_presets import CPU_EXPLORATION_REWARD, cpu_run_config

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "cleanrl_ppo_lstm.py"


@pytest.fixture(scope="module")
def yardstick() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("cleanrl_ppo_lstm", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while decorating
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_script_is_independent_of_the_library_trainer():
    # A fresh interpreter: this test process may have imported the trainer for other tests.
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('yardstick', {str(SCRIPT)!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "sys.modules['yardstick'] = module\n"
        "spec.loader.exec_module(module)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('metta.rl', 'metta.agent'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "[]"


def test_the_yardstick_trains_on_the_cpu_recipe_env(yardstick):
    args = yardstick.Args()
    assert args.exploration_reward == CPU_EXPLORATION_REWARD
    assert args.curriculum == cpu_run_config().env.curriculum_path


def test_tokens_to_box_matches_hand_built_example(yardstick):
    pad = (0xFF, 0xFF, 0xFF)
    tokens = torch.tensor(
        [
            [
                (0x00, 0, 1),  # row 0, col 0, feature 0
                (0x12, 2, 15),  # row 1, col 2, feature 2
                pad,
                (0xA5, 3, 50),  # row 10, col 5, feature 3
                (0x55, 1, 5),  # row 5, col 5 (centre), feature 1
                (0x55, 9, 7),  # feature 9 is unknown (F = 4): dropped
            ],
            [
                (0x55, 0, 2),
                (0xFF, 0, 7),  # padding location, whatever the rest: dropped
                (0x3B, 1, 20),  # row 3, col 11: outside the 11-wide window, dropped
                pad,
                pad,
                pad,
            ],
        ],
        dtype=torch.uint8,
    )
    norms = torch.tensor([1.0, 10.0, 30.0, 100.0])
    expected = torch.zeros(2, 4, 11, 11)
    expected[0, 0, 0, 0] = 1.0
    expected[0, 2, 1, 2] = 0.5
    expected[0, 3, 10, 5] = 0.5
    expected[0, 1, 5, 5] = 0.5
    expected[1, 0, 5, 5] = 2.0
    box = yardstick.tokens_to_box(tokens, norms, 11, 11)
    assert box.dtype == torch.float32
    assert torch.equal(box, expected)


def test_gae_hand_worked_three_steps_with_done(yardstick):
    # Column 0: the episode ends after step 1 (dones[2] = 1), so step 1 does not bootstrap and
    # step 0's trace stops there. Column 1: the rollout's last step ends an episode (next_done).
    rewards = torch.tensor([[1.0, 0.0], [0.0, 0.0], [2.0, 1.0]], dtype=torch.float64)
    values = torch.tensor([[0.5, 0.0], [0.4, 0.0], [0.3, 0.0]], dtype=torch.float64)
    dones = torch.tensor([[0.0, 0.0], [0.0, 0.0], [1.0, 0.0]], dtype=torch.float64)
    next_value = torch.tensor([0.2, 10.0], dtype=torch.float64)
    next_done = torch.tensor([0.0, 1.0], dtype=torch.float64)
    advantages, returns = yardstick.compute_gae(
        rewards, values, dones, next_value, next_done, gamma=0.9, gae_lambda=0.8
    )
    # Column 0: delta2 = 2 + 0.9 * 0.2 - 0.3 = 1.88; delta1 = 0 - 0.4 (no bootstrap);
    # A0 = (1 + 0.9 * 0.4 - 0.5) + 0.9 * 0.8 * (-0.4) = 0.86 - 0.288 = 0.572.
    # Column 1: A2 = 1 (next_value masked), A1 = 0.72 * 1, A0 = 0.72 * 0.72.
    expected = torch.tensor([[0.572, 0.5184], [-0.4, 0.72], [1.88, 1.0]], dtype=torch.float64)
    torch.testing.assert_close(advantages, expected, rtol=0, atol=1e-12)
    torch.testing.assert_close(returns, expected + values, rtol=0, atol=1e-12)


def test_quick_run_prints_json_lines_and_saves(tmp_path):
    saved = tmp_path / "agent.pt"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--save", str(saved)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    rollouts = [r for r in records if r["kind"] == "rollout"]
    evals = [r for r in records if r["kind"] == "eval"]
    assert len(rollouts) == 2
    assert len(evals) == 1
    for record in records:
        assert record["benchmark"] == "cleanrl_ppo_lstm"
        assert record["config"]["quick"] is True
        assert record["wall_s"] > 0
    for record in rollouts:
        assert set(record) >= {"agent_steps", "episode_return", "agent_steps_per_s"}
        assert record["agent_steps_per_s"] > 0
    assert [r["agent_steps"] for r in rollouts] == [256, 512]
    final = evals[0]
    assert final["agent_steps"] == 512
    assert isinstance(final["suite_score"], float)
    assert math.isfinite(final["suite_score"])
    assert len(final["maps"]) == 1
    (scores,) = final["maps"].values()
    assert set(scores) == {"return", "random", "oracle", "score"}
    assert scores["score"] == final["suite_score"]
    state = torch.load(saved, weights_only=True)
    assert "lstm.weight_hh_l0" in state
    assert not list(tmp_path.glob("*.tmp"))
