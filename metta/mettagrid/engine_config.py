"""The one conversion from a GameConfig (and a map of object names) to what the engine reads.

The engine sees plain dicts/lists of numbers and strings (a ``Params`` tree in C++); each object
kind and action reads its own fields from it, so this file is the only place that knows both sides.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from metta.mettagrid import _mettagrid
from metta.mettagrid.config import ActionConfig, AttackActionConfig, GameConfig, per_item
from metta.mettagrid.maps.ascii import parse_ascii_map

__all__ = ["EMPTY_NAMES", "compile_game", "encode_map", "to_engine_params"]

EMPTY_NAMES = frozenset({"empty", ".", " ", ""})
DEFAULT_REWARD_CAP = 1000.0

# ActionsConfig field -> engine handler names (attack gives two handlers, as in the reference).
# A new action adds one line here, one field in ActionsConfig and one line in cpp registry.cpp.
_HANDLERS: dict[str, tuple[str, ...]] = {
    "noop": ("noop",),
    "move": ("move",),
    "rotate": ("rotate",),
    "put_items": ("put_recipe_items",),
    "get_items": ("get_output",),
    "attack": ("attack", "attack_nearest"),
    "swap": ("swap",),
    "change_color": ("change_color",),
    "chest_transfer": ("chest_transfer",),
}


def _per_item_float(items: list[str], table: dict[str, float], default: float) -> list[float]:
    return [table.get(item, default) for item in items]


def _action_params(items: list[str], name: str, action: ActionConfig) -> dict[str, object]:
    params: dict[str, object] = {
        "name": name,
        "required_resources": per_item(items, action.required_resources),
        "consumed_resources": per_item(items, action.consumed_resources),
    }
    if isinstance(action, AttackActionConfig):
        params["defense_resources"] = per_item(items, action.defense_resources)
    return params


def _agent_params(config: GameConfig, group_name: str) -> dict[str, object]:
    items = config.inventory_item_names
    group = config.groups[group_name]
    overrides = group.props.model_dump(exclude_none=True)
    agent = config.agent.model_copy(update=overrides)
    caps = {item: agent.item_max.get(item, agent.default_item_max) for item in items}
    return {
        "type_id": 0,
        "group_id": group.id,
        "group_name": group_name,
        "group_reward_pct": group.group_reward_pct,
        "freeze_duration": agent.freeze_duration,
        "action_failure_penalty": agent.action_failure_penalty,
        "exploration_reward": agent.exploration_reward,
        "max_items_per_type": [caps[item] for item in items],
        "resource_rewards": _per_item_float(items, agent.rewards, 0.0),
        "resource_reward_max": _per_item_float(items, agent.reward_max, DEFAULT_REWARD_CAP),
    }


def to_engine_params(config: GameConfig) -> dict[str, object]:
    """GameConfig -> the engine's params dict (items resolved to per-item lists)."""
    items = list(config.inventory_item_names)
    actions = []
    for key, handlers in _HANDLERS.items():
        action = getattr(config.actions, key)
        if action.enabled:
            actions.extend(_action_params(items, handler, action) for handler in handlers)
    objects: list[dict[str, object]] = [
        {"name": f"agent.{group}", "kind": "agent", "params": _agent_params(config, group)}
        for group in config.groups
    ]
    objects.extend(
        {"name": name, "kind": obj.type, "params": obj.engine_params(items)}
        for name, obj in config.objects.items()
    )
    return {
        "inventory_item_names": items,
        "max_steps": config.max_steps,
        "obs_width": config.obs_width,
        "obs_height": config.obs_height,
        "num_observation_tokens": config.num_observation_tokens,
        "actions": actions,
        "objects": objects,
    }


def compile_game(config: GameConfig) -> _mettagrid.CompiledConfig:
    """Compiles a GameConfig for the engine (ValueError naming the field on bad values)."""
    return _mettagrid.CompiledConfig(to_engine_params(config))


def encode_map(
    grid: npt.ArrayLike, compiled: _mettagrid.CompiledConfig, num_agents: int | None = None
) -> npt.NDArray[np.uint16]:
    """A [height, width] grid of object names (or ASCII map text) -> engine cell codes.

    Codes: 0 empty, k = config object k - 1. Raises ValueError for a non-2-D or empty grid, an
    unknown name or character (with its row and column), a map without agents, or one whose agent
    count differs from ``num_agents``.
    """
    names = parse_ascii_map(grid) if isinstance(grid, str) else np.asarray(grid)
    if names.ndim != 2:
        raise ValueError(f"map: expected a 2-D grid of object names, got shape {names.shape}")
    if names.size == 0:
        raise ValueError(f"map: empty map (shape {names.shape})")
    if names.dtype.kind not in "UO":
        raise ValueError(f"map: expected object-name strings, got dtype {names.dtype}")
    unique, inverse = np.unique(names.astype(np.str_), return_inverse=True)
    code_of = {name: index + 1 for index, name in enumerate(compiled.object_names)}
    codes = np.zeros(len(unique), dtype=np.uint16)
    for index, name in enumerate(unique):
        name_str = str(name)
        if name_str in EMPTY_NAMES:
            continue
        if name_str not in code_of:
            row, col = np.argwhere(names.astype(np.str_) == name_str)[0]
            known = sorted(code_of)
            raise ValueError(
                f"map: unknown object {name_str!r} at row {row}, column {col} (known: {known})"
            )
        codes[index] = code_of[name_str]
    cells = np.ascontiguousarray(codes[inverse.reshape(names.shape)])
    agents = int(compiled.count_agents(cells))
    if num_agents is not None and agents != num_agents:
        raise ValueError(f"map: has {agents} agents, but num_agents is {num_agents}")
    return cells
