"""Typed game config for MettaGrid: items, agents and groups, actions, objects, window, rewards.

Every default is the reference's default game (spec/mettagrid.md §1.5, §7.3): an 11x11 window,
200 observation tokens, 1000 steps, the ten items, every action, and the building catalogue.

The engine's registry (``metta.mettagrid.registry``) is the source of truth for every field the
engine reads: each model here carries the same field names, bounds and defaults as the C++ class
it configures (tests/mettagrid/test_mettagrid_registry.py checks every field against it), and the
cross-field checks below walk the registry rather than naming kinds or actions.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, create_model, model_validator

from metta.mettagrid.registry import registry

__all__ = [
    "DEFAULT_ITEMS",
    "RESERVED_GROUP_NAMES",
    "ActionConfig",
    "ActionsConfig",
    "AgentConfig",
    "AgentOverrides",
    "AttackActionConfig",
    "ChestConfig",
    "ConverterConfig",
    "GameConfig",
    "GroupConfig",
    "ObjectConfig",
    "WallConfig",
    "default_objects",
]

RESERVED_GROUP_NAMES = frozenset({"own_team", "other_team", "from_own_team", "from_other_team"})
"""Words the attack stats put where a group name goes; no group may be called one of them."""

DEFAULT_ITEMS: tuple[str, ...] = (
    "ore_red",
    "ore_blue",
    "ore_green",
    "battery_red",
    "battery_blue",
    "battery_green",
    "heart",
    "armor",
    "laser",
    "blueprint",
)

Count = Annotated[int, Field(ge=0, le=255)]
Reward = Annotated[float, Field(ge=-1e9, le=1e9)]
NonNegative = Annotated[float, Field(ge=0.0, le=1e9)]
Ticks = Annotated[int, Field(ge=0, le=2**30)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class ActionConfig(_Strict):
    """One action: whether the policy gets it, and the items it needs and uses up."""

    enabled: bool = True
    """False removes the action from the action space."""
    required_resources: dict[str, Count] = Field(default_factory=dict)
    """Items the agent must hold (the consumed items are always required too)."""
    consumed_resources: dict[str, Count] = Field(default_factory=dict)
    """Items a successful action uses up; a failed action costs nothing."""


class AttackActionConfig(ActionConfig):
    """attack / attack_nearest: costs a laser; a target holding the defense items blocks it."""

    consumed_resources: dict[str, Count] = Field(default_factory=lambda: {"laser": 1})
    """Items a successful attack uses up."""
    defense_resources: dict[str, Count] = Field(default_factory=lambda: {"armor": 1})
    """Items that, all held by the target, block the attack (and are then removed)."""


class ActionsConfig(_Strict):
    """The action set: one field per engine action name (attack also enables attack_nearest).
    Action ids follow the engine registry, so ids never depend on this order."""

    model_config = ConfigDict(populate_by_name=True)

    noop: ActionConfig = Field(default_factory=ActionConfig)
    """Does nothing."""
    move: ActionConfig = Field(default_factory=ActionConfig)
    """Moves forward (arg 0) or backward (arg 1)."""
    rotate: ActionConfig = Field(default_factory=ActionConfig)
    """Faces up, down, left or right (arg 0..3)."""
    put_recipe_items: ActionConfig = Field(
        default_factory=ActionConfig,
        validation_alias=AliasChoices("put_recipe_items", "put_items"),
    )
    """Puts recipe inputs into the converter in front (``put_items`` in reference configs)."""
    get_output: ActionConfig = Field(
        default_factory=ActionConfig,
        validation_alias=AliasChoices("get_output", "get_items"),
    )
    """Takes outputs from the converter in front (``get_items`` in reference configs)."""
    attack: AttackActionConfig = Field(default_factory=AttackActionConfig)
    """attack (arg 1..9, a cell of the 3x3 block ahead) and attack_nearest."""
    swap: ActionConfig = Field(default_factory=ActionConfig)
    """Swaps places with a block or a frozen agent in front."""
    change_color: ActionConfig = Field(default_factory=ActionConfig)
    """Changes the agent's colour (arg 0..3)."""
    chest_transfer: ActionConfig = Field(default_factory=lambda: ActionConfig(enabled=False))
    """Extension example: deposit into (arg 0) or withdraw from (arg 1) the chest in front."""


