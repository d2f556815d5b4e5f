"""Closeable: the one ``with`` protocol for objects that hold files, threads or connections."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self

__all__ = ["Closeable"]


class Closeable(ABC):
    """Subclasses implement close(); ``with obj:`` calls it on the way out, error or not."""

    @abstractmethod
    def close(self) -> None:
        """Releases what the object holds; calling it twice is harmless."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
