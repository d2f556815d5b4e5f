"""Shared fixtures of the agent tests (helpers live in agent_fixtures.py)."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture
def generator() -> torch.Generator:
    return torch.Generator().manual_seed(1234)