class AgentConfig(_Strict):
    """Properties every agent starts from; groups may override them."""

    default_item_max: Count = 50
    """Inventory cap for items not listed in item_max."""
    item_max: dict[str, Count] = Field(default_factory=lambda: {"heart": 255})
    """Per-item inventory caps."""
    freeze_duration: int = Field(default=10, ge=-1, le=2**30)
    """Ticks an attacked agent stays frozen (-1: forever)."""
    rewards: dict[str, Reward] = Field(default_factory=lambda: {"heart": 1.0})
    """Reward per unit held of each item (paid on gain, taken back on loss)."""
    reward_max: dict[str, NonNegative] = Field(default_factory=dict)
    """Per-item cap on the counted quantity (default 1000)."""
    action_failure_penalty: NonNegative = 0.0
    """Reward subtracted for every failed or invalid action."""
    exploration_reward: NonNegative = 0.0
    """Reward paid each time the agent enters a cell it has not stood on this episode (its start
    cell counts as visited): a count-free novelty bonus that teaches covering ground; 0 is off."""
    observe_visits: bool = False
    """Observe ``agent:visits``: how many times this episode the agent entered each window cell
    within ``observe_visits_radius`` steps of it (its start cell counts once; cells never entered
    send no token), a memory of where it has been that the map view alone does not give."""
    observe_visits_radius: int = Field(default=1, ge=1, le=60)
    """Manhattan radius of the observed visit counts: 1 is the agent's own cell and the four next
    to it; 10 covers an 11x11 window (the window clips larger radii)."""


