"""parse_trainer_config: a reference Hydra config with its trainer.yaml gives the same values, the
reference's directories and one warning naming the fields that have no effect here."""

import warnings

import pytest
from omegaconf import OmegaConf
from pydantic import ValidationError

from metta.rl.trainer_config import TrainerConfig, parse_trainer_config

# The reference's configs/trainer/trainer.yaml under the top-level keys Hydra adds.
REFERENCE_CONFIG = """
run: yaml_run
data_dir: /data/train_dir
run_dir: ${data_dir}/${run}
trainer:
  _target_: metta.rl.trainer.MettaTrainer
  num_workers: ???
  env: null
  curriculum: /env/mettagrid/curriculum/simple
  env_overrides: {}
  initial_policy:
    uri: null
    type: top
    range: 1
    metric: epoch
    filters: {}
  checkpoint:
    checkpoint_dir: ${run_dir}/checkpoints
    checkpoint_interval: 60
    wandb_checkpoint_interval: 300
  simulation:
    evaluate_interval: 300
    replay_interval: ${trainer.simulation.evaluate_interval}
    replay_dir: s3://softmax-public/replays/${run}
  grad_mean_variance_interval: 0
  total_timesteps: 50_000_000_000
  optimizer:
    type: adam
    beta1: 0.9
    beta2: 0.999
    eps: 1e-12
    learning_rate: 0.0004573146765703167
    weight_decay: 0
  lr_scheduler:
    enabled: false
    anneal_lr: false
    warmup_steps: null
    schedule_type: null
  ppo:
    clip_coef: 0.1
    ent_coef: 0.0021
    gae_lambda: 0.916
    gamma: 0.977
    max_grad_norm: 0.5
    vf_clip_coef: 0.1
    vf_coef: 0.44
    l2_reg_loss_coef: 0
    l2_init_loss_coef: 0
    norm_adv: true
    clip_vloss: true
    target_kl: null
  prioritized_experience_replay:
    prio_alpha: 0.0
    prio_beta0: 0.6
  vtrace:
    vtrace_rho_clip: 1.0
    vtrace_c_clip: 1.0
  zero_copy: true
  require_contiguous_env_ids: false
  verbose: true
  batch_size: 524288
  minibatch_size: 16384
  bptt_horizon: 64
  update_epochs: 1
  scale_batches_by_world_size: false
  cpu_offload: false
  compile: false
  compile_mode: reduce-overhead
  profiler:
    interval_epochs: 10000
    profile_dir: ${run_dir}/torch_traces
  forward_pass_minibatch_target_size: 4096
  async_factor: 2
  kickstart:
    teacher_uri: null
    action_loss_coef: 1
    value_loss_coef: 1
    anneal_ratio: 0.65
    kickstart_steps: 1_000_000_000
    additional_teachers:
"""

NO_EFFECT_WARNING = (
    "parse_trainer_config: 18 field(s) of the trainer config have no effect in this library and "
    "were ignored: _target_, num_workers, env, curriculum, env_overrides, zero_copy, "
    "require_contiguous_env_ids, verbose, scale_batches_by_world_size, compile, compile_mode, "
    "forward_pass_minibatch_target_size, async_factor, lr_scheduler.anneal_lr, "
    "initial_policy.range, initial_policy.filters, checkpoint.wandb_checkpoint_interval, "
    "simulation.replay_dir='s3://softmax-public/replays/yaml_run' "
    "(only local directories are written)"
)


def _parse_with_one_warning(cfg: object) -> tuple[TrainerConfig, str]:
    """Parses ``cfg``; asserts that exactly one warning came and returns its text."""
    with pytest.warns(UserWarning, match="have no effect in this library") as record:
        config = parse_trainer_config(cfg)
    assert len(record) == 1, [str(w.message) for w in record]
    return config, str(record[0].message)


