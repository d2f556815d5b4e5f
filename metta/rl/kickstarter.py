"""``Kickstarter``: distillation from frozen teacher policies (or a scripted teacher) during early
training.

For each teacher i with coefficients (c_a,i, c_v,i) and the anneal factor f(agent_step)::

    ks_action = sum_i f * c_a,i * mean_n( -sum_a p_teacher,i(a|x_n) * log p_student(a|x_n) )
    ks_value  = sum_i f * c_v,i * mean_n( (V_teacher,i(x_n) - V_student(x_n))^2 )

f is 1 until ``kickstart_steps * (1 - anneal_ratio)``, then falls linearly to 0 at
``kickstart_steps``; after that both terms are 0. A scripted teacher (``scripted_teacher``, one
engine action a*_n per state) adds ``f * c_s * mean_n( -log p_student(a*_n|x_n) )`` to ks_action.
The value error compares ``[BT]`` with ``[BT]`` (never broadcast to ``[BT, BT]``); each
teacher's action term is scaled by that teacher's own coefficient, not the running sum; teachers
run in eval mode under ``no_grad`` with frozen parameters; the config is not mutated; teachers
are initialised to the environment only when ``features`` are given (initialising without them
would fail).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from metta.agent.action_space import ActionSpace
from metta.agent.policy_state import PolicyState
from metta.rl.trainer_config import KickstartConfig

__all__ = ["Kickstarter"]


@dataclass
class _Teacher:
    uri: str
    policy: nn.Module
    action_loss_coef: float
    value_loss_coef: float


class Kickstarter:
    """Teachers from ``config`` loaded with ``policy_store.policy_record(uri).policy``.

    ``features`` (the env's ``get_observation_features()``), when given, is passed with
    ``action_names`` and ``max_action_args`` to each teacher's ``initialize_to_environment``;
    without it teachers keep the feature mapping and actions they were saved with.
    """

    def __init__(
        self,
        config: KickstartConfig,
        device: torch.device | str,
        policy_store: Any,
        action_names: list[str],
        max_action_args: list[int],
        features: dict[str, Any] | None = None,
    ) -> None:
        if not isinstance(config, KickstartConfig):
            raise TypeError(f"Kickstarter: config must be a KickstartConfig, got {type(config)}")
        self.config = config
        self.device = torch.device(device)
        self.action_names = list(action_names)
        self.max_action_args = list(max_action_args)
        self.kickstart_steps = config.kickstart_steps
        self.anneal_duration = config.kickstart_steps * config.anneal_ratio
        self.ramp_start = config.kickstart_steps - self.anneal_duration
        self.anneal_factor = 1.0
        self.teachers: list[_Teacher] = []
        teacher_configs = config.teachers()
        if teacher_configs and policy_store is None:
            raise ValueError("Kickstarter: teachers are configured but policy_store is None")
        for teacher_config in teacher_configs:
            policy = policy_store.policy_record(teacher_config.teacher_uri).policy
            self.teachers.append(
                _Teacher(
                    uri=teacher_config.teacher_uri,
                    policy=self._prepare(policy, features),
                    action_loss_coef=teacher_config.action_loss_coef,
                    value_loss_coef=teacher_config.value_loss_coef,
                )
            )
        self.scripted_teacher = config.scripted_teacher
        self.scripted_action_loss_coef = config.scripted_action_loss_coef
        self._offsets = ActionSpace(self.action_names, self.max_action_args, self.device).offsets
        self.enabled = bool(self.teachers) or self.scripted_teacher is not None

    def _prepare(self, policy: nn.Module, features: dict[str, Any] | None) -> nn.Module:
        if not isinstance(policy, nn.Module):
            raise TypeError(f"Kickstarter: a teacher must be a torch.nn.Module, got {type(policy)}")
        policy = policy.to(self.device)
        initialize = getattr(policy, "initialize_to_environment", None)
        if features is not None and callable(initialize):
            initialize(features, self.action_names, self.max_action_args, self.device)
        policy.eval()
        policy.requires_grad_(False)
        return policy

    def anneal_factor_at(self, agent_step: int) -> float:
        """The factor f(agent_step) of the module docstring."""
        if agent_step > self.kickstart_steps:
            return 0.0
        if agent_step < self.ramp_start or self.anneal_duration == 0:
            return 1.0
        return max(0.0, 1.0 - (agent_step - self.ramp_start) / self.anneal_duration)

    def loss(
        self,
        agent_step: int,
        student_log_probs: torch.Tensor,
        student_value: torch.Tensor,
        obs: torch.Tensor,
        teacher_lstm_state: list[PolicyState] | None = None,
        teacher_actions: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``(ks_action, ks_value)`` for student log-probs ``[N, A]`` (in the engine's action
        order, as ``MettaAgent.forward`` returns them) and values ``[N]`` on ``obs``.

        Teachers see the same observations from a zero recurrent state unless
        ``teacher_lstm_state`` gives one ``PolicyState`` per teacher. ``teacher_actions``
        (``[N, 2]`` engine pairs) are the scripted teacher's actions on those states; they are
        needed when a scripted teacher is configured.
        """
        zero = torch.zeros((), device=student_log_probs.device)
        if not self.enabled or agent_step > self.kickstart_steps:
            return zero, zero.clone()
        factor = self.anneal_factor_at(agent_step)
        self.anneal_factor = factor
        ks_action = zero
        if self.scripted_teacher is not None:
            if teacher_actions is None:
                raise ValueError(
                    f"Kickstarter.loss: the scripted teacher {self.scripted_teacher!r} is "
                    "configured but no teacher_actions were given"
                )
            ks_action = (
                factor
                * self.scripted_action_loss_coef
                * self._imitation(student_log_probs, teacher_actions)
            )
        states = teacher_lstm_state or [PolicyState() for _ in self.teachers]
        if len(states) != len(self.teachers):
            raise ValueError(
                f"Kickstarter.loss: {len(states)} teacher states for {len(self.teachers)} teachers"
            )
        student_value = student_value.reshape(-1)
        ks_value = zero.clone()
        for teacher, state in zip(self.teachers, states, strict=True):
            with torch.no_grad():
                _, _, _, teacher_value, teacher_log_probs = teacher.policy(obs, state)
            if teacher_log_probs.shape != student_log_probs.shape:
                raise ValueError(
                    f"Kickstarter: teacher {teacher.uri} gives log-probs of shape "
                    f"{list(teacher_log_probs.shape)}, the student {list(student_log_probs.shape)} "
                    "(different action sets?)"
                )
            # Actions the student never takes (disabled_actions, log-prob -inf) are left out.
            finite = student_log_probs.masked_fill(~torch.isfinite(student_log_probs), 0.0)
            cross_entropy = -(teacher_log_probs.exp() * finite).sum(dim=-1).mean()
            value_error = (teacher_value.reshape(-1) - student_value).square().mean()
            ks_action = ks_action + factor * teacher.action_loss_coef * cross_entropy
            ks_value = ks_value + factor * teacher.value_loss_coef * value_error
        return ks_action, ks_value

    def _imitation(
        self, student_log_probs: torch.Tensor, teacher_actions: torch.Tensor
    ) -> torch.Tensor:
        """Mean of ``-log p_student(teacher action)`` over the rows the teacher labelled (rows
        with a negative action type carry no label, and neither do actions the student never
        takes: its ``disabled_actions``)."""
        actions = teacher_actions.reshape(-1, 2).to(student_log_probs.device).long()
        if actions.shape[0] != student_log_probs.shape[0]:
            raise ValueError(
                f"Kickstarter: {actions.shape[0]} teacher actions for "
                f"{student_log_probs.shape[0]} rows of student log-probs"
            )
        labelled = actions[:, 0] >= 0
        index = self._offsets.to(actions.device)[actions[:, 0].clamp(min=0)] + actions[:, 1]
        log_likelihood = student_log_probs.gather(1, index.clamp(min=0).unsqueeze(1)).squeeze(1)
        labelled = labelled & torch.isfinite(log_likelihood)
        log_likelihood = log_likelihood.masked_fill(~labelled, 0.0)
        return -log_likelihood.sum() / labelled.sum().clamp(min=1)

    def state_dict(self) -> dict[str, Any]:
        """Anneal factor and teacher URIs (the teachers' weights live in their own checkpoints)."""
        return {"anneal_factor": self.anneal_factor, "teacher_uris": [t.uri for t in self.teachers]}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restores ``state_dict()``; the teachers must be the same URIs, in the same order."""
        uris = [t.uri for t in self.teachers]
        if list(state["teacher_uris"]) != uris:
            raise ValueError(
                f"Kickstarter.load_state_dict: checkpoint teachers {state['teacher_uris']} differ "
                f"from the configured teachers {uris}"
            )
        self.anneal_factor = float(state["anneal_factor"])
