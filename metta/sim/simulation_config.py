"""Evaluation configs: one simulation (a named env, episodes, time budget) and a suite of them.

Suite-level fields are defaults for its simulations: a simulation that sets a field itself wins.
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["SimulationSuiteConfig", "SingleEnvSimulationConfig"]


class SingleEnvSimulationConfig(BaseModel):
    """One evaluation: run a policy on a named environment for some episodes."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    env: str = "/env/mettagrid/simple"
    """A named environment or curriculum path (see metta.mettagrid.builtin_envs)."""
    num_episodes: int = Field(default=1, ge=1)
    """Episodes to finish."""
    max_time_s: float = Field(default=120.0, gt=0)
    """Wall-clock budget; the simulation stops early (keeping finished episodes) past it."""
    env_overrides: dict[str, Any] = Field(default_factory=dict)
    """Nested overrides of the env config (e.g. {"game": {"max_steps": 200}})."""
    num_agents: int = Field(default=4, ge=1)
    """Agents per game."""
    num_envs: int | None = Field(default=None, ge=1)
    """Games stepped together (default: num_episodes, at most 8)."""
    seed: int = Field(default=0, ge=0)
    """Seed of the env's maps and the curriculum."""
    baselines: bool | None = None
    """Also play the full-map oracle and a uniform-random policy on the same maps and report the
    normalized score (policy - random) / (oracle - random); None: whenever ``num_agents`` is 1
    (the oracle plans for one agent)."""
    baseline_episodes: int = Field(default=8, ge=1)
    """Episodes the random baseline is averaged over (the oracle plays as many)."""

    @property
    def wants_baselines(self) -> bool:
        """Whether this simulation reports oracle, random and normalized scores."""
        return self.num_agents == 1 if self.baselines is None else self.baselines

    @model_validator(mode="after")
    def _baselines_need_one_agent(self) -> Self:
        if self.baselines and self.num_agents != 1:
            raise ValueError(
                f"baselines=True needs num_agents=1 (the oracle plans for one agent), "
                f"got num_agents={self.num_agents}"
            )
        return self


_INHERITED = ("num_episodes", "max_time_s", "num_agents", "seed")


class SimulationSuiteConfig(BaseModel):
    """Named simulations run together; ``name/...`` prefixes group them into categories."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    name: str = "evaluation"
    """Suite name, for logs."""
    simulations: dict[str, SingleEnvSimulationConfig] = Field(default_factory=dict)
    """Simulations by name, e.g. "navigation/terrain_small"."""
    num_episodes: int | None = Field(default=None, ge=1)
    """Default num_episodes of every simulation that does not set it."""
    max_time_s: float | None = Field(default=None, gt=0)
    """Default max_time_s."""
    num_agents: int | None = Field(default=None, ge=1)
    """Default num_agents."""
    seed: int | None = Field(default=None, ge=0)
    """Default seed."""
    env_overrides: dict[str, Any] = Field(default_factory=dict)
    """Overrides applied under every simulation's own env_overrides."""

    @model_validator(mode="after")
    def _push_defaults(self) -> Self:
        for name, simulation in self.simulations.items():
            if not name or name.startswith("/") or name.endswith("/"):
                raise ValueError(f"simulations: bad simulation name {name!r}")
            updates: dict[str, Any] = {
                field: getattr(self, field)
                for field in _INHERITED
                if getattr(self, field) is not None and field not in simulation.model_fields_set
            }
            if self.env_overrides:
                updates["env_overrides"] = _deep_merge(self.env_overrides, simulation.env_overrides)
            if updates:
                merged = simulation.model_copy(update=updates)
                merged.model_fields_set.difference_update(updates)
                self.simulations[name] = merged
        return self


def _deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
