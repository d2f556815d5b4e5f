"""Atomic file writes: a temporary file in the same folder, fsync, then rename over the target.

A crash at any point leaves either the old file or the new one, never a truncated mix; every file
the user keeps (checkpoints, configs, replays, stats) is written through here. The file gets the
permissions a plain ``open()`` would give it (0666 less the umask), not the temporary file's 0600,
so evaluators running as another user can read checkpoints; the folder is fsynced after the
rename so that the new name itself survives a power cut.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write_bytes", "atomic_write_text", "remove_stale_temporaries"]

_TEMPORARY_SUFFIX = ".tmp"


@functools.cache
def _file_mode() -> int:
    """0666 less the process umask (read once: os.umask can only be read by setting it)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    """Makes the rename durable; skipped where folders cannot be opened or fsynced."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Writes ``data`` to ``path`` atomically (creating parent folders) and returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=_TEMPORARY_SUFFIX
    )
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fchmod(file.fileno(), _file_mode())
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    """UTF-8 text form of atomic_write_bytes."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def remove_stale_temporaries(folder: str | Path) -> list[Path]:
    """Deletes the temporaries a killed writer left in ``folder`` (``.<name>.<random>.tmp``; a
    SIGKILL mid-write cannot clean up) and returns them. Call it only where no write is running,
    e.g. when a run starts."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    stale = [
        path
        for path in folder.iterdir()
        if path.is_file() and path.name.startswith(".") and path.name.endswith(_TEMPORARY_SUFFIX)
    ]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale
