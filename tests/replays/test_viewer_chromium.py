"""The HTML viewer, opened from a local file in headless Chromium, loads a replay and draws it."""

import re
import shutil
import struct
import subprocess
import zlib

import pytest

from metta.mettagrid.replays import write_replay_html
from metta.mettagrid.replays.viewer import VIEWER_PLACEHOLDER, viewer_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (apt install chromium)")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=5000",
]


def chromium(tmp_path, *args):
    profile = tmp_path / "profile"
    command = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout


def decode_png(data):
    """Pixels of an 8-bit RGB or RGBA PNG as rows of (r, g, b) tuples."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, header = 8, b"", None
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    width, height, depth, color_type, _, _, interlace = header
    assert depth == 8
    assert color_type in (2, 6)
    assert interlace == 0
    channels = 3 if color_type == 2 else 4
    raw, stride, rows = zlib.decompress(idat), width * channels, []
    previous = bytes(stride)
    for y in range(height):
        filter_type = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, up_left = previous[i], previous[i - channels] if i >= channels else 0
            if filter_type == 1:
                line[i] = (line[i] + left) & 0xFF
            elif filter_type == 2:
                line[i] = (line[i] + up) & 0xFF
            elif filter_type == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif filter_type == 4:
                estimate = left + up - up_left
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - up_left)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                line[i] = (line[i] + predictor) & 0xFF
        rows.append([tuple(line[x * channels : x * channels + 3]) for x in range(width)])
        previous = bytes(line)
    return rows


def test_embedded_replay_loads_and_every_object_is_drawn(episode, tmp_path):
    page = write_replay_html(episode.to_dict(), tmp_path / "replay.html")
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    status = re.search(r'<div id="status"([^>]*)>', dom).group(1)
    assert 'data-loaded="true"' in status
    assert 'data-step="0"' in status
    assert 'data-drawn="16"' in status
    assert "data-error" not in status


def test_grid_is_painted_with_wall_and_agent_colours(episode, tmp_path):
    page = write_replay_html(episode.to_dict(), tmp_path / "replay.html")
    shot = tmp_path / "shot.png"
    chromium(tmp_path, "--window-size=900,700", f"--screenshot={shot}", page.as_uri())
    pixels = decode_png(shot.read_bytes())
    colours = {pixel for row in pixels for pixel in row}
    assert (0x55, 0x56, 0x5F) in colours  # wall
    assert (0xAA, 0x33, 0x33) in colours  # mine_red


def test_viewer_without_replay_waits_for_a_file(tmp_path):
    page = tmp_path / "viewer.html"
    page.write_text(viewer_html())
    assert VIEWER_PLACEHOLDER in page.read_text()
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert 'data-loaded="false"' in dom
    assert "data-error" not in dom


def test_corrupt_replay_reports_an_error(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text(viewer_html().replace(VIEWER_PLACEHOLDER, "bm90IGpzb24=", 1))  # "not json"
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert "data-error=" in dom
    assert "could not load replay" in dom
