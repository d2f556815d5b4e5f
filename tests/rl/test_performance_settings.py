"""TrainerConfig.performance: validation, inference-mode rollouts, bfloat16 autocast, threads,
the allocator setting."""

import platform
import sys

import pytest
import torch
from pydantic import ValidationError
from rl_stand_ins import bandit_setup

from metta.common.allocator import keep_freed_memory
from metta.rl.losses import Losses
from metta.rl.optimizer import Optimizer
from metta.rl.rollout import collect_rollout
from metta.rl.trainer_config import PerformanceConfig, TrainerConfig
from metta.rl.update import forward_autocast, process_minibatch_update

HORIZON = 4


def setup():
    return bandit_setup(batches=2, minibatch_segments=2)


def config(**performance):
    return TrainerConfig(
        batch_size=4 * HORIZON * 2,
        minibatch_size=2 * HORIZON,
        bptt_horizon=HORIZON,
        performance=performance,
    )


def test_defaults_and_validation_name_the_field():
    defaults = PerformanceConfig()
    assert defaults.rollout_inference_mode is True
    assert defaults.cpu_autocast_bf16 is False
    assert defaults.compile_policy is False
    assert defaults.cpu_threads is None
    assert defaults.resolved_cpu_threads() is None
    with pytest.raises(ValidationError, match="cpu_threads must be >= 1"):
        TrainerConfig(performance={"cpu_threads": 0})
    with pytest.raises(ValidationError, match=r"performance\.cpu_threads"):
        TrainerConfig(performance={"cpu_threads": "many"})
    with pytest.raises(ValidationError, match=r"performance\.cpu_autocast_bf16"):
        TrainerConfig(performance={"cpu_autocast_bf16": "sometimes"})
    with pytest.raises(ValidationError, match=r"performance\.unknown"):
        TrainerConfig(performance={"unknown": 1})
    assert PerformanceConfig(cpu_threads=3).resolved_cpu_threads() == 3
    assert PerformanceConfig(cpu_threads="auto").resolved_cpu_threads() >= 1


def test_inference_mode_rollout_stores_the_no_grad_values_and_trains():
    buffers = {}
    for inference_mode in (False, True):
        env, policy, exp = setup()
        torch.manual_seed(1)
        collect_rollout(policy, env, exp, "cpu", inference_mode=inference_mode)
        buffers[inference_mode] = exp
        if inference_mode:
            h, _ = exp.get_lstm_state(0)
            assert h.is_inference()
            # The buffers themselves are ordinary tensors that training can use in autograd.
            assert not exp.logprobs.is_inference()
            assert not exp.segment_lstm_h.is_inference()
            cfg = config(rollout_inference_mode=True)
            optimizer = Optimizer.from_config(policy, cfg)
            advantages = exp.compute_advantages(0.9, 0.9, 1.0, 1.0)
            losses = Losses()
            for minibatch in exp.iter_minibatches(advantages, prio_alpha=0.0, prio_beta=0.0):
                loss = process_minibatch_update(
                    policy, exp, minibatch, advantages, cfg, None, 0, losses, "cpu"
                )
                assert optimizer.step(loss)
            assert losses.minibatches_processed == 4
    plain, inference = buffers[False], buffers[True]
    for name in ("obs", "actions", "logprobs", "values", "rewards", "segment_lstm_h"):
        assert torch.equal(getattr(plain, name), getattr(inference, name)), name


def test_autocast_gives_bf16_activations_on_cpu_and_fp32_when_off():
    seen = []
    for enabled in (False, True):
        env, policy, exp = setup()
        collect_rollout(policy, env, exp, "cpu")
        handle = policy.actor.register_forward_hook(lambda m, i, out: seen.append(out.dtype))
        cfg = config(cpu_autocast_bf16=enabled)
        advantages = exp.compute_advantages(0.9, 0.9, 1.0, 1.0)
        minibatch = next(exp.iter_minibatches(advantages, prio_alpha=0.0, prio_beta=0.0))
        loss = process_minibatch_update(
            policy, exp, minibatch, advantages, cfg, None, 0, Losses(), "cpu"
        )
        handle.remove()
        assert loss.dtype == torch.float32
        loss.backward()
        assert all(p.grad is None or p.grad.dtype == torch.float32 for p in policy.parameters())
    assert seen == [torch.float32, torch.bfloat16]


@pytest.mark.parametrize(
    ("avx512_bf16", "amx", "expected"),
    [(True, False, True), (False, True, True), (False, False, False)],
)
def test_autocast_auto_follows_the_cpu(monkeypatch, avx512_bf16, amx, expected):
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: avx512_bf16)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: amx)
    auto = config(cpu_autocast_bf16="auto")
    assert auto.performance.resolved_cpu_autocast_bf16() is expected
    assert isinstance(forward_autocast(auto, "cpu"), torch.autocast) is expected
    assert config(cpu_autocast_bf16=True).performance.resolved_cpu_autocast_bf16() is True
    assert config(cpu_autocast_bf16=False).performance.resolved_cpu_autocast_bf16() is False


def test_autocast_is_cpu_only():
    on = config(cpu_autocast_bf16=True)
    assert isinstance(forward_autocast(on, "cpu"), torch.autocast)
    assert not isinstance(forward_autocast(on, "cuda"), torch.autocast)
    assert not isinstance(forward_autocast(config(), "cpu"), torch.autocast)


def test_malloc_keep_mb_is_bounded_and_applies_on_linux():
    assert PerformanceConfig().malloc_keep_mb is None
    with pytest.raises(ValidationError, match=r"performance\.malloc_keep_mb"):
        TrainerConfig(performance={"malloc_keep_mb": 0})
    with pytest.raises(ValidationError, match=r"performance\.malloc_keep_mb"):
        TrainerConfig(performance={"malloc_keep_mb": 4096})
    with pytest.raises(ValueError, match=r"megabytes must be in 1\.\.2047"):
        keep_freed_memory(0)
    applied = keep_freed_memory(64)
    assert applied == (sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc")
