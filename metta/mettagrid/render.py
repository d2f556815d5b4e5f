"""ANSI terminal rendering of a MettaGrid game: one character per cell.

Objects use the ASCII map characters (maps/ascii.py); agents are shown by index as 0-9 then a-z,
A-Z, each in its group's colour.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from metta.mettagrid.maps.ascii import NAME_TO_CHAR

__all__ = ["agent_glyph", "render_ansi"]

_AGENT_GLYPHS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_COLORS = ("\x1b[36m", "\x1b[33m", "\x1b[35m", "\x1b[32m", "\x1b[31m", "\x1b[34m")
_RESET = "\x1b[0m"


def agent_glyph(agent_index: int) -> str:
    """Character for agent i (cycles after 62 agents)."""
    return _AGENT_GLYPHS[agent_index % len(_AGENT_GLYPHS)]


def render_ansi(
    codes: npt.NDArray[np.int32],
    agent_ids: npt.NDArray[np.int32],
    object_names: list[str],
    agent_groups: list[int] | None = None,
    color: bool = True,
) -> str:
    """Text of a grid: ``codes`` are config object codes (0 empty), ``agent_ids`` agent indices."""
    lines = []
    for row in range(codes.shape[0]):
        chars = []
        for col in range(codes.shape[1]):
            agent = int(agent_ids[row, col])
            if agent >= 0:
                glyph = agent_glyph(agent)
                if color:
                    group = agent_groups[agent] if agent_groups else 0
                    glyph = f"{_COLORS[group % len(_COLORS)]}{glyph}{_RESET}"
                chars.append(glyph)
                continue
            code = int(codes[row, col])
            chars.append("." if code == 0 else NAME_TO_CHAR.get(object_names[code - 1], "?"))
        lines.append("".join(chars))
    return "\n".join(lines)
