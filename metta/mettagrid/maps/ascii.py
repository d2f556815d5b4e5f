"""ASCII maps: one-character cell codes (``CHAR_TO_NAME``) and their loader.

A map is a rectangular grid of object names (``"empty"``, ``"wall"``, ``"agent.agent"``, ...);
ASCII text is the compact way to write one, one character per cell.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = [
    "CHAR_TO_NAME",
    "NAME_TO_CHAR",
    "grid_to_ascii",
    "load_ascii_map",
    "parse_ascii_map",
    "trim_blank_lines",
]

CHAR_TO_NAME: dict[str, str] = {
    ".": "empty",
    " ": "empty",
    "#": "wall",
    "W": "wall",
    "s": "block",
    "@": "agent.agent",
    "A": "agent.agent",
    "1": "agent.team_1",
    "2": "agent.team_2",
    "3": "agent.team_3",
    "4": "agent.team_4",
    "p": "agent.prey",
    "P": "agent.predator",
    "m": "mine_red",
    "r": "mine_red",
    "b": "mine_blue",
    "g": "mine_green",
    "n": "generator_red",
    "R": "generator_red",
    "B": "generator_blue",
    "G": "generator_green",
    "_": "altar",
    "a": "altar",
    "o": "armory",
    "S": "lasery",
    "L": "lab",
    "F": "factory",
    "T": "temple",
    "c": "converter",
}

# The first character listed for each name is the one written back.
NAME_TO_CHAR: dict[str, str] = {}
for _char, _name in CHAR_TO_NAME.items():
    NAME_TO_CHAR.setdefault(_name, _char)


def trim_blank_lines(text: str) -> list[str]:
    """The lines of ``text`` without the blank (or whitespace-only) lines at either end."""
    lines = text.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def parse_ascii_map(text: str) -> npt.NDArray[np.str_]:
    """Turns ASCII map text into a ``[height, width]`` array of object names.

    Blank lines at either end are ignored; every other line must have the same length, and every
    character must be in ``CHAR_TO_NAME``. Errors name the line and column.
    """
    lines = trim_blank_lines(text)
    if not lines:
        raise ValueError("ASCII map is empty")
    width = len(lines[0])
    grid = np.empty((len(lines), width), dtype=object)
    for row, line in enumerate(lines):
        if len(line) != width:
            raise ValueError(
                f"ASCII map line {row + 1} has {len(line)} characters, expected {width} "
                "(every line must have the same width)"
            )
        for col, char in enumerate(line):
            name = CHAR_TO_NAME.get(char)
            if name is None:
                known = "".join(sorted(CHAR_TO_NAME))
                raise ValueError(
                    f"ASCII map line {row + 1}, column {col + 1}: unknown character {char!r} "
                    f"(known: {known!r})"
                )
            grid[row, col] = name
    return grid.astype(np.str_)


def load_ascii_map(path: str | Path) -> npt.NDArray[np.str_]:
    """Reads an ASCII map file (see ``parse_ascii_map``)."""
    return parse_ascii_map(Path(path).read_text())


def grid_to_ascii(grid: npt.NDArray[np.str_]) -> str:
    """Writes a grid of object names back as ASCII text, one line per row."""
    try:
        return "\n".join("".join(NAME_TO_CHAR[name] for name in row) for row in grid)
    except KeyError as error:
        raise ValueError(f"no ASCII character for object name {error.args[0]!r}") from error
