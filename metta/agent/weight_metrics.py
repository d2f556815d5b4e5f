"""Singular-value statistics of a weight matrix (rank collapse, conditioning, power-law slope).

Used by ``MettaAgent.compute_weight_metrics`` for layers flagged ``analyze_weights`` or
``effective_rank`` in the config, every ``analyze_weights_interval`` epochs.
"""

from __future__ import annotations

import math

import numpy as np
import torch

__all__ = ["analyze_weights"]


def analyze_weights(weight: torch.Tensor, delta: float = 0.01) -> dict[str, float]:
    """Norms, singular-value stats and the effective rank (fewest singular values holding
    ``1 - delta`` of their sum) of a 2-D weight; conv kernels are flattened per output channel."""
    if not 0.0 <= delta < 1.0:
        raise ValueError(f"delta: must be in [0, 1), got {delta}")
    matrix = weight.detach().float().reshape(weight.shape[0], -1).cpu()
    metrics = {
        "weight_norm": float(torch.linalg.norm(matrix)),
        "avg_abs_weight": float(matrix.abs().mean()),
    }
    if matrix.numel() == 0 or not bool(torch.isfinite(matrix).all()):
        return metrics
    singular = torch.linalg.svdvals(matrix.double())  # descending
    non_zero = singular[singular > 1e-10]
    metrics["mean_sv"] = float(singular.mean())
    metrics["largest_sv"] = float(singular[0])
    metrics["collapsed_dim_%"] = (len(singular) - len(non_zero)) / len(singular)
    if len(non_zero) > 0:
        metrics["sv_ratio"] = float(singular[0] / non_zero[-1])
    if len(non_zero) > 5:
        log_index = np.log(np.arange(1, len(non_zero) + 1, dtype=np.float64))
        log_value = np.log(non_zero.numpy())
        slope, intercept = np.polyfit(log_index, log_value, 1)
        residual = log_value - (slope * log_index + intercept)
        total = float(((log_value - log_value.mean()) ** 2).sum())
        metrics["sv_loglog_slope"] = float(slope)
        metrics["sv_loglog_r2"] = 1.0 - float((residual**2).sum()) / total if total > 0 else 1.0
    if len(singular) > 1:
        cumulative = torch.cumsum(singular, dim=0)
        threshold = (1.0 - delta) * float(singular.sum())
        reached = torch.nonzero(cumulative >= threshold - 1e-12 * max(1.0, threshold))
        metrics["effective_rank"] = int(reached[0, 0]) + 1 if len(reached) else len(singular)
    return {k: v for k, v in metrics.items() if not (isinstance(v, float) and math.isnan(v))}
