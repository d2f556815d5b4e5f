"""The ``metta`` command: train, evaluate and replay from the shell.

    metta train [--config run.yaml | --preset NAME] [key=value ...]   e.g. run=demo
                  (preset auto, the default: cpu without CUDA, else reference)
    metta eval  POLICY [--stats FILE] [key=value ...] evaluation suite -> JSON scores
    metta replay POLICY [--out DIR] [--env PATH]      one episode -> .json.gz replay + .html viewer

``key=value`` overrides address RunConfig fields with dots; values are read as YAML
(``3``, ``0.5``, ``true``, ``[1, 2]``, ``{a: 1}``). An unknown key is an error naming it.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch
import yaml

from metta.agent.policy_store import PolicyStore
from metta.common.overrides import apply_overrides
from metta.mettagrid.replays import write_replay_html
from metta.rl.distributed import resolve_device
from metta.rl.run_config import RunConfig
from metta.rl.run_presets import resolve_preset, run_preset
from metta.rl.trainer import train
from metta.sim.simulation import Simulation, SimulationSuite, suite_scores
from metta.sim.simulation_config import SingleEnvSimulationConfig
from metta.sim.stats_db import EvalStatsDB

__all__ = ["main", "run_config_from_args"]

_OPEN_PATHS = ("env.env_overrides", "agent", "evaluation.simulations", "evaluation.env_overrides")


def _is_open(path: str) -> bool:
    return any(path == p or path.startswith(p + ".") for p in _OPEN_PATHS)


def _parse_overrides(pairs: Sequence[str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for pair in pairs:
        key, separator, text = pair.partition("=")
        if not separator or not key:
            raise SystemExit(f"metta: expected key=value, got {pair!r}")
        overrides[key] = yaml.safe_load(text)
    return overrides


def run_config_from_args(
    config_file: str | None, pairs: Sequence[str], preset: str | None = None
) -> RunConfig:
    """RunConfig from a YAML file (e.g. a run's run_config.yaml), else from a named preset
    (metta.rl.run_presets; None: ``RunConfig()``), plus overrides."""
    if config_file is not None:
        if preset is not None:
            raise ValueError("give --config or --preset, not both")
        base = RunConfig.model_validate(yaml.safe_load(Path(config_file).read_text()) or {})
    elif preset is not None:
        base = run_preset(preset)
    else:
        base = RunConfig()
    return apply_overrides(base, _parse_overrides(pairs), _is_open)


def _load_policy(uri: str, device: str) -> Any:
    store = PolicyStore.create(device, policy_cache_size=1)
    return store.policy_record(uri, selector_type="latest")


def _train(args: argparse.Namespace) -> int:
    preset = args.preset
    if args.config is None:
        preset = resolve_preset(preset or "auto")
        logging.getLogger("metta.cli").info(
            "metta train: preset %r (%s); --preset reference gives the reference's GPU-sized "
            "defaults, --preset cpu the CPU recipe",
            preset,
            "CUDA found" if torch.cuda.is_available() else "no CUDA device",
        )
    result = train(run_config_from_args(args.config, args.overrides, preset))
    _print_line(
        {
            "run_dir": str(result.run_dir),
            "agent_step": result.agent_step,
            "epoch": result.epoch,
            "policy": result.policy_uri,
            "eval_scores": result.eval_scores,
        }
    )
    return 0


def _print_line(report: dict[str, Any]) -> None:
    """One JSON line in a single write: under torchrun every rank shares stdout, and print()'s
    separate write of the newline let two ranks' reports run together on one line."""
    sys.stdout.write(json.dumps(report) + "\n")
    sys.stdout.flush()


def _eval(args: argparse.Namespace) -> int:
    config = run_config_from_args(args.config, args.overrides)
    device = str(resolve_device(config.device))
    record = _load_policy(args.policy, device)
    stats = Path(args.stats) if args.stats else Path("eval_stats.sqlite")
    with EvalStatsDB(stats) as db:
        results = SimulationSuite(
            config.evaluation,
            record.policy,
            device,
            policy_uri=record.uri,
            policy_epoch=int(record.metadata.epoch),
            stats_db=db,
        ).run()
        scores = {
            "policy": record.uri,
            "scores": suite_scores(results),
            "categories": db.category_scores(record.uri, policy_epoch=int(record.metadata.epoch)),
            "simulations": db.simulation_scores(
                record.uri, policy_epoch=int(record.metadata.epoch)
            ),
            "stats_db": str(stats),
        }
    _print_line(scores)
    return 0


def _replay(args: argparse.Namespace) -> int:
    config = run_config_from_args(args.config, args.overrides)
    device = str(resolve_device(config.device))
    record = _load_policy(args.policy, device)
    if args.env is not None:
        simulation = SingleEnvSimulationConfig(env=args.env, num_agents=config.env.num_agents)
    else:
        simulation = next(iter(config.evaluation.simulations.values()))
    results = Simulation(
        "replay",
        simulation.model_copy(update={"num_episodes": 1}),
        record.policy,
        device,
        replay_dir=args.out,
    ).run()
    if results.replay_path is None:
        raise SystemExit("metta replay: no replay was recorded")
    page = write_replay_html(results.replay_path, Path(args.out) / "replay.html")
    _print_line({"replay": str(results.replay_path), "viewer": str(page)})
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="metta",
        epilog="Every command also takes key=value RunConfig overrides.",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, handler, help_text in (
        ("train", _train, "train (or resume) a run"),
        ("eval", _eval, "evaluate a policy on the evaluation suite"),
        ("replay", _replay, "record one episode of a policy as a replay"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.set_defaults(handler=handler)
        if name != "train":
            command.add_argument(
                "policy", help="policy file, folder of checkpoints, or file:// URI"
            )
        command.add_argument(
            "--config", help="a RunConfig YAML file (e.g. a run's run_config.yaml)"
        )
        if name == "train":
            command.add_argument(
                "--preset",
                help="starting RunConfig when no --config: cpu, reference, or auto (the default: "
                "cpu without CUDA, reference with it)",
            )
        if name == "eval":
            command.add_argument("--stats", help="stats database file (default eval_stats.sqlite)")
        if name == "replay":
            command.add_argument("--out", default="replays", help="output folder")
            command.add_argument("--env", help="environment path (default: first eval env)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``metta`` command."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    parser = _parser()
    args, rest = parser.parse_known_args(argv)
    bad = [item for item in rest if "=" not in item or item.startswith("-")]
    if bad:
        parser.error(f"unrecognized arguments: {' '.join(bad)} (overrides are key=value)")
    args.overrides = rest
    try:
        return args.handler(args)
    except (ValueError, FileNotFoundError) as error:
        print(f"metta {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
