"""A single-file PPO-LSTM yardstick in the style of CleanRL's ``ppo_atari_lstm.py``.

Independent of the library's trainer on purpose: it imports nothing from ``metta.rl`` or
``metta.agent``, only the vectorised MettaGrid env (``metta.api.Environment``, imported from the
module that defines it so that the trainer is not pulled in), torch and numpy. The library's
trainer must match it in learning per agent step and per second.

    python benchmarks/cleanrl_ppo_lstm.py --quick           # seconds; CI runs this
    python benchmarks/cleanrl_ppo_lstm.py --total-steps 300000 --eval-every 100000

Prints JSON lines on stdout: one per rollout (``"kind": "rollout"``: agent_steps, wall_s,
episode_return, agent_steps_per_s, losses) and one per evaluation (``"kind": "eval"``:
suite_score, the mean over the navigation eval maps of the oracle-normalised score, and the
per-map scores). ``wall_s`` counts everything since the start, evaluations included;
``agent_steps_per_s`` counts training time only (``train_s``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import tempfile
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.distributions.categorical import Categorical

from metta.mettagrid.environment import CurriculumVecEnv, Environment

BENCHMARK = "cleanrl_ppo_lstm"
EVAL_PATH = "/env/mettagrid/navigation/evals/"
PADDING = 0xFF


@dataclass
class Args:
    """Every setting is a CLI flag (``--num-envs`` for ``num_envs``; booleans take ``--no-``)."""

    curriculum: str = "/env/mettagrid/curriculum/navigation/varied"
    """Training curriculum (or env) path."""
    exploration_reward: float = 0.03
    """Reward for each cell entered for the first time in an episode (the CPU recipe's value;
    tests/benchmarks checks that the two agree)."""
    seed: int = 1
    """Seed of the env and of torch."""
    total_steps: int = 1_000_000
    """Agent steps to train for (rounded up to whole rollouts)."""
    num_envs: int = 32
    """Games stepped together (one agent each)."""
    num_steps: int = 64
    """Steps per env per rollout."""
    bptt: int = 16
    """Steps per LSTM training segment; ``--bptt`` = ``--num-steps`` is CleanRL's whole rollout."""
    update_epochs: int = 4
    num_minibatches: int = 4
    learning_rate: float = 1e-3
    adam_eps: float = 1e-5
    anneal_lr: bool = False
    """Linear decay of the learning rate to 0 at total_steps (CleanRL's default is on)."""
    gamma: float = 0.99
    gae_lambda: float = 0.95
    clip_coef: float = 0.1
    clip_vloss: bool = True
    vf_clip_coef: float = 0.1
    ent_coef: float = 0.01
    vf_coef: float = 0.5
    max_grad_norm: float = 0.5
    norm_adv: bool = True
    """Normalise advantages per minibatch."""
    hidden_size: int = 128
    """Width of the encoder's linear layer, the LSTM and the heads ("nav" size)."""
    eval_every: int = 0
    """Evaluate every this many agent steps (0: only at the end)."""
    eval_episodes: int = 4
    """Episodes (and games) per eval map; 0 turns evaluation off."""
    baseline_episodes: int = 8
    """Episodes the oracle and random baselines average over (as the library's Simulation)."""
    eval_maps: str = ""
    """Comma-separated eval map names (empty: all of NAVIGATION_EVALS; --quick: the first)."""
    torch_threads: int = 0
    """torch.set_num_threads (0: torch's default, as the library's trainer). On a machine shared
    with other jobs 1 can be several times faster: torch's threads spin waiting for each other."""
    save: str = ""
    """Where to torch.save the final state dict (empty: not saved)."""
    quick: bool = False
    """Tiny CI budget: 2 rollouts of 8 envs x 32 steps, eval on 1 map with at most 2 episodes,
    one torch thread unless set (overrides those flags)."""


