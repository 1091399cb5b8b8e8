"""How the sticks profiles' iteration budgets were set: each method's seconds per training
iteration, measured in one process on a quiet machine (``reproduce.benchmarks.budget``), turned
into the iterations that buy each method the same training time.

    python -m reproduce.benchmarks.sticks_budget [--profile default] [--minutes 15]
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ..profiles import STICKS_PROFILES
from ..runner import select_device
from ..sticks import METHODS
from .budget import add_arguments, measure_budgets


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--profile', default='default', choices=sorted(STICKS_PROFILES))
    parser.add_argument('--data-dir', type=Path, default=Path('data/sticks'))
    add_arguments(parser, minutes=15.0, out=Path('results/benchmarks/sticks_budget.json'))
    args = parser.parse_args(argv)
    select_device('cpu')
    import baselines.maskrcnn  # noqa: F401
    from discseg.synthetic.sticks import write_dataset

    profile = STICKS_PROFILES[args.profile]
    data_root = args.data_dir / args.profile
    write_dataset(data_root, profile.data, profile.splits, seed=profile.data_seed)
    measure_budgets({method: (METHODS[method].config, spec)
                     for method, spec in profile.methods.items()},
                    data_root, args, {'profile': args.profile})


if __name__ == '__main__':
    main()
