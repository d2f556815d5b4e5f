"""Fixtures of the training tests."""

import pytest
from training_configs import tiny_run_config


@pytest.fixture
def tiny_config(tmp_path):
    return tiny_run_config(tmp_path)