def test_reference_yaml_values_directories_and_one_warning():
    config, message = _parse_with_one_warning(OmegaConf.create(REFERENCE_CONFIG))

    assert message == NO_EFFECT_WARNING
    assert config.total_timesteps == 50_000_000_000
    assert (config.batch_size, config.minibatch_size, config.bptt_horizon) == (524288, 16384, 64)
    assert (config.update_epochs, config.cpu_offload, config.grad_mean_variance_interval) == (
        1,
        False,
        0,
    )
    assert config.optimizer.model_dump() == {
        "type": "adam",
        "learning_rate": 0.0004573146765703167,
        "beta1": 0.9,
        "beta2": 0.999,
        "eps": 1e-12,
        "weight_decay": 0.0,
    }
    assert config.ppo.model_dump() == {
        "clip_coef": 0.1,
        "ent_coef": 0.0021,
        "gae_lambda": 0.916,
        "gamma": 0.977,
        "max_grad_norm": 0.5,
        "vf_clip_coef": 0.1,
        "vf_coef": 0.44,
        "l2_reg_loss_coef": 0.0,
        "l2_init_loss_coef": 0.0,
        "norm_adv": True,
        "clip_vloss": True,
        "target_kl": None,
    }
    assert config.lr_scheduler.model_dump() == {
        "enabled": False,
        "schedule_type": "cosine",
        "warmup_steps": 0,
        "total_timesteps": None,
    }
    assert config.prioritized_experience_replay.prio_alpha == 0.0
    assert config.prioritized_experience_replay.prio_beta0 == 0.6
    assert (config.vtrace.vtrace_rho_clip, config.vtrace.vtrace_c_clip) == (1.0, 1.0)
    assert config.kickstart.model_dump() == {
        "teacher_uri": None,
        "action_loss_coef": 1.0,
        "value_loss_coef": 1.0,
        "anneal_ratio": 0.65,
        "kickstart_steps": 1_000_000_000,
        "additional_teachers": None,
        "scripted_teacher": None,
        "scripted_action_loss_coef": 1.0,
    }
    assert config.initial_policy.model_dump() == {"uri": None, "type": "top", "metric": "epoch"}
    assert config.checkpoint.checkpoint_interval == 60
    assert config.simulation.evaluate_interval == 300
    assert config.simulation.replay_interval == 300  # ${trainer.simulation.evaluate_interval}
    assert config.profiler.interval_epochs == 10000

    # Interpolated directories are the YAML's; the S3 replay location falls back to the run dir.
    assert config.checkpoint.checkpoint_dir == "/data/train_dir/yaml_run/checkpoints"
    assert config.profiler.profile_dir == "/data/train_dir/yaml_run/torch_traces"
    assert config.simulation.replay_dir == "/data/train_dir/yaml_run/replays"


def test_hydra_overrides_come_through_interpolations():
    base = OmegaConf.create(REFERENCE_CONFIG)
    overrides = OmegaConf.from_dotlist(
        [
            "run=override_run",
            "trainer.num_workers=8",
            "trainer.batch_size=262144",
            "trainer.minibatch_size=8192",
            "trainer.bptt_horizon=32",
            "trainer.optimizer.type=muon",
            "trainer.optimizer.learning_rate=0.019",
            "trainer.ppo.gamma=0.99",
            "trainer.ppo.target_kl=0.02",
            "trainer.lr_scheduler.enabled=true",
            "trainer.lr_scheduler.schedule_type=linear",
            "trainer.lr_scheduler.warmup_steps=10",
            "trainer.checkpoint.checkpoint_interval=40",
            "trainer.simulation.evaluate_interval=120",
            "trainer.simulation.replay_dir=${run_dir}/my_replays",
            "trainer.initial_policy.uri=file:///policies/start.pt",
            "trainer.kickstart.teacher_uri=file:///policies/teacher.pt",
        ]
    )
    config, message = _parse_with_one_warning(OmegaConf.merge(base, overrides))

    assert "num_workers" in message
    assert "replay_dir" not in message
    assert (config.batch_size, config.minibatch_size, config.bptt_horizon) == (262144, 8192, 32)
    assert (config.optimizer.type, config.optimizer.learning_rate) == ("muon", 0.019)
    assert (config.ppo.gamma, config.ppo.target_kl) == (0.99, 0.02)
    assert config.lr_scheduler.model_dump() == {
        "enabled": True,
        "schedule_type": "linear",
        "warmup_steps": 10,
        "total_timesteps": None,
    }
    assert config.checkpoint.checkpoint_interval == 40
    assert (config.simulation.evaluate_interval, config.simulation.replay_interval) == (120, 120)
    assert config.initial_policy.uri == "file:///policies/start.pt"
    assert config.kickstart.teacher_uri == "file:///policies/teacher.pt"
    assert config.checkpoint.checkpoint_dir == "/data/train_dir/override_run/checkpoints"
    assert config.simulation.replay_dir == "/data/train_dir/override_run/my_replays"


