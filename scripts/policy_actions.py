"""What a policy does on evaluation maps: its hearts and how often it takes each action.

Plays a checkpoint (the newest of a run directory, or a ``.pt`` file) on the named navigation
evaluation maps, several games at once, and prints one JSON line per map: mean reward and the
count of each engine action (``move_0`` forward, ``move_1`` backward, ``rotate_<orientation>``,
...). A policy whose suite score is 0 can be told apart this way: the runs of the CPU recipe that
collapsed all walked backward (benchmarks/README.md, "Walking backward").

    python scripts/policy_actions.py train_dir/<run> --maps quick_room,obstacles_sparse
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from metta.agent.action_space import ActionSpace
from metta.agent.factory import attach_to_environment
from metta.agent.policy_state import PolicyState
from metta.agent.policy_store import PolicyStore
from metta.mettagrid.navigation_evals import NAVIGATION_EVAL_PREFIX, NAVIGATION_EVALS
from metta.sim.baselines import make_baseline_env


def newest_checkpoint(path: Path) -> Path:
    """``path`` itself when it is a file, else the checkpoint with the largest epoch under it."""
    if path.is_file():
        return path
    checkpoints = sorted(
        path.glob("checkpoints/model_*.pt"), key=lambda p: int(p.stem.rsplit("_", 1)[1])
    )
    if not checkpoints:
        raise FileNotFoundError(f"run: {path} holds no checkpoints/model_<epoch>.pt")
    return checkpoints[-1]


def play(policy: torch.nn.Module, name: str, games: int, seed: int) -> dict[str, object]:
    """One episode in each of ``games`` games of map ``name``: mean reward and action counts."""
    env = make_baseline_env(NAVIGATION_EVAL_PREFIX + name, seed=seed, num_envs=games)
    try:
        agent = attach_to_environment(policy, env, "cpu", False)
        space = ActionSpace(env.action_names, env.max_action_args, torch.device("cpu"))
        names, offsets = space.full_action_names, space.offsets.numpy()
        counts = np.zeros(len(names), dtype=np.int64)
        obs, _ = env.reset(seed=seed)
        state = PolicyState()
        rewards = np.zeros(games)
        for _ in range(NAVIGATION_EVALS[name].max_steps):
            with torch.no_grad():
                actions, *_ = agent(torch.as_tensor(obs), state)
            engine = actions.numpy().astype(np.int32)
            np.add.at(counts, offsets[engine[:, 0]] + engine[:, 1], 1)
            obs, reward, *_ = env.step(engine)
            rewards += reward
    finally:
        env.close()
    return {
        "map": name,
        "reward": float(rewards.mean()),
        "actions": {n: int(c) for n, c in zip(names, counts, strict=True) if c},
    }


def main() -> None:
    """Parses the arguments, loads the policy and prints one line per map."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, help="run directory or checkpoint file")
    parser.add_argument("--maps", default="quick_room,open_in_sight,obstacles_sparse",
                        help="comma-separated evaluation map names (or 'all')")  # fmt: skip
    parser.add_argument("--games", type=int, default=4, help="games (episodes) per map")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    maps = list(NAVIGATION_EVALS) if args.maps == "all" else args.maps.split(",")
    unknown = [name for name in maps if name not in NAVIGATION_EVALS]
    if unknown:
        parser.error(f"--maps: unknown {unknown}; known: {', '.join(NAVIGATION_EVALS)}")
    torch.manual_seed(args.seed)
    policy = PolicyStore.create("cpu").load_policy(str(newest_checkpoint(args.run)))
    for name in maps:
        print(json.dumps(play(policy, name, args.games, args.seed)))


if __name__ == "__main__":
    main()
