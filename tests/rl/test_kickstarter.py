"""Kickstarter: per-teacher coefficients, value error without broadcasting, annealing, frozen
teachers, config left untouched."""

import pytest
import torch
from rl_stand_ins import TinyPolicy

from metta.agent.policy_state import PolicyState
from metta.rl.experience import Experience
from metta.rl.kickstarter import Kickstarter
from metta.rl.losses import Losses
from metta.rl.trainer_config import KickstartConfig, TrainerConfig
from metta.rl.update import process_minibatch_update


class Record:
    def __init__(self, policy):
        self.policy = policy


class Store:
    """PolicyStore stand-in: policy_record(uri).policy."""

    def __init__(self, policies):
        self.policies, self.requested = policies, []

    def policy_record(self, uri):
        self.requested.append(uri)
        return Record(self.policies[uri])


class InitRecordingPolicy(TinyPolicy):
    def initialize_to_environment(self, features, action_names, max_action_args, device):
        self.initialized_with = (features, action_names, max_action_args, device)


def teachers():
    torch.manual_seed(11)
    return {"t1": TinyPolicy(num_tokens=2), "t2": TinyPolicy(num_tokens=2)}


def obs():
    generator = torch.Generator().manual_seed(3)
    return torch.randint(0, 255, (2, 3, 2, 3), dtype=torch.uint8, generator=generator)


def config(**kwargs):
    settings = {
        "teacher_uri": "t1",
        "action_loss_coef": 0.5,
        "value_loss_coef": 2.0,
        "additional_teachers": [
            {"teacher_uri": "t2", "action_loss_coef": 3.0, "value_loss_coef": 0.25}
        ],
        "kickstart_steps": 100,
        "anneal_ratio": 0.5,
    }
    return KickstartConfig(**(settings | kwargs))


def student_outputs():
    torch.manual_seed(5)
    student = TinyPolicy(num_tokens=2)
    _, _, _, value, log_probs = student(obs(), PolicyState())
    return student, log_probs, value


def expected_terms(policies, student_log_probs, student_value, coefs):
    action, value = 0.0, 0.0
    for uri, (c_action, c_value) in coefs.items():
        with torch.no_grad():
            _, _, _, t_value, t_log_probs = policies[uri](obs(), PolicyState())
        action += c_action * -(t_log_probs.exp() * student_log_probs).sum(-1).mean()
        value += c_value * (t_value.flatten() - student_value.flatten()).square().mean()
    return action, value


def test_each_teacher_has_its_own_coefficients():
    policies = teachers()
    ks = Kickstarter(config(), "cpu", Store(policies), ["move", "turn"], [1, 1])
    assert ks.enabled
    assert [t.uri for t in ks.teachers] == ["t2", "t1"]
    student, log_probs, value = student_outputs()
    action, value_term = ks.loss(10, log_probs, value, obs())
    expected_action, expected_value = expected_terms(
        policies, log_probs, value, {"t1": (0.5, 2.0), "t2": (3.0, 0.25)}
    )
    assert action.item() == pytest.approx(expected_action.item(), rel=1e-5)
    assert value_term.item() == pytest.approx(expected_value.item(), rel=1e-5)
    # Only the student gets gradients; teachers are frozen and in eval mode.
    (action + value_term).backward()
    assert student.actor.weight.grad is not None
    assert student.critic.weight.grad is not None
    for teacher in policies.values():
        assert not teacher.training
        assert all(p.grad is None and not p.requires_grad for p in teacher.parameters())


def test_value_term_does_not_broadcast():
    ks = Kickstarter(config(additional_teachers=None), "cpu", Store(teachers()), ["a"], [1])
    _, log_probs, value = student_outputs()
    _, flat = ks.loss(0, log_probs, value.flatten(), obs())
    _, column = ks.loss(0, log_probs, value, obs())  # [N, 1] gives the same, not [N, N]
    assert flat.item() == pytest.approx(column.item())


