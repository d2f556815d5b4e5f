"""``Losses``: running sums of the loss terms over one training phase (spec/rl.md §3.6).

The reference called ``.item()` on every term of every minibatch (one host sync each, bug 16).
Here the sums stay on the device as detached tensors; ``stats()`` syncs once.
"""

from __future__ import annotations

import math

import torch

__all__ = ["LOSS_TERMS", "Losses", "explained_variance"]

LOSS_TERMS = (
    "policy_loss",
    "value_loss",
    "entropy",
    "approx_kl",
    "clipfrac",
    "l2_reg_loss",
    "l2_init_loss",
    "ks_action_loss",
    "ks_value_loss",
    "importance",
    "current_logprobs",
)
"""Per-minibatch terms, summed and averaged; ``stats()`` adds ``explained_variance``."""


class Losses:
    """Sums of each term in ``LOSS_TERMS`` plus ``minibatches_processed`` and
    ``explained_variance`` (set once per phase)."""

    def __init__(self) -> None:
        self._sums: dict[str, torch.Tensor | float] = {}
        self.minibatches_processed = 0
        self.explained_variance = 0.0
        self.zero()

    def zero(self) -> None:
        """Clears every sum (start of a training phase)."""
        self._sums = dict.fromkeys(LOSS_TERMS, 0.0)
        self.minibatches_processed = 0
        self.explained_variance = 0.0

    def add(self, **terms: torch.Tensor | float) -> None:
        """Adds one minibatch's scalar terms (detached, no sync) and counts the minibatch."""
        unknown = set(terms) - set(LOSS_TERMS)
        if unknown:
            raise KeyError(
                f"Losses.add: unknown terms {sorted(unknown)}; known: {list(LOSS_TERMS)}"
            )
        for name, value in terms.items():
            term = value.detach().reshape(()) if isinstance(value, torch.Tensor) else value
            self._sums[name] = self._sums[name] + term
        self.minibatches_processed += 1

    def sum(self, name: str) -> float:
        """The running sum of term ``name`` (syncs if it lives on a device)."""
        value = self._sums[name]
        return float(value.item()) if isinstance(value, torch.Tensor) else float(value)

    def mean(self, name: str) -> float:
        """The mean of term ``name`` per processed minibatch (0 before any)."""
        return self.sum(name) / max(1, self.minibatches_processed)

    def stats(self) -> dict[str, float]:
        """Every term's mean per minibatch, plus ``explained_variance`` (reference key names)."""
        n = max(1, self.minibatches_processed)
        names = list(self._sums)
        # Stack where the sums live and copy to the host once (one device sync, not one per term).
        devices = {v.device for v in self._sums.values() if isinstance(v, torch.Tensor)}
        device = devices.pop() if len(devices) == 1 else torch.device("cpu")
        packed = torch.stack(
            [torch.as_tensor(self._sums[k], dtype=torch.float64, device=device) for k in names]
        )
        means = (packed / n).cpu().tolist()
        result = dict(zip(names, means, strict=True))
        result["explained_variance"] = float(self.explained_variance)
        return result

    def __getattr__(self, name: str) -> float:
        """Reference attribute names ``<term>_sum`` read the running sums."""
        if name.endswith("_sum") and name[: -len("_sum")] in LOSS_TERMS:
            return self.sum(name[: -len("_sum")])
        raise AttributeError(name)


def explained_variance(values: torch.Tensor, returns: torch.Tensor) -> float:
    """``1 - Var(returns - values) / Var(returns)``; NaN when the returns have no variance."""
    values, returns = values.flatten().double(), returns.flatten().double()
    variance = returns.var(unbiased=False)
    if variance.item() == 0.0:
        return math.nan
    return float(1.0 - (returns - values).var(unbiased=False) / variance)
