"""``Losses``: running sums of the loss terms over one training phase.

The sums stay on the device as detached tensors, so no term costs a host sync per minibatch
(``.item()`` on each would); ``stats()`` syncs once.
"""

from __future__ import annotations

import math
import numbers

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
        """Every term's mean per minibatch, plus ``explained_variance``, keyed by term name."""
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
        """Attribute names ``<term>_sum`` read the running sums (a float: this syncs
        when the sum lives on a device, so hot loops should use ``add()``)."""
        term = _sum_term(name)
        if term in LOSS_TERMS:
            return self.sum(term)
        if term is not None:
            raise _unknown_term(name, term)
        raise AttributeError(f"'Losses' object has no attribute {name!r}")

    def __setattr__(self, name: str, value: object) -> None:
        """Code that assigns and ``+=`` to ``<term>_sum`` writes writes go to the running sums
        (so ``stats()`` and ``zero()`` see them). Other ``*_sum`` names raise, so that a typo is
        not silently left out of ``stats()``; every other attribute is set as usual."""
        term = _sum_term(name)
        if term is None:
            object.__setattr__(self, name, value)
        elif term in LOSS_TERMS:
            self._sums[term] = _as_sum(name, value)
        else:
            raise _unknown_term(name, term)


def _sum_term(name: str) -> str | None:
    """The term of a ``<term>_sum`` attribute name; None for any other name."""
    return name[: -len("_sum")] if name.endswith("_sum") and len(name) > len("_sum") else None


def _unknown_term(name: str, term: str) -> AttributeError:
    """The error for ``<term>_sum`` when ``term`` is not in ``LOSS_TERMS``."""
    known = list(LOSS_TERMS)
    return AttributeError(f"'Losses' has no attribute {name!r}: no loss term {term!r} in {known}")


def _as_sum(name: str, value: object) -> torch.Tensor | float:
    """A value written to ``<term>_sum``: a one-element tensor (kept detached on its device, no
    sync) or a real number."""
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            raise ValueError(
                f"Losses.{name}: expected a scalar, got a tensor of shape {tuple(value.shape)}"
            )
        return value.detach().reshape(())
    if isinstance(value, numbers.Real):
        return float(value)
    raise TypeError(
        f"Losses.{name}: expected a float or a scalar tensor, got {type(value).__name__}"
    )


def explained_variance(values: torch.Tensor, returns: torch.Tensor) -> float:
    """``1 - Var(returns - values) / Var(returns)``; NaN when the returns have no variance."""
    values, returns = values.flatten().double(), returns.flatten().double()
    variance = returns.var(unbiased=False)
    if variance.item() == 0.0:
        return math.nan
    return float(1.0 - (returns - values).var(unbiased=False) / variance)
