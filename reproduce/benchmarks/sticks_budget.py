"""How the sticks profiles' iteration budgets were set: seconds per training iteration of each
method, measured in one process on a quiet machine, turned into the iterations that buy each method
the same training time.

    python -m reproduce.benchmarks.sticks_budget [--profile default] [--minutes 15]

Each method trains ``--warmup`` iterations, then ``--iterations`` timed ones (median), with its
profile's batch size and loaders, no validation. The budget is the target time divided by the
median, rounded down to the method's validation interval. The profile keeps the numbers (they are
settings, the same on every machine); ``tests/reproduce/test_profiles.py`` checks that they are
the ones this file's report gives.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from mmengine.hooks import Hook

from ..profiles import STICKS_PROFILES
from ..runner import load_config, select_device
from ..stages import command_line, load_average
from ..experiment import training_options
from ..sticks import METHODS
from .common import save_report


class IterationTimes(Hook):
    """The wall time of every training iteration (not data loading before it)."""

    priority = 'VERY_LOW'

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self._start = 0.0

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        self._start = time.perf_counter()

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        self.seconds.append(time.perf_counter() - self._start)


def seconds_per_iteration(method: str, profile_name: str, data_root: Path, warmup: int,
                          iterations: int) -> float:
    from mmengine.runner import Runner

    spec = STICKS_PROFILES[profile_name].methods[method]
    total = warmup + iterations
    options = {**training_options(spec), 'train_cfg.max_iters': total,
               'train_cfg.val_interval': total + 1, 'default_hooks.checkpoint.interval': total + 1,
               'default_hooks.checkpoint.save_last': False, 'custom_hooks': []}
    with tempfile.TemporaryDirectory() as work_dir:
        cfg = load_config(METHODS[method].config, work_dir=work_dir, data_root=data_root,
                          num_workers=spec.num_workers, options=options)
        runner = Runner.from_cfg(cfg)
        times = IterationTimes()
        runner.register_hook(times)
        runner.train()
    return statistics.median(times.seconds[warmup:])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--profile', default='default', choices=sorted(STICKS_PROFILES))
    parser.add_argument('--minutes', type=float, default=15.0)
    parser.add_argument('--warmup', type=int, default=10)
    parser.add_argument('--iterations', type=int, default=40)
    parser.add_argument('--data-dir', type=Path, default=Path('data/sticks'))
    parser.add_argument('--out', type=Path, default=Path('results/benchmarks/sticks_budget.json'))
    args = parser.parse_args(argv)
    select_device('cpu')
    import baselines.maskrcnn  # noqa: F401
    from discseg.synthetic.sticks import write_dataset

    profile = STICKS_PROFILES[args.profile]
    data_root = args.data_dir / args.profile
    write_dataset(data_root, profile.data, profile.splits, seed=profile.data_seed)
    load_before = load_average()
    methods = {}
    for method, spec in profile.methods.items():
        seconds = seconds_per_iteration(method, args.profile, data_root, args.warmup,
                                        args.iterations)
        budget = int(args.minutes * 60 / seconds // spec.val_interval * spec.val_interval)
        methods[method] = {'seconds_per_iteration': seconds, 'batch_size': spec.batch_size,
                           'val_interval': spec.val_interval, 'budget_iterations': budget,
                           'profile_iterations': spec.max_iters}
    save_report(args.out, {
        'what': f'iterations that take each method {args.minutes:g} minutes of training',
        'command': command_line(),
        'profile': args.profile, 'warmup': args.warmup, 'timed_iterations': args.iterations,
        'load_average': {'before': load_before, 'after': load_average()},
        'cpu_count': os.cpu_count(), 'methods': methods})


if __name__ == '__main__':
    main()
