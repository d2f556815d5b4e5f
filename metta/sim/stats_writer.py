"""StatsWriter: records finished episodes into a per-process SQLite shard.

Data flow: each process (an env worker, an evaluation loop) holds a StatsWriter for a shared
directory -> on its first episode it opens its own shard ``<dir>/<pid>_<6 hex>.sqlite`` -> every
episode is committed as it ends, so a crash loses nothing already written ->
``EvalStatsDB.from_shards_and_context(dir, ...)`` merges the shards and files the episodes under
one simulation. SQLite allows one writer per file at a time, so each process gets its own file.
"""

from __future__ import annotations

import datetime
import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from metta.common.closeable import Closeable
from metta.sim.stats_db import EvalStatsDB

__all__ = ["StatsWriter"]


class StatsWriter(Closeable):
    """Writes episodes to a shard of ``dir``, opened on the first episode of each process.

    Pickling keeps only the directory, so a writer handed to a child process (spawn or a
    multiprocessing pickle) opens a shard of the child's own; a forked child that inherited an
    open shard also opens its own and leaves the parent's alone.
    """

    def __init__(self, dir: str | Path) -> None:
        self.dir = Path(dir)
        self._db: EvalStatsDB | None = None
        self._pid: int | None = None
        self._inherited: list[EvalStatsDB] = []

    @property
    def path(self) -> Path | None:
        """This process's shard; None until it records an episode."""
        return self._db.path if self._db is not None and self._pid == os.getpid() else None

    def __getstate__(self) -> dict[str, Any]:
        return {"dir": self.dir}

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        self.__init__(state["dir"])

    def _shard(self) -> EvalStatsDB:
        if self._db is not None and self._pid != os.getpid():
            # A forked child holds its parent's connection: keep the object alive (closing it
            # here would run SQLite's close on the parent's file) and open a shard of our own.
            self._inherited.append(self._db)
            self._db = None
        if self._db is None:
            path = self.dir / f"{os.getpid()}_{uuid.uuid4().hex[:6]}.sqlite"
            self._db = EvalStatsDB(path)
            self._pid = os.getpid()
        return self._db

    def record_episode(
        self,
        episode_id: str | None,
        attributes: Mapping[str, Any] | None,
        agent_metrics: Mapping[int, Mapping[str, float]],
        agent_groups: Mapping[int, int] | None,
        step_count: int,
        replay_url: str | None = None,
        created_at: float | datetime.datetime | None = None,
        *,
        agent_policies: Mapping[int, Any] | None = None,
    ) -> str:
        """Commits one finished episode to this process's shard and returns its id (a fresh
        one when ``episode_id`` is None).

        ``attributes`` are flattened to dotted string keys (e.g. the env config as
        ``config.game.max_steps``); ``agent_policies`` maps agent id -> ``PolicyRecord`` or
        ``(key, version)`` for this episode; ``created_at`` is when the episode began (seconds
        or a datetime; default now).
        """
        return self._shard().write_episode(
            episode_id=episode_id,
            attributes=attributes,
            agent_metrics=agent_metrics,
            agent_groups=agent_groups,
            agent_policies=agent_policies,
            step_count=step_count,
            replay_url=replay_url,
            created_at=created_at,
        )

    def close(self) -> None:
        """Closes this process's shard; a later episode opens a new one."""
        if self._db is not None:
            if self._pid == os.getpid():
                self._db.close()
            else:
                self._inherited.append(self._db)  # the parent's connection (see _shard)
        self._db = None
        self._pid = None
