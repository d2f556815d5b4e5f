"""A tiny but complete training run configuration (seconds on a CPU)."""

from metta.rl.run_config import EnvSettings, LoggingSettings, RunConfig
from metta.rl.trainer_config import TrainerConfig
from metta.sim.simulation_config import SimulationSuiteConfig, SingleEnvSimulationConfig

ROOM = "/env/mettagrid/navigation/training/room"
SMALL_ROOM = {
    "game": {"max_steps": 16},
    "map_builder": {"width": 5, "height": 5, "agents": 2, "objects": {"altar": 2}},
}


def tiny_run_config(data_dir, run="tiny", total_timesteps=2048, **trainer_fields):
    """2 agents x 4 games in 5x5 rooms; epochs of 256 agent steps; every interval small."""
    trainer = {
        "total_timesteps": total_timesteps,
        "batch_size": 256,
        "minibatch_size": 128,
        "bptt_horizon": 8,
        "checkpoint": {"checkpoint_interval": 2},
        "simulation": {"evaluate_interval": 4, "replay_interval": 4},
        **trainer_fields,
    }
    return RunConfig(
        run=run,
        data_dir=str(data_dir),
        device="cpu",
        env=EnvSettings(curriculum_path=ROOM, num_agents=2, num_envs=4, env_overrides=SMALL_ROOM),
        agent="fast",
        trainer=TrainerConfig.model_validate(trainer),
        evaluation=SimulationSuiteConfig(
            num_episodes=2,
            num_agents=2,
            max_time_s=30,
            env_overrides=SMALL_ROOM,
            simulations={"room/small": SingleEnvSimulationConfig(env=ROOM)},
        ),
        logging=LoggingSettings(progress=False, system_stats_interval=1),
    )
