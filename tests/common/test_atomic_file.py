"""Atomic writes: content, permissions like open(), and an interrupted write keeps the old file."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from metta.common import atomic_file
from metta.common.atomic_file import (
    atomic_write_bytes,
    atomic_write_text,
    remove_stale_temporaries,
)


def test_writes_creates_folders_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "file.txt"
    atomic_write_text(target, "first")
    atomic_write_text(target, "second")
    assert target.read_text() == "second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.txt"]  # no temporaries left


def test_file_mode_follows_the_umask_like_open(tmp_path: Path) -> None:
    atomic_file._file_mode.cache_clear()
    previous = os.umask(0o027)
    try:
        path = atomic_write_bytes(tmp_path / "checkpoint.pt", b"x")
        with open(tmp_path / "plain.pt", "wb") as plain:
            plain.write(b"x")
    finally:
        os.umask(previous)
        atomic_file._file_mode.cache_clear()
    mode = stat.S_IMODE(path.stat().st_mode)
    assert mode == 0o640
    assert mode == stat.S_IMODE((tmp_path / "plain.pt").stat().st_mode)


def test_a_failed_write_keeps_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "stats.json"
    atomic_write_text(target, "old")

    def crash(_descriptor: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic_file.os, "fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["stats.json"]


def dead_pid() -> int:
    """The PID of a process that has exited."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    return int(child.stdout)


def test_stale_temporaries_of_a_killed_writer_are_removed(tmp_path: Path) -> None:
    atomic_write_text(tmp_path / "model.pt", "whole")
    dead = f".model.pt.{dead_pid()}.x1y2.tmp"
    live = f".stats.db.{os.getpid()}.a1b2.tmp"  # a writer still running: kept
    for name in (dead, live, "notes.tmp", ".odd.tmp"):
        (tmp_path / name).write_text("x")
    removed = remove_stale_temporaries(tmp_path)
    assert [p.name for p in removed] == [dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [".odd.tmp", live, "model.pt", "notes.tmp"]
    )
    assert remove_stale_temporaries(tmp_path / "missing") == []
