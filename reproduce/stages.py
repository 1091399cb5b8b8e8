"""Resumable experiment stages with provenance.

A stage is a named step whose finished state is a small JSON record under ``<work_dir>/stages/``
(wall time, machine and its load, commit, command, the inputs it depended on, and whatever the step
returns). A finished stage is skipped on a re-run only if its inputs are the same (config, data
identity, profile, seeds: what the caller passes as ``inputs``); a stage whose inputs changed stops
the run with a message naming what changed, instead of reusing results of other inputs. Unfinished
stages start again (training stages resume from their own checkpoints). A work dir is locked while
a run uses it. Every file written for the results goes through ``write_atomic``.

Work dirs hold checkpoints and are not committed; what a finished run's tables need is kept in the
results folder by ``KeptRuns``, so that a fresh clone (another session, another machine) adds runs
to the committed ones instead of training them all again.
"""
from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from pathlib import Path
from collections.abc import Mapping
from typing import Any, Callable

import torch

from discseg.fileio import write_atomic


def git_commit() -> str:
    """The commit of the code that runs, with ``+dirty`` when the work tree has changes (the
    results a run writes itself do not count)."""
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(['git', 'rev-parse', 'HEAD'], cwd=root, capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(['git', 'status', '--porcelain', '--untracked-files=no', '--', '.',
                                ':!results', ':!paper_figures/REPORT.md'], cwd=root,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return 'unknown'
    return commit + ('+dirty' if dirty else '')


def machine() -> dict[str, Any]:
    """The machine a number was measured on."""
    return {
        'host': platform.node(),
        'cpu': platform.processor() or platform.machine(),
        'cpu_model': cpu_model(),
        # The instruction set torch's CPU kernels dispatch on: floating-point results (and so
        # training trajectories) are the same across machines only where this is.
        'cpu_capability': torch.backends.cpu.get_cpu_capability(),
        'cpu_count': os.cpu_count(),
        'torch_threads': torch.get_num_threads(),
        'gpu': torch.cuda.get_device_name() if torch.cuda.is_available() else None,
        'python': platform.python_version(),
        'torch': torch.__version__,
    }


def cpu_model() -> str | None:
    """The CPU's model name from /proc/cpuinfo (None where there is none)."""
    try:
        lines = Path('/proc/cpuinfo').read_text().splitlines()
    except OSError:
        return None
    return next((line.split(':', 1)[1].strip() for line in lines if line.startswith('model name')),
                None)


def command_line() -> str:
    """The command this process runs, as a user would type it (``python -m reproduce sticks ...``)."""
    spec = getattr(sys.modules.get('__main__'), '__spec__', None)
    head = (['python', '-m', spec.name.removesuffix('.__main__')] if spec is not None
            else ['python', sys.argv[0]])
    return shlex.join(head + sys.argv[1:])


def log(message: str) -> None:
    print(f'[{time.strftime("%H:%M:%S")}] {message}', file=sys.stderr, flush=True)


def load_average() -> list[float]:
    """The machine's 1, 5 and 15 minute load averages: how busy it was while a number was made."""
    return [round(value, 2) for value in os.getloadavg()]


def warn_if_busy(threshold: float = 0.5) -> None:
    """Say so when other work already occupies more than ``threshold`` of the cores: the run's
    results do not depend on it (budgets are iterations), its timings do."""
    one_minute = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    if one_minute > threshold * cores:
        log(f'WARNING: the machine is busy (load average {one_minute:.2f} on {cores} cores): '
            'results are unaffected, but wall times and ms/image will be inflated')


def canonical(value: Any) -> Any:
    """``value`` as plain JSON data (dataclasses, paths and tuples included), for fingerprints."""
    return json.loads(json.dumps(value, sort_keys=True, default=_to_json))


def _to_json(value: Any) -> Any:
    if hasattr(value, 'fingerprint'):  # a dataclass that says what of it an identity holds
        return value.fingerprint()
    if hasattr(value, '__dataclass_fields__'):
        from dataclasses import asdict
        return asdict(value)
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, 'to_dict'):  # mmengine Config
        return value.to_dict()
    return str(value)


def digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(canonical(value), sort_keys=True).encode()).hexdigest()[:16]


def data_identity(root: Path) -> dict:
    """What identifies a dataset on disk: a generated one by its ``meta.json`` (generator config,
    seed, sizes), a user's by the names, sizes and modification times of its files."""
    root = Path(root)
    meta = root / 'meta.json'
    if meta.exists():
        return {'root': str(root), 'meta': json.loads(meta.read_text())}
    listing = sorted((str(path.relative_to(root)), path.stat().st_size, path.stat().st_mtime_ns)
                     for path in root.rglob('*') if path.is_file())
    if not listing:
        raise FileNotFoundError(f'{root} holds no files: it is not a dataset')
    return {'root': str(root.resolve()), 'files': len(listing), 'listing': digest(listing)}


class StageInputsChanged(RuntimeError):
    """A finished stage's recorded inputs differ from this run's."""


class WorkDirInUse(RuntimeError):
    """Another process holds the work dir's lock."""


_HELD_LOCKS: dict[Path, Any] = {}


def _lock(work_dir: Path) -> None:
    """Hold ``work_dir/.lock`` until this process ends; another process gets WorkDirInUse."""
    path = (work_dir / '.lock').resolve()
    if path in _HELD_LOCKS:
        return
    handle = open(path, 'a+')
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or 'another process'
        handle.close()
        raise WorkDirInUse(f'{work_dir} is in use by {holder}: wait for it to finish, or give '
                           'this run another --work-dir') from None
    handle.truncate(0)
    handle.write(f'pid {os.getpid()} on {platform.node()} since {time.strftime("%H:%M:%S")}\n')
    handle.flush()
    _HELD_LOCKS[path] = handle


