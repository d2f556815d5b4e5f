"""The Metta library API (seed/metta-api.md): every component of a training run, built directly.

This module only re-exports; each name lives in the package that owns it.
"""

from metta.agent.factory import attach_to_environment
from metta.agent.factory import make_policy as Agent  # noqa: N812  (the seed's factory name)
from metta.agent.policy_state import PolicyState
from metta.agent.policy_store import PolicyStore
from metta.common.profiling.stopwatch import Stopwatch
from metta.mettagrid.env_config import EnvConfig
from metta.mettagrid.environment import Environment
from metta.rl.advantage import compute_advantage
from metta.rl.experience import Experience
from metta.rl.kickstarter import Kickstarter
from metta.rl.losses import Losses
from metta.rl.optimizer import Optimizer
from metta.rl.rollout import accumulate_rollout_stats, perform_rollout_step
from metta.rl.run_directories import RunDirectories, save_experiment_config, setup_run_directories
from metta.rl.trainer_config import TrainerConfig
from metta.rl.update import calculate_anneal_beta, process_minibatch_update
from metta.sim.simulation import Simulation, SimulationSuite
from metta.sim.simulation_config import SimulationSuiteConfig, SingleEnvSimulationConfig

__all__ = [
    "Agent",
    "EnvConfig",
    "Environment",
    "Experience",
    "Kickstarter",
    "Losses",
    "Optimizer",
    "PolicyState",
    "PolicyStore",
    "RunDirectories",
    "Simulation",
    "SimulationSuite",
    "SimulationSuiteConfig",
    "SingleEnvSimulationConfig",
    "Stopwatch",
    "TrainerConfig",
    "accumulate_rollout_stats",
    "attach_to_environment",
    "calculate_anneal_beta",
    "compute_advantage",
    "perform_rollout_step",
    "process_minibatch_update",
    "save_experiment_config",
    "setup_run_directories",
]
