"""Table 1 and Figure 5 of the paper (CVPPP leaf segmentation) and the training curves, redrawn
from a results folder only.

    python -m paper_figures.cvppp results/cvppp

Reads what ``python -m reproduce cvppp`` writes: ``summary.csv`` (one row per method and
test-time foreground), ``provenance.json`` (profile, its notes, which examples Figure 5 shows),
``curves.csv``, ``examples/`` and, with a baseline, ``differences.csv``. Writes ``table1.csv``,
``table1.md``, ``figure5_cvppp.png`` and ``training_curves.png`` beside them.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from discseg.fileio import write_atomic
from paper_figures import paper_values as paper
from paper_figures.common import draw_example_grid, draw_training_curves

SUBSET = 'A1'
METHOD_NAMES = {'ours': 'Ours', 'maskrcnn': 'Mask R-CNN'}
MASK_SOURCE_NAMES = {'given_fg': "challenge's fg masks", 'own_fg': 'own foreground'}
CURVE_KEYS = {'loss': 'training loss', 'sbd': "validation SBD (challenge's fg)",
              'abs_dic': "validation |DiC| (challenge's fg)"}
# Paper, Table 1: CVPPP A1 test, SBD (%) and |DiC| as printed.
PAPER_TABLE1 = tuple((f'{name} (paper)' if name == 'Ours' else name, sbd, abs_dic)
                     for name, (sbd, abs_dic) in paper.TABLE1.rows.items())


def table1(summary: pd.DataFrame) -> pd.DataFrame:
    """The paper's Table 1 rows, then this reproduction's, each with what it was measured on."""
    rows = [{'method': name, 'evaluated_on': f'{SUBSET} test (33 plants)', 'sbd_percent': sbd,
             'abs_dic': abs_dic, 'source': 'paper, Table 1'}
            for name, sbd, abs_dic in PAPER_TABLE1]
    for row in summary.itertuples():
        data = 'SYNTHETIC rosettes (demo)' if row.data == 'synthetic' else f'CVPPP {SUBSET}'
        held_out = (f'{data} validation: {row.num_val} held-out of '
                    f'{row.num_val + row.num_train} labelled plants, seed {row.split_seed}')
        rows.append({'method': f'{METHOD_NAMES[row.method]}, this reproduction, '
                               f'{MASK_SOURCE_NAMES[row.mask]}',
                     'evaluated_on': held_out, 'sbd_percent': round(100 * row.sbd, 1),
                     'abs_dic': round(row.abs_dic, 2), 'source': 'summary.csv'})
    return pd.DataFrame(rows)


def differences_markdown(differences: pd.DataFrame) -> list[str]:
    """A heading, then one line per baseline and test-time mask: its SBD (points) and |DiC|
    minus ours', with the paired interval over plants and whether it excludes 0."""
    lines = ['Differences on the same validation plants (mean of the per-plant differences, SBD '
             'in points; 95 % bootstrap interval over plants, paired; differences.csv):', '']
    for (method, mask), rows in differences.groupby(['method', 'mask'], sort=False):
        parts = []
        for row in rows.itertuples():
            scale, name = (100, 'SBD') if row.metric == 'sbd' else (1, '|DiC|')
            verdict = 'significant' if row.interval_excludes_0 else 'not significant'
            parts.append(f'{name} {scale * row.difference:+.2f} [{scale * row.ci_low:+.2f}, '
                         f'{scale * row.ci_high:+.2f}] ({verdict})')
        reference = METHOD_NAMES[rows['reference'].iloc[0]].lower()
        lines.append(f'- {METHOD_NAMES[method]} minus {reference}, {MASK_SOURCE_NAMES[mask]}, '
                     f'{rows["plants"].iloc[0]} plants: ' + '; '.join(parts))
    return lines