def parse_args(argv: list[str] | None = None) -> Args:
    """Args from the command line, one flag per dataclass field."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for field in dataclasses.fields(Args):
        flag = "--" + field.name.replace("_", "-")
        if field.type == "bool":
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=field.default)
        else:
            kind = {"int": int, "float": float, "str": str}[str(field.type)]
            parser.add_argument(flag, type=kind, default=field.default)
    args = Args(**vars(parser.parse_args(argv)))
    if args.quick:
        args.num_envs, args.num_steps, args.bptt = 8, 32, 16
        args.total_steps = 2 * 8 * 32
        args.eval_every, args.eval_episodes = 0, min(args.eval_episodes, 2)
        args.baseline_episodes = min(args.baseline_episodes, 2)
        args.torch_threads = args.torch_threads or 1
    if args.num_steps % args.bptt:
        raise SystemExit(f"--num-steps {args.num_steps} must be a multiple of --bptt {args.bptt}")
    if (args.num_envs * args.num_steps // args.bptt) % args.num_minibatches:
        raise SystemExit("--num-minibatches must divide the number of bptt segments per rollout")
    return args


def make_env(args: Args) -> CurriculumVecEnv:
    """The training env: ``num_envs`` single-agent games of the curriculum."""
    return Environment(
        curriculum_path=args.curriculum,
        num_agents=1,
        num_envs=args.num_envs,
        seed=args.seed,
        is_training=True,
        env_overrides={"game": {"agent": {"exploration_reward": args.exploration_reward}}},
    )


def action_pairs(env: CurriculumVecEnv) -> np.ndarray:
    """Every valid (action, arg) pair, int32 [A, 2]: the flat categorical's index -> env action."""
    pairs = [
        (action, arg)
        for action, max_arg in enumerate(env.max_action_args)
        for arg in range(max_arg + 1)
    ]
    return np.array(pairs, dtype=np.int32)


def feature_normalizations(env: CurriculumVecEnv) -> torch.Tensor:
    """Divisor of each feature id, float32 [F] (F = largest feature id + 1)."""
    features = env.driver_env.get_observation_features()
    norms = torch.ones(max(f["id"] for f in features.values()) + 1)
    for feature in features.values():
        norms[feature["id"]] = feature["normalization"]
    return norms


def tokens_to_box(
    tokens: torch.Tensor, norms: torch.Tensor, height: int, width: int
) -> torch.Tensor:
    """uint8 tokens [N, M, 3] (row<<4|col, feature, value) -> float box [N, F, H, W].

    Each value, divided by its feature's normalisation, lands at (feature, row, col); padding
    (location 0xFF), cells outside the window and unknown features are dropped; a repeated
    (feature, row, col) keeps the last token's value.
    """
    tokens = tokens.long()
    n, f = tokens.shape[0], norms.shape[0]
    location, feature, value = tokens[..., 0], tokens[..., 1], tokens[..., 2]
    row, col = location >> 4, location & 0xF
    valid = (location != PADDING) & (row < height) & (col < width) & (feature < f)
    size = n * f * height * width
    batch = torch.arange(n, device=tokens.device).unsqueeze(1)
    index = ((batch * f + feature) * height + row) * width + col
    index = torch.where(valid, index, size)  # one spare slot takes every dropped token
    box = torch.zeros(size + 1, device=tokens.device)
    box.scatter_(0, index.reshape(-1), value.reshape(-1).float())
    return box[:size].view(n, f, height, width) / norms.view(1, f, 1, 1)


def layer_init(layer: nn.Module, std: float = math.sqrt(2), bias: float = 0.0) -> nn.Module:
    """Orthogonal weights with gain ``std`` and constant biases, as CleanRL."""
    nn.init.orthogonal_(layer.weight, std)
    nn.init.constant_(layer.bias, bias)
    return layer


