"""scripts/plot_eval_curve.py: the evaluation rows of a run's metrics, and its errors."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "plot_eval_curve.py"


def load_script():
    spec = importlib.util.spec_from_file_location("plot_eval_curve", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_metrics(run_dir: Path, rows: list[dict]) -> None:
    run_dir.mkdir()
    (run_dir / "metrics.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))


def test_only_rows_with_an_evaluation_become_points(tmp_path):
    script = load_script()
    write_metrics(
        tmp_path / "run",
        [
            {"metric/agent_step": 2048.0, "overview/reward": 0.5},
            {"metric/agent_step": 4096.0, "eval/normalized_score/mean": 0.25},
            {"metric/agent_step": 6144.0, "overview/reward": 0.7},
            {"metric/agent_step": 8192.0, "eval/normalized_score/mean": 0.5},
        ],
    )
    assert script.evaluations(tmp_path / "run") == [(4096, 0.25), (8192, 0.5)]


def test_a_run_without_metrics_or_evaluations_is_named(tmp_path):
    script = load_script()
    with pytest.raises(FileNotFoundError, match=r"has no metrics\.jsonl"):
        script.evaluations(tmp_path)
    write_metrics(tmp_path / "quiet", [{"metric/agent_step": 2048.0}])
    with pytest.raises(ValueError, match="recorded no evaluation"):
        script.evaluations(tmp_path / "quiet")
