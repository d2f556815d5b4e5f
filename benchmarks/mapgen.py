"""MapGen scene throughput: maps built per second for each scene at 32x32, 64x64 and 128x128.

Each measurement builds one scene tree through ``build_map`` (the whole builder: grid, default
5-cell border, scene rendering), a different seed per map so that random scenes vary; a warm-up
build first, then several repeats of a batch, median and spread. One thread (the builders are
single-threaded Python + numpy). Prints one JSON object per measurement per line.

    python benchmarks/mapgen.py            # full run (figures in benchmarks/README.md)
    python benchmarks/mapgen.py --quick    # one small batch per measurement (CI runs this)
    python benchmarks/mapgen.py --scenes auto,wfc --sizes 64
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

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

ASCII_MAP = Path(__file__).resolve().parent / "maps" / "random_32x32_4.txt"
INLINE = "\n".join(["########", "#@....##", "#.##..._", "#......#"] * 2)


def scenes(side: int, scene_dir: str) -> dict[str, SceneConfig]:
    """The measured scene trees for a side x side map (object counts scale with the area)."""
    per_room = ChildSpec(scene=RandomConfig(objects={"altar": 2}), where={"tags": ["room"]})
    per_zone = ChildSpec(scene=RandomConfig(objects={"altar": 2}), where={"tags": ["zone"]})
    return {
        "nop": NopConfig(),
        "random": RandomConfig(objects={"altar": side * side // 50}, agents=4),
        "random_objects": RandomObjectsConfig(object_ranges={"altar": 0.02, "mine_red": 0.01}),
        "room_grid": RoomGridConfig(rows=3, columns=3, children=(per_room,)),
        "bsp": BSPConfig(rooms=8),
        "bsp_layout": BSPLayoutConfig(area_count=6, children=(per_zone,)),
        "maze_kruskal": MazeConfig(algorithm="kruskal"),
        "maze_prim": MazeConfig(algorithm="prim", room_size=2),
        "wfc": WFCConfig(),
        "convchain": ConvChainConfig(),
        "mirror_wfc_both": MirrorConfig(scene=WFCConfig(), symmetry="both"),
        "convchain_make_connected": NopConfig(
            children=(ChildSpec(scene=ConvChainConfig()), ChildSpec(scene=MakeConnectedConfig()))
        ),
        "inline_ascii": InlineAsciiConfig(data=INLINE, row=1, column=1),
        "ascii_remove_agents": NopConfig(
            children=(
                ChildSpec(scene=AsciiConfig(path=str(ASCII_MAP))),
                ChildSpec(scene=RemoveAgentsConfig()),
            )
        ),
        "random_scene": RandomSceneConfig(
            candidates=[{"scene": MazeConfig()}, {"scene": BSPConfig()}, {"scene": NopConfig()}]
        ),
        "random_scene_from_dir": RandomSceneFromDirConfig(dir=scene_dir),
        "multi_left_and_right": MultiLeftAndRightConfig(),
        "auto": AutoConfig(),
    }


def time_builds(
    build: Callable[[int], object], maps: int, repeats: int
) -> tuple[list[float], list[float]]:
    """Seconds per repeat of ``maps`` builds and seconds per build, seeds 1, 2, ... (seed 0 is
    the warm-up)."""
    build(0)
    per_repeat, per_map = [], []
    seed = 1
    for _ in range(repeats):
        total = 0.0
        for _ in range(maps):
            start = time.perf_counter()
            build(seed)
            elapsed = time.perf_counter() - start
            total += elapsed
            per_map.append(elapsed)
            seed += 1
        per_repeat.append(total)
    return per_repeat, per_map


def report(name: str, side: int, maps: int, seconds: list[float], per_map: list[float]) -> None:
    """Prints one JSON line: median and spread of maps/s, and percentiles of ms per map (maps
    differ by seed, and random scenes differ in cost)."""
    rates = [maps / s for s in seconds]
    per_map_ms = np.asarray(per_map) * 1000
    print(
        json.dumps(
            {
                "benchmark": "mapgen",
                "config": {"scene": name, "width": side, "height": side, "border_width": 5},
                "maps_per_s": round(statistics.median(rates), 2),
                "maps_per_s_min": round(min(rates), 2),
                "maps_per_s_max": round(max(rates), 2),
                "ms_per_map": round(1000 / statistics.median(rates), 3),
                "ms_per_map_p50": round(float(np.percentile(per_map_ms, 50)), 3),
                "ms_per_map_p90": round(float(np.percentile(per_map_ms, 90)), 3),
                "ms_per_map_max": round(float(per_map_ms.max()), 3),
                "maps_per_repeat": maps,
                "repeats": len(rates),
                "machine": platform.processor() or platform.machine(),
            }
        ),
        flush=True,
    )


def main() -> None:
    """Times every scene at every size and prints its JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="32,64,128", help="map sides, comma-separated")
    parser.add_argument("--scenes", default="", help="scene names, comma-separated (default all)")
    parser.add_argument("--seconds", type=float, default=0.5, help="least time per repeat")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="one map per size (seconds, for CI)")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.repeats = 0.0, 1
    sides = [int(side) for side in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as scene_dir:
        (Path(scene_dir) / "maze.yaml").write_text("type: maze\nalgorithm: prim\n")
        (Path(scene_dir) / "bsp.yaml").write_text("type: bsp\nrooms: 5\n")
        chosen = args.scenes.split(",") if args.scenes else list(scenes(32, scene_dir))
        for side in sides:
            trees = scenes(side, scene_dir)
            for name in chosen:
                config = MapGenConfig(width=side, height=side, root=trees[name])

                def build(seed: int, config: MapGenConfig = config) -> object:
                    return build_map(config, seed)

                start = time.perf_counter()
                build(10**6)
                one = time.perf_counter() - start
                maps = max(1, int(args.seconds / max(one, 1e-6)))
                report(name, side, maps, *time_builds(build, maps, args.repeats))


if __name__ == "__main__":
    main()
