"""Draws the suite score of one or more training runs against agent steps, from their metrics.

Every evaluation a run makes during training (``trainer.simulation.evaluate_interval``) is a row
of ``<run dir>/metrics.jsonl`` with ``eval/normalized_score/mean``; this script plots those rows
and prints them as JSON lines.

    python scripts/plot_eval_curve.py train_dir/r30 --png docs/learning_30min.png
    python scripts/plot_eval_curve.py train_dir/a train_dir/b --labels a,b --png curves.png
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

SCORE = "eval/normalized_score/mean"
STEP = "metric/agent_step"


def evaluations(run_dir: Path) -> list[tuple[int, float]]:
    """(agent steps, suite score) of every evaluation recorded in ``run_dir/metrics.jsonl``."""
    path = run_dir / "metrics.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"run_dir: {run_dir} has no metrics.jsonl")
    points = []
    for line in path.read_text().splitlines():
        row = json.loads(line)
        if SCORE in row:
            points.append((int(row[STEP]), float(row[SCORE])))
    if not points:
        raise ValueError(
            f"run_dir: {run_dir} recorded no evaluation; train with "
            "trainer.simulation.evaluate_interval > 0"
        )
    return points


def main() -> None:
    """Reads the runs, prints their points and draws them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("runs", nargs="+", type=Path, help="run directories")
    parser.add_argument("--labels", default=None, help="comma-separated, one per run")
    parser.add_argument("--png", required=True, help="where to write the picture")
    args = parser.parse_args()
    labels = args.labels.split(",") if args.labels else [run.name for run in args.runs]
    if len(labels) != len(args.runs):
        raise SystemExit(f"--labels: {len(labels)} labels for {len(args.runs)} runs")

    import matplotlib  # noqa: PLC0415  (optional dependency, only for the picture)

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    figure, axis = plt.subplots(figsize=(6, 4), constrained_layout=True)
    for run, label in zip(args.runs, labels, strict=True):
        points = evaluations(run)
        for steps, score in points:
            print(json.dumps({"run": label, "agent_steps": steps, "suite_score": score}))
        axis.plot(*zip(*points, strict=True), marker="o", label=label)
    axis.set_xlabel("agent steps")
    axis.set_ylabel("suite mean normalized score")
    axis.set_ylim(bottom=0.0)
    axis.grid(alpha=0.3)
    axis.legend()
    axis.set_title("Unseen navigation maps (0 = random policy, 1 = full-map oracle)", fontsize=9)
    target = Path(args.png)
    temporary = target.with_name(f".{target.name}.tmp.png")
    figure.savefig(temporary, dpi=110)
    temporary.replace(target)


if __name__ == "__main__":
    main()
