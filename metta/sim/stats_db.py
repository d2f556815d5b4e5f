"""EvalStatsDB: an embedded SQLite database of evaluation episodes and per-agent metrics.

Data flow: an episode ends -> one transaction stores it (episode row, attributes, per-agent
metrics and groups, the agent -> policy mapping, replay URL), either straight into an EvalStatsDB
(``record_episode``) or into a per-process shard (``StatsWriter``) that
``EvalStatsDB.from_shards_and_context`` later merges and files under one simulation -> queries
score a policy as a normalised mean: the metric's sum over the agent-episodes the policy played,
divided by how many there were, a missing metric row counting as 0. SQLite ships with Python, so
evaluation adds no dependency.

Tables: ``simulations`` (name, suite, env and the evaluated policy), ``episodes`` (step count,
times, replay URL, simulation), ``episode_attributes``, ``agent_metrics``, ``agent_groups``,
``agent_policies`` (per episode: agent -> policy key and version). Two views join them for
queries: ``policy_simulation_agent_samples`` (one row per agent-episode a policy played) and
``policy_simulation_agent_metrics`` (the metric rows recorded for those). A filter condition is a
SQL expression over their shared columns: ``policy_key``, ``policy_version``, ``sim_id``,
``sim_name``, ``sim_suite``, ``sim_env``, ``episode_id``, ``agent_id``.
"""

from __future__ import annotations

import datetime
import logging
import math
import os
import sqlite3
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from metta.common.closeable import Closeable

__all__ = ["EvalStatsDB", "PolicyEvalMetric", "flatten_attributes", "key_and_version"]

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
"""Stored in the file's ``user_version``; files of version 0 (episodes carried the simulation
name and one policy) are upgraded when opened."""

MERGED_DB_NAME = "merged.sqlite"
"""The file ``from_shards_and_context`` writes in the shard directory (never read as a shard)."""

_TABLES = (
    """CREATE TABLE IF NOT EXISTS simulations (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        suite TEXT NOT NULL,
        env TEXT NOT NULL,
        policy_key TEXT NOT NULL,
        policy_version INTEGER NOT NULL,
        created_at REAL NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS episodes (
        id TEXT PRIMARY KEY,
        simulation_id TEXT,
        step_count INTEGER NOT NULL,
        created_at REAL NOT NULL,
        completed_at REAL NOT NULL,
        replay_url TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS episode_attributes (
        episode_id TEXT NOT NULL,
        attribute TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (episode_id, attribute)
    )""",
    """CREATE TABLE IF NOT EXISTS agent_metrics (
        episode_id TEXT NOT NULL,
        agent_id INTEGER NOT NULL,
        metric TEXT NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (episode_id, agent_id, metric)
    )""",
    """CREATE TABLE IF NOT EXISTS agent_groups (
        episode_id TEXT NOT NULL,
        agent_id INTEGER NOT NULL,
        group_id INTEGER NOT NULL,
        PRIMARY KEY (episode_id, agent_id)
    )""",
    """CREATE TABLE IF NOT EXISTS agent_policies (
        episode_id TEXT NOT NULL,
        agent_id INTEGER NOT NULL,
        policy_key TEXT NOT NULL,
        policy_version INTEGER NOT NULL,
        PRIMARY KEY (episode_id, agent_id)
    )""",
    "CREATE INDEX IF NOT EXISTS episodes_by_simulation ON episodes(simulation_id)",
    "CREATE INDEX IF NOT EXISTS agent_policies_by_policy "
    "ON agent_policies(policy_key, policy_version)",
    """CREATE VIEW IF NOT EXISTS policy_simulation_agent_samples AS
        SELECT ap.policy_key, ap.policy_version, s.id AS sim_id, s.name AS sim_name,
               s.suite AS sim_suite, s.env AS sim_env, ap.episode_id, ap.agent_id
          FROM agent_policies ap
          JOIN episodes e ON e.id = ap.episode_id
          JOIN simulations s ON s.id = e.simulation_id""",
    """CREATE VIEW IF NOT EXISTS policy_simulation_agent_metrics AS
        SELECT ap.policy_key, ap.policy_version, s.id AS sim_id, s.name AS sim_name,
               s.suite AS sim_suite, s.env AS sim_env, ap.episode_id, ap.agent_id,
               am.metric, am.value
          FROM agent_metrics am
          JOIN agent_policies ap ON ap.episode_id = am.episode_id AND ap.agent_id = am.agent_id
          JOIN episodes e ON e.id = am.episode_id
          JOIN simulations s ON s.id = e.simulation_id""",
)

