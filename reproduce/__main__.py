"""One command per experiment: ``python -m reproduce <experiment> [options]``.

    sticks        scattered sticks, ours vs Mask R-CNN (the main, CPU-sized reproduction)
    sticks-sweep  the occlusion ablation on scattered sticks
    cvppp         CVPPP leaf segmentation A1 (needs --data-root)
    cityscapes    Cityscapes instance segmentation (needs --data-root)
    leftovers     one trained checkpoint scored with each leftover rule of the clustering
"""
from __future__ import annotations

import argparse
import importlib

EXPERIMENTS = {
    'sticks': 'reproduce.sticks',
    'sticks-sweep': 'reproduce.sticks_sweep',
    'cvppp': 'reproduce.cvppp',
    'cityscapes': 'reproduce.cityscapes',
    'leftovers': 'reproduce.leftovers',
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog='python -m reproduce', description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest='experiment', required=True)
    modules = {name: importlib.import_module(module) for name, module in EXPERIMENTS.items()}
    for name, module in modules.items():
        module.add_arguments(commands.add_parser(name, help=module.__doc__.splitlines()[0]))
    args = parser.parse_args(argv)
    modules[args.experiment].run(args)


if __name__ == '__main__':
    main()
