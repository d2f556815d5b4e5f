"""Renders one 64 x 64 MapGen map per scene to ``docs/maps/<scene>.png`` (the gallery of
docs/maps.md). Needs matplotlib (the ``plots`` extra).

    python scripts/render_map_gallery.py [--out docs/maps] [--seed 1]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

from metta.mettagrid.maps import MapGenConfig, build_map
from metta.mettagrid.maps.scenes import (
    AsciiConfig,
    AutoConfig,
    BSPConfig,
    BSPLayoutConfig,
    ChildSpec,
    ConvChainConfig,
    InlineAsciiConfig,
    MakeConnectedConfig,
    MazeConfig,
    MirrorConfig,
    MultiLeftAndRightConfig,
    NopConfig,
    RandomConfig,
    RandomObjectsConfig,
    RandomSceneConfig,
    RandomSceneFromDirConfig,
    RemoveAgentsConfig,
    RoomGridConfig,
    SceneConfig,
    WFCConfig,
)

ROOT = Path(__file__).resolve().parents[1]
SIDE = 64

# Cell colours: terrain greys, resources warm, agents blue/green, anything else purple.
COLOURS = {
    "empty": "#f4f1ea",
    "wall": "#3b3b3b",
    "block": "#8a8a8a",
    "altar": "#d62728",
    "mine_red": "#8c564b",
    "generator_red": "#ff7f0e",
    "agent.agent": "#1f77b4",
    "agent.team_1": "#1f77b4",
    "agent.team_2": "#2ca02c",
}
OTHER = "#9467bd"

ROOM_ASCII = """
##########
#@.......#
#..####..#
#..#__#..#
#........#
##########
"""


def gallery(scene_dir: str) -> dict[str, SceneConfig]:
    """One illustrative scene tree per scene type."""
    altars = RandomConfig(objects={"altar": 3}, agents=1)
    return {
        "random": RandomConfig(objects={"altar": 40, "wall": 300}, agents=6),
        "random_objects": RandomObjectsConfig(
            object_ranges={"altar": 0.01, "mine_red": (0.005, 0.02), "block": 0.1}
        ),
        "room_grid": RoomGridConfig(
            rows=3, columns=3, children=(ChildSpec(scene=altars, where={"tags": ["room"]}),)
        ),
        "bsp": BSPConfig(rooms=9),
        "bsp_layout": BSPLayoutConfig(
            area_count=6,
            children=(
                ChildSpec(
                    scene=RandomSceneConfig(
                        candidates=[
                            {"scene": MazeConfig()},
                            {"scene": ConvChainConfig()},
                            {"scene": NopConfig()},
                        ]
                    ),
                    where={"tags": ["zone"]},
                ),
            ),
        ),
        "maze_kruskal": MazeConfig(algorithm="kruskal"),
        "maze_prim": MazeConfig(algorithm="prim", room_size=2, wall_size=1),
        "wfc": WFCConfig(),
        "convchain": ConvChainConfig(),
        "mirror": MirrorConfig(scene=ConvChainConfig(), symmetry="both"),
        "make_connected": NopConfig(
            children=(ChildSpec(scene=ConvChainConfig()), ChildSpec(scene=MakeConnectedConfig()))
        ),
        "inline_ascii": InlineAsciiConfig(data=ROOM_ASCII, row=27, column=27),
        "ascii": AsciiConfig(path=str(ROOT / "benchmarks" / "maps" / "random_32x32_4.txt")),
        "remove_agents": NopConfig(
            children=(
                ChildSpec(
                    scene=AsciiConfig(path=str(ROOT / "benchmarks" / "maps" / "random_32x32_4.txt"))
                ),
                ChildSpec(scene=RemoveAgentsConfig()),
            )
        ),
        "random_scene": RandomSceneConfig(
            candidates=[{"scene": BSPConfig()}, {"scene": MazeConfig(room_size=3)}]
        ),
        "random_scene_from_dir": RandomSceneFromDirConfig(dir=scene_dir),
        "multi_left_and_right": MultiLeftAndRightConfig(rows=2, columns=2),
        "auto": AutoConfig(num_agents=6),
        "nop": NopConfig(),
    }


def save_png(grid: np.ndarray, title: str, path: Path) -> None:
    """Draws the grid, one colour per object name, to a small PNG."""
    names = sorted(set(grid.ravel().tolist()))
    index = {name: i for i, name in enumerate(names)}
    codes = np.vectorize(index.__getitem__)(grid)
    colours = ListedColormap([COLOURS.get(name, OTHER) for name in names])
    figure, axes = plt.subplots(figsize=(3.2, 3.4))
    axes.imshow(codes, cmap=colours, vmin=0, vmax=len(names) - 1, interpolation="nearest")
    axes.set_title(title, fontsize=9)
    axes.set_axis_off()
    figure.tight_layout(pad=0.2)
    figure.savefig(path, dpi=60)
    plt.close(figure)


def main() -> None:
    """Builds every gallery map and writes its PNG."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "maps")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scene_dir:
        (Path(scene_dir) / "maze.yaml").write_text("type: maze\nalgorithm: prim\nroom_size: 2\n")
        (Path(scene_dir) / "wfc.yaml").write_text("type: wfc\n")
        for name, scene in gallery(scene_dir).items():
            config = MapGenConfig(width=SIDE, height=SIDE, root=scene, border_width=1)
            save_png(build_map(config, args.seed).grid, name, args.out / f"{name}.png")
            print(f"wrote {args.out / name}.png")


if __name__ == "__main__":
    main()
