"""Config overrides: nested and dotted keys merge; an empty mapping clears; typos are named."""

import pytest

from metta.common.overrides import expand_dotted, merge_overrides

BASE = {"game": {"max_steps": 10, "objects": {"altar": {"input": {"battery": 3}, "cooldown": 9}}}}


def is_open(path: str) -> bool:
    return path.endswith("objects")


def test_nested_and_dotted_keys_merge_into_the_base():
    merged = merge_overrides(BASE, expand_dotted({"game.objects.altar.cooldown": 2}), is_open)
    assert merged["game"]["objects"]["altar"] == {"input": {"battery": 3}, "cooldown": 2}
    assert merged["game"]["max_steps"] == 10
    assert BASE["game"]["objects"]["altar"]["cooldown"] == 9  # the base is not modified


def open_input(path: str) -> bool:
    return path.endswith(("objects", "input"))


def test_an_empty_mapping_clears_an_open_table_and_leaves_a_section_alone():
    merged = merge_overrides(BASE, {"game": {"objects": {"altar": {"input": {}}}}}, open_input)
    assert merged["game"]["objects"]["altar"] == {"input": {}, "cooldown": 9}
    assert merge_overrides(BASE, {"game": {}}, open_input) == BASE


def test_new_keys_only_in_open_tables():
    merged = merge_overrides(BASE, {"game": {"objects": {"chest": {"cooldown": 1}}}}, is_open)
    assert set(merged["game"]["objects"]) == {"altar", "chest"}
    with pytest.raises(ValueError, match=r"unknown field 'game\.max_stepz' \(fields here: "):
        merge_overrides(BASE, {"game": {"max_stepz": 1}}, is_open)
