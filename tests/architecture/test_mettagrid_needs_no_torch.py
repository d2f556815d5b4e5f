"""``metta.mettagrid`` needs no torch (DESIGN.md): the env, its configs, maps and curricula import
without it, so the engine can be used, tested and benchmarked where torch is not installed.

Each check runs in a fresh interpreter, since this test process has imported torch already.
"""

from __future__ import annotations

import json
import subprocess
import sys


def torch_modules_after(statements: str) -> list[str]:
    """The ``torch`` modules in ``sys.modules`` after a fresh interpreter runs ``statements``."""
    script = (
        f"import json, sys\n{statements}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'torch')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=300
    )
    assert result.returncode == 0, f"the imports failed:\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_metta_mettagrid_does_not_import_torch() -> None:
    assert torch_modules_after("import metta.mettagrid") == []


def test_no_module_of_metta_mettagrid_imports_torch() -> None:
    every_module = (
        "import importlib, pkgutil, metta.mettagrid as package\n"
        "for module in pkgutil.walk_packages(package.__path__, 'metta.mettagrid.'):\n"
        "    importlib.import_module(module.name)"
    )
    assert torch_modules_after(every_module) == []


def test_the_vectorised_env_runs_without_torch() -> None:
    build_and_step = (
        "from metta.mettagrid.environment import Environment\n"
        "env = Environment(num_envs=2, device='cpu')\n"
        "env.reset(seed=0)\n"
        "env.close()"
    )
    assert torch_modules_after(build_and_step) == []
