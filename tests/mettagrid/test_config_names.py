"""Config field names follow the engine: each ActionsConfig field is named after the action
handler it enables (the reference's put_items / get_items still load), and AgentOverrides is
AgentConfig with every field optional."""

from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from metta.mettagrid.config import (
    ActionConfig,
    ActionsConfig,
    AgentConfig,
    AgentOverrides,
    GameConfig,
)
from metta.mettagrid.engine_config import to_engine_params
from metta.mettagrid.registry import registry


@pytest.mark.parametrize("key", registry().config_keys)
def test_each_actions_field_is_named_after_its_handlers(key):
    names = [action.name for action in registry().actions_for(key)]
    expected = ["attack", "attack_nearest"] if key == "attack" else [key]
    assert names == expected


@pytest.mark.parametrize(
    ("reference", "field"), [("put_items", "put_recipe_items"), ("get_items", "get_output")]
)
def test_reference_action_names_still_load(reference, field):
    from_yaml = ActionsConfig.model_validate(yaml.safe_load(f"{reference}: {{enabled: false}}"))
    by_keyword = ActionsConfig(**{reference: ActionConfig(enabled=False)})
    by_new_name = ActionsConfig(**{field: ActionConfig(enabled=False)})
    for config in (from_yaml, by_keyword, by_new_name):
        assert not getattr(config, field).enabled
        assert field in config.model_dump()
        assert reference not in config.model_dump()
    actions = to_engine_params(GameConfig(actions=from_yaml))["actions"]
    assert field not in [action["name"] for action in actions]


def test_agent_overrides_are_agent_config_fields_made_optional():
    assert list(AgentOverrides.model_fields) == list(AgentConfig.model_fields)
    assert AgentOverrides().model_dump(exclude_none=True) == {}
    for name, field in AgentConfig.model_fields.items():
        override = AgentOverrides.model_fields[name]
        assert override.default is None
        assert f"AgentConfig.{name}: {field.description}" in override.description
    with pytest.raises(ValidationError, match="freeze_duration"):
        AgentOverrides(freeze_duration=-2)
    with pytest.raises(ValidationError, match=r"item_max\.heart"):
        AgentOverrides(item_max={"heart": 256})
    with pytest.raises(ValidationError, match="Extra inputs"):
        AgentOverrides(not_a_field=1)
