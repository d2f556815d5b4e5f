"""``PolicyCache``: a thread-safe LRU of loaded policy records, keyed by file path."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from metta.agent.policy_record import PolicyRecord

__all__ = ["PolicyCache"]


class PolicyCache:
    """Keeps the ``max_size`` most recently used records; older ones are evicted."""

    def __init__(self, max_size: int = 10) -> None:
        if max_size <= 0:
            raise ValueError(f"policy_cache_size: must be > 0, got {max_size}")
        self.max_size = max_size
        self._items: OrderedDict[str, PolicyRecord] = OrderedDict()
        self._lock = threading.RLock()

    def get(self, key: str) -> PolicyRecord | None:
        """The record for ``key`` (marking it most recent), or None."""
        with self._lock:
            record = self._items.get(key)
            if record is not None:
                self._items.move_to_end(key)
            return record

    def put(self, key: str, record: PolicyRecord) -> None:
        """Inserts or refreshes ``key``, evicting the least recently used beyond max_size."""
        with self._lock:
            self._items[key] = record
            self._items.move_to_end(key)
            while len(self._items) > self.max_size:
                self._items.popitem(last=False)

    def remove(self, key: str) -> None:
        """Forgets ``key`` if present."""
        with self._lock:
            self._items.pop(key, None)

    def clear(self) -> None:
        """Forgets everything."""
        with self._lock:
            self._items.clear()

    def keys(self) -> list[str]:
        """Keys from least to most recently used."""
        with self._lock:
            return list(self._items)

    def __contains__(self, key: str) -> bool:
        with self._lock:
            return key in self._items

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
