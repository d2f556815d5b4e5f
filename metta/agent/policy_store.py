"""``PolicyStore``: save, find, select and load policies, with an LRU cache of loaded records.

Built from the seed's minimal config ``{"device", "policy_cache_size", "trainer": {"checkpoint":
{"checkpoint_dir"}}}`` (``run`` optional). URIs: ``file://path`` or a bare path, to a ``.pt``
file or to a folder of them; ``wandb://`` and ``pytorch://`` are not supported here.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch
from omegaconf import DictConfig
from torch import nn

from metta.agent.agent_config import to_plain_dict
from metta.agent.checkpoint import (
    CheckpointError,
    load_checkpoint,
    policy_from_checkpoint,
    save_checkpoint,
)
from metta.agent.policy_cache import PolicyCache
from metta.agent.policy_record import PolicyRecord, path_from_uri
from metta.agent.policy_selectors import select_policy_records

__all__ = ["PolicyStore"]

logger = logging.getLogger(__name__)


class PolicyStore:
    """Checkpoint manager: ``PolicyStore(cfg)`` takes the seed's config (module docstring);
    :meth:`create` takes the same settings as arguments."""

    def __init__(
        self, cfg: DictConfig | Mapping[str, Any] | None = None, wandb_run: object = None
    ) -> None:
        """Reads the seed's config. ``wandb_run`` is the seed's argument: only None is accepted,
        since this store neither uploads to nor downloads from Weights & Biases."""
        if wandb_run is not None:
            raise ValueError(
                "PolicyStore: wandb_run must be None; this store keeps checkpoints in local "
                "files only (log to W&B through RunConfig.logging instead)"
            )
        plain = to_plain_dict(cfg) if cfg is not None else {}
        if not isinstance(plain, dict):
            raise TypeError(f"PolicyStore cfg: expected a mapping, got {type(cfg).__name__}")
        trainer = plain.get("trainer") or {}
        checkpoint = trainer.get("checkpoint") or {} if isinstance(trainer, dict) else {}
        checkpoint_dir = checkpoint.get("checkpoint_dir") if isinstance(checkpoint, dict) else None
        if checkpoint_dir is None and plain.get("run_dir"):
            checkpoint_dir = str(Path(plain["run_dir"]) / "checkpoints")
        self._configure(
            device=plain.get("device") or "cpu",
            checkpoint_dir=checkpoint_dir,
            policy_cache_size=int(plain.get("policy_cache_size", 10)),
            run_name=plain.get("run"),
            seed=plain.get("seed"),
        )

    @classmethod
    def create(
        cls,
        device: str | torch.device = "cpu",
        checkpoint_dir: str | Path | None = None,
        policy_cache_size: int = 10,
        run_name: str | None = None,
        seed: int | None = None,
    ) -> PolicyStore:
        """A store from explicit settings (what the seed's config holds, without the mapping)."""
        store = cls.__new__(cls)
        store._configure(device, checkpoint_dir, policy_cache_size, run_name, seed)
        return store

    def _configure(
        self,
        device: str | torch.device,
        checkpoint_dir: str | Path | None,
        policy_cache_size: int,
        run_name: str | None,
        seed: int | None,
    ) -> None:
        self.device = torch.device(device)
        self.cache = PolicyCache(policy_cache_size)
        self.checkpoint_dir = None if checkpoint_dir is None else str(checkpoint_dir)
        self.run_name = run_name
        self.rng = random.Random(seed)

    # ----------------------------------------------------------------------------- saving

    @staticmethod
    def make_model_name(epoch: int) -> str:
        """``model_{epoch:04d}.pt``."""
        return f"model_{int(epoch):04d}.pt"

    def create_empty_policy_record(
        self, name: str, override_path: str | None = None
    ) -> PolicyRecord:
        """A record at ``{checkpoint_dir}/{name}`` (or ``override_path``) with zeroed metadata."""
        if override_path is not None:
            path = Path(override_path)
        else:
            if self.checkpoint_dir is None:
                raise ValueError(
                    "PolicyStore: cfg.trainer.checkpoint.checkpoint_dir is not set; pass it in the "
                    "config or give create_empty_policy_record an override_path"
                )
            path = Path(self.checkpoint_dir) / name
        return PolicyRecord(self, self.run_name, f"file://{path}", None)

    def save(self, record: PolicyRecord, path: str | None = None) -> PolicyRecord:
        """Writes ``record.policy`` and metadata atomically; later ``.policy`` reloads the file."""
        target = Path(path) if path is not None else None
        if target is None:
            file_path = record.file_path
            if file_path is None:
                raise ValueError(f"PolicyStore.save: {record.uri!r} is not a local file URI")
            target = Path(file_path)
        policy = record._cached_policy
        if policy is None:
            raise ValueError(f"PolicyStore.save: record {record.uri!r} has no policy set")
        save_checkpoint(target, policy, record.metadata, record.run_name)
        record.uri = f"file://{target}"
        record._policy_store = self
        record._cached_policy = None  # a saved record is a snapshot, decoupled from training
        self.cache.put(str(target.resolve()), record)
        logger.info("saved policy to %s", target)
        return record

    # ----------------------------------------------------------------------------- loading

    def _local_path(self, uri: str) -> Path:
        """Path of a file URI or bare path; other schemes raise."""
        path = path_from_uri(uri)
        if path is None:
            scheme = uri.split("://", 1)[0]
            raise ValueError(
                f"policy URI {uri!r}: the {scheme}:// scheme is not supported by this PolicyStore; "
                f"use a local file or folder path (file://...)"
            )
        return path

    def _record_from_file(self, path: Path) -> PolicyRecord:
        """The cached record for ``path``, or a new one with metadata read lazily from the file."""
        key = str(path.resolve())
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        payload = load_checkpoint(path, lazy=True)
        return PolicyRecord(self, payload.get("run_name"), f"file://{path}", payload["metadata"])

    def _records_at(self, uri: str) -> list[PolicyRecord]:
        """Every record a URI names: one file, or all ``*.pt`` files of a folder."""
        path = self._local_path(uri)
        if path.is_dir():
            files = sorted(
                p for p in path.glob("*.pt") if p.is_file() and not p.name.startswith(".")
            )
            records = []
            for file in files:
                try:
                    records.append(self._record_from_file(file))
                except CheckpointError as error:
                    if error.reason != "foreign":  # e.g. trainer_state.pt lives here too
                        raise
                    logger.debug("skipping %s: %s", file, error)
            if not records:
                raise ValueError(f"no policy checkpoints (*.pt) found in folder {path}")
            return records
        if not path.exists():
            raise FileNotFoundError(f"policy checkpoint not found: {path}")
        return [self._record_from_file(path)]

    @staticmethod
    def _uri_of(uri_or_config: str | Path | Mapping[str, Any] | DictConfig) -> str:
        """Accepts a URI / path or a config with a ``uri`` (or ``policy_uri``) entry."""
        if isinstance(uri_or_config, str | Path):
            return str(uri_or_config)
        plain = to_plain_dict(uri_or_config)
        for key in ("uri", "policy_uri"):
            if isinstance(plain, dict) and plain.get(key):
                return str(plain[key])
        raise ValueError(
            f"policy URI: expected a path, a URI or a config with 'uri', got {plain!r}"
        )

    def policy_records(
        self,
        uri_or_config: str | Path | Mapping[str, Any] | DictConfig,
        selector_type: str = "top",
        n: int = 1,
        metric: str = "score",
    ) -> list[PolicyRecord]:
        """Records at the URI chosen by ``selector_type`` (all, latest, top, rand)."""
        records = self._records_at(self._uri_of(uri_or_config))
        return select_policy_records(records, selector_type, n, metric, self.rng)

    def policy_record(
        self,
        uri_or_config: str | Path | Mapping[str, Any] | DictConfig,
        selector_type: str = "top",
        metric: str = "score",
    ) -> PolicyRecord:
        """The one record the selector picks (a file URI gives that file's record)."""
        record = self.policy_records(uri_or_config, selector_type, 1, metric)[0]
        file_path = record.file_path
        if file_path is not None:
            self.cache.put(str(Path(file_path).resolve()), record)
        return record

    def load_from_uri(self, uri: str) -> PolicyRecord:
        """The record of one checkpoint file, with its policy loaded."""
        path = self._local_path(uri)
        record = self._record_from_file(path)
        _ = record.policy
        self.cache.put(str(path.resolve()), record)
        return record

    def load_policy(self, uri: str) -> nn.Module:
        """Builds the policy stored at a file URI on this store's device."""
        path = self._local_path(uri)
        payload = load_checkpoint(path, self.device)
        return policy_from_checkpoint(payload, self.device, source=str(path))