def test_annealing_schedule():
    ks = Kickstarter(config(), "cpu", Store(teachers()), ["a"], [1])
    assert ks.anneal_factor_at(25) == 1.0
    assert ks.anneal_factor_at(50) == 1.0
    assert ks.anneal_factor_at(75) == pytest.approx(0.5)
    assert ks.anneal_factor_at(100) == 0.0
    _, log_probs, value = student_outputs()
    full = ks.loss(25, log_probs, value, obs())
    half = ks.loss(75, log_probs, value, obs())
    assert ks.anneal_factor == pytest.approx(0.5)
    assert half[0].item() == pytest.approx(0.5 * full[0].item(), rel=1e-5)
    after = ks.loss(101, log_probs, value, obs())
    assert after[0].item() == 0.0
    assert after[1].item() == 0.0


def test_disabled_without_teachers_and_config_untouched():
    ks = Kickstarter(KickstartConfig(), "cpu", None, ["a"], [1])
    assert not ks.enabled
    _, log_probs, value = student_outputs()
    assert [t.item() for t in ks.loss(0, log_probs, value, obs())] == [0.0, 0.0]
    cfg = config()
    store = Store(teachers())
    Kickstarter(cfg, "cpu", store, ["a"], [1])
    Kickstarter(cfg, "cpu", store, ["a"], [1])
    assert len(cfg.additional_teachers) == 1
    assert store.requested == ["t2", "t1", "t2", "t1"]
    with pytest.raises(ValueError, match="policy_store is None"):
        Kickstarter(cfg, "cpu", None, ["a"], [1])


def test_teachers_initialised_to_env_only_with_features():
    torch.manual_seed(0)
    policies = {"t1": InitRecordingPolicy(num_tokens=2)}
    cfg = config(additional_teachers=None)
    Kickstarter(cfg, "cpu", Store(policies), ["a"], [1])
    assert not hasattr(policies["t1"], "initialized_with")
    features = {"hp": {"id": 1}}
    Kickstarter(cfg, "cpu", Store(policies), ["move"], [2], features=features)
    assert policies["t1"].initialized_with == (features, ["move"], [2], torch.device("cpu"))


def test_state_round_trip():
    ks = Kickstarter(config(), "cpu", Store(teachers()), ["a"], [1])
    _, log_probs, value = student_outputs()
    ks.loss(75, log_probs, value, obs())
    other = Kickstarter(config(), "cpu", Store(teachers()), ["a"], [1])
    other.load_state_dict(ks.state_dict())
    assert other.anneal_factor == pytest.approx(0.5)
    lone = Kickstarter(config(additional_teachers=None), "cpu", Store(teachers()), ["a"], [1])
    with pytest.raises(ValueError, match="differ from the configured teachers"):
        lone.load_state_dict(ks.state_dict())


def test_action_set_mismatch_is_reported():
    policies = {"t1": TinyPolicy(num_tokens=2, action_types=3)}
    ks = Kickstarter(config(additional_teachers=None), "cpu", Store(policies), ["a"], [1])
    _, log_probs, value = student_outputs()
    with pytest.raises(ValueError, match="different action sets"):
        ks.loss(0, log_probs, value, obs())


def test_minibatch_update_adds_the_kickstart_terms():
    policies = teachers()
    ks = Kickstarter(config(), "cpu", Store(policies), ["a"], [1])
    exp = Experience(
        total_agents=2, batch_size=6, bptt_horizon=3, minibatch_size=6,
        obs_space=type("Space", (), {"shape": (2, 3), "dtype": "uint8"})(),
        atn_space=type("Space", (), {"shape": (2,), "dtype": "int64"})(),
        device="cpu", hidden_size=8, num_lstm_layers=1,
    )  # fmt: skip
    exp.obs.copy_(obs())
    advantages = exp.compute_advantages(0.9, 0.9, 1.0, 1.0)
    minibatch = next(exp.iter_minibatches())
    torch.manual_seed(5)
    student = TinyPolicy(num_tokens=2)
    cfg = TrainerConfig(batch_size=6, minibatch_size=6, bptt_horizon=3)
    with_ks, without = Losses(), Losses()
    loss_ks = process_minibatch_update(
        student, exp, minibatch, advantages, cfg, ks, 10, with_ks, "cpu"
    )
    loss = process_minibatch_update(
        student, exp, minibatch, advantages, cfg, None, 10, without, "cpu"
    )
    _, _, _, value, log_probs = student(minibatch.obs, PolicyState(), action=minibatch.actions)
    action_term, value_term = ks.loss(10, log_probs, value, minibatch.obs)
    assert with_ks.stats()["ks_action_loss"] == pytest.approx(action_term.item(), rel=1e-5)
    assert with_ks.stats()["ks_value_loss"] == pytest.approx(value_term.item(), rel=1e-5)
    assert (loss_ks - loss).item() == pytest.approx((action_term + value_term).item(), rel=1e-4)


