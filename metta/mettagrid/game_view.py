"""GameView: the read-only face of one game inside a native batch (spec §7.2 properties).

MettaGridEnv extends it with reset/step; MettaGridVecEnv.driver_env is one for game 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from gymnasium import spaces

from metta.mettagrid import _mettagrid
from metta.mettagrid.registry import registry
from metta.mettagrid.render import render_ansi

__all__ = ["GameView"]


class GameView:
    """Properties of game ``game`` of ``batch``: actions, features, objects, stats, rendering."""

    def __init__(self, batch: _mettagrid.Batch, game: int) -> None:
        self._batch = batch
        self._game = game

    @property
    def _config(self) -> _mettagrid.CompiledConfig:
        return self._batch.config(self._game)

    # Actions.
    @property
    def action_names(self) -> list[str]:
        """Action type i's name (the engine's handler names)."""
        return list(self._config.action_names)

    @property
    def max_action_args(self) -> list[int]:
        """Largest valid argument of action type i."""
        return list(self._config.max_action_args)

    @property
    def single_action_space(self) -> Any:
        """MultiDiscrete([number of actions, largest max arg + 1]), int32."""
        return spaces.MultiDiscrete(
            [len(self.action_names), max(self.max_action_args) + 1], dtype=np.int32
        )

    # Observations.
    @property
    def single_observation_space(self) -> Any:
        """Box(0, 255, (num_observation_tokens, 3), uint8)."""
        return spaces.Box(0, 255, (int(self._config.num_tokens), 3), dtype=np.uint8)

    @property
    def obs_width(self) -> int:
        """Observation window width."""
        return int(self._config.obs_width)

    @property
    def obs_height(self) -> int:
        """Observation window height."""
        return int(self._config.obs_height)

    @property
    def num_observation_tokens(self) -> int:
        """Tokens per agent observation."""
        return int(self._config.num_tokens)

    @property
    def feature_normalizations(self) -> dict[int, float]:
        """Feature id -> normalization divisor."""
        return {fid: float(norm) for fid, _, norm in self._config.features}

    def get_observation_features(self) -> dict[str, dict[str, Any]]:
        """Feature name -> {"id", "type": "scalar", "normalization"}, for policies to map ids."""
        return {
            name: {"id": int(fid), "type": "scalar", "normalization": float(norm)}
            for fid, name, norm in self._config.features
        }

    @property
    def global_features(self) -> list[str]:
        """Names of the global tokens at the window centre."""
        return list(registry().global_features)

    # Game facts.
    @property
    def num_agents(self) -> int:
        """Agents in this game."""
        return int(self._batch.agents_per_env)

    @property
    def map_height(self) -> int:
        """Map rows."""
        return int(self._batch.map_shape(self._game)[0])

    @property
    def map_width(self) -> int:
        """Map columns."""
        return int(self._batch.map_shape(self._game)[1])

    @property
    def initial_grid_hash(self) -> int:
        """64-bit fingerprint of the current episode's starting map (the reference's wyhash of
        ``"r,c:name;"`` over all cells): equal maps, equal numbers. Empty cells always count as
        ``"empty"``; the reference hashed the raw strings, so its maps written with ``"."`` or
        ``" "`` for empty cells hash differently there."""
        return int(self._batch.initial_grid_hash(self._game))

    @property
    def max_steps(self) -> int:
        """Episode length before truncation (0: never)."""
        return int(self._config.max_steps)

    @property
    def current_step(self) -> int:
        """Steps taken in the current episode."""
        return int(self._batch.current_step(self._game))

    @property
    def object_type_names(self) -> list[str]:
        """Name of each observed type_id ("" for unused ids)."""
        names = [""] * (max(self._config.object_type_ids, default=0) + 1)
        for name, type_id, is_agent in zip(
            self._config.object_names,
            self._config.object_type_ids,
            self._config.object_is_agent,
            strict=True,
        ):
            if not names[type_id]:
                names[type_id] = "agent" if is_agent else name
        return names

    @property
    def inventory_item_names(self) -> list[str]:
        """Item i's name."""
        return list(self._config.items)

    @property
    def action_success(self) -> list[bool]:
        """Per agent: whether its last action succeeded."""
        return list(self._batch.action_success(self._game))

    @property
    def grid_objects(self) -> dict[int, dict[str, Any]]:
        """Object id -> {id, type, type_name, r, c, layer, <feature name>: value, agent_id}."""
        return self._batch.grid_objects(self._game)

    def get_episode_rewards(self) -> npt.NDArray[np.float32]:
        """Per-agent reward totals of the current episode (after group sharing)."""
        return np.asarray(self._batch.episode_rewards(self._game), dtype=np.float32)

    def get_episode_stats(self) -> dict[str, Any]:
        """{"game": {...}, "agent": [one dict per agent], and for every other kind that counts
        stats, "<kind name>" (e.g. "converter", "chest"): [one dict per object of that kind]}."""
        return self._batch.episode_stats(self._game)

    def render(self, color: bool = False) -> str:
        """The grid as text, one character per cell (ANSI colours for agents if ``color``)."""
        codes, agent_ids = self._batch.grid_codes(self._game)
        return render_ansi(codes, agent_ids, list(self._config.object_names), color=color)
