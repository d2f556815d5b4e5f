"""The seed's Quick Start (seed/metta-api.md) runs as written.

The seed leaves some names undefined (experience, timer, agent_step, epoch, kickstarter, losses,
the arguments of process_minibatch_update); they are filled in here the way the seed's other
sections describe. Two additions keep CI short: one training iteration, not 10M steps, and the
advantages for each epoch computed with compute_advantage exactly as the seed's compute_advantage
section shows.
"""

import torch
from omegaconf import DictConfig


def test_seed_quick_start(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("METTA_RUN", "quickstart")
    # --- the seed's Quick Start, as written ---------------------------------------------------
    from metta.agent.policy_store import PolicyStore  # noqa: PLC0415
    from metta.api import (  # noqa: PLC0415
        Agent,
        Environment,
        Optimizer,
        accumulate_rollout_stats,
        calculate_anneal_beta,
        compute_advantage,
        perform_rollout_step,
        process_minibatch_update,
        save_experiment_config,
        setup_run_directories,
    )
    from metta.common.profiling.stopwatch import Stopwatch  # noqa: PLC0415
    from metta.rl.experience import Experience  # noqa: PLC0415
    from metta.rl.kickstarter import Kickstarter  # noqa: PLC0415
    from metta.rl.losses import Losses  # noqa: PLC0415
    from metta.rl.trainer_config import TrainerConfig  # noqa: PLC0415

    # Set up directories
    dirs = setup_run_directories()
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    # Create environment and agent
    env = Environment(num_agents=4, width=32, height=32, device=str(device))
    agent = Agent(env, device=str(device))

    # Create trainer config
    trainer_config = TrainerConfig(
        total_timesteps=10_000_000,
        batch_size=16384,
        minibatch_size=512,
    )

    # Save experiment config
    save_experiment_config(dirs, device, trainer_config)

    # Create policy store
    policy_store = PolicyStore(
        DictConfig(
            {
                "device": str(device),
                "policy_cache_size": 10,
                "trainer": {
                    "checkpoint": {
                        "checkpoint_dir": dirs.checkpoint_dir,
                    }
                },
            }
        ),
        wandb_run=None,
    )

    # Create optimizer
    optimizer = Optimizer(
        optimizer_type="adam",
        policy=agent,
        learning_rate=3e-4,
    )

    # --- names the seed leaves undefined -------------------------------------------------------
    experience = Experience(
        total_agents=env.num_agents,
        batch_size=trainer_config.batch_size,
        bptt_horizon=trainer_config.bptt_horizon,
        minibatch_size=trainer_config.minibatch_size,
        obs_space=env.single_observation_space,
        atn_space=env.single_action_space,
        device=device,
        hidden_size=agent.hidden_size,
        num_lstm_layers=agent.core_num_layers,
    )
    kickstarter = Kickstarter(
        trainer_config.kickstart, device, policy_store, env.action_names, env.max_action_args
    )
    losses = Losses()
    timer = Stopwatch()
    agent_step, epoch, iterations, stats = 0, 0, 0, {}
    env.reset(seed=0)

    # Training loop (the seed's, plus the advantage step its compute_advantage section shows)
    while agent_step < trainer_config.total_timesteps and iterations < 1:
        # Rollout phase
        experience.reset_for_rollout()
        while not experience.ready_for_training:
            num_steps, info = perform_rollout_step(agent, env, experience, device, timer)
            agent_step += num_steps
            accumulate_rollout_stats(info, stats)

        # Training phase
        losses.zero()
        experience.reset_importance_sampling_ratios()
        experience.prio_beta = calculate_anneal_beta(
            epoch, trainer_config.total_timesteps, trainer_config.batch_size, 0.0, 0.6
        )
        advantages = torch.zeros(experience.values.shape, device=device)
        initial_importance_sampling_ratio = torch.ones_like(experience.values)
        advantages = compute_advantage(
            experience.values,
            experience.rewards,
            experience.terminals,
            initial_importance_sampling_ratio,
            advantages,
            trainer_config.ppo.gamma,
            trainer_config.ppo.gae_lambda,
            trainer_config.vtrace.vtrace_rho_clip,
            trainer_config.vtrace.vtrace_c_clip,
            device,
        )
        experience.advantages = advantages
        for epoch in range(trainer_config.update_epochs):
            for minibatch in experience.iter_minibatches():
                loss = process_minibatch_update(
                    agent,
                    experience,
                    minibatch,
                    advantages,
                    trainer_config,
                    kickstarter,
                    agent_step,
                    losses,
                    device,
                )
                optimizer.step(loss, epoch)
        iterations += 1

    # --- what the run produced ------------------------------------------------------------------
    assert agent_step >= trainer_config.batch_size
    assert (
        losses.minibatches_processed == trainer_config.batch_size // trainer_config.minibatch_size
    )
    assert torch.isfinite(torch.tensor(losses.stats()["policy_loss"]))
    assert (tmp_path / "quickstart" / "config.yaml").exists()
    name = policy_store.make_model_name(1)
    record = policy_store.create_empty_policy_record(name)
    record.metadata = {"agent_step": agent_step, "epoch": 1, "score": 0.5}
    record.policy = agent
    saved = policy_store.save(record)
    loaded = policy_store.policy_record(saved.uri)
    assert loaded.metadata["score"] == 0.5
    env.close()
