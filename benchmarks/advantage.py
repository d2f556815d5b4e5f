"""Advantage (GAE + V-trace) throughput: native CPU, the PyTorch reference, and CUDA when present.

Prints one JSON object per measurement per line (DESIGN.md): elements/s and GB/s, counting 20 bytes
per element (four float32 inputs read, one float32 output written). With a GPU it also times a
device-to-device copy in the same run and reports the kernel's bandwidth as a fraction of it.

    python benchmarks/advantage.py            # full run (the figures in benchmarks/README.md)
    python benchmarks/advantage.py --quick    # a few seconds; CI runs this so the script cannot rot
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections.abc import Callable

import torch

from metta.rl.advantage import compute_advantage, compute_advantage_reference, native_backends

BYTES_PER_ELEMENT = 20
FULL_SHAPES = [(1024, 64), (8192, 64), (16384, 16), (1 << 20, 64)]
QUICK_SHAPES = [(1024, 64), (8192, 64), (16384, 16)]
SCALARS = (0.977, 0.916, 1.0, 1.0)


def make_inputs(shape: tuple[int, int], device: str) -> list[torch.Tensor]:
    """Seeded values, rewards, dones (5% episode ends), importance ratios and an output buffer."""
    generator = torch.Generator().manual_seed(0)
    values = torch.randn(shape, generator=generator)
    rewards = torch.randn(shape, generator=generator)
    dones = (torch.rand(shape, generator=generator) < 0.05).float()
    ratio = torch.rand(shape, generator=generator) * 2.0
    return [t.to(device) for t in (values, rewards, dones, ratio, torch.zeros(shape))]


def time_calls(
    call: Callable[[], object], min_seconds: float, repeats: int, sync: bool
) -> list[float]:
    """Seconds per call for each repeat; each repeat runs enough calls to last min_seconds."""

    def finish() -> None:
        if sync:
            torch.cuda.synchronize()

    call()
    finish()
    start = time.perf_counter()
    call()
    finish()
    calls = max(1, int(min_seconds / max(time.perf_counter() - start, 1e-9)))
    results = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            call()
        finish()
        results.append((time.perf_counter() - start) / calls)
    return results


def report(shape: tuple[int, int], backend: str, threads: int | None, seconds: list[float]) -> dict:
    """One JSON-ready measurement from per-call times."""
    median = statistics.median(seconds)
    elements = shape[0] * shape[1]
    return {
        "benchmark": "advantage",
        "config": {"shape": list(shape), "backend": backend, "threads": threads},
        "elements_per_s": elements / median,
        "gb_per_s": elements * BYTES_PER_ELEMENT / median / 1e9,
        "us_per_call": median * 1e6,
        "spread_us": [min(seconds) * 1e6, max(seconds) * 1e6],
        "repeats": len(seconds),
    }


def cpu_measurements(shape: tuple[int, int], min_seconds: float, repeats: int) -> list[dict]:
    """Native kernel on every thread and on one, and the PyTorch reference."""
    values, rewards, dones, ratio, out = make_inputs(shape, "cpu")
    rows = []
    all_threads = torch.get_num_threads()
    if "cpu" in native_backends():
        for threads in sorted({all_threads, 1}, reverse=True):
            torch.set_num_threads(threads)

            def native() -> object:
                return compute_advantage(values, rewards, dones, ratio, out, *SCALARS, "cpu")

            rows.append(
                report(
                    shape, "native_cpu", threads, time_calls(native, min_seconds, repeats, False)
                )
            )
        torch.set_num_threads(all_threads)

    def reference() -> object:
        return compute_advantage_reference(values, rewards, dones, ratio, *SCALARS)

    rows.append(
        report(
            shape,
            "torch_reference_cpu",
            all_threads,
            time_calls(reference, min_seconds, repeats, False),
        )
    )
    return rows


def cuda_measurements(shape: tuple[int, int], min_seconds: float, repeats: int) -> list[dict]:
    """Native CUDA kernel, the PyTorch reference on the GPU, and a copy moving the same bytes."""
    values, rewards, dones, ratio, out = make_inputs(shape, "cuda")
    rows = []

    def native() -> object:
        return compute_advantage(values, rewards, dones, ratio, out, *SCALARS, "cuda")

    def reference() -> object:
        return compute_advantage_reference(values, rewards, dones, ratio, *SCALARS)

    source = torch.empty(
        shape[0] * shape[1] * BYTES_PER_ELEMENT // 8, dtype=torch.float32, device="cuda"
    )
    target = torch.empty_like(source)

    def copy() -> object:
        return target.copy_(
            source
        )  # reads 10 and writes 10 bytes per element: the kernel's traffic

    copy_row = report(
        shape, "cuda_device_to_device_copy", None, time_calls(copy, min_seconds, repeats, True)
    )
    if "cuda" in native_backends():
        native_row = report(
            shape, "native_cuda", None, time_calls(native, min_seconds, repeats, True)
        )
        native_row["fraction_of_copy_bandwidth"] = native_row["gb_per_s"] / copy_row["gb_per_s"]
        rows.append(native_row)
    rows.append(
        report(
            shape, "torch_reference_cuda", None, time_calls(reference, min_seconds, repeats, True)
        )
    )
    rows.append(copy_row)
    return rows


def main() -> None:
    """Parses arguments, runs every measurement, prints one JSON line each."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small shapes and short timings (CI)")
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats per measurement")
    args = parser.parse_args()
    shapes = QUICK_SHAPES if args.quick else FULL_SHAPES
    min_seconds = 0.01 if args.quick else 0.3
    repeats = args.repeats or (2 if args.quick else 5)
    machine = {
        "machine": platform.machine(),
        "processor": platform.processor(),
        "torch": torch.__version__,
    }
    for shape in shapes:
        rows = cpu_measurements(shape, min_seconds, repeats)
        if torch.cuda.is_available():
            rows += cuda_measurements(shape, min_seconds, repeats)
        for row in rows:
            row["config"].update(machine)
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
