"""The components' speed table (the README's "Speed of the components"), from results/benchmarks/
only.

    python -m paper_figures.benchmarks [results/benchmarks]

Reads what ``python -m reproduce.benchmarks.loss`` and ``python -m reproduce.benchmarks.clustering``
wrote (loss.json, clustering.json) and writes benchmarks.md beside them.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from discseg.fileio import write_atomic


def loss_rows(loss: dict) -> list[tuple[str, str, str]]:
    case, goals = loss['case'], loss['goals']
    name = (f"loss fwd+bwd, B={case['batch']}, D={case['dim']}, {case['size']}x{case['size']}, "
            f"{case['instances']} instances")
    return [
        (f'{name}: speed-up over a loop-based port', f"{loss['speedup_vs_loop_reference']:.1f}x",
         f"{goals['speedup_vs_loop_reference']}x"),
        ('same: slowdown against a per-pixel norm (the floor)', f"{loss['slowdown_vs_floor']:.2f}x",
         f"{goals['slowdown_vs_floor']}x"),
        ('same: the loop-based port against the floor (the most any loss could gain)',
         f"{loss['loop_reference_vs_floor']:.1f}x", ''),
    ]


def clustering_rows(clustering: dict) -> list[tuple[str, str, str]]:
    setup = clustering['setup']
    goals = setup['goals']
    rows = []
    for name, case in clustering['cases'].items():
        sbd, speedup = case['sbd'], case['speedup_ours_vs']
        rows += [
            (f"clustering {name}: SBD ours / sklearn bin-seeded / sklearn "
             f"{setup['sklearn_seeds']} seeds",
             f"{sbd['ours']:.3f} / {sbd['sklearn_bin_seeded']:.3f} / {sbd['sklearn_seeded']:.3f}",
             f"ours >= {goals['sbd_ours']:g}"),
            (f'clustering {name}: speed-up over bin-seeded / seeded MeanShift',
             f"{speedup['sklearn_bin_seeded']:.0f}x / {speedup['sklearn_seeded']:.0f}x",
             f">= {goals['speedup_vs_bin_seeded']:g}x / >= {goals['speedup_vs_seeded']:g}x"),
        ]
    return rows


def benchmarks_table(folder: Path) -> str:
    """The table and the machine it was measured on."""
    loss = json.loads((folder / 'loss.json').read_text())
    clustering = json.loads((folder / 'clustering.json').read_text())
    lines = ['| benchmark | measured | goal |', '|---|---|---|']
    lines += ['| ' + ' | '.join(row) + ' |' if row[2] else f'| {row[0]} | {row[1]} | |'
              for row in loss_rows(loss) + clustering_rows(clustering)]
    described = [{key: report['machine'][key] for key in ('cpu', 'cores', 'torch_threads')}
                 for report in (loss, clustering)]
    commits = sorted({report['machine']['commit'][:10] for report in (loss, clustering)})
    machine = described[0]
    where = (f"{machine['cpu']}, {machine['cores']} cores, {machine['torch_threads']} torch "
             'threads' if described[0] == described[1] else 'two machines (see the JSON files)')
    return '\n'.join(lines) + f"\n\nMeasured on {where} (commit {', '.join(commits)}).\n"


def draw_benchmarks(folder: Path) -> Path | None:
    """``folder/benchmarks.md``, once both benchmarks have written their reports there."""
    folder = Path(folder)
    if not all((folder / name).exists() for name in ('loss.json', 'clustering.json')):
        return None
    write_atomic(folder / 'benchmarks.md', benchmarks_table(folder))
    return folder / 'benchmarks.md'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('folder', type=Path, nargs='?', default=Path('results/benchmarks'))
    print(draw_benchmarks(parser.parse_args().folder))


if __name__ == '__main__':
    main()
