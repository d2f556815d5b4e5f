"""EpisodeReplay: records grid objects frame by frame as change points, writes gzip JSON atomically.

Data flow: env reset -> record(0, objects) (the initial frame, so a replay shows the map before
any move) -> after every step record(step, objects, actions, action_success, rewards) ->
write(path).
Each object key is stored as a constant when it never changes, otherwise as a list of
``[step, value]`` change points starting at step 0; a key that disappears (an emptied inventory
slot) gets ``[step, 0]``. The format is documented in docs/replay_format.md.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from metta.common.atomic_file import atomic_write_bytes

__all__ = ["REPLAY_VERSION", "EpisodeReplay", "load_replay", "value_at"]

REPLAY_VERSION = 1
_AGENT_KEYS = ("action", "action_success", "reward", "total_reward")


def _plain(value: Any) -> Any:
    """Numpy scalars and tuples as plain JSON values."""
    if hasattr(value, "item") and not isinstance(value, list | tuple | dict):
        return value.item()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class EpisodeReplay:
    """One episode's replay, built up frame by frame (see the module docstring)."""

    def __init__(
        self,
        *,
        map_size: tuple[int, int],
        num_agents: int,
        max_steps: int,
        object_types: Sequence[str],
        inventory_items: Sequence[str],
        action_names: Sequence[str],
        config: Mapping[str, Any] | None = None,
    ) -> None:
        width, height = map_size
        if width <= 0 or height <= 0:
            raise ValueError(f"map_size must be positive (width, height), got {map_size}")
        if num_agents < 0:
            raise ValueError(f"num_agents must be >= 0, got {num_agents}")
        self._header: dict[str, Any] = {
            "version": REPLAY_VERSION,
            "map_size": [int(width), int(height)],
            "num_agents": int(num_agents),
            "max_steps": int(max_steps),
            "object_types": list(object_types),
            "inventory_items": list(inventory_items),
            "action_names": list(action_names),
            "config": dict(config) if config is not None else None,
        }
        self._objects: dict[int, dict[str, list[list[Any]]]] = {}
        self._total_rewards: dict[int, float] = {}
        self._last_step = -1

    @property
    def steps(self) -> int:
        """Number of steps recorded after the initial frame."""
        return max(self._last_step, 0)

    def record(
        self,
        step: int,
        grid_objects: Mapping[int, Mapping[str, Any]],
        actions: Sequence[Sequence[int]] | None = None,
        action_success: Sequence[bool] | None = None,
        rewards: Sequence[float] | None = None,
    ) -> None:
        """Records the frame after ``step`` (0 = after reset); per-agent arrays go by agent_id."""
        if step != self._last_step + 1:
            raise ValueError(f"record: expected step {self._last_step + 1}, got {step}")
        if step == 0 and (actions is not None or rewards is not None):
            raise ValueError("record: the initial frame (step 0) has no actions or rewards")
        for object_id, fields in grid_objects.items():
            values = {key: _plain(value) for key, value in fields.items()}
            agent_id = values.get("agent_id")
            if agent_id is not None and step > 0:
                values.update(
                    self._agent_step_values(int(agent_id), actions, action_success, rewards)
                )
            self._update(int(object_id), step, values)
        self._last_step = step

    def _agent_step_values(
        self,
        agent_id: int,
        actions: Sequence[Sequence[int]] | None,
        action_success: Sequence[bool] | None,
        rewards: Sequence[float] | None,
    ) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if actions is not None:
            values["action"] = [int(actions[agent_id][0]), int(actions[agent_id][1])]
        if action_success is not None:
            values["action_success"] = bool(action_success[agent_id])
        if rewards is not None:
            reward = float(rewards[agent_id])
            self._total_rewards[agent_id] = self._total_rewards.get(agent_id, 0.0) + reward
            values["reward"] = reward
            values["total_reward"] = self._total_rewards[agent_id]
        return values

    def _update(self, object_id: int, step: int, values: Mapping[str, Any]) -> None:
        history = self._objects.setdefault(object_id, {})
        for key, value in values.items():
            points = history.setdefault(key, [])
            if not points or points[-1][1] != value:
                points.append([step, value])
        for key, points in history.items():
            if key not in values and key not in _AGENT_KEYS and points[-1][1] != 0:
                points.append([step, 0])

    def to_dict(self) -> dict[str, Any]:
        """The replay as a JSON-ready dict (format version 1)."""
        grid_objects = []
        for object_id in sorted(self._objects):
            entry: dict[str, Any] = {}
            for key, points in self._objects[object_id].items():
                constant = len(points) == 1 and points[0][0] == 0
                entry[key] = points[0][1] if constant else points
            entry["id"] = object_id
            grid_objects.append(entry)
        return {**self._header, "steps": self.steps, "grid_objects": grid_objects}

    def write(self, path: str | Path) -> Path:
        """Writes gzip-compressed JSON atomically (a crash leaves no half-written replay)."""
        data = gzip.compress(json.dumps(self.to_dict(), separators=(",", ":")).encode())
        return atomic_write_bytes(path, data)


def load_replay(path: str | Path) -> dict[str, Any]:
    """Reads a replay written by EpisodeReplay.write (gzip JSON, or plain JSON)."""
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    replay = json.loads(raw)
    if not isinstance(replay, dict) or replay.get("version") != REPLAY_VERSION:
        found = replay.get("version") if isinstance(replay, dict) else type(replay).__name__
        raise ValueError(f"{path}: not a version {REPLAY_VERSION} replay (found version {found!r})")
    return replay


def value_at(field: Any, step: int) -> Any:
    """One object field at ``step``: a constant, or its last change point at or before it."""
    if not (isinstance(field, list) and field and isinstance(field[0], list)):
        return field
    current = None
    for point_step, value in field:
        if point_step > step:
            break
        current = value
    return current