def table1_markdown(table: pd.DataFrame, synthetic: bool, profile: str, notes: str,
                    differences: pd.DataFrame | None = None) -> str:
    lines = ['# Table 1: CVPPP leaf segmentation (SBD in %, higher is better; |DiC|, lower is '
             'better)', '',
             '| Method | Evaluated on | SBD | \\|DiC\\| | Source |', '|---|---|---|---|---|']
    for row in table.itertuples():
        sbd = '-' if pd.isna(row.sbd_percent) else f'{row.sbd_percent:.1f}'
        lines.append(f'| {row.method} | {row.evaluated_on} | {sbd} | {row.abs_dic:.1f} | '
                     f'{row.source} |')
    lines += ['', 'The challenge keeps its test labels hidden: the rows of this reproduction are '
              'on a validation split of the labelled training plants, so they are not a '
              'one-to-one comparison with the test rows above. The test predictions are in '
              f'submission_{SUBSET}.h5 when the data root holds the test plants.',
              '', "With the challenge's fg masks, ours clusters the embeddings of the given "
              "foreground pixels (the paper's protocol) and Mask R-CNN's masks are intersected "
              'with the given foreground; with its own foreground, each model decides which '
              'pixels are plant. Both methods are trained on the same plants with the same '
              'augmentation and scored by the same code.',
              '', f'Profile `{profile}`: {notes}']
    if differences is not None and not differences.empty:
        lines += ['', *differences_markdown(differences)]
    if synthetic:
        lines += ['', '**These rows were measured on generated rosettes, not on the CVPPP data: '
                  'they only show that the pipeline runs.**']
    return '\n'.join(lines) + '\n'


def draw_figure5(results: Path, example_masks: dict[str, str]) -> Path:
    """Figure 5 in the paper's layout, input | ground truth | ours, then Mask R-CNN; one
    validation plant a row. ``example_masks``: method -> the foreground its examples used."""
    columns = {'input': 'input', 'ground_truth': 'ground truth'}
    columns.update({method: f'{METHOD_NAMES[method]} ({MASK_SOURCE_NAMES[mask]})'
                    for method, mask in example_masks.items()})
    return draw_example_grid(results / 'examples', columns, results / 'figure5_cvppp.png',
                             cell=2.6, row_label=str)


def read_differences(results: Path) -> pd.DataFrame | None:
    """A results folder's ``differences.csv``, or None where it has no baseline (or predates it)."""
    path = results / 'differences.csv'
    return pd.read_csv(path) if path.exists() else None


def render_table1(results: Path) -> tuple[pd.DataFrame, str]:
    """Table 1 of one results folder, its rows and its Markdown, from the folder's files alone."""
    provenance = json.loads((results / 'provenance.json').read_text())
    table = table1(pd.read_csv(results / 'summary.csv'))
    return table, table1_markdown(table, provenance['synthetic_data'], provenance['profile'],
                                  provenance['notes'], read_differences(results))


def draw_cvppp_results(results: Path) -> None:
    """Table 1 (CSV and Markdown), Figure 5 and the training curves of one results folder."""
    table, markdown = render_table1(results)
    write_atomic(results / 'table1.csv', table.to_csv(index=False))
    write_atomic(results / 'table1.md', markdown)
    provenance = json.loads((results / 'provenance.json').read_text())
    if 'figure5_masks' not in provenance:
        raise ValueError(f"{results / 'provenance.json'} does not say which foreground Figure 5's "
                         'examples used (figure5_masks): it predates that field; run the '
                         'experiment again (finished stages are reused) to rewrite it')
    draw_figure5(results, provenance['figure5_masks'])
    if (results / 'curves.csv').exists():
        draw_training_curves(pd.read_csv(results / 'curves.csv'), CURVE_KEYS, METHOD_NAMES,
                             results / 'training_curves.png')


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog='python -m paper_figures.cvppp', description=__doc__)
    parser.add_argument('results', type=Path, help='a results/cvppp* folder')
    draw_cvppp_results(parser.parse_args(argv).results)


if __name__ == '__main__':
    main()
