"""Iteration budgets from measured training rates: the timing behind every CPU profile's budgets
(``sticks_budget``, ``cvppp_budget`` are its fronts: they make the data and name the configs).

Each method trains ``--warmup`` iterations, then ``--iterations`` timed ones, with its profile's
config, batch size and loaders, and no validation or checkpoint. Two rates come out: the median
step (forward, backward, update; what a run's ``train_seconds`` sums) and the mean wall time per
iteration, waiting for data included (what a run takes). The budget is the target time divided by
the wall time, rounded down to the method's validation interval; validations come on top. The
profiles keep the numbers: settings, the same on every machine.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from mmengine.hooks import Hook

from ..experiment import training_options
from ..profiles import TrainSpec
from ..runner import build_runner, load_config
from ..stages import command_line, load_average, warn_if_busy
from .common import save_report

__all__ = ['IterationTimes', 'add_arguments', 'budget_iterations', 'measure_budgets',
           'time_training']


class IterationTimes(Hook):
    """Each training iteration's step time, and the moment each iteration ended."""

    priority = 'VERY_LOW'

    def __init__(self) -> None:
        self.steps: list[float] = []
        self.ends: list[float] = []
        self._start = 0.0

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        self._start = time.perf_counter()

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        self.ends.append(time.perf_counter())
        self.steps.append(self.ends[-1] - self._start)


def time_training(config: Path, spec: TrainSpec, data_root: Path, warmup: int,
                  iterations: int) -> dict[str, float]:
    """Seconds per training iteration of ``config`` with ``spec``'s batch and loaders, after
    ``warmup`` (at least 1) untimed iterations: the median step and the mean wall time."""
    if warmup < 1 or iterations < 1:
        raise ValueError(f'need warmup >= 1 and iterations >= 1, got {warmup} and {iterations}')
    total = warmup + iterations
    options = {**training_options(spec), 'train_cfg.max_iters': total,
               'train_cfg.val_interval': total + 1, 'default_hooks.checkpoint.interval': total + 1,
               'default_hooks.checkpoint.save_last': False, 'custom_hooks': []}
    with tempfile.TemporaryDirectory() as work_dir:
        cfg = load_config(config, work_dir=work_dir, data_root=data_root,
                          num_workers=spec.num_workers, options=options)
        runner = build_runner(cfg)
        times = IterationTimes()
        runner.register_hook(times)
        runner.train()
    return {'step_seconds': statistics.median(times.steps[warmup:]),
            'wall_seconds': (times.ends[-1] - times.ends[warmup - 1]) / iterations}


def budget_iterations(seconds_per_iteration: float, minutes: float, val_interval: int) -> int:
    """The iterations that fit in ``minutes``, rounded down to a multiple of ``val_interval`` (so
    that the last iteration is validated)."""
    fitting = int(minutes * 60 / seconds_per_iteration)
    return fitting // val_interval * val_interval


def add_arguments(parser: argparse.ArgumentParser, minutes: float, out: Path) -> None:
    parser.add_argument('--minutes', type=float, default=minutes,
                        help='training time per method on the reference machine')
    parser.add_argument('--warmup', type=int, default=10, help='untimed iterations first')
    parser.add_argument('--iterations', type=int, default=40, help='timed iterations')
    parser.add_argument('--out', type=Path, default=out, help='the JSON report')


def measure_budgets(methods: Mapping[str, tuple[Path, TrainSpec]], data_root: Path,
                    args: argparse.Namespace, fields: Mapping) -> dict:
    """Time each method's config (one after the other, in this process), write the report with
    ``fields`` to ``args.out``, print each method's budget and return the methods' entries."""
    warn_if_busy()
    load_before = load_average()
    measured = {}
    for method, (config, spec) in methods.items():
        rates = time_training(config, spec, data_root, args.warmup, args.iterations)
        measured[method] = {
            'config': str(config), **rates, 'batch_size': spec.batch_size,
            'val_interval': spec.val_interval,
            'budget_iterations': budget_iterations(rates['wall_seconds'], args.minutes,
                                                   spec.val_interval),
            'profile_iterations': spec.max_iters}
    save_report(args.out, {
        'what': f'iterations that take each method {args.minutes:g} minutes of training',
        'command': command_line(), **fields, 'data_root': str(data_root),
        'warmup': args.warmup, 'timed_iterations': args.iterations,
        'load_average': {'before': load_before, 'after': load_average()},
        'cpu_count': os.cpu_count(), 'methods': measured})
    for method, entry in measured.items():
        print(f"{method}: {entry['wall_seconds']:.3f} s per iteration (step "
              f"{entry['step_seconds']:.3f} s): {args.minutes:g} minutes = "
              f"{entry['budget_iterations']} iterations at validation interval "
              f"{entry['val_interval']} (the profile has {entry['profile_iterations']})")
    return measured