def _optional_fields(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s fields as create_model arguments, each optional with default None and the same
    bounds (None keeps the value the field would have had)."""
    fields: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        bounded = field.annotation
        if field.metadata:
            bounded = Annotated[field.annotation, *field.metadata]
        doc = f"See {model.__name__}.{name}: {field.description}"
        fields[name] = (bounded | None, Field(default=None, description=doc))
    return fields


AgentOverrides = create_model(
    "AgentOverrides",
    __base__=_Strict,
    __doc__="Group-specific replacements of AgentConfig fields (None keeps the agent default).",
    __module__=__name__,
    **_optional_fields(AgentConfig),
)


class GroupConfig(_Strict):
    """A team of agents; its map cells are named ``agent.<group name>``."""

    id: Count = 0
    """Group id, observed as agent:group."""
    group_reward_pct: float = Field(default=0.0, ge=0.0, le=1.0)
    """Share of each member's reward pooled and split evenly across the group."""
    props: AgentOverrides = Field(default_factory=AgentOverrides)
    """Agent properties that differ for this group."""


class WallConfig(_Strict):
    """Wall (an obstacle) or, when swappable, a block the swap action pushes."""

    type: Literal["wall"] = "wall"
    """Object kind discriminator."""
    type_id: Count = 1
    """Observed type_id."""
    swappable: bool = False
    """Whether swap can move it."""


class ConverterConfig(_Strict):
    """A building that turns input items into output items over time."""

    type: Literal["converter"] = "converter"
    """Object kind discriminator."""
    type_id: Count
    """Observed type_id."""
    input_resources: dict[str, Count] = Field(default_factory=dict)
    """Items one conversion consumes."""
    output_resources: dict[str, Count] = Field(default_factory=dict)
    """Items one conversion produces."""
    max_output: int = Field(default=5, ge=-1, le=2**20)
    """No conversion starts while this many output items wait (-1: unlimited)."""
    conversion_ticks: Ticks = 1
    """Steps one conversion takes."""
    cooldown: Ticks = 0
    """Steps to wait after a conversion before the next."""
    initial_items: Count = 0
    """Count of every output item at the start."""
    color: Count = 0
    """Observed colour."""

    @model_validator(mode="after")
    def _no_instant_loop(self) -> Self:
        if self.conversion_ticks == 0 and self.cooldown == 0:
            raise ValueError(
                "conversion_ticks and cooldown cannot both be 0 (the converter would restart "
                "forever within one step)"
            )
        return self


class ChestConfig(_Strict):
    """Extension example: a container that stores any item."""

    type: Literal["chest"] = "chest"
    """Object kind discriminator."""
    type_id: Count = 15
    """Observed type_id."""
    capacity: int = Field(default=255, ge=1, le=255)
    """Most of each item it holds."""


ObjectConfig = Annotated[WallConfig | ConverterConfig | ChestConfig, Field(discriminator="type")]


def default_objects() -> dict[str, ObjectConfig]:
    """The reference's object catalogue (spec §1.5): walls, block and every building."""

    def building(
        type_id: int, inputs: dict[str, int], outputs: dict[str, int], cooldown: int, color: int = 0
    ) -> ConverterConfig:
        return ConverterConfig(
            type_id=type_id,
            input_resources=inputs,
            output_resources=outputs,
            cooldown=cooldown,
            color=color,
        )

    return {
        "wall": WallConfig(type_id=1),
        "block": WallConfig(type_id=14, swappable=True),
        "mine_red": building(2, {}, {"ore_red": 1}, 50, 0),
        "mine_blue": building(3, {}, {"ore_blue": 1}, 50, 1),
        "mine_green": building(4, {}, {"ore_green": 1}, 50, 2),
        "generator_red": building(5, {"ore_red": 1}, {"battery_red": 1}, 25, 0),
        "generator_blue": building(6, {"ore_blue": 1}, {"battery_blue": 1}, 25, 1),
        "generator_green": building(7, {"ore_green": 1}, {"battery_green": 1}, 25, 2),
        "altar": building(8, {"battery_red": 3}, {"heart": 1}, 10),
        "armory": building(9, {"ore_red": 3}, {"armor": 1}, 10),
        "lasery": building(10, {"ore_red": 1, "battery_red": 2}, {"laser": 1}, 10),
        "lab": building(11, {"ore_red": 3, "battery_red": 3}, {"blueprint": 1}, 5),
        "factory": building(
            12, {"blueprint": 1, "ore_red": 5, "battery_red": 5}, {"armor": 5, "laser": 5}, 5
        ),
        "temple": building(13, {"heart": 1, "blueprint": 1}, {"heart": 5}, 5),
    }


class GameConfig(_Strict):
    """One MettaGrid game. ``GameConfig()`` is the reference's default game."""

    inventory_item_names: list[str] = Field(default_factory=lambda: list(DEFAULT_ITEMS))
    """Item names; item i is observed as feature inv:<name> with id 12 + i."""
    num_agents: int | None = Field(default=None, ge=1)
    """If set, every map must hold exactly this many agents."""
    max_steps: int = Field(default=1000, ge=0, le=2**31)
    """Steps after which the episode is truncated (0: never)."""
    obs_width: int = Field(default=11, ge=1, le=15)
    """Observation window width (at most 15: locations pack into 4 bits)."""
    obs_height: int = Field(default=11, ge=1, le=15)
    """Observation window height (at most 15)."""
    num_observation_tokens: int = Field(default=200, ge=4, le=2**16)
    """Tokens per agent observation (the first four are global tokens)."""
    agent: AgentConfig = Field(default_factory=AgentConfig)
    """Agent defaults."""
    groups: dict[str, GroupConfig] = Field(default_factory=lambda: {"agent": GroupConfig(id=0)})
    """Agent groups by name; map cells ``agent.<name>``."""
    actions: ActionsConfig = Field(default_factory=ActionsConfig)
    """The action set."""
    objects: dict[str, ObjectConfig] = Field(default_factory=default_objects)
    """Non-agent objects by map cell name."""

    @model_validator(mode="after")
    def _check_names(self) -> Self:
        items = self.inventory_item_names
        if len(set(items)) != len(items):
            raise ValueError("inventory_item_names: duplicate item names")
        max_items = registry().limits["max_items"]
        if len(items) > max_items:
            raise ValueError(f"inventory_item_names: at most {max_items} items")
        known = set(items)

        def check(path: str, model: BaseModel, params: object) -> None:
            # Every item table the registry declares for this kind or action.
            for param in params:
                table = getattr(model, param.name, None)
                if not param.is_table or table is None:
                    continue
                for name in table:
                    if name not in known:
                        raise ValueError(
                            f"{path}.{param.name}: unknown item {name!r} (items: {items})"
                        )

        agent_params = registry().kind("agent").params
        check("agent", self.agent, agent_params)
        for group_name, group in self.groups.items():
            check(f"groups.{group_name}.props", group.props, agent_params)
        for key in ActionsConfig.model_fields:
            for action in registry().actions_for(key):
                check(f"actions.{key}", getattr(self.actions, key), action.params)
        reserved = set(registry().empty_cell_names)
        for object_name, obj in self.objects.items():
            if object_name.startswith("agent.") or object_name in reserved:
                raise ValueError(f"objects.{object_name}: reserved name (agents are groups)")
            check(f"objects.{object_name}", obj, registry().kind(obj.type).params)
        return self

    @model_validator(mode="after")
    def _check_groups_and_actions(self) -> Self:
        if not self.groups:
            raise ValueError("groups: at least one agent group is needed")
        for name in self.groups:
            # Group names end stat names (attack.win.<g>.<target g>, ...): a dot, or a word the
            # attack stats use between dots, would make two different stats share one name.
            if not name or not name.replace("_", "").isalnum():
                raise ValueError(f"groups: group name {name!r} must be letters, digits or _")
            if name in RESERVED_GROUP_NAMES:
                raise ValueError(
                    f"groups: {name!r} is reserved (attack stats use it); pick another group name"
                )
        ids = [group.id for group in self.groups.values()]
        if len(set(ids)) != len(ids):
            raise ValueError(f"groups: group ids must be unique, got {ids}")
        if not any(getattr(self.actions, name).enabled for name in ActionsConfig.model_fields):
            raise ValueError("actions: at least one action must be enabled")
        return self
