"""``python -m paper_figures``: the report of every table and figure, from results/ alone."""
from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from paper_figures.report import __doc__ as REPORT_DOC, write_report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog='python -m paper_figures',
                                     description=REPORT_DOC.splitlines()[0])
    parser.add_argument('--results', type=Path, default=Path('results'))
    parser.add_argument('--out', type=Path, default=Path('paper_figures/REPORT.md'))
    args = parser.parse_args(argv)
    start = time.time()
    cells = write_report(args.results, args.out)
    counts = Counter(cell.status.value for cell in cells)
    print(f'{args.out} written in {time.time() - start:.1f} s: '
          + ', '.join(f'{count} {status}' for status, count in counts.items()))


if __name__ == '__main__':
    main()
