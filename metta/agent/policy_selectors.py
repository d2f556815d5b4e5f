"""Choosing among saved policies: ``all``, ``latest`` (by epoch), ``top`` (by metric), ``rand``."""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Sequence
from typing import Any

from metta.agent.policy_record import PolicyRecord

__all__ = ["SELECTOR_TYPES", "metric_value", "select_policy_records"]

logger = logging.getLogger(__name__)

SELECTOR_TYPES = ("all", "latest", "top", "rand", "random")


def _recency(record: PolicyRecord) -> tuple[Any, ...]:
    """Sort key: epoch, then agent_step, then the URI (deterministic)."""
    meta = record.metadata
    return (meta.get("epoch", 0), meta.get("agent_step", 0), record.uri)


def metric_value(record: PolicyRecord, metric: str, prefer_eval_scores: bool) -> float | None:
    """``metadata.eval_scores[metric]`` (when preferred) or ``metadata[metric]``, if a finite
    number (a NaN score would otherwise sort unpredictably and could win ``top``)."""
    meta = record.metadata
    value = None
    scores = meta.get("eval_scores")
    if prefer_eval_scores and isinstance(scores, dict):
        value = scores.get(metric)
    elif metric in meta:
        value = meta[metric]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def select_policy_records(
    records: Sequence[PolicyRecord],
    selector_type: str = "top",
    n: int = 1,
    metric: str = "score",
    rng: random.Random | None = None,
) -> list[PolicyRecord]:
    """Applies a selector; ``top`` falls back to ``latest`` if < 80% of records have the metric."""
    if selector_type not in SELECTOR_TYPES:
        raise ValueError(
            f"selector_type: unknown {selector_type!r}; expected one of {SELECTOR_TYPES}"
        )
    if n < 1:
        raise ValueError(f"n: must be >= 1, got {n}")
    if not records:
        raise ValueError("no policy records to select from")
    by_recency = sorted(records, key=_recency, reverse=True)
    if selector_type == "all":
        return sorted(records, key=_recency)
    if selector_type == "latest":
        return by_recency[:n]
    if selector_type in ("rand", "random"):
        return (rng or random.Random()).sample(list(records), min(n, len(records)))
    first_scores = records[0].metadata.get("eval_scores")
    prefer_eval = isinstance(first_scores, dict) and metric in first_scores
    scored = [(metric_value(r, metric, prefer_eval), r) for r in by_recency]
    with_metric = [(value, r) for value, r in scored if value is not None]
    if len(with_metric) < 0.8 * len(records) or not with_metric:
        logger.warning(
            "policy selector 'top': only %d of %d records have metric %r; using the latest",
            len(with_metric), len(records), metric,
        )  # fmt: skip
        return by_recency[:n]
    with_metric.sort(key=lambda item: item[0], reverse=True)  # stable: ties keep newest first
    return [r for _, r in with_metric[:n]]
