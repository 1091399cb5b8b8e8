"""How the CVPPP cpu profile's iteration budgets are set: each method's seconds per training
iteration of its cpu config, measured in one process on a quiet machine
(``reproduce.benchmarks.budget``), turned into the iterations of 45 minutes of training.

    python -m reproduce.benchmarks.cvppp_budget [--data-root DIR] [--minutes 45]

On the generated A1-like rosettes of ``python -m reproduce cvppp --demo`` (written to its folder
when missing) unless ``--data-root`` gives the challenge's data: both have A1's 530 x 500 images,
so loading and augmentation cost the same.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ..cvppp import DEMO_ROOT
from ..profiles import CVPPP_PROFILES
from ..runner import select_device
from .budget import add_arguments, measure_budgets

BUDGETED = sorted(name for name, profile in CVPPP_PROFILES.items() if profile.methods)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--profile', default='cpu', choices=BUDGETED)
    parser.add_argument('--data-root', type=Path, default=None,
                        help=f'CVPPP data in either official layout (default: {DEMO_ROOT}, '
                             'generated)')
    add_arguments(parser, minutes=45.0, out=Path('results/benchmarks/cvppp_budget.json'))
    args = parser.parse_args(argv)
    select_device('cpu')
    data_root = args.data_root
    if data_root is None:
        from discseg.synthetic.rosettes import write_dataset
        data_root = DEMO_ROOT
        write_dataset(data_root)
    profile = CVPPP_PROFILES[args.profile]
    measure_budgets({method: (profile.configs[method], spec)
                     for method, spec in profile.methods.items()},
                    data_root, args, {'profile': args.profile})


if __name__ == '__main__':
    main()
