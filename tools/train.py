"""Train one config, as mmsegmentation's and mmdetection's ``tools/train.py`` do.

    python tools/train.py CONFIG [--work-dir DIR] [--resume] [--cfg-options KEY=VALUE ...]
                                 [--launcher none|pytorch|slurm|mpi]
    torchrun --nproc_per_node N tools/train.py CONFIG --launcher pytorch

Works for our configs and the baselines'. Training goes through ``reproduce.runner.train``, the
same path ``python -m reproduce`` takes: mmengine's Runner with the exact-resume hooks, resuming
from the work dir's own latest checkpoint when ``--resume`` is given.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone, no install

from tools.cli import add_common_arguments, build_config  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='the config file')
    parser.add_argument('--resume', action='store_true',
                        help="continue from the work dir's latest checkpoint, if it has one")
    add_common_arguments(parser)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    cfg = build_config(args)
    from reproduce.runner import train

    if not args.resume and (Path(cfg.work_dir) / 'last_checkpoint').exists():
        raise SystemExit(f'{cfg.work_dir} holds a started run: pass --resume to continue it, or '
                         'give another --work-dir')
    record = train(cfg)
    print(f'{record.iterations} iterations ({record.stopped_by}); best checkpoint: '
          f'{record.best_checkpoint}')


if __name__ == '__main__':
    main()
