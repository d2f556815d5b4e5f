"""The ready-made trainer: the seed's "Training Flow in run.py", written once.

Setup (directories, config, seeds, torchrun) -> components (env, agent, policy store, optimizer,
experience, kickstarter, monitors) -> resume from the run's last checkpoint when there is one ->
loop: rollout phase, training phase, periodic tasks (checkpoint, evaluation, replay, metrics,
L2-init reference update) -> cleanup. ``run.py`` and ``metta train`` both call ``train``.

Crash safety: every file is written atomically; a policy is saved before the trainer state that
points at it, so a run killed at any moment (kill -9 included) resumes from a consistent pair.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import yaml

from metta.agent import MettaAgent, attach_to_environment, make_policy
from metta.agent.distributed import DistributedMettaAgent
from metta.agent.policy_store import PolicyStore
from metta.common.allocator import keep_freed_memory
from metta.common.atomic_file import atomic_write_text, remove_stale_temporaries
from metta.common.metric_logger import MetricLogger
from metta.common.monitoring import MemoryMonitor, SystemMonitor
from metta.common.profiling.stopwatch import Stopwatch
from metta.common.profiling.torch_profiler import TorchProfiler
from metta.common.progress import ProgressDisplay
from metta.mettagrid.environment import CurriculumVecEnv, Environment
from metta.mettagrid.replays import write_replay_html
from metta.rl.distributed import DistributedContext, setup_distributed
from metta.rl.experience import Experience
from metta.rl.kickstarter import Kickstarter
from metta.rl.losses import Losses
from metta.rl.lr_scheduler import LRScheduler
from metta.rl.optimizer import Optimizer
from metta.rl.rollout import accumulate_rollout_stats, collect_rollout, summarize_rollout_stats
from metta.rl.run_config import RunConfig
from metta.rl.run_directories import RunDirectories, save_experiment_config, setup_run_directories
from metta.rl.trainer_checkpoint import (
    TrainerCheckpoint,
    load_trainer_state,
    save_trainer_state,
    select_start_policy,
)
from metta.rl.trainer_config import TrainerConfig, TrainerPaths
from metta.rl.training_phase import train_on_experience
from metta.rl.update import gradient_stats
from metta.sim.explorer import ExplorerTeam
from metta.sim.simulation import Simulation, SimulationSuite, suite_scores
from metta.sim.simulation_config import SingleEnvSimulationConfig
from metta.sim.stats_db import EvalStatsDB

__all__ = ["TrainResult", "train"]

logger = logging.getLogger(__name__)

RUN_CONFIG_FILE = "run_config.yaml"


@dataclass
class TrainResult:
    """What a finished (or resumed and finished) run reports."""

    run_dir: Path
    agent_step: int
    epoch: int
    policy_uri: str | None
    reward_history: list[tuple[int, float]] = field(default_factory=list)
    """(agent_step, mean episode return) after every epoch with finished episodes."""
    eval_scores: dict[str, float] = field(default_factory=dict)
    """Latest evaluation scores by category and simulation."""
    resumed_from_step: int = 0


def _crossed(before: int, after: int, interval: int) -> bool:
    """Whether a multiple of ``interval`` lies in (before, after] (epochs can jump by several)."""
    return interval > 0 and after // interval > before // interval


class _Run:
    """State of one training run; each method is one named phase of ``train``."""

    def __init__(self, config: RunConfig, context: DistributedContext) -> None:
        self.config = config
        self.context = context
        self.device = context.device
        self.agent_step = 0
        self.epoch = 0
        self.resumed_from_step = 0
        self.reward_history: list[tuple[int, float]] = []
        self.eval_scores: dict[str, float] = {}
        self.latest_policy_uri: str | None = None
        self.saved_epoch = -1
        self.evaluated_epoch = -1
        self.previous_torch_threads: int | None = None

    # 1. Setup ------------------------------------------------------------------------------------
    def setup(self) -> None:
        """Run directories, resolved trainer config, saved configuration, seeds."""
        self.dirs: RunDirectories = setup_run_directories(self.config.run, self.config.data_dir)
        self.trainer_cfg: TrainerConfig = self.config.trainer
        self.paths: TrainerPaths = self.trainer_cfg.paths(self.dirs)
        if self.context.is_master:
            # A run killed mid-write (kill -9) leaves its temporaries; the files they were
            # replacing are whole, so the leftovers only need removing.
            for folder in (
                self.dirs.run_dir,
                self.paths.checkpoint_dir,
                self.paths.replay_dir,
                self.dirs.stats_dir,
            ):
                for path in remove_stale_temporaries(folder):
                    logger.info("removed %s, left by an interrupted write", path)
            atomic_write_text(
                Path(self.dirs.run_dir) / RUN_CONFIG_FILE,
                yaml.safe_dump(self.config.model_dump(mode="json"), sort_keys=False),
            )
        torch.manual_seed(self.config.seed + self.context.rank)
        keep = self.trainer_cfg.performance.malloc_keep_mb
        if keep is not None and not keep_freed_memory(keep):
            logger.info("performance.malloc_keep_mb: not applied (needs Linux with glibc)")
        threads = self.trainer_cfg.performance.resolved_cpu_threads()
        if threads is not None and torch.device(self.device).type == "cpu":
            self.previous_torch_threads = torch.get_num_threads()  # restored by close()
            torch.set_num_threads(threads)
        logger.info("run %s in %s on %s", self.dirs.run_name, self.dirs.run_dir, self.device)

    # 2. Components -------------------------------------------------------------------------------
    def create_components(self) -> None:
        """Environment, agent (new or resumed), optimizer, experience, kickstarter, monitors."""
        env_cfg, cfg = self.config.env, self.trainer_cfg
        self.env: CurriculumVecEnv = Environment(
            curriculum_path=env_cfg.curriculum_path,
            num_agents=env_cfg.num_agents,
            num_envs=env_cfg.num_envs,
            num_workers=env_cfg.num_workers,
            seed=self.config.seed + 1000 * self.context.rank,
            is_training=True,
            device=self.device,
            env_overrides=env_cfg.env_overrides,
        )
        self.policy_store = PolicyStore.create(
            self.device, self.paths.checkpoint_dir, policy_cache_size=10
        )
        checkpoint = TrainerCheckpoint.load(self.paths.checkpoint_dir)
        record = select_start_policy(self.policy_store, cfg, checkpoint)
        if record is not None:
            self.agent: MettaAgent = attach_to_environment(
                record.policy, self.env, self.device, True
            )
            logger.info("starting from policy %s", record.uri)
        else:
            self.agent = make_policy(
                self.env, self.config.agent, self.device, seed=self.config.seed
            )
        self.optimizer = Optimizer.from_config(self.agent, cfg)
        self.lr_scheduler = LRScheduler.from_config(self.optimizer, cfg, self.context.world_size)
        self.kickstarter = Kickstarter(
            cfg.kickstart,
            self.device,
            self.policy_store,
            self.env.action_names,
            self.env.max_action_args,
            features=self.env.driver_env.get_observation_features(),
        )
        scripted = cfg.kickstart.scripted_teacher
        self.teacher = (
            ExplorerTeam(
                self.env,
                altars_only=scripted == "navigation_explorer_altars",
                backward="move_1" not in self.agent.agent_config.disabled_actions,
            )
            if scripted is not None
            else None
        )
        self.timer = Stopwatch(logger)
        if checkpoint is not None:
            self._resume()
        self.experience = Experience.from_trainer_config(
            cfg, self.env, self.device, self.agent.hidden_size, self.agent.core_num_layers,
            teacher_actions=self.teacher is not None,
        )  # fmt: skip
        self.policy: torch.nn.Module = (
            DistributedMettaAgent(self.agent, self.device)
            if self.context.distributed
            else self.agent
        )
        if cfg.performance.compile_policy:
            self.policy = torch.compile(self.policy)
        self.losses = Losses()
        self.profiler = TorchProfiler.from_config(cfg.profiler, self.paths.profile_dir)
        if self.context.is_master:  # the agent's resolved config, not just its preset name
            save_experiment_config(
                self.dirs, self.device, cfg, self.config.env, self.agent.agent_config
            )
        self._create_monitors()

    def _resume(self) -> None:
        state = load_trainer_state(
            self.paths.checkpoint_dir,
            optimizer=self.optimizer,
            lr_scheduler=self.lr_scheduler,
            kickstarter=self.kickstarter if self.kickstarter.enabled else None,
            stopwatch=self.timer,
            map_location="cpu",  # optimizer state follows its parameters' device when loaded
        )
        self.agent_step, self.epoch = state.agent_step, state.epoch
        self.resumed_from_step = state.agent_step
        self.latest_policy_uri = state.policy_path
        self.saved_epoch = state.epoch
        logger.info("resumed at agent step %d, epoch %d", self.agent_step, self.epoch)

    def _create_monitors(self) -> None:
        self.memory_monitor = MemoryMonitor()
        self.memory_monitor.add(self.experience, "experience", track_attributes=False)
        self.memory_monitor.add(self.agent, "policy")
        self.system_monitor: SystemMonitor | None = None
        self.metric_logger: MetricLogger | None = None
        self.progress: ProgressDisplay | None = None
        if not self.context.is_master:
            return
        settings = self.config.logging
        self.system_monitor = SystemMonitor(sampling_interval_sec=5.0)
        self.metric_logger = MetricLogger(
            self.dirs.run_dir,
            tensorboard=settings.tensorboard,
            wandb_project=settings.wandb_project,
            wandb_mode=settings.wandb_mode,
            run_name=self.dirs.run_name,
            config=self.config.model_dump(mode="json"),
        )
        if settings.progress:
            self.progress = ProgressDisplay(self.trainer_cfg.total_timesteps)
        self.stats_db = EvalStatsDB(Path(self.dirs.stats_dir) / "eval.sqlite")

    # 3. Training loop ----------------------------------------------------------------------------
    def training_loop(self) -> None:
        """Rollout, training and periodic tasks until total_timesteps agent steps."""
        self.env.reset()
        while self.agent_step < self.trainer_cfg.total_timesteps:
            epoch_before, started = self.epoch, time.monotonic()
            with self.profiler.profile_epoch(self.epoch):
                rollout_stats, rollout_seconds = self.rollout_phase()
                self.training_phase()
            seconds = time.monotonic() - started
            self.periodic_tasks(epoch_before, rollout_stats, rollout_seconds, seconds)

    def rollout_phase(self) -> tuple[dict[str, float], float]:
        """Fills the experience buffer; returns the episode statistics and the seconds taken."""
        started = time.monotonic()
        with self.timer("_rollout"):
            steps, infos = collect_rollout(
                self.policy, self.env, self.experience, self.device, self.timer, self.teacher,
                inference_mode=self.trainer_cfg.performance.rollout_inference_mode,
            )  # fmt: skip
        self.agent_step += steps * self.context.world_size
        raw: dict[str, Any] = {}
        accumulate_rollout_stats(infos, raw)
        stats = summarize_rollout_stats(raw)
        returns = [float(i["episode_return"]) for i in infos if not i.get("desync_episode")]
        if returns:
            self.reward_history.append((self.agent_step, float(np.mean(returns))))
            stats["episode_return"] = float(np.mean(returns))
        return stats, time.monotonic() - started

    def training_phase(self) -> None:
        """Advantages, PPO epochs over prioritised minibatches, KL early stop, LR schedule."""
        epoch_before = self.epoch
        with self.timer("_train"):
            self.epoch = train_on_experience(
                self.policy,
                self.experience,
                self.optimizer,
                self.trainer_cfg,
                self.losses,
                self.device,
                epoch=self.epoch,
                agent_step=self.agent_step,
                kickstarter=self.kickstarter if self.kickstarter.enabled else None,
                lr_scheduler=self.lr_scheduler,
                timer=self.timer,
            )
        self.agent.maybe_update_l2_init_weight_copy(self.epoch, previous_epoch=epoch_before)

    # 4. Periodic tasks ---------------------------------------------------------------------------
    def periodic_tasks(
        self, epoch_before: int, rollout_stats: dict[str, float], rollout_s: float, epoch_s: float
    ) -> None:
        """Metrics every epoch; evaluation, checkpoint and replay on their intervals."""
        cfg, epoch = self.trainer_cfg, self.epoch
        metrics = self._epoch_metrics(epoch_before, rollout_stats, rollout_s, epoch_s)
        checkpoint_due = _crossed(epoch_before, epoch, cfg.checkpoint.checkpoint_interval)
        if _crossed(epoch_before, epoch, cfg.simulation.evaluate_interval):
            # Evaluated before saving so the checkpoint carries these scores; stored under the
            # URI this epoch's checkpoint is about to get (or the run and epoch when none is due).
            self.evaluate(self._policy_uri_for_epoch(checkpoint_due))
            metrics.update({f"eval/{k}": v for k, v in self.eval_scores.items()})
        if checkpoint_due:
            self.save_checkpoint()
        if _crossed(epoch_before, epoch, cfg.simulation.replay_interval):
            self.generate_replay()
        if self.metric_logger is not None:
            self.metric_logger.log(metrics, step=self.agent_step)
        if self.progress is not None:
            shown = {
                **self.losses.stats(),
                "reward": rollout_stats.get("episode_return", float("nan")),
            }
            self.progress.update(
                self.agent_step,
                epoch,
                metrics["overview/sps"],
                shown,
                rollout_s / max(epoch_s, 1e-9),
            )

    def _epoch_metrics(
        self, epoch_before: int, rollout_stats: dict[str, float], rollout_s: float, epoch_s: float
    ) -> dict[str, float]:
        steps = self.experience.batch_size * self.context.world_size
        metrics: dict[str, float] = {
            "overview/sps": steps / max(epoch_s, 1e-9),
            "overview/rollout_fraction": rollout_s / max(epoch_s, 1e-9),
            "metric/agent_step": self.agent_step,
            "metric/epoch": self.epoch,
            "parameters/learning_rate": self.optimizer.param_groups[0]["lr"],
        }
        if "episode_return" in rollout_stats:
            metrics["overview/reward"] = rollout_stats["episode_return"]
        metrics.update({f"losses/{k}": v for k, v in self.losses.stats().items()})
        metrics.update({f"experience/{k}": v for k, v in self.experience.stats().items()})
        metrics.update({f"env/{k}": v for k, v in rollout_stats.items()})
        metrics.update({f"timing/{k}": v for k, v in self.timer.get_all_elapsed().items()})
        interval = self.trainer_cfg.grad_mean_variance_interval
        if _crossed(epoch_before, self.epoch, interval):
            metrics.update(gradient_stats(self.agent))
        analyze = getattr(self.agent, "analyze_weights_interval", 0)
        if _crossed(epoch_before, self.epoch, analyze):
            metrics.update({f"weights/{k}": v for k, v in self._weight_metrics().items()})
        system_interval = self.config.logging.system_stats_interval
        if self.system_monitor is not None and _crossed(epoch_before, self.epoch, system_interval):
            metrics.update({f"monitor/{k}": v for k, v in self.system_monitor.stats().items()})
            metrics.update(
                {f"trainer_memory/{k}": v for k, v in self.memory_monitor.stats().items()}
            )
        return {k: float(v) for k, v in metrics.items() if isinstance(v, int | float)}

    def _weight_metrics(self) -> dict[str, float]:
        flat: dict[str, float] = {}
        for layer in self.agent.compute_weight_metrics():
            name = str(layer.get("name", "layer"))
            flat.update({f"{k}/{name}": v for k, v in layer.items() if isinstance(v, int | float)})
        return flat

    def _policy_uri_for_epoch(self, checkpoint_due: bool) -> str:
        """The URI the current weights are (or are about to be) known by."""
        if self.saved_epoch == self.epoch and self.latest_policy_uri:
            return self.latest_policy_uri
        if checkpoint_due:
            name = self.policy_store.make_model_name(self.epoch)
            return self.policy_store.create_empty_policy_record(name).uri
        return f"run://{self.dirs.run_name}/epoch_{self.epoch}"

    def evaluate(self, uri: str | None = None) -> None:
        """Runs the evaluation suite (rank 0) on the current weights, filed under ``uri``;
        scores per category and per simulation."""
        if not self.context.is_master or not self.config.evaluation.simulations:
            return
        with self.timer("_evaluate_policy"):
            uri = uri or self._policy_uri_for_epoch(checkpoint_due=False)
            results = SimulationSuite(
                self.config.evaluation,
                self.agent,
                self.device,
                policy_uri=uri,
                policy_epoch=self.epoch,
                stats_db=self.stats_db,
            ).run()
            categories = self.stats_db.category_scores(uri, policy_epoch=self.epoch)
            simulations = self.stats_db.simulation_scores(uri, policy_epoch=self.epoch)
        # The stats database already gives each simulation's reward under its bare name.
        baselines = {k: v for k, v in suite_scores(results).items() if not k.endswith("/reward")}
        category_scores = {f"{k}/score": v for k, v in categories.items()}
        self.eval_scores = category_scores | simulations | baselines
        self.evaluated_epoch = self.epoch
        if "normalized_score/mean" in self.eval_scores:
            logger.info(
                "evaluation at epoch %d: normalized score %.3f (suite mean; 0 = random, "
                "1 = oracle)", self.epoch, self.eval_scores["normalized_score/mean"],
            )  # fmt: skip
        logger.debug("evaluation at epoch %d: %s", self.epoch, self.eval_scores)

    def save_checkpoint(self) -> None:
        """Saves the policy, then the trainer state pointing at it (rank 0; others wait)."""
        if self.saved_epoch == self.epoch:
            return
        self.context.barrier()
        if self.context.is_master:
            with self.timer("_checkpoint"):
                record = self.policy_store.create_empty_policy_record(
                    self.policy_store.make_model_name(self.epoch)
                )
                category_scores = [v for k, v in self.eval_scores.items() if k.endswith("/score")]
                record.metadata = {
                    "agent_step": self.agent_step,
                    "epoch": self.epoch,
                    "train_time": self.timer.get_elapsed(),
                    "score": float(np.mean(category_scores)) if category_scores else 0.0,
                    "eval_scores": dict(self.eval_scores),
                }
                record.policy = self.agent
                saved = self.policy_store.save(record)
            self.latest_policy_uri = saved.uri
            # After the policy, and outside every timer: the stopwatch state is part of it.
            save_trainer_state(
                self.paths.checkpoint_dir,
                agent_step=self.agent_step,
                epoch=self.epoch,
                optimizer=self.optimizer,
                lr_scheduler=self.lr_scheduler,
                kickstarter=self.kickstarter if self.kickstarter.enabled else None,
                stopwatch=self.timer,
                policy_path=saved.uri,
            )
            logger.info("saved checkpoint %s at agent step %d", saved.uri, self.agent_step)
        self.saved_epoch = self.epoch
        self.context.barrier()

    def generate_replay(self) -> None:
        """One episode on the replay env (default: the training curriculum), as a replay file
        and its viewer page."""
        if not self.context.is_master:
            return
        env = self.config.env
        simulation = SingleEnvSimulationConfig(
            env=self.config.replay_env or env.curriculum_path,
            num_agents=env.num_agents,
            num_envs=1,
            env_overrides=env.env_overrides,
            seed=self.config.seed,
            baselines=False,  # a replay is for watching; its scores are not reported
        )
        with self.timer("_generate_replay"):
            results = Simulation(
                f"replay/epoch_{self.epoch:06d}",
                simulation,
                self.agent,
                self.device,
                replay_dir=self.paths.replay_dir,
            ).run()
        if results.replay_path is not None:
            page = results.replay_path.with_name(
                results.replay_path.name.replace(".json.gz", ".html")
            )
            write_replay_html(results.replay_path, page)
            logger.info("replay written to %s (open %s in a browser)", results.replay_path, page)

    # 5. Cleanup ----------------------------------------------------------------------------------
    def cleanup(self) -> TrainResult:
        """Final evaluation (when asked for), final checkpoint, monitors stopped, env closed;
        the run's summary."""
        if self.trainer_cfg.simulation.evaluate_at_end and self.evaluated_epoch != self.epoch:
            self.evaluate(self._policy_uri_for_epoch(checkpoint_due=True))
            if self.metric_logger is not None:  # the final scores join the run's metrics
                final = {f"eval/{k}": v for k, v in self.eval_scores.items()}
                final.update({"metric/agent_step": self.agent_step, "metric/epoch": self.epoch})
                self.metric_logger.log(final, step=self.agent_step)
        self.save_checkpoint()
        if self.context.is_master:
            logger.info(
                "done: %d agent steps, %d epochs; checkpoints in %s, replays in %s, stats in %s",
                self.agent_step,
                self.epoch,
                self.paths.checkpoint_dir,
                self.paths.replay_dir,
                self.dirs.stats_dir,
            )
        self.close()
        return TrainResult(
            run_dir=Path(self.dirs.run_dir),
            agent_step=self.agent_step,
            epoch=self.epoch,
            policy_uri=self.latest_policy_uri,
            reward_history=self.reward_history,
            eval_scores=self.eval_scores,
            resumed_from_step=self.resumed_from_step,
        )

    def close(self) -> None:
        """Releases threads, files and the environment (safe to call after a failure)."""
        for name in ("system_monitor", "metric_logger", "stats_db", "env"):
            resource = getattr(self, name, None)
            if resource is not None:
                resource.close()
        if self.previous_torch_threads is not None:
            torch.set_num_threads(self.previous_torch_threads)


def train(config: RunConfig) -> TrainResult:
    """Trains one run end to end (resuming it if its directory holds a checkpoint)."""
    context = setup_distributed(config.device)
    run = _Run(config, context)
    try:
        run.setup()
        run.create_components()
        run.training_loop()
        return run.cleanup()
    finally:
        run.close()
        context.close()
