"""``python -m discseg.evaluation.cityscapes --gt DIR --pred DIR --out DIR``: score a folder of
predictions in the official Cityscapes results format (see the package's docstring)."""
from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from . import RESULTS, evaluate, format_results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog='python -m discseg.evaluation.cityscapes',
        description='Score predictions in the Cityscapes instance results format with '
                    'cityscapesscripts; every file it writes goes to --out.')
    parser.add_argument('--gt', required=True, type=Path,
                        help='folder of *_gtFine_instanceIds.png (searched recursively), '
                             'e.g. <cityscapes>/gtFine/val')
    parser.add_argument('--pred', required=True, type=Path,
                        help='folder of <city>_<seq>_<frame>*.txt files and their masks')
    parser.add_argument('--out', required=True, type=Path, help='output folder')
    args = parser.parse_args(argv)
    print(format_results(evaluate(args.gt, args.pred, args.out)))
    print(f'details: {args.out / RESULTS}')


if __name__ == '__main__':
    main()
