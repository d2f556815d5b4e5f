"""Optimizer: accumulation equals one big batch, Muon split, state round trips; LR schedules."""

import math

import pytest
import torch
from pydantic import ValidationError
from torch import nn

from metta.rl.lr_scheduler import LRScheduler, lr_factor
from metta.rl.optimizer import Optimizer, split_muon_parameters
from metta.rl.trainer_config import TrainerConfig


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(5, 4)
        self.hidden = nn.Linear(4, 6)
        self.head = nn.Linear(6, 1)
        self.clipped = 0

    def forward(self, tokens):
        return self.head(torch.tanh(self.hidden(self.embed(tokens)))).squeeze(-1)

    def clip_weights(self):
        self.clipped += 1


def data(n=16, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(0, 5, (n,), generator=generator), torch.randn(n, generator=generator)


def mse(net, tokens, targets):
    return (net(tokens) - targets).square().mean()


@pytest.mark.parametrize("optimizer_type", ["adam", "muon"])
def test_accumulation_equals_one_big_batch(optimizer_type):
    tokens, targets = data()
    torch.manual_seed(0)
    big, small = Net(), Net()
    small.load_state_dict(big.state_dict())
    kwargs = {"learning_rate": 1e-2, "max_grad_norm": 0.3, "eps": 1e-8}
    opt_big = Optimizer(optimizer_type, big, **kwargs)
    opt_small = Optimizer(optimizer_type, small, **kwargs)
    for _ in range(3):
        assert opt_big.step(mse(big, tokens, targets), epoch=0)
        stepped = [
            opt_small.step(mse(small, tokens[i : i + 4], targets[i : i + 4]), 0, accumulate_steps=4)
            for i in range(0, 16, 4)
        ]
        assert stepped == [False, False, False, True]
        assert opt_small.pending_steps == 0
    for p_big, p_small in zip(big.parameters(), small.parameters(), strict=True):
        assert torch.allclose(p_big, p_small, atol=1e-5)
    assert big.clipped == 3
    assert small.clipped == 3


def test_grad_norm_is_clipped():
    net = Net()
    opt = Optimizer("adam", net, learning_rate=1e-3, max_grad_norm=1e-3)
    opt.step(mse(net, *data()) * 1000)
    assert opt.last_grad_norm > 1e-3
    total = torch.sqrt(sum(p.grad.square().sum() for p in net.parameters()))
    assert total.item() == pytest.approx(1e-3, rel=1e-3)


def test_flush_applies_a_partial_window():
    net = Net()
    before = [p.detach().clone() for p in net.parameters()]
    opt = Optimizer("adam", net, learning_rate=1e-2)
    assert not opt.step(mse(net, *data()), 0, accumulate_steps=3)
    assert opt.pending_steps == 1
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters(), strict=True))
    assert opt.flush()
    assert not opt.flush()
    assert not torch.equal(before[1], net.hidden.weight)


def test_muon_splits_matrices_from_the_rest():
    net = Net()
    muon, adam = split_muon_parameters(net)
    assert [p.shape for p in muon] == [net.hidden.weight.shape]  # head [1, 6] is vector-like
    assert any(p is net.embed.weight for p in adam)
    assert any(p is net.head.weight for p in adam)
    opt = Optimizer("muon", net, learning_rate=1e-2)
    assert [type(o).__name__ for o in opt.optimizers] == ["Muon", "Adam"]
    assert len(opt.param_groups) == 2


@pytest.mark.parametrize("optimizer_type", ["adam", "muon"])
def test_state_dict_round_trip_continues_identically(optimizer_type):
    tokens, targets = data()
    torch.manual_seed(0)
    a = Net()
    opt_a = Optimizer(optimizer_type, a, learning_rate=1e-2)
    for _ in range(2):
        opt_a.step(mse(a, tokens, targets))
    b = Net()
    b.load_state_dict(a.state_dict())
    opt_b = Optimizer(optimizer_type, b, learning_rate=1e-2)
    opt_b.load_state_dict(opt_a.state_dict())
    for _ in range(2):
        opt_a.step(mse(a, tokens, targets))
        opt_b.step(mse(b, tokens, targets))
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(p, q)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match=r"policy must be a torch\.nn\.Module"):
        Optimizer("adam", None)
    with pytest.raises(ValidationError, match="type"):
        Optimizer("sgd", Net())
    with pytest.raises(ValidationError, match="learning_rate"):
        Optimizer("adam", Net(), learning_rate=-1.0)
    with pytest.raises(ValueError, match="accumulate_steps must be an int >= 1"):
        Optimizer("adam", Net()).step(torch.tensor(1.0, requires_grad=True), 0, 0)
    opt = Optimizer("adam", Net())
    with pytest.raises(ValueError, match="state is for optimizer_type='muon'"):
        opt.load_state_dict(Optimizer("muon", Net()).state_dict())


def test_from_config_uses_trainer_settings():
    cfg = TrainerConfig(optimizer={"learning_rate": 0.01, "beta1": 0.8, "weight_decay": 0.1})
    opt = Optimizer.from_config(Net(), cfg)
    group = opt.param_groups[0]
    assert group["lr"] == 0.01
    assert group["betas"] == (0.8, 0.999)
    assert group["weight_decay"] == 0.1
    assert group["eps"] == 1e-12
    assert opt.max_grad_norm == 0.5


