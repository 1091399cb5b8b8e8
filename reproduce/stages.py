"""Resumable experiment stages with provenance.

A stage is a named step whose finished state is a small JSON record under ``<work_dir>/stages/``
(wall time, machine, commit, command, and whatever the step returns). Finished stages are skipped
on a re-run, so an interrupted run loses no finished stage; unfinished ones start again (training
stages resume from their own checkpoints). Every file written for the results goes through
``write_atomic``.
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import torch

from discseg.fileio import write_atomic


def git_commit() -> str:
    """The commit of the code that runs, with ``+dirty`` when the work tree has changes."""
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(['git', 'rev-parse', 'HEAD'], cwd=root, capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(['git', 'status', '--porcelain', '--untracked-files=no'], cwd=root,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return 'unknown'
    return commit + ('+dirty' if dirty else '')


def machine() -> dict[str, Any]:
    """The machine a number was measured on."""
    return {
        'host': platform.node(),
        'cpu': platform.processor() or platform.machine(),
        'cpu_count': os.cpu_count(),
        'torch_threads': torch.get_num_threads(),
        'gpu': torch.cuda.get_device_name() if torch.cuda.is_available() else None,
        'python': platform.python_version(),
        'torch': torch.__version__,
    }


def log(message: str) -> None:
    print(f'[{time.strftime("%H:%M:%S")}] {message}', file=sys.stderr, flush=True)


class Stages:
    """Runs named stages once; the records of finished stages are kept in ``work_dir/stages``."""

    def __init__(self, work_dir: Path) -> None:
        self.dir = Path(work_dir) / 'stages'
        self.dir.mkdir(parents=True, exist_ok=True)

    def record(self, name: str) -> dict | None:
        path = self.dir / f'{name}.json'
        return json.loads(path.read_text()) if path.exists() else None

    def run(self, name: str, step: Callable[[], dict | None]) -> dict:
        """Run ``step`` unless ``name`` finished before; return its record."""
        done = self.record(name)
        if done is not None:
            log(f'{name}: done before ({done["wall_seconds"]:.0f} s), skipped')
            return done
        log(f'{name}: started')
        start = time.time()
        output = step() or {}
        record = {
            'stage': name,
            'wall_seconds': time.time() - start,
            'finished': time.strftime('%Y-%m-%dT%H:%M:%S%z'),
            'command': ' '.join([Path(sys.executable).name, *sys.argv]),
            'commit': git_commit(),
            'machine': machine(),
            'output': output,
        }
        write_atomic(self.dir / f'{name}.json', json.dumps(record, indent=2, default=str) + '\n')
        log(f'{name}: finished in {record["wall_seconds"]:.0f} s')
        return record

    def all_records(self) -> dict[str, dict]:
        return {p.stem: json.loads(p.read_text()) for p in sorted(self.dir.glob('*.json'))}

    def timings(self, names: list[str] | None = None) -> dict[str, dict]:
        """Wall time, finish time and commit of finished stages (all, or ``names``), for provenance."""
        records = self.all_records()
        return {name: {key: records[name][key] for key in ('wall_seconds', 'finished', 'commit')}
                for name in (names if names is not None else records)}

    def write_provenance(self, path: Path, fields: dict[str, Any],
                         stage_names: list[str] | None = None) -> None:
        """Write ``fields`` plus the commit, the machine and the stage timings to ``path`` (JSON)."""
        record = {**fields, 'commit': git_commit(), 'machine': machine(),
                  'stages': self.timings(stage_names)}
        write_atomic(path, json.dumps(record, indent=2, default=str) + '\n')
