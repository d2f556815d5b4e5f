"""EvalStatsDB: an embedded SQLite database of evaluation episodes and per-agent metrics.

Data flow: Simulation finishes an episode -> record_episode(...) commits one transaction (so a
killed process leaves every earlier episode intact) -> scores are queried per simulation and per
category (the first path component of a simulation name, e.g. "navigation" for
"navigation/terrain_small"). SQLite ships with Python, so evaluation adds no dependency.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

from metta.common.closeable import Closeable

__all__ = ["EvalStatsDB"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS episodes (
    id TEXT PRIMARY KEY,
    simulation TEXT NOT NULL,
    policy_uri TEXT NOT NULL,
    policy_epoch INTEGER NOT NULL,
    num_agents INTEGER NOT NULL,
    step_count INTEGER NOT NULL,
    replay_path TEXT,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS episode_attributes (
    episode_id TEXT NOT NULL REFERENCES episodes(id),
    attribute TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (episode_id, attribute)
);
CREATE TABLE IF NOT EXISTS agent_metrics (
    episode_id TEXT NOT NULL REFERENCES episodes(id),
    agent_id INTEGER NOT NULL,
    metric TEXT NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (episode_id, agent_id, metric)
);
CREATE INDEX IF NOT EXISTS episodes_by_policy ON episodes(policy_uri, simulation);
"""


class EvalStatsDB(Closeable):
    """One SQLite file of evaluation results; usable as a context manager."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._connection = sqlite3.connect(self.path)
            self._connection.executescript(_SCHEMA)
        except sqlite3.DatabaseError as error:
            raise ValueError(f"{self.path}: not a readable stats database ({error})") from error

    def close(self) -> None:
        """Closes the database file."""
        self._connection.close()

    def record_episode(
        self,
        *,
        simulation: str,
        policy_uri: str,
        policy_epoch: int,
        step_count: int,
        agent_metrics: Mapping[int, Mapping[str, float]],
        num_agents: int | None = None,
        attributes: Mapping[str, object] | None = None,
        replay_path: str | None = None,
    ) -> str:
        """Stores one finished episode in a single transaction and returns its id.

        ``agent_metrics`` maps agent id -> {metric: value} for the agents the policy controlled;
        ``num_agents`` (default: that many) counts every agent the policy should be scored over.
        """
        if not simulation:
            raise ValueError("record_episode: simulation name must not be empty")
        count = len(agent_metrics) if num_agents is None else num_agents
        if count < len(agent_metrics):
            raise ValueError(
                f"record_episode: num_agents={count} is smaller than the {len(agent_metrics)} "
                "agents given metrics"
            )
        episode_id = uuid.uuid4().hex
        metric_rows = [
            (episode_id, int(agent), name, float(value))
            for agent, metrics in agent_metrics.items()
            for name, value in metrics.items()
        ]
        attribute_rows = [(episode_id, k, str(v)) for k, v in (attributes or {}).items()]
        with self._connection:
            self._connection.execute(
                "INSERT INTO episodes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    episode_id,
                    simulation,
                    policy_uri,
                    int(policy_epoch),
                    count,
                    int(step_count),
                    replay_path,
                    time.time(),
                ),
            )
            self._connection.executemany(
                "INSERT INTO agent_metrics VALUES (?, ?, ?, ?)", metric_rows
            )
            self._connection.executemany(
                "INSERT INTO episode_attributes VALUES (?, ?, ?)", attribute_rows
            )
        return episode_id

    def average_metric(
        self,
        metric: str,
        policy_uri: str,
        policy_epoch: int | None = None,
        simulation_prefix: str | None = None,
    ) -> float | None:
        """Mean of ``metric`` over every agent-episode of the policy (missing values count as 0).

        Only simulations whose name starts with ``simulation_prefix`` count, when it is given;
        None when there is no such episode.
        """
        if simulation_prefix is None:
            return self._average(metric, policy_uri, policy_epoch, "1", ())
        clause = "substr(e.simulation, 1, ?) = ?"
        return self._average(
            metric, policy_uri, policy_epoch, clause, (len(simulation_prefix), simulation_prefix)
        )

    def simulation_scores(
        self, policy_uri: str, metric: str = "reward", policy_epoch: int | None = None
    ) -> dict[str, float]:
        """Average ``metric`` per simulation name for one policy."""
        scores = {}
        for name in self._simulations(policy_uri, policy_epoch):
            score = self._average(metric, policy_uri, policy_epoch, "e.simulation = ?", (name,))
            if score is not None:
                scores[name] = score
        return scores

    def category_scores(
        self, policy_uri: str, metric: str = "reward", policy_epoch: int | None = None
    ) -> dict[str, float]:
        """Average ``metric`` per category: a simulation name's part before its first '/'."""
        categories = sorted(
            {n.split("/", 1)[0] for n in self._simulations(policy_uri, policy_epoch)}
        )
        clause = "(e.simulation = ? OR substr(e.simulation, 1, ?) = ?)"
        scores = {}
        for category in categories:
            prefix = category + "/"
            parameters = (category, len(prefix), prefix)
            score = self._average(metric, policy_uri, policy_epoch, clause, parameters)
            if score is not None:
                scores[category] = score
        return scores

    def episode_count(self, policy_uri: str | None = None) -> int:
        """Episodes stored (for one policy when given)."""
        if policy_uri is None:
            return self._connection.execute("SELECT COUNT(*) FROM episodes").fetchone()[0]
        query = "SELECT COUNT(*) FROM episodes WHERE policy_uri = ?"
        return self._connection.execute(query, (policy_uri,)).fetchone()[0]

    def _simulations(self, policy_uri: str, policy_epoch: int | None) -> list[str]:
        where, parameters = self._policy_filter(policy_uri, policy_epoch)
        query = f"SELECT DISTINCT simulation FROM episodes e WHERE {where} ORDER BY simulation"
        return [name for (name,) in self._connection.execute(query, parameters)]

    def _average(
        self,
        metric: str,
        policy_uri: str,
        policy_epoch: int | None,
        simulation_clause: str,
        simulation_parameters: tuple[object, ...],
    ) -> float | None:
        """Sum of the metric over matching episodes / agent-episodes they hold; None if none."""
        where, parameters = self._policy_filter(policy_uri, policy_epoch)
        where = f"{where} AND {simulation_clause}"
        parameters = (*parameters, *simulation_parameters)
        samples = self._connection.execute(
            f"SELECT SUM(num_agents) FROM episodes e WHERE {where}", parameters
        ).fetchone()[0]
        if not samples:
            return None
        total = self._connection.execute(
            "SELECT COALESCE(SUM(m.value), 0) FROM agent_metrics m "
            f"JOIN episodes e ON e.id = m.episode_id WHERE m.metric = ? AND {where}",
            (metric, *parameters),
        ).fetchone()[0]
        return total / samples

    @staticmethod
    def _policy_filter(policy_uri: str, policy_epoch: int | None) -> tuple[str, tuple[object, ...]]:
        if policy_epoch is None:
            return "e.policy_uri = ?", (policy_uri,)
        return "e.policy_uri = ? AND e.policy_epoch = ?", (policy_uri, policy_epoch)
