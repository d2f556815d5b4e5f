"""initial_grid_hash: the reference's map fingerprint (wyhash v4.2 of "r,c:name;" per cell)."""

from __future__ import annotations

import numpy as np
import pytest

from metta.mettagrid.config import GameConfig
from metta.mettagrid.env import MettaGridEnv
from metta.mettagrid.maps.ascii import parse_ascii_map
from metta.mettagrid.vec_env import MettaGridVecEnv

_MASK = (1 << 64) - 1
_SECRET = (0x2D358DCCAA6C78A5, 0x8BB84B93962EACC9, 0x4B33A62ED433D4A3, 0x4D5A2DA51DE1AA47)


def _mum(a: int, b: int) -> tuple[int, int]:
    product = a * b
    return product & _MASK, product >> 64


def _mix(a: int, b: int) -> int:
    low, high = _mum(a, b)
    return low ^ high


def _load(data: bytes, offset: int, n: int) -> int:
    return int.from_bytes(data[offset : offset + n], "little")


def wyhash_oracle(data: bytes, seed: int = 0) -> int:
    """Independent, slow Python wyhash (final v4) to check the engine's C++ one against."""
    length = len(data)
    seed ^= _mix(seed ^ _SECRET[0], _SECRET[1])
    if length <= 16:
        if length >= 4:
            step = (length >> 3) << 2
            a = (_load(data, 0, 4) << 32) | _load(data, step, 4)
            b = (_load(data, length - 4, 4) << 32) | _load(data, length - 4 - step, 4)
        elif length > 0:
            a, b = (data[0] << 16) | (data[length >> 1] << 8) | data[length - 1], 0
        else:
            a = b = 0
    else:
        p, left = 0, length
        if left >= 48:
            lane1 = lane2 = seed
            while left >= 48:
                seed = _mix(_load(data, p, 8) ^ _SECRET[1], _load(data, p + 8, 8) ^ seed)
                lane1 = _mix(_load(data, p + 16, 8) ^ _SECRET[2], _load(data, p + 24, 8) ^ lane1)
                lane2 = _mix(_load(data, p + 32, 8) ^ _SECRET[3], _load(data, p + 40, 8) ^ lane2)
                p, left = p + 48, left - 48
            seed ^= lane1 ^ lane2
        while left > 16:
            seed = _mix(_load(data, p, 8) ^ _SECRET[1], _load(data, p + 8, 8) ^ seed)
            p, left = p + 16, left - 16
        a, b = _load(data, p + left - 16, 8), _load(data, p + left - 8, 8)
    a, b = _mum(a ^ _SECRET[1], b ^ seed)
    return _mix(a ^ _SECRET[0] ^ length, b ^ _SECRET[1])


def grid_text(grid: np.ndarray) -> bytes:
    rows = []
    for r, row in enumerate(grid):
        for c, name in enumerate(row):
            cell = "empty" if str(name) in ("empty", ".", " ") else str(name)
            rows.append(f"{r},{c}:{cell};")
    return "".join(rows).encode()


# Published test vectors of wyhash final v4 with its default secret (message, seed, hash).
@pytest.mark.parametrize(
    ("message", "seed", "expected"),
    [
        (b"", 0, 0x93228A4DE0EEC5A2),
        (b"a", 1, 0xC5BAC3DB178713C4),
        (b"abc", 2, 0xA97F2F7B1D9B3314),
        (b"message digest", 3, 0x786D1F1DF3801DF4),
        (b"abcdefghijklmnopqrstuvwxyz", 4, 0xDCA5A8138AD37C87),
        (b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 5, 0xB9E734F117CFAF70),
        (b"1234567890" * 8, 6, 0x6CC5EAB49A92D617),
    ],
)
def test_oracle_matches_published_vectors(message, seed, expected):
    assert wyhash_oracle(message, seed) == expected


@pytest.mark.parametrize(
    "text",
    ["###\n#@#\n###", "#####\n#@.a#\n#####", "#######\n#@.m..#\n#..@._#\n#.@.n@#\n#######"],
)
def test_engine_hash_is_wyhash_of_the_cell_names(text):
    grid = parse_ascii_map(text)
    env = MettaGridEnv(GameConfig(), grid)
    assert env.initial_grid_hash == wyhash_oracle(grid_text(grid))


def test_equal_maps_equal_hashes_and_one_moved_cell_changes_it():
    first = MettaGridEnv(GameConfig(), parse_ascii_map("#####\n#@.a#\n#####"))
    again = MettaGridEnv(GameConfig(max_steps=7), parse_ascii_map("#####\n#@.a#\n#####"))
    moved = MettaGridEnv(GameConfig(), parse_ascii_map("#####\n#@a.#\n#####"))
    assert first.initial_grid_hash == again.initial_grid_hash
    assert first.initial_grid_hash != moved.initial_grid_hash


def test_episode_infos_carry_the_ended_episodes_map_hash_and_stat_names():
    # The provider alternates a full-catalogue config on an altar map and a walls-only config,
    # so each episode's infos must describe that episode, not the one the game moved on to.
    with_altar = parse_ascii_map("#####\n#@.a#\n#####")
    walls_only = parse_ascii_map("#####\n#@..#\n#####")
    catalogue = GameConfig(max_steps=1)
    bare = GameConfig(max_steps=1, objects={"wall": catalogue.objects["wall"]})
    plan = [(catalogue, with_altar), (bare, walls_only)]
    calls = []

    def provider(game: int) -> tuple[GameConfig, np.ndarray]:
        calls.append(game)
        return plan[(len(calls) - 1) % 2]

    env = MettaGridVecEnv(map_provider=provider, num_envs=1, num_threads=1)
    env.reset(seed=0)
    noop = np.zeros((1, 2), dtype=np.int32)
    episodes = []
    for _ in range(2):
        _, _, _, _, infos = env.step(noop)
        episodes.extend(infos)
    assert [info["attributes"]["initial_grid_hash"] for info in episodes] == [
        wyhash_oracle(grid_text(with_altar)),
        wyhash_oracle(grid_text(walls_only)),
    ]
    assert episodes[0]["game"]["objects.altar"] == 1.0
    assert "objects.altar" not in episodes[1]["game"]
    assert episodes[0]["attributes"]["map_w"] == 5
    assert episodes[0]["attributes"]["map_h"] == 3


def test_single_env_infos_report_the_hash():
    env = MettaGridEnv(GameConfig(max_steps=1), parse_ascii_map("#####\n#@.a#\n#####"))
    env.reset()
    *_, infos = env.step(np.zeros((1, 2), dtype=np.int32))
    assert infos["attributes"]["initial_grid_hash"] == env.initial_grid_hash
