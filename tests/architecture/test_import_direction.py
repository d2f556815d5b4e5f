"""Imports point one way (DESIGN.md): api -> rl -> sim -> agent -> mettagrid -> common.

``rl``'s ready-made trainer evaluates with ``sim``, and ``sim`` runs ``agent`` policies, so the
packages form a chain; a module importing anything above its own package (which would let cycles
creep in) fails here, naming the file and the import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "metta"

# Lowest layer first; a package may import its own layer and those before it.
LAYERS = ["common", "mettagrid", "agent", "sim", "rl"]
TOP_LEVEL = {"api", "cli"}  # facades: may import anything, nothing imports them


def imported_packages(path: Path) -> list[tuple[int, str]]:
    """(line, second-level package) of every ``metta.<package>`` import in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "metta" and len(parts) > 1:
                found.append((node.lineno, parts[1]))
    return found


def package_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_imports_only_itself_and_lower_layers(layer):
    allowed = set(LAYERS[: LAYERS.index(layer) + 1])
    violations = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for line, package in imported_packages(path):
            if package not in allowed:
                where = path.relative_to(PACKAGE.parent)
                violations.append(f"{where}:{line} imports metta.{package}")
    assert not violations, "\n".join(violations)


def test_nothing_imports_the_facades():
    violations = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports metta.{package}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if package_of(path) not in TOP_LEVEL
        for line, package in imported_packages(path)
        if package in TOP_LEVEL
    ]
    assert not violations, "\n".join(violations)


def test_every_package_has_a_layer():
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages <= set(LAYERS), f"packages without a layer: {sorted(packages - set(LAYERS))}"
