"""Writes a replay into a copy of the self-contained HTML viewer, so one file opens anywhere."""

from __future__ import annotations

import base64
import gzip
import json
from importlib import resources
from pathlib import Path
from typing import Any

from metta.common.atomic_file import atomic_write_text

__all__ = ["VIEWER_PLACEHOLDER", "viewer_html", "write_replay_html"]

VIEWER_PLACEHOLDER = "__METTA_REPLAY_BASE64__"


def viewer_html() -> str:
    """The viewer page with no replay embedded (it then loads one from a file or ?replay=<url>)."""
    return resources.files("metta.mettagrid.replays").joinpath("viewer.html").read_text()


def write_replay_html(replay: dict[str, Any] | str | Path, path: str | Path) -> Path:
    """Embeds a replay (a dict, or the path of a .json.gz replay) in the viewer and writes ``path``
    atomically."""
    if isinstance(replay, dict):
        data = gzip.compress(json.dumps(replay, separators=(",", ":")).encode())
    else:
        data = Path(replay).read_bytes()
    page = viewer_html().replace(VIEWER_PLACEHOLDER, base64.b64encode(data).decode("ascii"), 1)
    return atomic_write_text(path, page)
