"""What tools/train.py and tools/test.py share: OpenMMLab's arguments and the config they build."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from mmengine.config import Config, DictAction


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--work-dir', help='default: ./work_dirs/<config name>')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='override config values: key=value, dotted keys, as in mmengine')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def build_config(args: argparse.Namespace) -> Config:
    """The config with its options, launcher and work dir; several processes work on a CPU too."""
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    cfg.launcher = args.launcher
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or str(
        Path('work_dirs') / Path(args.config).stem)
    import discseg  # noqa: F401  (registers the components, the CPU launcher support included)
    from discseg.engine import prepare_cpu_distributed

    return prepare_cpu_distributed(cfg)
