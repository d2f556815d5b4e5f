"""MemoryMonitor: how many megabytes named objects (buffers, policies) hold, for periodic logging.

Sizes count tensor and array storage exactly and everything else with sys.getsizeof, walking
containers, modules and (optionally) attributes; shared objects and cycles are counted once.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import torch

__all__ = ["MemoryMonitor", "object_size_bytes"]


def _own_bytes_and_children(item: object) -> tuple[int, list[object]]:
    """Bytes ``item`` holds itself, and the objects it refers to."""
    if isinstance(item, torch.Tensor):
        return (item.untyped_storage().nbytes() if item.numel() else 0), []
    if isinstance(item, np.ndarray):
        return (item.nbytes if item.base is None else 0), []
    if isinstance(item, torch.nn.Module):
        state = [*item.parameters(), *item.buffers()]
        return 0, state + [v for v in vars(item).values() if not isinstance(v, Mapping)]
    if isinstance(item, Mapping):
        return sys.getsizeof(item), [*item.keys(), *item.values()]
    if isinstance(item, list | tuple | set | frozenset):
        return sys.getsizeof(item), list(item)
    has_state = hasattr(item, "__dict__") and not isinstance(item, type)
    return sys.getsizeof(item), list(vars(item).values()) if has_state else []


def object_size_bytes(obj: object) -> int:
    """Bytes held by ``obj`` and what it references (tensors by storage, modules by state)."""
    seen: set[int] = set()
    total, pending = 0, [obj]
    while pending:
        item = pending.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        own, children = _own_bytes_and_children(item)
        total += own
        pending.extend(children)
    return total


class MemoryMonitor:
    """Tracks named objects without keeping them alive; stats() gives megabytes per name."""

    def __init__(self) -> None:
        self._tracked: dict[str, Callable[[], object | None]] = {}

    def add(self, obj: object, name: str | None = None, track_attributes: bool = False) -> None:
        """Tracks ``obj`` as ``name`` (default: its class name); with ``track_attributes`` each
        public attribute is also reported as ``name.attribute``."""
        name = name or type(obj).__name__
        self._tracked[name] = self._reference(obj)
        if track_attributes:
            for attribute, value in vars(obj).items():
                if not attribute.startswith("_"):
                    self._tracked[f"{name}.{attribute}"] = self._reference(value)

    def remove(self, name: str) -> None:
        """Stops tracking ``name`` (KeyError if it is not tracked)."""
        if name not in self._tracked:
            raise KeyError(f"MemoryMonitor is not tracking {name!r}")
        del self._tracked[name]

    def stats(self) -> dict[str, float]:
        """Megabytes per tracked name; objects already freed are dropped."""
        result = {}
        for name, reference in list(self._tracked.items()):
            obj = reference()
            if obj is None:
                del self._tracked[name]
                continue
            result[name] = object_size_bytes(obj) / 2**20
        return result

    @staticmethod
    def _reference(obj: Any) -> Callable[[], object | None]:
        try:
            return weakref.ref(obj)
        except TypeError:  # ints, lists, dicts cannot be weakly referenced: keep them
            return lambda: obj
