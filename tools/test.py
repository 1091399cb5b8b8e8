"""Test one checkpoint of one config, as mmsegmentation's and mmdetection's ``tools/test.py`` do.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--cfg-options KEY=VALUE ...]
                                           [--launcher none|pytorch|slurm|mpi]

Runs mmengine's ``Runner.test()`` on the config's test split with its ``test_evaluator`` and prints
the metrics (the scores every experiment reports come from the same metrics).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone, no install

from reproduce.runner import build_runner  # noqa: E402
from tools.cli import add_common_arguments, build_config  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='the config file')
    parser.add_argument('checkpoint', help='the checkpoint to test')
    add_common_arguments(parser)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    if not Path(args.checkpoint).is_file():
        raise SystemExit(f'checkpoint {args.checkpoint} does not exist')
    cfg = build_config(args)
    cfg.load_from = args.checkpoint

    metrics = build_runner(cfg).test()
    print(json.dumps(metrics, indent=2, default=float))
    return metrics


if __name__ == '__main__':
    main()
