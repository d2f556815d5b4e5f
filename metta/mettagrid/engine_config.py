"""The one conversion from a GameConfig (and a map of object names) to what the engine reads.

The engine sees plain dicts/lists of numbers and strings (a ``Params`` tree in C++); each object
kind and action reads its own fields from it. Which fields those are comes from the engine's
registry, so nothing here names a kind's or an action's fields.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel

from metta.mettagrid import _mettagrid
from metta.mettagrid.config import GameConfig
from metta.mettagrid.maps.ascii import parse_ascii_map
from metta.mettagrid.registry import ParamSpec, registry

__all__ = ["EMPTY_NAMES", "compile_game", "encode_map", "to_engine_params"]

EMPTY_NAMES = frozenset(registry().empty_cell_names)
"""Names a map cell may use for an empty cell (the engine's list)."""


def _fields(model: BaseModel, params: tuple[ParamSpec, ...]) -> dict[str, object]:
    """The registry fields of one kind or action, read from the model of the same field names."""
    dumped = model.model_dump()
    return {param.name: dumped[param.name] for param in params if param.name in dumped}


def _agent_params(config: GameConfig, group_name: str) -> dict[str, object]:
    group = config.groups[group_name]
    overrides = group.props.model_dump(exclude_none=True)
    agent = config.agent.model_copy(update=overrides)
    return {
        **_fields(agent, registry().kind("agent").params),
        "group_id": group.id,
        "group_name": group_name,
        "group_reward_pct": group.group_reward_pct,
    }


def to_engine_params(config: GameConfig) -> dict[str, object]:
    """GameConfig -> the engine's params dict: for each kind and action, the fields its registry
    entry declares (item tables stay {item name: value}; the engine checks the names)."""
    actions = []
    for key in registry().config_keys:
        action = getattr(config.actions, key)
        if action.enabled:
            actions.extend(
                {"name": handler.name, **_fields(action, handler.params)}
                for handler in registry().actions_for(key)
            )
    objects: list[dict[str, object]] = [
        {"name": f"agent.{group}", "kind": "agent", "params": _agent_params(config, group)}
        for group in config.groups
    ]
    objects.extend(
        {"name": name, "kind": obj.type, "params": _fields(obj, registry().kind(obj.type).params)}
        for name, obj in config.objects.items()
    )
    return {**_fields(config, registry().game_params), "actions": actions, "objects": objects}


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
    code_of = {name: index + 1 for index, name in enumerate(compiled.object_names)}
    codes = _known_codes(names, code_of)
    if codes is None:
        codes = _codes_naming_unknown(names, code_of)
    cells = np.ascontiguousarray(codes)
    agents = int(compiled.count_agents(cells))
    if num_agents is not None and agents != num_agents:
        raise ValueError(f"map: has {agents} agents, but num_agents is {num_agents}")
    return cells


def _known_codes(
    names: npt.NDArray[np.generic], code_of: dict[str, int]
) -> npt.NDArray[np.uint16] | None:
    """The cell codes of ``names``, found by binary search among the known names (the empty-cell
    names and the config's objects); None when some cell holds another name."""
    known = np.sort(np.array([*EMPTY_NAMES, *code_of], dtype=np.str_))
    table = np.array(
        [0 if name in EMPTY_NAMES else code_of[name] for name in known.tolist()], dtype=np.uint16
    )
    strings = names if names.dtype.kind == "U" else names.astype(np.str_)
    width = known.dtype.itemsize // 4
    if strings.dtype.itemsize // 4 > width:
        # Narrowed to the longest known name, which is lossless when no cell is longer.
        code_points = np.ascontiguousarray(strings).view(np.uint32).reshape(strings.size, -1)
        if np.count_nonzero(code_points[:, width:]):
            return None
        strings = strings.astype(known.dtype)
    index = np.searchsorted(known, strings)
    np.minimum(index, len(known) - 1, out=index)
    if not np.array_equal(known[index], strings):
        return None
    return table[index]


def _codes_naming_unknown(
    names: npt.NDArray[np.generic], code_of: dict[str, int]
) -> npt.NDArray[np.uint16]:
    """The cell codes of ``names`` name by name; ValueError naming the first unknown name (in
    sorted order) and its first cell."""
    unique, inverse = np.unique(names.astype(np.str_), return_inverse=True)
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
    return codes[inverse.reshape(names.shape)]
