"""TrainerConfig: reference defaults, the seed's minimal construction, cross-field errors."""

import pytest
from pydantic import ValidationError

from metta.rl.trainer_config import (
    KickstartConfig,
    KickstartTeacherConfig,
    LRSchedulerConfig,
    TrainerConfig,
)


def test_seed_construction_alone_is_valid():
    cfg = TrainerConfig(total_timesteps=10_000_000, batch_size=16384, minibatch_size=512)
    assert cfg.num_minibatches == 32
    assert cfg.total_training_phases == 10_000_000 // 16384
    assert cfg.checkpoint.checkpoint_dir is None  # resolved under the run dir


def test_reference_defaults():
    cfg = TrainerConfig()
    assert (cfg.batch_size, cfg.minibatch_size, cfg.bptt_horizon, cfg.update_epochs) == (
        524288,
        16384,
        64,
        1,
    )
    assert cfg.total_timesteps == 50_000_000_000
    ppo = cfg.ppo
    assert (ppo.clip_coef, ppo.ent_coef, ppo.gae_lambda, ppo.gamma) == (0.1, 0.0021, 0.916, 0.977)
    assert (ppo.max_grad_norm, ppo.vf_clip_coef, ppo.vf_coef) == (0.5, 0.1, 0.44)
    assert ppo.norm_adv
    assert ppo.clip_vloss
    assert ppo.target_kl is None
    assert cfg.optimizer.type == "adam"
    assert cfg.optimizer.learning_rate == 0.0004573146765703167
    assert (cfg.optimizer.beta1, cfg.optimizer.beta2, cfg.optimizer.eps) == (0.9, 0.999, 1e-12)
    assert cfg.prioritized_experience_replay.prio_alpha == 0.0
    assert cfg.prioritized_experience_replay.prio_beta0 == 0.6
    assert (cfg.vtrace.vtrace_rho_clip, cfg.vtrace.vtrace_c_clip) == (1.0, 1.0)
    assert cfg.kickstart.anneal_ratio == 0.65
    assert cfg.kickstart.kickstart_steps == 1_000_000_000
    assert cfg.checkpoint.checkpoint_interval == 60
    assert cfg.simulation.evaluate_interval == 300
    assert cfg.simulation.replay_interval == 300
    assert cfg.profiler.interval_epochs == 10000
    assert cfg.profiler.enabled
    assert cfg.initial_policy.type == "top"
    assert cfg.initial_policy.metric == "epoch"


def test_fields_are_documented():
    for name, field in TrainerConfig.model_fields.items():
        assert field.description, f"TrainerConfig.{name} has no docstring"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"batch_size": 1024, "minibatch_size": 2048},
            r"minibatch_size \(2048\) must be <= batch_size \(1024\)",
        ),
        (
            {"batch_size": 1024, "minibatch_size": 100, "bptt_horizon": 16},
            r"minibatch_size \(100\) must be a multiple of bptt_horizon \(16\).*minibatch_size=96",
        ),
        (
            {"batch_size": 1000, "minibatch_size": 512, "bptt_horizon": 16},
            r"batch_size \(1000\) must be a multiple of minibatch_size \(512\).*batch_size=1024",
        ),
        ({"bptt_horizon": 1}, r"bptt_horizon"),
    ],
)
def test_size_errors_name_the_numbers(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        TrainerConfig(**kwargs)


def test_interval_check_names_both_fields():
    with pytest.raises(
        ValidationError, match=r"evaluate_interval \(100\).*checkpoint_interval \(60\)"
    ):
        TrainerConfig(simulation={"evaluate_interval": 100})
    TrainerConfig(simulation={"evaluate_interval": 0})  # off is fine
    TrainerConfig(checkpoint={"checkpoint_interval": 50}, simulation={"evaluate_interval": 100})


def test_unknown_fields_are_rejected():
    with pytest.raises(ValidationError, match="num_workerz"):
        TrainerConfig(num_workerz=4)
    with pytest.raises(ValidationError, match="anneal_lrr"):
        TrainerConfig(lr_scheduler={"anneal_lrr": True})


def test_reference_fields_without_effect_are_accepted_with_one_warning():
    sections = {"lr_scheduler": {"anneal_lr": True}}
    with pytest.warns(UserWarning, match="no effect") as caught:
        config = TrainerConfig(num_workers=4, compile=True, lr_scheduler=sections["lr_scheduler"])
    assert len(caught) == 1
    assert str(caught[0].message) == (
        "TrainerConfig: 3 field(s) have no effect in this library and were ignored: "
        "num_workers, compile, lr_scheduler.anneal_lr"
    )
    assert sections == {"lr_scheduler": {"anneal_lr": True}}  # the caller's dict is untouched
    assert config.batch_size == TrainerConfig().batch_size


def test_failed_assignment_keeps_old_value():
    cfg = TrainerConfig(batch_size=16384, minibatch_size=512)
    with pytest.raises(ValidationError, match="batch_size"):
        cfg.batch_size = 1000
    assert cfg.batch_size == 16384
    with pytest.raises(ValidationError, match="clip_coef"):
        cfg.ppo.clip_coef = 2.0
    assert cfg.ppo.clip_coef == 0.1
    cfg.batch_size = 1024
    assert cfg.num_minibatches == 2


def test_warmup_without_schedule_is_an_error():
    with pytest.raises(ValidationError, match="warmup_steps=5 has no effect"):
        LRSchedulerConfig(warmup_steps=5)
    assert LRSchedulerConfig(enabled=True, warmup_steps=5).warmup_steps == 5


def test_paths_resolve_unset_directories_under_the_run(tmp_path):
    cfg = TrainerConfig(checkpoint={"checkpoint_dir": "/keep/me"})
    paths = cfg.paths(tmp_path)
    assert paths.checkpoint_dir == "/keep/me"
    assert paths.replay_dir == str(tmp_path / "replays")
    assert paths.profile_dir == str(tmp_path / "torch_traces")
    assert cfg.simulation.replay_dir is None  # the config is never filled in


def test_kickstart_teachers_do_not_mutate_config():
    cfg = KickstartConfig(
        teacher_uri="file://a.pt",
        action_loss_coef=0.5,
        additional_teachers=[KickstartTeacherConfig(teacher_uri="file://b.pt")],
    )
    first, second = cfg.teachers(), cfg.teachers()
    assert [t.teacher_uri for t in first] == ["file://b.pt", "file://a.pt"]
    assert len(second) == 2
    assert len(cfg.additional_teachers) == 1
    assert first[1].action_loss_coef == 0.5
