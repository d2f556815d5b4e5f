"""Segmented rollout storage for BPTT and prioritised minibatch sampling.

Data flow: ``perform_rollout_step`` -> :meth:`Experience.store` writes one time column of a recv
batch's rows -> once ``ready_for_training`` the caller computes advantages -> ``iter_minibatches``
yields :class:`Minibatch` es of whole segments -> ``process_minibatch_update``.

Every buffer is ``[S, H, ...]``: ``S = batch_size // bptt_horizon`` segments (rows) of
``H = bptt_horizon`` consecutive steps of one agent. Index ``t`` of a row holds the observation at
``t``, the action, log-prob and value computed from it, and the reward, terminal and truncation
flags that arrived *with* that observation (see ``metta.rl.advantage``). The last column of a row
only bootstraps the one before it. The agents of one recv batch (a contiguous id range of
``agents_per_batch`` agents) advance in lockstep and always own a contiguous block of rows, so
storing is plain slicing with no index tensors and no host synchronisation.

Guards: the segment count must be a multiple of the agent count (otherwise a batch could overwrite
a row completed earlier in the same rollout); a store into a full buffer is an error; rollout values
are never overwritten during training (value targets and value clipping must read the values the
rollout computed, not ones an earlier minibatch replaced). Sampling can optionally shuffle once per
epoch instead of drawing independent minibatches.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any, Literal, Protocol

import numpy as np
import torch

from metta.rl.advantage import compute_advantage

__all__ = ["Experience", "Minibatch", "episode_ends"]

_PRIORITY_EPSILON = 1e-6


class _Space(Protocol):
    shape: tuple[int, ...]
    dtype: Any


def episode_ends(terminals: torch.Tensor, truncations: torch.Tensor) -> torch.Tensor:
    """Terminals and truncations alike end an episode (MettaGrid ends episodes by truncation)."""
    return torch.clamp(terminals + truncations, max=1.0)


_OLD_FLAG_NAMES = {"dones": "terminals", "truncateds": "truncations"}
"""Older names of the flag buffers (the seed's ``experience.dones``), kept as deprecated aliases."""


def _renamed(owner: str, old: str) -> property:
    """A read-only alias ``old`` of ``_OLD_FLAG_NAMES[old]`` that warns (DeprecationWarning)."""
    new = _OLD_FLAG_NAMES[old]

    def read(self: object) -> torch.Tensor:
        warnings.warn(
            f"{owner}.{old} is deprecated; use {owner}.{new} (the engine's name)",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(self, new)

    return property(read, doc=f"Deprecated alias of ``{new}``.")


@dataclass(frozen=True)
class Minibatch:
    """``B`` whole segments drawn from the buffer; tensors are ``[B, H, ...]`` on the device.

    ``returns = advantages + values`` (the rollout's value targets), ``prio_weights`` is ``[B, 1]``
    and ``indices`` are the sampled rows. ``minibatch["obs"]`` also works (dict-style).
    """

    obs: torch.Tensor
    actions: torch.Tensor
    logprobs: torch.Tensor
    values: torch.Tensor
    rewards: torch.Tensor
    terminals: torch.Tensor
    truncations: torch.Tensor
    advantages: torch.Tensor
    returns: torch.Tensor
    ratio: torch.Tensor
    indices: torch.Tensor
    prio_weights: torch.Tensor
    lstm_h: torch.Tensor | None = None
    """The rollout LSTM state each segment started from, ``[layers, B, hidden]``."""
    lstm_c: torch.Tensor | None = None
    teacher_actions: torch.Tensor | None = None
    """A scripted teacher's engine actions on the same states, ``[B, H, 2]`` (None without one)."""

    @property
    def episode_ends(self) -> torch.Tensor:
        """1 where an episode ended (terminal or truncated) on arriving at that step, else 0."""
        return episode_ends(self.terminals, self.truncations)

    dones = _renamed("Minibatch", "dones")
    truncateds = _renamed("Minibatch", "truncateds")

    def __getitem__(self, key: str) -> torch.Tensor:
        """Dict-style access, for code that treats a minibatch as a dict of tensors."""
        if key not in {f.name for f in fields(self)} and key not in _OLD_FLAG_NAMES:
            raise KeyError(f"Minibatch has no field {key!r}")
        return getattr(self, key)


def _torch_dtype(space: _Space, name: str) -> torch.dtype:
    try:
        dtype = np.dtype(space.dtype)
    except TypeError as error:
        raise TypeError(f"Experience: {name}.dtype {space.dtype!r} is not a numpy dtype") from error
    if np.issubdtype(dtype, np.floating):
        return torch.float32
    if name == "obs_space":
        return torch.uint8 if dtype == np.uint8 else torch.float32
    return torch.int32


class Experience:
    """Rollout buffer of ``[S, H]`` segments with per-recv-batch LSTM state.

    ``max_minibatch_size`` (default ``minibatch_size``) caps the segments sampled at once; when
    ``minibatch_size`` is a larger multiple of it, ``accumulate_minibatches`` chunks make one
    optimizer step (pass it to ``Optimizer.step``); the chunks of one step are drawn together, so
    no segment repeats within a step. The step then equals one big minibatch except for
    ``ppo.norm_adv``, which normalises each chunk's advantages by that chunk's own statistics.
    ``sampling="prioritized"`` draws each minibatch independently with
    p_s ~ (sum_t |A_st|)^prio_alpha; ``"shuffle"`` partitions one permutation per epoch (every
    segment exactly once; needs prio_alpha == 0). Each segment keeps the rollout LSTM state it
    started from (``perform_rollout_step`` records it), and minibatches hand it to training, so a
    policy that has not been updated reproduces its rollout log-probabilities exactly.
    ``reset_lstm_on_done`` zeroes an agent's rollout LSTM state when its episode ended, and makes
    ``process_minibatch_update`` pass the episode starts to the policy as ``dones=`` (off: the
    state flows on across episode ends). ``terminals`` and ``truncations`` hold the flags as
    0.0/1.0 (``dones`` and ``truncateds`` are deprecated aliases).
    """

    dones = _renamed("Experience", "dones")
    truncateds = _renamed("Experience", "truncateds")

    def __init__(
        self,
        total_agents: int,
        batch_size: int,
        bptt_horizon: int,
        minibatch_size: int,
        obs_space: _Space,
        atn_space: _Space,
        device: torch.device | str,
        hidden_size: int,
        num_lstm_layers: int = 2,
        *,
        max_minibatch_size: int | None = None,
        cpu_offload: bool = False,
        agents_per_batch: int | None = None,
        prio_alpha: float = 0.0,
        prio_beta: float = 0.6,
        sampling: Literal["prioritized", "shuffle"] = "prioritized",
        reset_lstm_on_done: bool = False,
        teacher_actions: bool = False,
    ) -> None:
        self.device = torch.device(device)
        agents_per_batch = total_agents if agents_per_batch is None else agents_per_batch
        max_minibatch_size = minibatch_size if max_minibatch_size is None else max_minibatch_size
        _check_sizes(
            total_agents, batch_size, bptt_horizon, minibatch_size, max_minibatch_size,
            agents_per_batch, hidden_size, num_lstm_layers,
        )  # fmt: skip
        if not 0.0 <= prio_alpha <= 1.0 or prio_beta < 0.0:
            raise ValueError(
                f"Experience: prio_alpha must be in [0, 1] and prio_beta >= 0, "
                f"got {prio_alpha} and {prio_beta}"
            )
        if sampling not in ("prioritized", "shuffle"):
            raise ValueError(
                f"Experience: sampling must be 'prioritized' or 'shuffle', got {sampling!r}"
            )
        self.total_agents = total_agents
        self.batch_size = batch_size
        self.bptt_horizon = bptt_horizon
        self.segments = batch_size // bptt_horizon
        self.minibatch_size = min(minibatch_size, max_minibatch_size)
        self.minibatch_segments = self.minibatch_size // bptt_horizon
        self.num_minibatches = self.segments // self.minibatch_segments
        self.accumulate_minibatches = max(1, minibatch_size // max_minibatch_size)
        self.agents_per_batch = agents_per_batch
        self.hidden_size = hidden_size
        self.num_lstm_layers = num_lstm_layers
        self.sampling = sampling
        self.reset_lstm_on_done = reset_lstm_on_done
        self.prio_alpha = prio_alpha
        self.prio_beta = prio_beta
        self.cpu_offload = cpu_offload

        rows, horizon = self.segments, bptt_horizon
        obs_device = torch.device("cpu") if cpu_offload else self.device
        pin = cpu_offload and self.device.type == "cuda"
        obs_shape = tuple(obs_space.shape)
        self.obs = torch.zeros(
            (rows, horizon, *obs_shape), dtype=_torch_dtype(obs_space, "obs_space"),
            device=obs_device, pin_memory=pin,
        )  # fmt: skip
        self.actions = torch.zeros(
            (rows, horizon, *tuple(atn_space.shape)),
            dtype=_torch_dtype(atn_space, "atn_space"),
            device=self.device,
        )
        scalar = {"size": (rows, horizon), "dtype": torch.float32, "device": self.device}
        self.logprobs = torch.zeros(**scalar)
        self.values = torch.zeros(**scalar)
        self.rewards = torch.zeros(**scalar)
        self.terminals = torch.zeros(**scalar)
        self.truncations = torch.zeros(**scalar)
        self.ratio = torch.ones(**scalar)
        self.teacher_actions: torch.Tensor | None = None
        if teacher_actions:
            self.teacher_actions = torch.zeros_like(self.actions)
        self._advantages: torch.Tensor | None = None

        self._batch_sizes = {
            start: min(agents_per_batch, total_agents - start)
            for start in range(0, total_agents, agents_per_batch)
        }
        state_shape = {
            start: (num_lstm_layers, n, hidden_size) for start, n in self._batch_sizes.items()
        }
        self.lstm_h = {
            s: torch.zeros(shape, device=self.device) for s, shape in state_shape.items()
        }
        self.lstm_c = {
            s: torch.zeros(shape, device=self.device) for s, shape in state_shape.items()
        }
        # The rollout LSTM state each segment started from, so training replays a segment from
        # the state its actions were sampled under (starting every one from zeros would skew the
        # first ratios, approx-KL and V-trace). [S, layers, hidden].
        segment_state = (self.segments, num_lstm_layers, hidden_size)
        self.segment_lstm_h = torch.zeros(segment_state, device=self.device)
        self.segment_lstm_c = torch.zeros(segment_state, device=self.device)
        self.reset_for_rollout()

    @classmethod
    def from_trainer_config(
        cls,
        trainer_config: Any,
        env: Any,
        device: torch.device | str,
        hidden_size: int,
        num_lstm_layers: int,
        **kwargs: Any,
    ) -> Experience:
        """Builds the buffer from a ``TrainerConfig`` and a vector env (agents, spaces, batches)."""
        return cls(
            total_agents=env.num_agents,
            batch_size=trainer_config.batch_size,
            bptt_horizon=trainer_config.bptt_horizon,
            minibatch_size=trainer_config.minibatch_size,
            obs_space=env.single_observation_space,
            atn_space=env.single_action_space,
            device=device,
            hidden_size=hidden_size,
            num_lstm_layers=num_lstm_layers,
            cpu_offload=trainer_config.cpu_offload,
            agents_per_batch=getattr(env, "agents_per_batch", None),
            prio_alpha=trainer_config.prioritized_experience_replay.prio_alpha,
            prio_beta=trainer_config.prioritized_experience_replay.prio_beta0,
            **{"reset_lstm_on_done": trainer_config.reset_lstm_on_done, **kwargs},
        )

    # ------------------------------------------------------------------------------ rollout side
    def reset_for_rollout(self) -> None:
        """Starts a new rollout: every batch back at its first rows, column 0; LSTM state kept."""
        self._batch_row = {}
        self._batch_t = dict.fromkeys(self._batch_sizes, 0)
        for start in self._batch_sizes:
            self._batch_row[start] = start % self.segments
        self.free_idx = self.total_agents % self.segments
        self.full_rows = 0
        self._advantages = None
        self._segment_states_kept = False  # set by record_segment_start (perform_rollout_step)

    @property
    def ready_for_training(self) -> bool:
        """True once every segment of the buffer is complete."""
        return self.full_rows >= self.segments

    def batch_start(self, env_id: slice) -> int:
        """Checks that ``env_id`` is one recv batch's agent range and returns its first id."""
        if not isinstance(env_id, slice) or env_id.step not in (None, 1):
            raise TypeError(f"Experience: env_id must be a contiguous slice, got {env_id!r}")
        start = env_id.start or 0
        n = self._batch_sizes.get(start)
        if n is None or env_id.stop != start + n:
            raise ValueError(
                f"Experience: env_id {env_id} is not a recv batch; batches are "
                f"{[slice(s, s + k) for s, k in self._batch_sizes.items()]} "
                f"(agents_per_batch={self.agents_per_batch})"
            )
        return start

    def store(
        self,
        obs: torch.Tensor,
        actions: torch.Tensor,
        logprobs: torch.Tensor,
        rewards: torch.Tensor,
        terminals: torch.Tensor,
        truncations: torch.Tensor,
        values: torch.Tensor,
        env_id: slice,
        *,
        lstm_state: tuple[torch.Tensor, torch.Tensor] | None = None,
        teacher_actions: torch.Tensor | None = None,
    ) -> int:
        """Writes one time step of the recv batch ``env_id``; returns its number of agents.

        Every agent of the batch is stored: segments are whole rows, so there is no mask.
        ``lstm_state`` replaces the batch's stored state. ``teacher_actions`` are required when
        the buffer keeps them (``teacher_actions=True``) and refused otherwise.
        """
        start = self.batch_start(env_id)
        if self.ready_for_training:
            raise RuntimeError(
                "Experience.store: the buffer is full; train on it, then call reset_for_rollout()"
            )
        n = self._batch_sizes[start]
        if obs.shape[0] != n:
            raise ValueError(
                f"Experience.store: obs has {obs.shape[0]} rows, the batch has {n} agents"
            )
        if (teacher_actions is None) != (self.teacher_actions is None):
            raise ValueError(
                "Experience.store: teacher_actions must be given exactly when the buffer keeps "
                f"them (Experience(teacher_actions={self.teacher_actions is not None}))"
            )
        row, t = self._batch_row[start], self._batch_t[start]
        rows = slice(row, row + n)
        if self.teacher_actions is not None and teacher_actions is not None:
            target = self.teacher_actions[rows, t]
            target.copy_(teacher_actions.reshape(target.shape), non_blocking=True)
        self.obs[rows, t].copy_(obs, non_blocking=True)
        self.actions[rows, t].copy_(actions.reshape(self.actions[rows, t].shape), non_blocking=True)
        self.logprobs[rows, t].copy_(logprobs.reshape(n), non_blocking=True)
        self.values[rows, t].copy_(values.reshape(n), non_blocking=True)
        self.rewards[rows, t].copy_(rewards.reshape(n), non_blocking=True)
        self.terminals[rows, t].copy_(terminals.reshape(n), non_blocking=True)
        self.truncations[rows, t].copy_(truncations.reshape(n), non_blocking=True)
        if lstm_state is not None:
            self.set_lstm_state(start, *lstm_state)

        if t + 1 >= self.bptt_horizon:
            self._batch_row[start] = self.free_idx
            self._batch_t[start] = 0
            self.free_idx = (self.free_idx + n) % self.segments
            self.full_rows += n
        else:
            self._batch_t[start] = t + 1
        return n

    def record_segment_start(
        self, env_id: slice, lstm_h: torch.Tensor | None, lstm_c: torch.Tensor | None
    ) -> None:
        """Keeps ``(h, c)`` (``[layers, n, hidden]``, the state the policy is about to act from)
        as the starting state of the segments this batch's next ``store`` opens; a no-op in the
        middle of a segment. None means a zero state."""
        start = self.batch_start(env_id)
        if self._batch_t[start] != 0 or self.ready_for_training:
            return
        rows = slice(self._batch_row[start], self._batch_row[start] + self._batch_sizes[start])
        self._segment_states_kept = True
        for target, state in ((self.segment_lstm_h, lstm_h), (self.segment_lstm_c, lstm_c)):
            if state is None:
                target[rows].zero_()
            else:
                target[rows].copy_(state.detach().transpose(0, 1), non_blocking=True)

    def get_lstm_state(self, start: int) -> tuple[torch.Tensor | None, torch.Tensor | None]:
        """Rollout LSTM state ``(h, c)`` (``[layers, n, hidden]``) of the batch at ``start``."""
        return self.lstm_h.get(start), self.lstm_c.get(start)

    def set_lstm_state(self, start: int, lstm_h: torch.Tensor, lstm_c: torch.Tensor) -> None:
        """Replaces the stored state of the batch starting at ``start`` (kept detached)."""
        if start not in self._batch_sizes:
            raise KeyError(f"Experience.set_lstm_state: no recv batch starts at agent {start}")
        self.lstm_h[start] = lstm_h.detach()
        self.lstm_c[start] = lstm_c.detach()

    # ------------------------------------------------------------------------------ training side
    @property
    def advantages(self) -> torch.Tensor | None:
        """This rollout's ``[S, H]`` advantages (None until computed or assigned)."""
        return self._advantages

    @advantages.setter
    def advantages(self, value: torch.Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, torch.Tensor) or value.shape != self.values.shape:
                raise ValueError(
                    f"Experience.advantages must be a tensor of shape {list(self.values.shape)}, "
                    "got "
                    f"{list(value.shape) if isinstance(value, torch.Tensor) else type(value)}"
                )
            value = value.to(self.device)
        self._advantages = value

    def compute_advantages(
        self, gamma: float, gae_lambda: float, vtrace_rho_clip: float, vtrace_c_clip: float
    ) -> torch.Tensor:
        """GAE (ratio 1) of the stored rollout; stores it as ``self.advantages`` and returns it.

        Episode ends are terminals and truncations alike (MettaGrid ends episodes by truncation
        at max_steps); cutting the recursion on terminals only would bootstrap across every
        reset into the next episode."""
        advantages = compute_advantage(
            self.values, self.rewards, self.episode_ends(), torch.ones_like(self.values),
            torch.zeros_like(self.values), gamma, gae_lambda, vtrace_rho_clip, vtrace_c_clip,
            self.device,
        )  # fmt: skip
        self._advantages = advantages
        return advantages

    def episode_ends(self) -> torch.Tensor:
        """1 where an episode ended (terminal or truncated) on arriving at that step, else 0."""
        return episode_ends(self.terminals, self.truncations)

    def reset_importance_sampling_ratios(self) -> None:
        """Sets the stored importance ratios back to 1 (start of a training phase)."""
        self.ratio.fill_(1.0)

    def update_ratio(self, indices: torch.Tensor, ratio: torch.Tensor) -> None:
        """Records the latest importance ratios of the sampled rows (detached; for stats)."""
        self.ratio[indices] = ratio.detach().reshape(len(indices), self.bptt_horizon)

    def sample_minibatch(
        self, advantages: torch.Tensor, prio_alpha: float, prio_beta: float
    ) -> Minibatch:
        """One prioritised draw of ``B`` distinct segments, with IS weights.

        p_s = (w_s + 1e-6) / sum_j (w_j + 1e-6) with w_s = (sum_t |A_st|)^alpha, normalised to sum
        to exactly 1 (the epsilon included); weights (S p_s)^-beta, not max-normalised.
        """
        if not 0.0 <= prio_alpha <= 1.0 or prio_beta < 0.0:
            raise ValueError(
                f"prio_alpha must be in [0, 1] and prio_beta >= 0, got {prio_alpha}, {prio_beta}"
            )
        indices, prio_weights = self._prioritised_draw(
            advantages, prio_alpha, prio_beta, self.minibatch_segments
        )
        return self._gather(indices, advantages, prio_weights)

    def _prioritised_draw(
        self, advantages: torch.Tensor, prio_alpha: float, prio_beta: float, count: int
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``count`` distinct segment indices by priority and their IS weights ``[count, 1]``."""
        score = advantages.abs().sum(dim=1)
        weights = torch.nan_to_num(score.pow(prio_alpha)) + _PRIORITY_EPSILON
        probabilities = weights / weights.sum()
        indices = torch.multinomial(probabilities, count, replacement=False)
        prio_weights = (self.segments * probabilities[indices]).pow(-prio_beta).unsqueeze(1)
        return indices, prio_weights

    def iter_minibatches(
        self,
        advantages: torch.Tensor | None = None,
        prio_alpha: float | None = None,
        prio_beta: float | None = None,
    ) -> Iterator[Minibatch]:
        """Yields one update epoch: ``num_minibatches`` minibatches drawn per ``sampling``.

        Defaults: ``self.advantages`` (computed with ``compute_advantages`` or assigned),
        ``self.prio_alpha`` and ``self.prio_beta`` (set the latter from ``calculate_anneal_beta``).
        """
        if advantages is not None:
            self.advantages = advantages
        if self._advantages is None:
            raise RuntimeError(
                "Experience.iter_minibatches: no advantages for this rollout; call "
                "experience.compute_advantages(gamma, gae_lambda, rho_clip, c_clip) or pass them"
            )
        advantages = self._advantages
        alpha = self.prio_alpha if prio_alpha is None else prio_alpha
        beta = self.prio_beta if prio_beta is None else prio_beta
        if self.sampling == "shuffle":
            if alpha != 0.0:
                raise ValueError(
                    f"Experience: sampling='shuffle' ignores priorities, but prio_alpha={alpha}; "
                    "use sampling='prioritized' or prio_alpha=0"
                )
            order = torch.randperm(self.segments, device=self.device)
            ones = torch.ones((self.minibatch_segments, 1), device=self.device)
            for k in range(self.num_minibatches):
                indices = order[k * self.minibatch_segments : (k + 1) * self.minibatch_segments]
                yield self._gather(indices, advantages, ones)
            return
        window = self.accumulate_minibatches
        for _ in range(self.num_minibatches // window):
            if window == 1:
                yield self.sample_minibatch(advantages, alpha, beta)
                continue
            # One draw without replacement for the whole optimizer step, split into its chunks.
            indices, weights = self._prioritised_draw(
                advantages, alpha, beta, self.minibatch_segments * window
            )
            for k in range(window):
                part = slice(k * self.minibatch_segments, (k + 1) * self.minibatch_segments)
                yield self._gather(indices[part], advantages, weights[part])

    def _gather(
        self, indices: torch.Tensor, advantages: torch.Tensor, prio_weights: torch.Tensor
    ) -> Minibatch:
        if self.obs.device != self.device:
            obs = self.obs[indices.cpu()].to(self.device, non_blocking=True)
        else:
            obs = self.obs[indices]
        values = self.values[indices]
        mb_advantages = advantages[indices]
        return Minibatch(
            obs=obs,
            actions=self.actions[indices],
            logprobs=self.logprobs[indices],
            values=values,
            rewards=self.rewards[indices],
            terminals=self.terminals[indices],
            truncations=self.truncations[indices],
            advantages=mb_advantages,
            returns=mb_advantages + values,
            ratio=self.ratio[indices],
            indices=indices,
            prio_weights=prio_weights,
            # A buffer filled without record_segment_start (a hand-written store loop) trains
            # from zero states.
            lstm_h=self._segment_state(self.segment_lstm_h, indices),
            lstm_c=self._segment_state(self.segment_lstm_c, indices),
            teacher_actions=None if self.teacher_actions is None else self.teacher_actions[indices],
        )

    def _segment_state(self, states: torch.Tensor, indices: torch.Tensor) -> torch.Tensor | None:
        if not self._segment_states_kept:
            return None
        return states[indices].transpose(0, 1).contiguous()

    def stats(self) -> dict[str, float]:
        """Means of the stored fields (one host sync), logged as ``experience/*`` (the flags
        under ``terminals``/``truncations``)."""
        filled = [t for t in self._batch_t.values() if t > 0]
        actions = self.actions.float()
        return {
            "rewards": self.rewards.mean().item(),
            "values": self.values.mean().item(),
            "logprobs": self.logprobs.mean().item(),
            "terminals": self.terminals.mean().item(),
            "truncations": self.truncations.mean().item(),
            "ratio": self.ratio.mean().item(),
            "ep_lengths": float(np.mean(filled)) if filled else 0.0,
            "actions_mean": actions.mean().item(),
            "actions_std": actions.std().item(),
        }


def _check_sizes(
    total_agents: int,
    batch_size: int,
    horizon: int,
    minibatch_size: int,
    max_minibatch_size: int,
    agents_per_batch: int,
    hidden_size: int,
    num_lstm_layers: int,
) -> None:
    """Raises ValueError naming the numbers to change when the buffer cannot be laid out."""
    named = {
        "total_agents": total_agents,
        "batch_size": batch_size,
        "bptt_horizon": horizon,
        "minibatch_size": minibatch_size,
        "max_minibatch_size": max_minibatch_size,
        "agents_per_batch": agents_per_batch,
        "hidden_size": hidden_size,
        "num_lstm_layers": num_lstm_layers,
    }
    for name, value in named.items():
        if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < 1:
            raise ValueError(f"Experience: {name} must be a positive int, got {value!r}")
    if horizon < 2:
        raise ValueError(
            f"Experience: bptt_horizon must be >= 2 (the last step of a segment only bootstraps), "
            f"got {horizon}"
        )
    if total_agents % agents_per_batch != 0:
        raise ValueError(
            f"Experience: total_agents ({total_agents}) must be a multiple of agents_per_batch "
            f"({agents_per_batch})"
        )
    step = total_agents * horizon
    suggestion = max(step, round(batch_size / step) * step)
    if batch_size % horizon != 0:
        raise ValueError(
            f"Experience: batch_size ({batch_size}) must be a multiple of bptt_horizon "
            f"({horizon}), "
            f"e.g. batch_size={suggestion}"
        )
    segments = batch_size // horizon
    if segments % total_agents != 0:
        raise ValueError(
            f"Experience: batch_size ({batch_size}) / bptt_horizon ({horizon}) = {segments} "
            f"segments "
            f"must be a multiple of total_agents ({total_agents}) so that every agent fills whole "
            f"segments: use a multiple of {total_agents} x {horizon} = {step}, e.g. "
            f"batch_size={suggestion}"
        )
    if minibatch_size > batch_size:
        raise ValueError(
            f"Experience: minibatch_size ({minibatch_size}) must be <= batch_size ({batch_size})"
        )
    if max_minibatch_size > minibatch_size:
        raise ValueError(
            f"Experience: max_minibatch_size ({max_minibatch_size}) must be <= minibatch_size "
            f"({minibatch_size})"
        )
    if minibatch_size % max_minibatch_size != 0:
        raise ValueError(
            f"Experience: minibatch_size ({minibatch_size}) must be a multiple of "
            f"max_minibatch_size ({max_minibatch_size}) (gradient accumulation steps)"
        )
    if max_minibatch_size % horizon != 0:
        raise ValueError(
            f"Experience: minibatch_size ({max_minibatch_size}) must be a multiple of bptt_horizon "
            f"({horizon}) so minibatches hold whole segments, e.g. "
            f"{max(horizon, round(max_minibatch_size / horizon) * horizon)}"
        )
    if segments % (max_minibatch_size // horizon) != 0:
        raise ValueError(
            f"Experience: batch_size ({batch_size}) must be a multiple of minibatch_size "
            f"({max_minibatch_size}) so every minibatch has the same number of segments"
        )
    if batch_size % minibatch_size != 0:
        raise ValueError(
            f"Experience: batch_size ({batch_size}) must be a multiple of minibatch_size "
            f"({minibatch_size}) so every accumulated optimizer step gets all its chunks"
        )
