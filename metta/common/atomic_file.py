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
    # The writer's PID in the name lets a later run tell a dead writer's leftover from a live one.
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=_TEMPORARY_SUFFIX
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


def _writer_pid(name: str) -> int | None:
    """The PID in a temporary's name ``.<target>.<pid>.<random>.tmp``, or None if not ours."""
    if not (name.startswith(".") and name.endswith(_TEMPORARY_SUFFIX)):
        return None
    parts = name[: -len(_TEMPORARY_SUFFIX)].rsplit(".", 2)
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def remove_stale_temporaries(folder: str | Path) -> list[Path]:
    """Deletes the temporaries that writers no longer running left in ``folder`` (a SIGKILL
    mid-write cannot clean up) and returns them; a live writer's temporary is kept."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    stale = []
    for path in folder.iterdir():
        pid = _writer_pid(path.name)
        if pid is not None and path.is_file() and not _is_running(pid):
            path.unlink(missing_ok=True)
            stale.append(path)
    return stale