# Every table's columns, in the order a merge copies the tables (simulations before the
# episodes that point at them).
_COLUMNS: dict[str, tuple[str, ...]] = {
    "simulations": (
        "id",
        "name",
        "suite",
        "env",
        "policy_key",
        "policy_version",
        "created_at",
    ),
    "episodes": ("id", "simulation_id", "step_count", "created_at", "completed_at", "replay_url"),
    "episode_attributes": ("episode_id", "attribute", "value"),
    "agent_metrics": ("episode_id", "agent_id", "metric", "value"),
    "agent_groups": ("episode_id", "agent_id", "group_id"),
    "agent_policies": ("episode_id", "agent_id", "policy_key", "policy_version"),
}


class PolicyEvalMetric(NamedTuple):
    """One row of ``metric_by_policy_eval``; ``pandas.DataFrame(rows)`` names its columns."""

    policy_uri: str
    """``<policy key>:v<policy version>``."""
    eval_name: str
    """The simulation name."""
    value: float
    """Normalised mean of the metric (missing rows count as 0)."""


def key_and_version(policy: Any) -> tuple[str, int]:
    """(policy key, version) of a ``PolicyRecord`` (its ``uri`` and ``metadata.epoch``) or of a
    ``(key, version)`` pair."""
    if isinstance(policy, tuple):
        if len(policy) != 2 or not isinstance(policy[0], str):
            raise ValueError(f"policy: expected (key, version), got {policy!r}")
        return policy[0], int(policy[1])
    uri = getattr(policy, "uri", None)
    if uri is None:
        raise ValueError(
            f"policy: expected a PolicyRecord with a uri or a (key, version) pair, got {policy!r}"
        )
    return str(uri), int(policy.metadata.epoch)


def flatten_attributes(attributes: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested mappings become dotted keys (``{"config": {"game": {"max_steps": 8}}}`` ->
    ``{"config.game.max_steps": "8"}``); every value is stored as its string."""
    flat: dict[str, str] = {}
    for key, value in attributes.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat |= flatten_attributes(value, name + ".")
        else:
            flat[name] = str(value)
    return flat


def _timestamp(moment: float | datetime.datetime | None) -> float:
    if moment is None:
        return time.time()
    if isinstance(moment, datetime.datetime):
        return moment.timestamp()
    return float(moment)


def _scored_agents(metric_agents: Sequence[int], num_agents: int) -> list[int]:
    """The agents given metrics, then the smallest unused ids until there are ``num_agents``."""
    agents = sorted(set(metric_agents))
    taken = set(agents)
    candidate = 0
    while len(agents) < num_agents:
        if candidate not in taken:
            agents.append(candidate)
        candidate += 1
    return agents


class _EpisodeRows(NamedTuple):
    """One episode's rows, checked and converted before its transaction starts."""

    episode_id: str
    step_count: int
    created_at: float
    replay_url: str | None
    rows: dict[str, list[tuple[Any, ...]]]
    """Rows of agent_metrics, episode_attributes, agent_groups and agent_policies."""

    @classmethod
    def build(
        cls,
        *,
        episode_id: str | None,
        step_count: int,
        agent_metrics: Mapping[int, Mapping[str, float]],
        attributes: Mapping[str, Any] | None,
        agent_groups: Mapping[int, int] | None,
        agent_policies: Mapping[int, Any] | None,
        replay_url: str | None,
        created_at: float | datetime.datetime | None,
    ) -> _EpisodeRows:
        if int(step_count) < 0:
            raise ValueError(f"episode: step_count must be >= 0, got {step_count}")
        episode_id = episode_id or uuid.uuid4().hex
        metric_rows = []
        for agent, metrics in agent_metrics.items():
            for name, value in metrics.items():
                number = float(value)
                if math.isnan(number):
                    raise ValueError(
                        f"episode: metric {name!r} of agent {agent} is NaN "
                        "(SQLite would store it as NULL)"
                    )
                metric_rows.append((episode_id, int(agent), str(name), number))
        rows = {
            "agent_metrics": metric_rows,
            "episode_attributes": [
                (episode_id, k, v) for k, v in flatten_attributes(attributes or {}).items()
            ],
            "agent_groups": [
                (episode_id, int(agent), int(group))
                for agent, group in (agent_groups or {}).items()
            ],
            "agent_policies": [
                (episode_id, int(agent), *key_and_version(policy))
                for agent, policy in (agent_policies or {}).items()
            ],
        }
        return cls(episode_id, int(step_count), _timestamp(created_at), replay_url, rows)

    def insert(self, connection: sqlite3.Connection, simulation_id: str | None) -> None:
        """Inserts the rows (call inside a transaction)."""
        connection.execute(
            "INSERT INTO episodes VALUES (?, ?, ?, ?, ?, ?)",
            (
                self.episode_id,
                simulation_id,
                self.step_count,
                self.created_at,
                time.time(),
                self.replay_url,
            ),
        )
        for table, rows in self.rows.items():
            marks = ", ".join("?" * len(_COLUMNS[table]))
            connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


class EvalStatsDB(Closeable):
    """One SQLite file of evaluation results; usable as a context manager.

    Opening a path creates the database if needed; a file of the previous schema is upgraded.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # Autocommit mode: every write below runs in an explicit BEGIN ... COMMIT.
            self._connection = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.DatabaseError as error:
            raise ValueError(f"{self.path}: not a readable stats database ({error})") from error
        try:
            self._prepare_schema()
        except sqlite3.DatabaseError as error:
            self._connection.close()
            raise ValueError(f"{self.path}: not a readable stats database ({error})") from error
        except ValueError:
            self._connection.close()
            raise

    def close(self) -> None:
        """Closes the database file."""
        self._connection.close()

    # Schema ---------------------------------------------------------------------------------

    def _prepare_schema(self) -> None:
        version = self._connection.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise ValueError(
                f"{self.path}: stats database schema version {version} is newer than this "
                f"metta reads ({SCHEMA_VERSION})"
            )
        tables = {
            name
            for (name,) in self._connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            )
        }
        if "episodes" in tables:
            columns = {row[1] for row in self._connection.execute("PRAGMA table_info(episodes)")}
            if "simulation" not in columns:
                raise ValueError(
                    f"{self.path}: not a metta stats database (its episodes table has columns "
                    f"{sorted(columns)})"
                )
            self._upgrade_from_version_0()
            return
        with self._transaction():
            self._create_schema()

    def _create_schema(self) -> None:
        for statement in _TABLES:
            self._connection.execute(statement)
        self._connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _upgrade_from_version_0(self) -> None:
        """Version 0 kept one evaluated policy and simulation name per episode and a count of the
        agents it was scored over: each becomes a simulation row and an agent -> policy
        mapping of the agents given metrics plus the smallest unused ids up to that count."""
        connection = self._connection
        episodes = connection.execute(
            "SELECT id, simulation, policy_uri, policy_epoch, num_agents, step_count, "
            "replay_path, created_at FROM episodes ORDER BY created_at, id"
        ).fetchall()
        envs = dict(
            connection.execute(
                "SELECT episode_id, value FROM episode_attributes WHERE attribute = 'env'"
            ).fetchall()
        )
        metric_agents: dict[str, list[int]] = {}
        for episode_id, agent_id in connection.execute(
            "SELECT DISTINCT episode_id, agent_id FROM agent_metrics"
        ):
            metric_agents.setdefault(episode_id, []).append(agent_id)
        with self._transaction():
            connection.execute("DROP TABLE episodes")
            self._create_schema()
            for episode_id, name, uri, epoch, num_agents, steps, replay, created in episodes:
                simulation_id = self._simulation_id(
                    name, "", envs.get(episode_id, ""), uri, epoch, created
                )
                connection.execute(
                    "INSERT INTO episodes VALUES (?, ?, ?, ?, ?, ?)",
                    (episode_id, simulation_id, steps, created, created, replay),
                )
                agents = _scored_agents(metric_agents.get(episode_id, []), num_agents)
                connection.executemany(
                    "INSERT INTO agent_policies VALUES (?, ?, ?, ?)",
                    [(episode_id, agent, uri, epoch) for agent in agents],
                )

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self._connection.execute("COMMIT")

    def _simulation_id(
        self,
        name: str,
        suite: str,
        env: str,
        policy_key: str,
        policy_version: int,
        created_at: float | None = None,
    ) -> str:
        """Id of the simulation row with these fields, inserted when there is none (call inside
        a transaction)."""
        row = self._connection.execute(
            "SELECT id FROM simulations WHERE name = ? AND suite = ? AND env = ? "
            "AND policy_key = ? AND policy_version = ? ORDER BY created_at LIMIT 1",
            (name, suite, env, policy_key, policy_version),
        ).fetchone()
        if row is not None:
            return row[0]
        simulation_id = uuid.uuid4().hex
        self._connection.execute(
            "INSERT INTO simulations VALUES (?, ?, ?, ?, ?, ?, ?)",
            (simulation_id, name, suite, env, policy_key, policy_version, _timestamp(created_at)),
        )
        return simulation_id

    # Writing --------------------------------------------------------------------------------

    def write_episode(
        self,
        *,
        step_count: int,
        agent_metrics: Mapping[int, Mapping[str, float]],
        episode_id: str | None = None,
        attributes: Mapping[str, Any] | None = None,
        agent_groups: Mapping[int, int] | None = None,
        agent_policies: Mapping[int, Any] | None = None,
        replay_url: str | None = None,
        created_at: float | datetime.datetime | None = None,
        simulation_id: str | None = None,
    ) -> str:
        """Stores one finished episode in a single transaction and returns its id.

        ``agent_policies`` maps agent id -> ``PolicyRecord`` or ``(key, version)``; attributes
        are flattened (``flatten_attributes``). Without a ``simulation_id`` the episode waits for
        a merge (``from_shards_and_context``) to file it under a simulation.
        """
        episode = _EpisodeRows.build(
            episode_id=episode_id,
            step_count=step_count,
            agent_metrics=agent_metrics,
            attributes=attributes,
            agent_groups=agent_groups,
            agent_policies=agent_policies,
            replay_url=replay_url,
            created_at=created_at,
        )
        with self._transaction():
            episode.insert(self._connection, simulation_id)
        return episode.episode_id

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
        suite: str = "",
        env: str = "",
        agent_policies: Mapping[int, Any] | None = None,
    ) -> str:
        """Stores one finished episode of simulation ``simulation`` (evaluating ``policy_uri``
        at ``policy_epoch``, with its ``suite`` and ``env``) in a single transaction and returns
        its id.

        ``agent_metrics`` maps agent id -> {metric: value}. Without ``agent_policies`` the
        evaluated policy plays the agents given metrics and, up to ``num_agents``, the smallest
        unused ids (scored as 0); with it, that mapping is stored as given.
        """
        if not simulation:
            raise ValueError("record_episode: simulation name must not be empty")
        if agent_policies is not None and num_agents is not None:
            raise ValueError("record_episode: give num_agents or agent_policies, not both")
        if agent_policies is None:
            count = len(agent_metrics) if num_agents is None else num_agents
            if count < len(agent_metrics):
                raise ValueError(
                    f"record_episode: num_agents={count} is smaller than the "
                    f"{len(agent_metrics)} agents given metrics"
                )
            agents = _scored_agents([int(a) for a in agent_metrics], count)
            agent_policies = {agent: (policy_uri, int(policy_epoch)) for agent in agents}
        episode = _EpisodeRows.build(
            episode_id=None,
            step_count=step_count,
            agent_metrics=agent_metrics,
            attributes=attributes,
            agent_groups=None,
            agent_policies=agent_policies,
            replay_url=replay_path,
            created_at=None,
        )
        with self._transaction():
            simulation_id = self._simulation_id(
                simulation, suite, env, policy_uri, int(policy_epoch)
            )
            episode.insert(self._connection, simulation_id)
        return episode.episode_id

    # Merging --------------------------------------------------------------------------------

    @classmethod
    def from_shards_and_context(
        cls,
        sim_id: str | None,
        dir_with_shards: str | Path,
        agent_map: Mapping[int, Any] | None,
        sim_name: str,
        sim_suite: str,
        env: str,
        policy_record: Any,
    ) -> EvalStatsDB:
        """Merges every shard (``*.sqlite``) in ``dir_with_shards`` into
        ``<dir_with_shards>/merged.sqlite`` (replacing it) and files every merged episode not
        yet in a simulation under one new simulation row: ``sim_id`` (a fresh id when None),
        ``sim_name``, ``sim_suite``, ``env`` and the evaluated ``policy_record`` (a
        ``PolicyRecord`` or ``(key, version)``).

        An episode recorded with its own agent -> policy mapping keeps it. The others get
        ``agent_map`` (agent id -> policy) for the agents that have metric rows; without an
        ``agent_map`` every agent with metric rows played ``policy_record``.
        """
        directory = Path(dir_with_shards).expanduser()
        if not directory.is_dir():
            raise FileNotFoundError(f"{directory}: shard directory does not exist")
        policy_key, policy_version = key_and_version(policy_record)
        agent_rows = [(int(a), *key_and_version(p)) for a, p in (agent_map or {}).items()]
        merged_path = directory / MERGED_DB_NAME
        shards = sorted(p for p in directory.glob("*.sqlite") if p.name != MERGED_DB_NAME)
        for stale in (merged_path, merged_path.with_name(MERGED_DB_NAME + "-journal")):
            stale.unlink(missing_ok=True)
        merged = cls(merged_path)
        try:
            if not shards:
                logger.warning("from_shards_and_context: no shards in %s", directory)
                return merged
            for shard in shards:
                merged.merge_in(shard)
            merged._file_unassigned_episodes(
                sim_id or uuid.uuid4().hex,
                (sim_name, sim_suite, env, policy_key, policy_version),
                agent_rows,
            )
        except BaseException:
            merged.close()
            merged_path.unlink(missing_ok=True)
            raise
        return merged

    def _file_unassigned_episodes(
        self,
        sim_id: str,
        context: tuple[str, str, str, str, int],
        agent_rows: list[tuple[int, str, int]],
    ) -> None:
        connection = self._connection
        unassigned = "SELECT id FROM episodes WHERE simulation_id IS NULL"
        unmapped = f"{unassigned} AND id NOT IN (SELECT episode_id FROM agent_policies)"
        with self._transaction():
            connection.execute(
                "INSERT OR REPLACE INTO simulations VALUES (?, ?, ?, ?, ?, ?, ?)",
                (sim_id, *context, time.time()),
            )
            episode_ids = [row[0] for row in connection.execute(unmapped)]
            if agent_rows:
                for episode_id in episode_ids:
                    connection.executemany(
                        "INSERT INTO agent_policies SELECT ?, ?, ?, ? WHERE EXISTS "
                        "(SELECT 1 FROM agent_metrics WHERE episode_id = ? AND agent_id = ?)",
                        [(episode_id, *row, episode_id, row[0]) for row in agent_rows],
                    )
            else:
                policy_key, policy_version = context[3], context[4]
                connection.executemany(
                    "INSERT INTO agent_policies SELECT DISTINCT episode_id, agent_id, ?, ? "
                    "FROM agent_metrics WHERE episode_id = ?",
                    [(policy_key, policy_version, episode_id) for episode_id in episode_ids],
                )
            count = connection.execute(
                "UPDATE episodes SET simulation_id = ? WHERE simulation_id IS NULL", (sim_id,)
            ).rowcount
        if count == 0:
            logger.warning("from_shards_and_context: the shards in %s hold no episodes", self.path)

    def merge_in(self, other: EvalStatsDB | str | Path) -> None:
        """Copies every row of another stats database into this one; rows already here (same
        episode, simulation, agent and metric keys) are kept as they are."""
        other_path = Path(other.path if isinstance(other, EvalStatsDB) else other)
        if not other_path.is_file():
            raise FileNotFoundError(f"{other_path}: no such stats database")
        if other_path.samefile(self.path):
            return
        # Opening checks the file (and upgrades an older schema) with errors that name it.
        EvalStatsDB(other_path).close()
        try:
            self._connection.execute("ATTACH DATABASE ? AS other", (str(other_path),))
        except sqlite3.DatabaseError as error:
            raise ValueError(f"{other_path}: cannot attach stats database ({error})") from error
        try:
            with self._transaction():
                for table, columns in _COLUMNS.items():
                    names = ", ".join(columns)
                    self._connection.execute(
                        f"INSERT OR IGNORE INTO main.{table} ({names}) "
                        f"SELECT {names} FROM other.{table}"
                    )
        except sqlite3.DatabaseError as error:
            raise ValueError(f"{other_path}: cannot merge stats database ({error})") from error
        finally:
            self._connection.execute("DETACH DATABASE other")

    def export(self, dest: str | Path) -> None:
        """Writes this database to the local file ``dest``; a stats database already there is
        merged in first, so repeated exports accumulate. The file is replaced atomically (a
        temporary file in the same folder, then a rename): a reader never sees half of it."""
        dest = Path(dest)
        if dest.exists() and dest.samefile(self.path):
            return
        dest.parent.mkdir(parents=True, exist_ok=True)
        temporary = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            target = sqlite3.connect(temporary)
            try:
                self._connection.backup(target)
            finally:
                target.close()
            if dest.exists():
                with EvalStatsDB(temporary) as merged:
                    merged.merge_in(dest)
            os.replace(temporary, dest)
        finally:
            temporary.unlink(missing_ok=True)

    # Queries --------------------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows of any SQL query as dicts (``pandas.DataFrame(rows)`` makes a frame)."""
        cursor = self._connection.execute(sql, tuple(params))
        names = [column[0] for column in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def potential_samples_for_metric(
        self,
        policy_key: str,
        policy_version: int | None,
        filter_condition: str | None = None,
        filter_params: Sequence[Any] = (),
    ) -> int:
        """Agent-episodes the policy played (matching the filter): the denominator of every
        normalised mean, whether or not a metric was recorded for them.

        ``policy_version`` None counts every version; ``filter_condition`` is a SQL expression
        over the view columns (module docstring), with ``?`` placeholders for ``filter_params``.
        """
        where, params = _policy_where(policy_key, policy_version, filter_condition, filter_params)
        sql = f"SELECT COUNT(*) FROM policy_simulation_agent_samples WHERE {where}"
        return int(self._fetch_one(sql, params, filter_condition)[0])

    def count_metric_agents(
        self,
        policy_key: str,
        policy_version: int | None,
        metric: str,
        filter_condition: str | None = None,
        filter_params: Sequence[Any] = (),
    ) -> int:
        """Agent-episodes of the policy (matching the filter) with a recorded row for
        ``metric``, whatever its value."""
        where, params = _policy_where(policy_key, policy_version, filter_condition, filter_params)
        sql = f"SELECT COUNT(*) FROM policy_simulation_agent_metrics WHERE metric = ? AND {where}"
        return int(self._fetch_one(sql, (metric, *params), filter_condition)[0])

    def get_sum_metric_by_filter(
        self,
        metric: str,
        policy_record: Any,
        filter_condition: str | None = None,
        filter_params: Sequence[Any] = (),
    ) -> float | None:
        """Sum of ``metric`` over the policy's agent-episodes matching the filter (missing
        rows add 0); None when the policy played none. ``policy_record``: a ``PolicyRecord``
        or ``(key, version)``."""
        moments = self._moments(metric, policy_record, filter_condition, filter_params)
        return None if moments is None else moments[0]

    def get_average_metric_by_filter(
        self,
        metric: str,
        policy_record: Any,
        filter_condition: str | None = None,
        filter_params: Sequence[Any] = (),
    ) -> float | None:
        """Normalised mean: the sum of ``metric`` / ``potential_samples_for_metric`` (missing
        rows count as 0); None when the policy played no matching agent-episode."""
        moments = self._moments(metric, policy_record, filter_condition, filter_params)
        return None if moments is None else moments[0] / moments[2]

    def get_std_metric_by_filter(
        self,
        metric: str,
        policy_record: Any,
        filter_condition: str | None = None,
        filter_params: Sequence[Any] = (),
    ) -> float | None:
        """Population standard deviation of ``metric`` over the same samples as the
        normalised mean (missing rows count as 0); None when there are none."""
        moments = self._moments(metric, policy_record, filter_condition, filter_params)
        if moments is None:
            return None
        total, squares, samples = moments
        mean = total / samples
        return math.sqrt(max(squares / samples - mean * mean, 0.0))

    def metric_by_policy_eval(
        self, metric: str, policy_record: Any | None = None
    ) -> list[PolicyEvalMetric]:
        """Normalised mean of ``metric`` per (policy, simulation name), for one policy or for
        all, sorted by policy then simulation."""
        where: str = "1"
        params: tuple[Any, ...] = ()
        if policy_record is not None:
            where, params = _policy_where(*key_and_version(policy_record), None, ())
        sql = f"""
            WITH potential AS (
                SELECT policy_key, policy_version, sim_name, COUNT(*) AS samples
                  FROM policy_simulation_agent_samples WHERE {where}
                 GROUP BY policy_key, policy_version, sim_name
            ), recorded AS (
                SELECT policy_key, policy_version, sim_name, SUM(value) AS total
                  FROM policy_simulation_agent_metrics WHERE metric = ? AND {where}
                 GROUP BY policy_key, policy_version, sim_name
            )
            SELECT p.policy_key, p.policy_version, p.sim_name,
                   COALESCE(r.total, 0.0) / p.samples
              FROM potential p
              LEFT JOIN recorded r USING (policy_key, policy_version, sim_name)
             ORDER BY p.policy_key, p.policy_version, p.sim_name"""
        rows = self._connection.execute(sql, (*params, metric, *params)).fetchall()
        return [PolicyEvalMetric(f"{k}:v{v}", name, float(x)) for k, v, name, x in rows]

    def get_replay_urls(
        self,
        policy_key: str | None = None,
        policy_version: int | None = None,
        env: str | None = None,
    ) -> list[str]:
        """Replay URL of every episode that has one, oldest first, optionally only for
        simulations that evaluated ``policy_key`` (at ``policy_version``) on ``env``."""
        clauses = ["e.replay_url IS NOT NULL", "e.replay_url != ''"]
        params: list[Any] = []
        for column, value in (
            ("s.policy_key", policy_key),
            ("s.policy_version", policy_version),
            ("s.env", env),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        sql = (
            "SELECT e.replay_url FROM episodes e JOIN simulations s ON s.id = e.simulation_id "
            f"WHERE {' AND '.join(clauses)} ORDER BY e.created_at, e.rowid"
        )
        return [url for (url,) in self._connection.execute(sql, params)]

    def get_all_policy_uris(self) -> list[str]:
        """``<key>:v<version>`` of every evaluated policy, sorted."""
        rows = self._connection.execute(
            "SELECT DISTINCT policy_key, policy_version FROM simulations "
            "ORDER BY policy_key, policy_version"
        )
        return [f"{key}:v{version}" for key, version in rows]

    def average_metric(
        self,
        metric: str,
        policy_uri: str,
        policy_epoch: int | None = None,
        simulation_prefix: str | None = None,
    ) -> float | None:
        """Normalised mean of ``metric`` over every agent-episode of the policy (every epoch
        when ``policy_epoch`` is None), only in simulations whose name starts with
        ``simulation_prefix`` when it is given; None when there is no such episode."""
        if simulation_prefix is None:
            return self._average(metric, policy_uri, policy_epoch, None, ())
        condition = "substr(sim_name, 1, ?) = ?"
        parameters = (len(simulation_prefix), simulation_prefix)
        return self._average(metric, policy_uri, policy_epoch, condition, parameters)

    def simulation_scores(
        self, policy_uri: str, metric: str = "reward", policy_epoch: int | None = None
    ) -> dict[str, float]:
        """Normalised mean of ``metric`` per simulation name for one policy."""
        scores = {}
        for name in self._simulations(policy_uri, policy_epoch):
            score = self._average(metric, policy_uri, policy_epoch, "sim_name = ?", (name,))
            if score is not None:
                scores[name] = score
        return scores

    def category_scores(
        self, policy_uri: str, metric: str = "reward", policy_epoch: int | None = None
    ) -> dict[str, float]:
        """Normalised mean of ``metric`` per category: a simulation name's part before its
        first '/'."""
        categories = sorted(
            {n.split("/", 1)[0] for n in self._simulations(policy_uri, policy_epoch)}
        )
        condition = "(sim_name = ? OR substr(sim_name, 1, ?) = ?)"
        scores = {}
        for category in categories:
            prefix = category + "/"
            parameters = (category, len(prefix), prefix)
            score = self._average(metric, policy_uri, policy_epoch, condition, parameters)
            if score is not None:
                scores[category] = score
        return scores

    def episode_count(self, policy_uri: str | None = None) -> int:
        """Episodes stored (only those of simulations that evaluated ``policy_uri``, when
        given)."""
        if policy_uri is None:
            return self._connection.execute("SELECT COUNT(*) FROM episodes").fetchone()[0]
        query = (
            "SELECT COUNT(*) FROM episodes e JOIN simulations s ON s.id = e.simulation_id "
            "WHERE s.policy_key = ?"
        )
        return self._connection.execute(query, (policy_uri,)).fetchone()[0]

    def _simulations(self, policy_uri: str, policy_epoch: int | None) -> list[str]:
        where, parameters = _policy_where(policy_uri, policy_epoch, None, ())
        query = (
            f"SELECT DISTINCT sim_name FROM policy_simulation_agent_samples WHERE {where} "
            "ORDER BY sim_name"
        )
        return [name for (name,) in self._connection.execute(query, parameters)]

    def _average(
        self,
        metric: str,
        policy_key: str,
        policy_version: int | None,
        condition: str | None,
        parameters: Sequence[Any],
    ) -> float | None:
        moments = self._moments_for(metric, policy_key, policy_version, condition, parameters)
        return None if moments is None else moments[0] / moments[2]

    def _moments(
        self,
        metric: str,
        policy_record: Any,
        filter_condition: str | None,
        filter_params: Sequence[Any],
    ) -> tuple[float, float, int] | None:
        policy_key, policy_version = key_and_version(policy_record)
        return self._moments_for(
            metric, policy_key, policy_version, filter_condition, filter_params
        )

    def _moments_for(
        self,
        metric: str,
        policy_key: str,
        policy_version: int | None,
        filter_condition: str | None,
        filter_params: Sequence[Any],
    ) -> tuple[float, float, int] | None:
        """(sum, sum of squares, potential samples) of the metric; None without samples."""
        samples = self.potential_samples_for_metric(
            policy_key, policy_version, filter_condition, filter_params
        )
        if samples == 0:
            return None
        where, params = _policy_where(policy_key, policy_version, filter_condition, filter_params)
        sql = (
            "SELECT COALESCE(SUM(value), 0.0), COALESCE(SUM(value * value), 0.0) "
            f"FROM policy_simulation_agent_metrics WHERE metric = ? AND {where}"
        )
        total, squares = self._fetch_one(sql, (metric, *params), filter_condition)
        return float(total), float(squares), samples

    def _fetch_one(
        self, sql: str, params: Sequence[Any], filter_condition: str | None
    ) -> tuple[Any, ...]:
        """One row; an error caused by the caller's filter names the filter."""
        try:
            return self._connection.execute(sql, tuple(params)).fetchone()
        except (sqlite3.OperationalError, sqlite3.ProgrammingError) as error:
            if filter_condition is None:
                raise
            raise ValueError(f"bad filter_condition {filter_condition!r}: {error}") from error


def _policy_where(
    policy_key: str,
    policy_version: int | None,
    filter_condition: str | None,
    filter_params: Sequence[Any],
) -> tuple[str, tuple[Any, ...]]:
    """WHERE clause over the view columns for one policy (every version when None) and an
    optional caller filter, kept in parentheses so its OR cannot escape the policy test."""
    clauses = ["policy_key = ?"]
    params: list[Any] = [policy_key]
    if policy_version is not None:
        clauses.append("policy_version = ?")
        params.append(int(policy_version))
    if filter_condition:
        clauses.append(f"({filter_condition})")
        params.extend(filter_params)
    return " AND ".join(clauses), tuple(params)
