"""RandomSceneFromDir: renders a scene config drawn uniformly from the YAML files of a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import model_validator

from metta.mettagrid.maps.scenes.scene import Scene, SceneConfig

__all__ = ["RandomSceneFromDirConfig", "scene_files"]


def scene_files(folder: str) -> list[Path]:
    """The ``*.yaml``/``*.yml`` files of ``folder``, sorted by name (a stable draw order)."""
    root = Path(folder)
    return sorted(p for p in root.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


class RandomSceneFromDirConfig(SceneConfig):
    """Each render loads one of the folder's scene configs (``load_scene_config``) at random."""

    type: Literal["random_scene_from_dir"] = "random_scene_from_dir"
    dir: str
    """Folder of scene YAML files (relative paths from the working directory)."""

    @model_validator(mode="after")
    def _check(self) -> RandomSceneFromDirConfig:
        if not Path(self.dir).is_dir():
            raise ValueError(f"dir: no such folder {self.dir!r}")
        if not scene_files(self.dir):
            raise ValueError(f"dir: {self.dir!r} holds no .yaml or .yml scene file")
        return self

    def render(self, scene: Scene) -> None:
        """Draws a file, loads its config and renders it."""
        # The package defines the union of scene configs, which includes this one.
        from metta.mettagrid.maps.scenes import load_scene_config  # noqa: PLC0415

        files = scene_files(self.dir)
        chosen = files[int(scene.rng.integers(len(files)))]
        scene.render_child(load_scene_config(chosen))