def test_scripted_teacher_term_is_the_annealed_log_loss_of_its_actions():
    cfg = KickstartConfig(
        scripted_teacher="navigation_explorer", scripted_action_loss_coef=2.0,
        kickstart_steps=100, anneal_ratio=0.5,
    )  # fmt: skip
    ks = Kickstarter(cfg, "cpu", None, ["noop", "move", "rotate"], [0, 1, 3])
    assert ks.enabled
    assert ks.teachers == []
    # Engine columns: noop_0, move_0, move_1, rotate_0..3.
    log_probs = torch.log(
        torch.tensor([[0.5, 0.25, 0.25, 0, 0, 0, 0], [0, 0, 0, 0, 0.5, 0, 0.5]]) + 1e-30
    )
    actions = torch.tensor([[1, 0], [2, 1]])  # move forward (p 0.25), rotate to down (p 0.5)
    expected = 2.0 * -(torch.log(torch.tensor(0.25)) + torch.log(torch.tensor(0.5))) / 2
    action_term, value_term = ks.loss(
        10, log_probs, torch.zeros(2), torch.zeros(2), teacher_actions=actions
    )
    assert action_term.item() == pytest.approx(expected.item(), rel=1e-6)
    assert value_term.item() == 0.0
    # Half-way through the anneal (step 75 of 50..100) the term is halved; after it, zero.
    assert ks.loss(75, log_probs, torch.zeros(2), torch.zeros(2), teacher_actions=actions)[
        0
    ].item() == (pytest.approx(expected.item() / 2, rel=1e-6))
    assert (
        ks.loss(101, log_probs, torch.zeros(2), torch.zeros(2), teacher_actions=actions)[0].item()
        == 0.0
    )
    with pytest.raises(ValueError, match="no teacher_actions were given"):
        ks.loss(10, log_probs, torch.zeros(2), torch.zeros(2))
    with pytest.raises(ValueError, match="1 teacher actions for 2 rows"):
        ks.loss(10, log_probs, torch.zeros(2), torch.zeros(2), teacher_actions=actions[:1])


def test_rows_the_scripted_teacher_left_unlabelled_do_not_count():
    cfg = KickstartConfig(scripted_teacher="navigation_explorer_altars")
    ks = Kickstarter(cfg, "cpu", None, ["noop", "move"], [0, 1])
    log_probs = torch.log(torch.tensor([[0.5, 0.25, 0.25], [0.2, 0.2, 0.6], [0.1, 0.1, 0.8]]))
    actions = torch.tensor([[1, 1], [-1, -1], [-1, -1]])  # only the first row is labelled
    action_term, _ = ks.loss(0, log_probs, torch.zeros(3), torch.zeros(3), teacher_actions=actions)
    assert action_term.item() == pytest.approx(-torch.log(torch.tensor(0.25)).item(), rel=1e-6)
    unlabelled = torch.full((3, 2), -1)
    assert ks.loss(0, log_probs, torch.zeros(3), torch.zeros(3), teacher_actions=unlabelled)[
        0
    ].item() == pytest.approx(0.0)


def test_labels_on_actions_the_student_never_takes_do_not_count():
    cfg = KickstartConfig(scripted_teacher="navigation_explorer")
    ks = Kickstarter(cfg, "cpu", None, ["noop", "move"], [0, 1])
    # The student disables move_1 (walking backward): its log-prob is -inf.
    log_probs = torch.log(torch.tensor([[0.5, 0.5, 0.0], [0.25, 0.75, 0.0]]))
    actions = torch.tensor([[1, 1], [1, 0]])  # backward (never taken), forward (p 0.75)
    action_term, _ = ks.loss(0, log_probs, torch.zeros(2), torch.zeros(2), teacher_actions=actions)
    assert action_term.item() == pytest.approx(-torch.log(torch.tensor(0.75)).item(), rel=1e-6)