def test_none_is_accepted_where_the_reference_allows_it():
    cfg = {
        "run_dir": "/runs/r",
        "trainer": {
            "env": None,
            "curriculum": None,
            "ppo": {"target_kl": None},
            "lr_scheduler": {"enabled": True, "warmup_steps": None, "schedule_type": None},
            "kickstart": {"teacher_uri": None, "additional_teachers": None},
            "initial_policy": {"uri": None},
        },
    }
    config, message = _parse_with_one_warning(cfg)

    assert message.endswith("were ignored: env, curriculum")
    assert config.ppo.target_kl is None
    assert (config.lr_scheduler.warmup_steps, config.lr_scheduler.schedule_type) == (0, "cosine")
    assert config.kickstart.teacher_uri is None
    assert config.kickstart.additional_teachers is None
    assert config.kickstart.teachers() == []
    assert config.initial_policy.uri is None


def test_unset_directories_are_filled_under_run_dir():
    plain = {"run_dir": "/runs/r", "trainer": {"total_timesteps": 1000}}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing here has no effect, so nothing is warned
        config = parse_trainer_config(plain)
    assert config.total_timesteps == 1000
    assert config.checkpoint.checkpoint_dir == "/runs/r/checkpoints"
    assert config.simulation.replay_dir == "/runs/r/replays"
    assert config.profiler.profile_dir == "/runs/r/torch_traces"

    empty = {"run_dir": "/runs/r", "trainer": {"checkpoint": {"checkpoint_dir": ""}}}
    assert parse_trainer_config(empty).checkpoint.checkpoint_dir == "/runs/r/checkpoints"

    local = {"trainer": {"simulation": {"replay_dir": "file:///shared/replays"}}}
    config = parse_trainer_config(local)  # no run_dir: unset directories stay for later
    assert config.simulation.replay_dir == "/shared/replays"
    assert config.checkpoint.checkpoint_dir is None
    assert config.paths("/later").checkpoint_dir == "/later/checkpoints"


def test_typos_and_bad_values_are_errors_naming_the_field():
    base = OmegaConf.create(REFERENCE_CONFIG)
    for dotted, name in [
        ("trainer.bach_size=1024", "bach_size"),
        ("trainer.ppo.clip_cof=0.2", r"ppo\.clip_cof"),
        ("trainer.ppo.gamma=2.0", r"ppo\.gamma"),
        ("trainer.lr_scheduler.schedule_type=exponential", r"lr_scheduler\.schedule_type"),
    ]:
        cfg = OmegaConf.merge(base, OmegaConf.from_dotlist([dotted]))
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the error comes, not the no-effect warning
            with pytest.raises(ValidationError, match=name):
                parse_trainer_config(cfg)


def test_other_trainers_and_missing_sections_are_refused():
    with pytest.raises(ValueError, match=r"trainer\._target_ is 'my\.Trainer'"):
        parse_trainer_config({"trainer": {"_target_": "my.Trainer"}})
    with pytest.raises(ValueError, match="no 'trainer' section"):
        parse_trainer_config({"batch_size": 1024})
    with pytest.raises(ValidationError, match="num_workerz"):
        TrainerConfig(num_workerz=4)  # a typo is still an error


def test_specific_initial_policy_is_taken_as_is():
    cfg = {"trainer": {"initial_policy": {"uri": "/p/model_0001.pt", "type": "specific"}}}
    config, message = _parse_with_one_warning(cfg)
    assert message.endswith("were ignored: initial_policy.type=specific")
    assert config.initial_policy.uri == "/p/model_0001.pt"
    assert config.initial_policy.type == "top"
