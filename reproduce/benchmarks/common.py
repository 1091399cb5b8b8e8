"""Shared timing protocol for the benchmarks: interleaved runs, medians after warm-up, machine info.

Interleaving the methods (A, B, C, A, B, C, ...) spreads slow phases of a shared machine over all of
them, so the printed ratios are fair even when absolute times drift.
"""
from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Callable, Mapping

import torch

from ..stages import cpu_model, git_commit


def machine_info() -> dict:
    """What the ratios were measured on: CPU, thread count, library versions, commit."""
    cpu = cpu_model() or platform.processor() or platform.machine()
    return {
        'cpu': cpu,
        'cores': os.cpu_count(),
        'torch_threads': torch.get_num_threads(),
        'torch': torch.__version__,
        'cuda': torch.cuda.get_device_name() if torch.cuda.is_available() else None,
        'python': platform.python_version(),
        'commit': git_commit(),
    }


def _sync() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def interleaved_medians(methods: Mapping[str, Callable[[], object]], repeats: int = 7,
                        warmup: int = 1) -> dict[str, float]:
    """Median wall time in seconds of each method, run round-robin after ``warmup`` rounds."""
    times: dict[str, list[float]] = {name: [] for name in methods}
    for round_index in range(warmup + repeats):
        for name, fn in methods.items():
            _sync()
            start = time.perf_counter()
            fn()
            _sync()
            if round_index >= warmup:
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def save_report(path: Path, report: dict) -> None:
    """Write ``report`` (plus the machine info) as JSON atomically, print it, and redraw the
    components' table of its folder (``paper_figures.benchmarks``)."""
    from paper_figures.benchmarks import draw_benchmarks

    report = {'machine': machine_info(), **report}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + '.tmp')
    tmp.write_text(json.dumps(report, indent=2) + '\n')
    os.replace(tmp, path)
    print(json.dumps(report, indent=2))
    draw_benchmarks(path.parent)