class Agent(nn.Module):
    """Token box -> conv 32 k3 -> conv 32 k3 -> linear -> LSTM -> actor and critic heads."""

    def __init__(
        self, norms: torch.Tensor, height: int, width: int, num_actions: int, hidden: int = 128
    ) -> None:
        super().__init__()
        self.height, self.width = height, width
        self.register_buffer("norms", norms.clone())
        channels = norms.shape[0]
        self.encoder = nn.Sequential(
            layer_init(nn.Conv2d(channels, 32, 3)),
            nn.ReLU(),
            layer_init(nn.Conv2d(32, 32, 3)),
            nn.ReLU(),
            nn.Flatten(),
            layer_init(nn.Linear(32 * (height - 4) * (width - 4), hidden)),
            nn.ReLU(),
        )
        self.lstm = nn.LSTM(hidden, hidden)
        for name, param in self.lstm.named_parameters():
            if "bias" in name:
                nn.init.constant_(param, 0)
            elif "weight" in name:
                nn.init.orthogonal_(param, 1.0)
        self.actor = nn.Sequential(
            layer_init(nn.Linear(hidden, hidden)),
            nn.ReLU(),
            layer_init(nn.Linear(hidden, num_actions), std=0.01),
        )
        self.critic = nn.Sequential(
            layer_init(nn.Linear(hidden, hidden)),
            nn.Tanh(),
            layer_init(nn.Linear(hidden, 1), std=1.0),
        )

    def initial_state(self, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Zero LSTM state (h, c), each [1, batch, hidden]."""
        zeros = torch.zeros(1, batch, self.lstm.hidden_size)
        return zeros, zeros.clone()

    def get_states(
        self,
        tokens: torch.Tensor,
        state: tuple[torch.Tensor, torch.Tensor],
        done: torch.Tensor,
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """LSTM outputs [T * B, hidden] for time-major tokens [T * B, M, 3] from ``state``.

        ``done[t]`` = 1 where the observation at t starts a new episode: the state is zeroed
        before that step.
        """
        box = tokens_to_box(tokens, self.norms, self.height, self.width)
        hidden = self.encoder(box)
        batch = state[0].shape[1]
        hidden = hidden.reshape(-1, batch, self.lstm.input_size)
        done = done.reshape(-1, batch)
        outputs = []
        for h, d in zip(hidden, done, strict=True):
            keep = (1.0 - d).view(1, -1, 1)
            out, state = self.lstm(h.unsqueeze(0), (keep * state[0], keep * state[1]))
            outputs.append(out)
        return torch.flatten(torch.cat(outputs), 0, 1), state

    def get_value(
        self, tokens: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor], done: torch.Tensor
    ) -> torch.Tensor:
        """Critic values [T * B, 1]."""
        hidden, _ = self.get_states(tokens, state, done)
        return self.critic(hidden)

    def get_action_and_value(
        self,
        tokens: torch.Tensor,
        state: tuple[torch.Tensor, torch.Tensor],
        done: torch.Tensor,
        action: torch.Tensor | None = None,
    ) -> tuple[
        torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, tuple[torch.Tensor, torch.Tensor]
    ]:
        """(action, log-prob, entropy, value, next state); samples ``action`` when None."""
        hidden, state = self.get_states(tokens, state, done)
        dist = Categorical(logits=self.actor(hidden))
        if action is None:
            action = dist.sample()
        return action, dist.log_prob(action), dist.entropy(), self.critic(hidden), state


def compute_gae(
    rewards: torch.Tensor,
    values: torch.Tensor,
    dones: torch.Tensor,
    next_value: torch.Tensor,
    next_done: torch.Tensor,
    gamma: float,
    gae_lambda: float,
) -> tuple[torch.Tensor, torch.Tensor]:
    """(advantages, returns), each [T, B], by generalised advantage estimation.

    ``rewards[t]``, ``values[t]`` belong to step t; ``dones[t]`` = 1 where the observation at t
    starts a new episode (so the episode ended at step t - 1 and step t - 1 does not
    bootstrap); ``next_value`` / ``next_done`` [B] are those of the observation after the last
    step.
    """
    steps = rewards.shape[0]
    advantages = torch.zeros_like(rewards)
    last = torch.zeros_like(next_value)
    for t in reversed(range(steps)):
        if t == steps - 1:
            nonterminal, following = 1.0 - next_done, next_value
        else:
            nonterminal, following = 1.0 - dones[t + 1], values[t + 1]
        delta = rewards[t] + gamma * following * nonterminal - values[t]
        last = delta + gamma * gae_lambda * nonterminal * last
        advantages[t] = last
    return advantages, advantages + values


def evaluate(agent: Agent, pairs: np.ndarray, args: Args) -> dict[str, Any]:
    """Plays the policy (sampling) for ``eval_episodes`` episodes on each eval map; per map the
    mean return, the oracle and random baselines on the same (fixed) map, computed exactly as the
    library's Simulation does, and the normalised score (policy - random) / (oracle - random)."""
    from metta.mettagrid.navigation_evals import NAVIGATION_EVALS  # noqa: PLC0415
    from metta.sim.baselines import navigation_baselines, normalized_score  # noqa: PLC0415

    names = [name for name in args.eval_maps.split(",") if name] or list(NAVIGATION_EVALS)
    if args.quick:
        names = names[:1]
    if not names:
        raise ValueError("no eval maps")
    k = args.eval_episodes
    maps: dict[str, dict[str, float]] = {}
    for name in names:
        path = EVAL_PATH + name
        env = Environment(curriculum_path=path, num_agents=1, num_envs=k, seed=0, is_training=False)
        try:
            obs, _ = env.reset()
            state = agent.initial_state(k)
            done = torch.zeros(k)
            returns: list[float] = []
            with torch.no_grad():
                while len(returns) < k:
                    tokens = torch.from_numpy(obs).clone()
                    action, _, _, _, state = agent.get_action_and_value(tokens, state, done)
                    obs, _, terminals, truncations, infos = env.step(pairs[action.numpy()])
                    done = torch.from_numpy(terminals | truncations).float()
                    returns += [float(info["episode_return"]) for info in infos]
        finally:
            env.close()
        policy = float(np.mean(returns[:k]))
        baselines = navigation_baselines(path, None, seed=0, episodes=args.baseline_episodes)
        maps[name] = {
            "return": policy,
            "random": baselines.random,
            "oracle": baselines.oracle,
            "score": normalized_score(policy, baselines.random, baselines.oracle),
        }
    scores = [m["score"] for m in maps.values() if math.isfinite(m["score"])]
    return {"suite_score": float(np.mean(scores)) if scores else None, "maps": maps}


def save_state_dict(agent: Agent, path: str) -> None:
    """torch.save of the state dict to a temporary file in the same folder, then renamed."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    os.close(handle)
    try:
        torch.save(agent.state_dict(), temporary)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def finite(value: Any) -> Any:
    """``value`` with every non-finite float (NaN score, no episodes) replaced by None."""
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def emit(record: dict[str, Any]) -> None:
    """One JSON line on stdout (NaN written as null)."""
    print(json.dumps(finite(record), allow_nan=False), flush=True)


def main(argv: list[str] | None = None) -> None:  # noqa: PLR0912, PLR0915  (one loop, as CleanRL)
    """Trains PPO-LSTM on the curriculum, printing one JSON line per rollout and evaluation."""
    args = parse_args(argv)
    config = dataclasses.asdict(args)
    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    torch.manual_seed(args.seed)
    start = time.perf_counter()

    env = make_env(args)
    pairs = action_pairs(env)
    view = env.driver_env
    agent = Agent(
        feature_normalizations(env), view.obs_height, view.obs_width, len(pairs), args.hidden_size
    )
    optimizer = torch.optim.Adam(agent.parameters(), lr=args.learning_rate, eps=args.adam_eps)

    e, t_len, bptt = args.num_envs, args.num_steps, args.bptt
    tokens_shape = env.single_observation_space.shape
    obs = torch.zeros((t_len, e, *tokens_shape), dtype=torch.uint8)
    actions = torch.zeros((t_len, e), dtype=torch.long)
    logprobs = torch.zeros((t_len, e))
    rewards = torch.zeros((t_len, e))
    dones = torch.zeros((t_len, e))
    values = torch.zeros((t_len, e))
    segments_per_env = t_len // bptt
    num_segments = e * segments_per_env
    segment_h = torch.zeros((segments_per_env, e, args.hidden_size))
    segment_c = torch.zeros((segments_per_env, e, args.hidden_size))

    batch_size = e * t_len
    num_updates = max(1, -(-args.total_steps // batch_size))
    agent_steps, train_s, next_eval = 0, 0.0, args.eval_every
    next_obs_np, _ = env.reset()
    next_obs = torch.from_numpy(next_obs_np).clone()
    next_done = torch.zeros(e)
    lstm_state = agent.initial_state(e)

    def run_eval() -> None:
        if args.eval_episodes > 0:
            result = evaluate(agent, pairs, args)
            emit(
                {
                    "benchmark": BENCHMARK,
                    "kind": "eval",
                    "config": config,
                    "agent_steps": agent_steps,
                    "wall_s": time.perf_counter() - start,
                    **result,
                }
            )

    for update in range(num_updates):
        began = time.perf_counter()
        if args.anneal_lr:
            optimizer.param_groups[0]["lr"] = args.learning_rate * (1.0 - update / num_updates)

        # Rollout: num_steps steps of every env; the LSTM state at each segment start is kept.
        returns: list[float] = []
        for step in range(t_len):
            if step % bptt == 0:
                segment_h[step // bptt] = lstm_state[0][0]
                segment_c[step // bptt] = lstm_state[1][0]
            obs[step] = next_obs
            dones[step] = next_done
            with torch.no_grad():
                action, logprob, _, value, lstm_state = agent.get_action_and_value(
                    next_obs, lstm_state, next_done
                )
            actions[step], logprobs[step], values[step] = action, logprob, value.flatten()
            next_obs_np, reward, terminals, truncations, infos = env.step(pairs[action.numpy()])
            rewards[step] = torch.from_numpy(reward)
            next_obs = torch.from_numpy(next_obs_np).clone()
            next_done = torch.from_numpy(terminals | truncations).float()
            returns += [
                float(info["episode_return"]) for info in infos if not info.get("desync_episode")
            ]
        agent_steps += batch_size

        with torch.no_grad():
            next_value = agent.get_value(next_obs, lstm_state, next_done).flatten()
        advantages, targets = compute_gae(
            rewards, values, dones, next_value, next_done, args.gamma, args.gae_lambda
        )

        # Segments: [T, E, ...] -> [bptt, S, ...], segment s = k * E + env (k-th bptt window).
        def segments(x: torch.Tensor) -> torch.Tensor:
            x = x.reshape(segments_per_env, bptt, e, *x.shape[2:]).transpose(0, 1)
            return x.reshape(bptt, num_segments, *x.shape[3:])

        s_obs, s_actions, s_logprobs = segments(obs), segments(actions), segments(logprobs)
        s_dones, s_values = segments(dones), segments(values)
        s_advantages, s_targets = segments(advantages), segments(targets)
        s_h = segment_h.reshape(1, num_segments, -1)
        s_c = segment_c.reshape(1, num_segments, -1)

        per_minibatch = num_segments // args.num_minibatches
        clipfracs: list[float] = []
        for _ in range(args.update_epochs):
            order = torch.randperm(num_segments)
            for first in range(0, num_segments, per_minibatch):
                mb = order[first : first + per_minibatch]
                _, newlogprob, entropy, newvalue, _ = agent.get_action_and_value(
                    s_obs[:, mb].reshape(-1, *tokens_shape),
                    (s_h[:, mb], s_c[:, mb]),
                    s_dones[:, mb].reshape(-1),
                    s_actions[:, mb].reshape(-1),
                )
                logratio = newlogprob - s_logprobs[:, mb].reshape(-1)
                ratio = logratio.exp()
                with torch.no_grad():
                    approx_kl = ((ratio - 1) - logratio).mean()
                    clipfracs.append(((ratio - 1.0).abs() > args.clip_coef).float().mean().item())

                mb_advantages = s_advantages[:, mb].reshape(-1)
                if args.norm_adv:
                    mb_advantages = (mb_advantages - mb_advantages.mean()) / (
                        mb_advantages.std() + 1e-8
                    )
                pg_loss = torch.max(
                    -mb_advantages * ratio,
                    -mb_advantages * torch.clamp(ratio, 1 - args.clip_coef, 1 + args.clip_coef),
                ).mean()

                newvalue = newvalue.view(-1)
                mb_targets, mb_values = s_targets[:, mb].reshape(-1), s_values[:, mb].reshape(-1)
                if args.clip_vloss:
                    clipped = mb_values + torch.clamp(
                        newvalue - mb_values, -args.vf_clip_coef, args.vf_clip_coef
                    )
                    v_loss = (
                        0.5
                        * torch.max(
                            (newvalue - mb_targets) ** 2, (clipped - mb_targets) ** 2
                        ).mean()
                    )
                else:
                    v_loss = 0.5 * ((newvalue - mb_targets) ** 2).mean()
                entropy_loss = entropy.mean()
                loss = pg_loss - args.ent_coef * entropy_loss + v_loss * args.vf_coef

                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(agent.parameters(), args.max_grad_norm)
                optimizer.step()

        train_s += time.perf_counter() - began
        explained = 1.0 - torch.var(targets - values) / torch.var(targets)
        emit(
            {
                "benchmark": BENCHMARK,
                "kind": "rollout",
                "config": config,
                "agent_steps": agent_steps,
                "wall_s": time.perf_counter() - start,
                "train_s": train_s,
                "episode_return": float(np.mean(returns)) if returns else None,
                "episodes": len(returns),
                "agent_steps_per_s": agent_steps / train_s,
                "losses": {
                    "policy": pg_loss.item(),
                    "value": v_loss.item(),
                    "entropy": entropy_loss.item(),
                    "approx_kl": approx_kl.item(),
                    "clipfrac": float(np.mean(clipfracs)),
                    "explained_variance": explained.item(),
                },
            }
        )
        if args.eval_every and agent_steps >= next_eval and update < num_updates - 1:
            run_eval()
        while args.eval_every and next_eval <= agent_steps:
            next_eval += args.eval_every
    env.close()
    run_eval()
    if args.save:
        save_state_dict(agent, args.save)


if __name__ == "__main__":
    main()