def test_lr_factors():
    assert [lr_factor(s, 4, "linear", 0) for s in range(5)] == [1.0, 0.75, 0.5, 0.25, 0.0]
    assert lr_factor(2, 4, "cosine", 0) == pytest.approx(0.5)
    assert lr_factor(4, 4, "cosine", 0) == pytest.approx(0.0)
    assert [lr_factor(s, 6, "constant", 2) for s in range(4)] == [0.5, 1.0, 1.0, 1.0]
    assert lr_factor(2, 6, "linear", 2) == 1.0
    assert lr_factor(4, 6, "linear", 2) == 0.5
    with pytest.raises(ValueError, match="schedule_type"):
        lr_factor(0, 4, "exponential", 0)


def test_scheduler_sets_every_group_and_round_trips():
    opt = Optimizer("muon", Net(), learning_rate=0.1)
    schedule = LRScheduler(opt, total_steps=4, schedule_type="cosine", warmup_steps=1)
    assert schedule.get_last_lr() == [0.1, 0.1]  # warm-up step 0 of 1 = full rate
    schedule.step()
    schedule.step()
    expected = 0.1 * 0.5 * (1 + math.cos(math.pi / 3))
    assert schedule.get_last_lr() == pytest.approx([expected, expected])
    state = schedule.state_dict()
    fresh_opt = Optimizer("muon", Net(), learning_rate=0.1)
    fresh = LRScheduler(fresh_opt, total_steps=4, schedule_type="cosine", warmup_steps=1)
    fresh.load_state_dict(state)
    assert fresh.get_last_lr() == pytest.approx([expected, expected])
    fresh.step()
    schedule.step()
    assert fresh.get_last_lr() == schedule.get_last_lr()


def test_scheduler_from_config():
    opt = Optimizer("adam", Net(), learning_rate=0.1)
    cfg = TrainerConfig(total_timesteps=1000, batch_size=100, minibatch_size=100, bptt_horizon=4)
    assert LRScheduler.from_config(opt, cfg) is None
    cfg.lr_scheduler.enabled = True
    cfg.lr_scheduler.schedule_type = "linear"
    schedule = LRScheduler.from_config(opt, cfg)
    assert schedule.total_steps == 10
    for _ in range(5):
        schedule.step()
    assert schedule.get_last_lr() == pytest.approx([0.05])
    cfg.lr_scheduler.warmup_steps = 20
    with pytest.raises(ValueError, match=r"warmup_steps \(20\) exceeds the schedule's 10"):
        LRScheduler.from_config(opt, cfg)


def test_scheduler_length_counts_every_process_of_a_torchrun():
    # Two processes each fill batch_size per phase: 1000 steps take 5 phases, not 10.
    opt = Optimizer("adam", Net(), learning_rate=0.1)
    cfg = TrainerConfig(total_timesteps=1000, batch_size=100, minibatch_size=100, bptt_horizon=4)
    cfg.lr_scheduler.enabled = True
    assert LRScheduler.from_config(opt, cfg, world_size=2).total_steps == 5
    assert cfg.training_phases(4) == 2
    with pytest.raises(ValueError, match="world_size must be >= 1"):
        cfg.training_phases(0)


def test_schedule_can_span_more_than_the_run():
    # A 1000-step run on the schedule of a 4000-step one: after its 10 phases the rate is 3/4.
    opt = Optimizer("adam", Net(), learning_rate=0.1)
    cfg = TrainerConfig(total_timesteps=1000, batch_size=100, minibatch_size=100, bptt_horizon=4)
    cfg.lr_scheduler.enabled = True
    cfg.lr_scheduler.schedule_type = "linear"
    cfg.lr_scheduler.total_timesteps = 4000
    schedule = LRScheduler.from_config(opt, cfg)
    assert schedule.total_steps == 40 == cfg.lr_schedule_phases()
    assert cfg.training_phases() == 10
    for _ in range(10):
        schedule.step()
    assert schedule.get_last_lr() == pytest.approx([0.075])
    assert cfg.lr_schedule_phases(world_size=2) == 20
    with pytest.raises(ValidationError, match=r"lr_scheduler\.total_timesteps"):
        TrainerConfig(lr_scheduler={"total_timesteps": 0})


def test_a_resumed_longer_run_follows_its_own_longer_schedule():
    # The checkpoint's schedule ended at step 4 (lr 0); resumed with 8 steps it sits halfway.
    old = LRScheduler(Optimizer("adam", Net(), learning_rate=0.1), 4, "linear", 0)
    for _ in range(4):
        old.step()
    assert old.get_last_lr() == pytest.approx([0.0])
    longer = LRScheduler(Optimizer("adam", Net(), learning_rate=0.1), 8, "linear", 0)
    longer.load_state_dict(old.state_dict())
    assert longer.current_step == 4
    assert longer.get_last_lr() == pytest.approx([0.05])
