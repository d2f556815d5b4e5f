"""Rollout: one env exchange into the ``Experience`` buffer, and episode-info statistics.

Data flow of ``perform_rollout_step``: ``env.recv()`` -> tensors on the device -> policy forward
(no grad) with the batch's stored LSTM state -> ``experience.store`` -> ``env.send(actions)``.

Vector-env contract: ``recv()`` returns ``(obs [N, M, 3] uint8, rewards [N]
float32, terminals [N] bool, truncations [N] bool, infos list[dict], env_id [N] agent ids,
mask [N] bool)`` where ``env_id`` is a contiguous id range (one recv batch) and the rewards and
terminals are those that arrived with ``obs``; ``send(actions [N, 2] int32)`` takes the actions for
that batch. A 5-tuple ``(obs, rewards, terminals, truncations, infos)`` is read as one batch of
all agents, all active. The env must have been reset so that the first ``recv()`` returns
observations (PufferLib's ``async_reset`` semantics).
No ``torch.cuda.synchronize()`` per step (the only host synchronisation is reading the actions
back for ``send``); a non-contiguous ``env_id`` is an error rather than silently mis-stored rows;
``reset_lstm_on_done`` (an ``Experience`` option) zeroes the recurrent state of agents whose
episode just ended.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import torch
from torch import nn

from metta.agent.policy_state import PolicyState

if TYPE_CHECKING:
    from metta.common.profiling.stopwatch import Stopwatch
    from metta.rl.experience import Experience

__all__ = [
    "ScriptedTeacher",
    "accumulate_rollout_stats",
    "collect_rollout",
    "perform_rollout_step",
    "summarize_rollout_stats",
]


class ScriptedTeacher(Protocol):
    """A scripted player that labels the states the policy reaches (``ExplorerTeam`` is one):
    row i of ``actions(games)`` is the engine action of game ``games.start + i`` (one agent per
    game, so a recv batch's agent ids are its game ids); ``restart(g)`` when game g's episode
    ends."""

    def restart(self, game: int) -> None: ...

    def actions(self, games: slice) -> Any: ...


@contextmanager
def _timed(timer: Stopwatch | None, name: str) -> Iterator[None]:
    with timer(name) if timer is not None else nullcontext():
        yield


def _env_slice(env_id: Any) -> slice:
    """The contiguous agent-id range of a recv batch as a slice (error if not contiguous)."""
    if isinstance(env_id, slice):
        return env_id
    ids = np.asarray(env_id).reshape(-1)
    if ids.size == 0:
        raise ValueError("perform_rollout_step: env.recv() returned no agents (empty env_id)")
    first, last = int(ids[0]), int(ids[-1])
    if last - first + 1 != ids.size or (ids.size > 1 and not np.all(np.diff(ids) == 1)):
        raise ValueError(
            f"perform_rollout_step: env_id must be a contiguous ascending id range, got "
            f"{ids[:8].tolist()}{'...' if ids.size > 8 else ''}"
        )
    return slice(first, last + 1)


def perform_rollout_step(
    agent: nn.Module,
    env: Any,
    experience: Experience,
    device: torch.device | str,
    timer: Stopwatch | None = None,
    teacher: ScriptedTeacher | None = None,
    *,
    inference_mode: bool = False,
) -> tuple[int, list[dict[str, Any]]]:
    """Runs one recv -> act -> store -> send exchange; returns (agent steps taken, infos).

    The step count is the number of active agents (``mask.sum()``). Timers: ``_rollout.env``
    (recv and send), ``_rollout.inference`` (the forward pass) and ``_rollout.teacher`` (a
    scripted ``teacher``'s actions on the received states, stored with the step).
    ``inference_mode`` runs the forward under ``torch.inference_mode()`` rather than
    ``torch.no_grad()``: the buffer gets the same values, and the recurrent state kept in
    ``experience`` between steps becomes inference tensors (read only by later rollout steps and
    copied into the segment-start buffers, so training never uses one in autograd).
    """
    device = torch.device(device)
    with _timed(timer, "_rollout.env"):
        received = env.recv()
    if len(received) == 7:
        obs, rewards, terminals, truncations, infos, env_id, mask = received
    elif len(received) == 5:
        obs, rewards, terminals, truncations, infos = received
        env_id, mask = slice(0, len(obs)), np.ones(len(obs), dtype=bool)
    else:
        raise ValueError(
            f"perform_rollout_step: env.recv() must return 7 values (obs, rewards, terminals, "
            f"truncations, infos, env_id, mask) or the first 5, got {len(received)}"
        )
    env_slice = _env_slice(env_id)
    start = experience.batch_start(env_slice)
    num_steps = int(np.asarray(mask).sum())
    teacher_actions = None
    if teacher is not None:
        with _timed(timer, "_rollout.teacher"):
            for info in infos:
                teacher.restart(int(info["env_id"]))
            teacher_actions = torch.as_tensor(teacher.actions(env_slice)).to(
                device, non_blocking=True
            )

    obs_host = torch.as_tensor(obs)
    obs_device = obs_host.to(device, non_blocking=True)
    rewards_device = torch.as_tensor(rewards, dtype=torch.float32).to(device, non_blocking=True)
    terminals_device = torch.as_tensor(terminals, dtype=torch.bool).to(device, non_blocking=True)
    truncations_device = torch.as_tensor(truncations, dtype=torch.bool).to(
        device, non_blocking=True
    )

    grad_off = torch.inference_mode() if inference_mode else torch.no_grad()
    with _timed(timer, "_rollout.inference"), grad_off:
        lstm_h, lstm_c = experience.get_lstm_state(start)
        if experience.reset_lstm_on_done and lstm_h is not None and lstm_c is not None:
            keep = (~(terminals_device | truncations_device)).to(lstm_h.dtype).view(1, -1, 1)
            lstm_h, lstm_c = lstm_h * keep, lstm_c * keep
        experience.record_segment_start(env_slice, lstm_h, lstm_c)
        state = PolicyState(lstm_h=lstm_h, lstm_c=lstm_c)
        actions, logprobs, _, values, _ = agent(obs_device, state)
        new_state = None
        if state.lstm_h is not None and state.lstm_c is not None:
            new_state = (state.lstm_h, state.lstm_c)

    stored_obs = obs_host if experience.obs.device.type == "cpu" else obs_device
    experience.store(
        stored_obs, actions, logprobs, rewards_device, terminals_device, truncations_device,
        values, env_slice, lstm_state=new_state, teacher_actions=teacher_actions,
    )  # fmt: skip
    with _timed(timer, "_rollout.env"):
        env.send(actions.to(torch.int32).cpu().numpy())
    return num_steps, infos


def collect_rollout(
    agent: nn.Module,
    env: Any,
    experience: Experience,
    device: torch.device | str,
    timer: Stopwatch | None = None,
    teacher: ScriptedTeacher | None = None,
    *,
    inference_mode: bool = False,
) -> tuple[int, list[dict[str, Any]]]:
    """``reset_for_rollout`` then ``perform_rollout_step`` until the buffer is full.

    Returns the agent steps taken and every info dict received; ``inference_mode`` as in
    ``perform_rollout_step``.
    """
    experience.reset_for_rollout()
    agent_steps, infos = 0, []
    while not experience.ready_for_training:
        steps, step_infos = perform_rollout_step(
            agent, env, experience, device, timer, teacher, inference_mode=inference_mode
        )
        agent_steps += steps
        infos.extend(step_infos)
    return agent_steps, infos


def _flatten(info: Mapping[str, Any], prefix: str, out: dict[str, Any]) -> None:
    for key, value in info.items():
        name = f"{prefix}/{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            _flatten(value, name, out)
            continue
        if isinstance(value, torch.Tensor):
            value = value.detach().cpu()  # noqa: PLW2901
            value = value.item() if value.numel() == 1 else value.numpy()  # noqa: PLW2901
        elif isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.size == 1):
            value = value.item()  # noqa: PLW2901
        out[name] = value


def accumulate_rollout_stats(raw_infos: list[Mapping[str, Any]], stats: dict[str, Any]) -> None:
    """Appends every info value to ``stats[key]`` (a list), keys nested dicts joined with "/".

    Tensors and size-1 arrays become Python scalars, larger ones numpy arrays.
    """
    for info in raw_infos:
        if not isinstance(info, Mapping):
            raise TypeError(f"accumulate_rollout_stats: each info must be a dict, got {type(info)}")
        flat: dict[str, Any] = {}
        _flatten(info, "", flat)
        for key, value in flat.items():
            existing = stats.setdefault(key, [])
            if not isinstance(existing, list):
                stats[key] = existing = [existing]
            existing.append(value)


# Identifiers, not measurements: their mean means nothing, so they are not summarized.
_IDENTIFIER_KEYS = ("env_id", "initial_grid_hash", "seed")


def summarize_rollout_stats(stats: Mapping[str, Any]) -> dict[str, float]:
    """``key`` -> mean and ``key.std_dev`` -> standard deviation of every numeric stat list
    (identifier keys such as ``env_id``, ``attributes/seed`` and ``attributes/initial_grid_hash``
    are left out)."""
    summary: dict[str, float] = {}
    for key, values in stats.items():
        if key.rsplit("/", 1)[-1] in _IDENTIFIER_KEYS:
            continue
        items = values if isinstance(values, list) else [values]
        numbers = []
        for item in items:
            if isinstance(item, bool | int | float | np.number):
                numbers.append(float(item))
            elif isinstance(item, np.ndarray) and np.issubdtype(item.dtype, np.number):
                numbers.extend(item.astype(np.float64).reshape(-1).tolist())
        if numbers:
            summary[key] = float(np.mean(numbers))
            summary[f"{key}.std_dev"] = float(np.std(numbers))
    return summary