class Stages:
    """Runs named stages once per set of inputs; records are kept in ``work_dir/stages``."""

    def __init__(self, work_dir: Path, identity: Mapping[str, Any] | None = None) -> None:
        """``identity``: inputs every stage of the run depends on (the data, the profile, the
        options that change results); each stage adds its own in ``run``."""
        self.dir = Path(work_dir) / 'stages'
        self.dir.mkdir(parents=True, exist_ok=True)
        self.identity = dict(identity or {})
        _lock(Path(work_dir))

    def record(self, name: str) -> dict | None:
        path = self.dir / f'{name}.json'
        return json.loads(path.read_text()) if path.exists() else None

    def run(self, name: str, step: Callable[[], dict | None],
            inputs: Mapping[str, Any] | None = None) -> dict:
        """Run ``step`` unless ``name`` finished before with the same ``inputs``; return its record.

        ``inputs`` names everything the stage's result depends on (config, data identity, profile,
        seeds, earlier stages' outputs); the record keeps them, and a re-run with other inputs
        raises StageInputsChanged listing the keys whose values differ.
        """
        inputs = canonical({**self.identity, **(inputs or {})})
        done = self.record(name)
        if done is not None:
            before = done.get('inputs', {})
            changed = sorted(key for key in set(before) | set(inputs)
                             if before.get(key) != inputs.get(key))
            if changed:
                raise StageInputsChanged(
                    f'stage {name!r} in {self.dir.parent} finished with other inputs: {changed} '
                    'changed. Its results belong to those; give this run a fresh --work-dir (or '
                    f'delete {self.dir / (name + ".json")} to redo the stage).')
            log(f'{name}: done before ({done["wall_seconds"]:.0f} s), skipped')
            return done
        log(f'{name}: started')
        load_at_start = load_average()
        start = time.time()
        output = step() or {}
        record = {
            'stage': name,
            'wall_seconds': time.time() - start,
            'finished': time.strftime('%Y-%m-%dT%H:%M:%S%z'),
            'command': command_line(),
            'commit': git_commit(),
            'machine': machine(),
            'load_average': {'start': load_at_start, 'end': load_average()},
            'inputs': inputs,
            'output': output,
        }
        write_atomic(self.dir / f'{name}.json', json.dumps(record, indent=2, default=str) + '\n')
        log(f'{name}: finished in {record["wall_seconds"]:.0f} s')
        return record

    def all_records(self) -> dict[str, dict]:
        return {p.stem: json.loads(p.read_text()) for p in sorted(self.dir.glob('*.json'))}

    def timings(self, names: list[str] | None = None) -> dict[str, dict]:
        """Wall time, finish time, load, command and commit of finished stages (all, or
        ``names``): a provenance file's ``command`` is what last wrote it, a stage's what ran it."""
        records = self.all_records()
        return {name: {key: records[name].get(key)
                       for key in ('wall_seconds', 'finished', 'command', 'commit', 'load_average')}
                for name in (names if names is not None else records)}

    def write_provenance(self, path: Path, fields: dict[str, Any],
                         stage_names: list[str] | None = None,
                         kept: Mapping[str, dict] | None = None) -> None:
        """Write ``fields`` plus the commit, the machine and the stage timings to ``path`` (JSON);
        ``kept``: the timings of stages that ran before, recorded with their kept runs."""
        stages = {**self.timings([name for name in stage_names or () if self.record(name)]
                                 if stage_names is not None else None), **(kept or {})}
        record = {'command': command_line(), **fields, 'commit': git_commit(), 'machine': machine(),
                  'stages': stages}
        write_atomic(path, json.dumps(record, indent=2, default=str) + '\n')


class KeptRuns:
    """Finished runs kept in a results folder (``<folder>/<key>.json.gz``), with their identity.

    Gzipped: a detector's run holds up to 100 encoded masks per test image.

    A run's identity is what its result depends on (the trained model's config, data, spec and
    seed; the test data). ``get`` returns a kept run only if its identity equals the one asked
    for; a kept run of another identity stops the run, as a finished stage with other inputs does,
    instead of being overwritten.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def get(self, key: str, identity: Mapping[str, Any]) -> dict | None:
        path = self.folder / f'{key}.json.gz'
        if not path.exists():
            return None
        kept = json.loads(gzip.decompress(path.read_bytes()))
        identity = canonical(identity)
        changed = sorted(name for name in set(kept['identity']) | set(identity)
                         if kept['identity'].get(name) != identity.get(name))
        if changed:
            raise StageInputsChanged(f'{path} keeps a run of other inputs: {changed} changed. Give '
                                     'this run another --results folder, or delete the file to '
                                     'redo the run.')
        log(f'{key}: kept in {path}, reused')
        return kept['run']

    def files(self, key: str) -> Path:
        """The folder of the files kept with run ``key``."""
        return self.folder / key

    def put(self, key: str, identity: Mapping[str, Any], run: dict,
            files: list[Path] | tuple = ()) -> None:
        """Keep ``run`` (JSON data) and copies of ``files`` (in ``files(key)``); the record is
        written last, so a run is kept only once its files are."""
        for path in files:
            write_atomic(self.files(key) / Path(path).name, Path(path).read_bytes())
        record = json.dumps({'identity': canonical(identity), 'run': run}, default=str)
        write_atomic(self.folder / f'{key}.json.gz', gzip.compress(record.encode(), mtime=0))
