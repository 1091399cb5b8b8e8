"""Test one checkpoint of one config, as mmsegmentation's and mmdetection's ``tools/test.py`` do.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--cfg-options KEY=VALUE ...]
                                           [--launcher none|pytorch|slurm|mpi]

Runs mmengine's ``Runner.test()`` on the config's test split with its ``test_evaluator`` and prints
the metrics (the scores every experiment reports come from the same metrics).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone, no install

from mmengine.config import Config, DictAction  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='the config file')
    parser.add_argument('checkpoint', help='the checkpoint to test')
    parser.add_argument('--work-dir', help='where the logs go; default: ./work_dirs/<config name>')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='override config values: key=value, dotted keys, as in mmengine')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    if not Path(args.checkpoint).is_file():
        raise SystemExit(f'checkpoint {args.checkpoint} does not exist')
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    cfg.launcher = args.launcher
    import discseg  # noqa: F401  (registers the components, the CPU launcher support included)
    from discseg.engine import prepare_cpu_distributed

    cfg = prepare_cpu_distributed(cfg)
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or str(
        Path('work_dirs') / Path(args.config).stem)
    cfg.load_from = args.checkpoint
    from mmengine.runner import Runner

    metrics = Runner.from_cfg(cfg).test()
    print(json.dumps(metrics, indent=2, default=float))
    return metrics


if __name__ == '__main__':
    main()
