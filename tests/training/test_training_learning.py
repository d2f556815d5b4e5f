"""A short seeded run on a tiny navigation room: the mean episode reward clearly rises."""

import numpy as np

from metta.rl.run_config import EnvSettings, LoggingSettings, RunConfig
from metta.rl.trainer import train
from metta.rl.trainer_config import TrainerConfig


def test_mean_episode_reward_rises(tmp_path):
    # One agent, four altars in a 6x6 room, 32 steps. The altars refill without inputs here (the
    # navigation altar pays once; an empty input_resources clears its battery recipe), so each
    # pays two hearts on a first visit: random play finds about half a heart per episode, a
    # trained agent about one.
    room = {"width": 6, "height": 6, "agents": 1, "objects": {"altar": 4}}
    altar = {"input_resources": {}, "cooldown": 255}
    config = RunConfig(
        run="learning",
        data_dir=str(tmp_path),
        device="cpu",
        seed=1,
        env=EnvSettings(
            curriculum_path="/env/mettagrid/navigation/training/room",
            num_agents=1,
            num_envs=16,
            env_overrides={
                "game": {"max_steps": 32, "objects": {"altar": altar}},
                "map_builder": room,
            },
        ),
        agent="fast",
        trainer=TrainerConfig.model_validate(
            {
                "total_timesteps": 30_000,
                "batch_size": 2048,
                "minibatch_size": 512,
                "bptt_horizon": 16,
                "update_epochs": 4,
                "optimizer": {"learning_rate": 0.002},
                "ppo": {"ent_coef": 0.01, "gamma": 0.95, "gae_lambda": 0.9},
                "checkpoint": {"checkpoint_interval": 1000},
                "simulation": {"evaluate_interval": 0, "replay_interval": 0},
            }
        ),
        logging=LoggingSettings(progress=False),
    )
    rewards = [reward for _, reward in train(config).reward_history]
    first, last = np.mean(rewards[:5]), np.mean(rewards[-5:])
    assert len(rewards) >= 12
    assert last > first + 0.25, rewards
    assert last > 0.8, rewards
