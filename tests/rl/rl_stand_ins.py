"""Small stand-ins following the policy and vector-env contracts the RL components rely on.

TinyPolicy: ``policy(obs, state, action=None) -> (actions [N,2] int32, logprob [N], entropy [N],
value [N,1], full_log_probs [N,A])`` for rollout obs ``[N,M,3]`` and training obs ``[B,T,M,3]``,
with an LSTM whose state lives in ``PolicyState``. TinyBanditEnv: a vector env whose reward is 1
when the action type equals the target shown in the observation, with send/recv as the rollout's
contract.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import torch
from torch import nn

from metta.agent.policy_state import PolicyState
from metta.rl.experience import Experience


class TinyPolicy(nn.Module):
    """Linear encoder -> LSTM -> actor over flat actions (type, arg) and a value head."""

    def __init__(
        self, num_tokens: int = 4, action_types: int = 2, max_arg: int = 1, hidden: int = 8
    ):
        super().__init__()
        self.action_types, self.num_args = action_types, max_arg + 1
        self.hidden_size, self.num_layers = hidden, 1
        self.encoder = nn.Linear(num_tokens * 3, hidden)
        self.lstm = nn.LSTM(hidden, hidden, self.num_layers)
        self.actor = nn.Linear(hidden, action_types * self.num_args)
        self.critic = nn.Linear(hidden, 1)
        self.initial = {name: p.detach().clone() for name, p in self.named_parameters()}

    def forward(self, obs, state: PolicyState, action=None, dones=None):
        training = obs.dim() == 4
        batch, steps = (obs.shape[0], obs.shape[1]) if training else (obs.shape[0], 1)
        x = torch.relu(self.encoder(obs.float().reshape(batch, steps, -1) / 255.0))
        x = x.transpose(0, 1)  # [T, B, hidden]
        if state.lstm_h is None:
            zeros = torch.zeros(self.num_layers, batch, self.hidden_size, device=obs.device)
            h, c = zeros, zeros.clone()
        else:
            h, c = state.lstm_h, state.lstm_c
        if dones is None:
            out, (h, c) = self.lstm(x, (h, c))
        else:  # zero the state of rows whose observation at t starts an episode
            self.seen_dones = dones.clone()
            keep = (~dones.reshape(batch, steps)).float().t()  # [T, B]
            outputs = []
            for t in range(steps):
                h, c = h * keep[t].view(1, -1, 1), c * keep[t].view(1, -1, 1)
                step_out, (h, c) = self.lstm(x[t : t + 1], (h, c))
                outputs.append(step_out)
            out = torch.cat(outputs)
        state.lstm_h, state.lstm_c = h.detach(), c.detach()
        features = out.transpose(0, 1).reshape(batch * steps, -1)
        log_probs = torch.log_softmax(self.actor(features), dim=-1)
        if action is None:
            index = torch.multinomial(log_probs.exp(), 1).squeeze(1)
            actions = torch.stack([index // self.num_args, index % self.num_args], dim=1)
            actions = actions.to(torch.int32)
        else:
            flat = action.reshape(-1, 2).long()
            index = flat[:, 0] * self.num_args + flat[:, 1]
            actions = action
        logprob = log_probs.gather(1, index.unsqueeze(1)).squeeze(1)
        entropy = -(log_probs.exp() * log_probs).sum(dim=-1)
        value = self.critic(features)
        return actions, logprob, entropy, value, log_probs

    def l2_init_loss(self) -> torch.Tensor:
        """sum ||W - W_init||^2 over weight matrices, with gradients."""
        terms = [
            (p - self.initial[name]).square().sum()
            for name, p in self.named_parameters()
            if p.ndim >= 2
        ]
        return torch.stack(terms).sum()


class TinyBanditEnv:
    """N agents in ``batches`` recv batches; each step shows a target in {0..K-1} and pays 1 when
    the action type matches it. Episodes are truncated after ``episode_length`` steps."""

    def __init__(
        self,
        num_agents: int = 4,
        num_tokens: int = 4,
        action_types: int = 2,
        max_arg: int = 1,
        episode_length: int = 5,
        batches: int = 1,
        seed: int = 0,
    ):
        self.num_agents, self.num_tokens, self.action_types = num_agents, num_tokens, action_types
        self.episode_length = episode_length
        self.agents_per_batch = num_agents // batches
        self.single_observation_space = gym.spaces.Box(0, 255, (num_tokens, 3), np.uint8)
        self.single_action_space = gym.spaces.MultiDiscrete([action_types, max_arg + 1])
        self.rng = np.random.default_rng(seed)
        self.targets = np.zeros(num_agents, dtype=np.int64)
        self.steps = np.zeros(num_agents, dtype=np.int64)
        self.pending = np.zeros(num_agents, dtype=np.float32)
        self.terminals = np.zeros(num_agents, dtype=bool)
        self.truncations = np.zeros(num_agents, dtype=bool)
        self.returns = np.zeros(num_agents, dtype=np.float32)
        self.infos: list[dict] = []
        self.next_batch = 0
        self.sent = []

    def reset(self, seed: int | None = None) -> None:
        if seed is not None:
            self.rng = np.random.default_rng(seed)
        self.targets = self.rng.integers(0, self.action_types, self.num_agents)
        self.steps[:] = 0
        self.pending[:] = 0
        self.returns[:] = 0
        self.next_batch = 0

    def _obs(self, ids: slice) -> np.ndarray:
        obs = np.full((ids.stop - ids.start, self.num_tokens, 3), 0xFF, dtype=np.uint8)
        obs[:, 0] = [0, 1, 0]
        obs[:, 0, 2] = self.targets[ids] * 200
        return obs

    def recv(self):
        start = self.next_batch * self.agents_per_batch
        ids = slice(start, start + self.agents_per_batch)
        infos, self.infos = self.infos, []
        out = (
            self._obs(ids),
            self.pending[ids].copy(),
            self.terminals[ids].copy(),
            self.truncations[ids].copy(),
            infos,
            np.arange(ids.start, ids.stop),
            np.ones(self.agents_per_batch, dtype=bool),
        )
        self.current = ids
        return out

    def send(self, actions: np.ndarray) -> None:
        ids = self.current
        assert actions.dtype == np.int32
        assert actions.shape == (self.agents_per_batch, 2)
        self.sent.append(actions.copy())
        reward = (actions[:, 0] == self.targets[ids]).astype(np.float32)
        self.pending[ids] = reward
        self.returns[ids] += reward
        self.steps[ids] += 1
        ended = self.steps[ids] >= self.episode_length
        self.truncations[ids] = ended
        for agent in np.flatnonzero(ended) + ids.start:
            self.infos.append({"episode": {"return": float(self.returns[agent])}})
            self.returns[agent] = 0
            self.steps[agent] = 0
        self.targets[ids] = self.rng.integers(0, self.action_types, ids.stop - ids.start)
        self.next_batch = (self.next_batch + 1) % (self.num_agents // self.agents_per_batch)


def bandit_setup(num_agents=4, batches=1, segments_per_agent=2, minibatch_segments=1, **kwargs):
    """A reset TinyBanditEnv (episodes of 3 steps), a seeded TinyPolicy and an Experience of
    ``segments_per_agent`` segments of 4 steps per agent for them (``kwargs`` to Experience)."""
    horizon = 4
    env = TinyBanditEnv(num_agents=num_agents, num_tokens=2, batches=batches, episode_length=3)
    env.reset(seed=0)
    torch.manual_seed(0)
    policy = TinyPolicy(num_tokens=2)
    experience = Experience(
        total_agents=num_agents,
        batch_size=num_agents * horizon * segments_per_agent,
        bptt_horizon=horizon,
        minibatch_size=horizon * minibatch_segments,
        obs_space=env.single_observation_space,
        atn_space=env.single_action_space,
        device="cpu",
        hidden_size=policy.hidden_size,
        num_lstm_layers=policy.num_layers,
        agents_per_batch=env.agents_per_batch,
        **kwargs,
    )
    return env, policy, experience
