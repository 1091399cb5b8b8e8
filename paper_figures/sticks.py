"""Figure 4 (scattered sticks), the training curves, the occlusion sweep and their tables, from
results/ only.

    python -m paper_figures.sticks results/sticks
"""
from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib
import pandas as pd

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from paper_figures.common import draw_example_grid, save_figure  # noqa: E402
from discseg.fileio import write_atomic  # noqa: E402

TITLES = {'input': 'input', 'ground_truth': 'ground truth', 'ours': 'ours',
          'maskrcnn': 'Mask R-CNN'}
CURVE_KEYS = {'loss': 'training loss', 'sbd': 'validation SBD', 'mask_ap': 'validation mask AP'}


def draw_examples(results: Path) -> Path:
    """Figure 4 in the paper's layout, with Mask R-CNN added: one row per test image."""
    return draw_example_grid(results / 'examples', TITLES, results / 'figure4_sticks.png')


def draw_curves(results: Path) -> Path:
    """Training loss and validation scores against iterations, both methods."""
    curves = pd.read_csv(results / 'curves.csv')
    figure, axes = plt.subplots(1, len(CURVE_KEYS), figsize=(4.5 * len(CURVE_KEYS), 3.5))
    for axis, (key, title) in zip(axes, CURVE_KEYS.items()):
        for method, group in curves[curves.key == key].groupby('method'):
            axis.plot(group.step, group.value, marker='o' if key != 'loss' else None,
                      label=TITLES[method])
        axis.set_title(title)
        axis.set_xlabel('iteration')
        axis.legend()
    return save_figure(figure, results / 'training_curves.png')


def draw_sweep(results: Path) -> Path:
    """SBD and mask AP of both methods against the measured box overlap of each occlusion level."""
    sweep = pd.read_csv(results / 'sweep.csv')
    figure, axes = plt.subplots(1, 3, figsize=(13.5, 3.8))
    for axis, metric, title in zip(axes, ('sbd', 'mask_ap', 'mask_ap50'), ('SBD', 'mask AP', 'mask AP50')):
        for method, group in sweep.groupby('method'):
            axis.plot(group.mean_box_iou, group[metric], marker='o', label=TITLES[method])
        for row in sweep[sweep.method == sweep.method.iloc[0]].itertuples():
            axis.annotate(f'{row.crossing_fraction:.2f}', (row.mean_box_iou, 0), fontsize=7,
                          xytext=(0, 2), textcoords='offset points', ha='center', color='gray')
        axis.set_xlabel('mean pairwise box IoU of the test images')
        axis.set_title(f'{title} against occlusion')
        axis.set_ylim(0, 1)
        axis.legend()
    figure.text(0.5, 0.005, 'gray: fraction of sticks forced to cross an earlier one', ha='center',
                fontsize=8, color='gray')
    return save_figure(figure, results / 'sweep.png')


# (column, header, format) of each table, in order; columns a results file lacks are left out.
SUMMARY_COLUMNS = (('name', 'method', '{}'), ('seeds', 'seeds', '{:.0f}'),
                   ('sbd', 'SBD', '{:.3f}'), ('abs_dic', 'abs DiC', '{:.2f}'),
                   ('mask_ap', 'mask AP', '{:.3f}'), ('mask_ap50', 'mask AP50', '{:.3f}'),
                   ('network_ms', 'network ms/img', '{:.1f}'),
                   ('postprocess_ms', 'post-processing ms/img', '{:.1f}'),
                   ('train_seconds', 'training s', '{:.0f}'),
                   ('images_seen', 'images seen', '{:.0f}'))
SWEEP_COLUMNS = (('crossing_fraction', 'crossing fraction', '{:.2f}'),
                 ('hidden_fraction', 'hidden fraction', '{:.3f}'),
                 ('mean_box_iou', 'mean box IoU', '{:.3f}'), ('method', 'method', '{}'),
                 ('seeds', 'seeds', '{:.0f}'), ('sbd', 'SBD', '{:.3f}'),
                 ('abs_dic', 'abs DiC', '{:.2f}'), ('mask_ap', 'mask AP', '{:.3f}'),
                 ('mask_ap50', 'mask AP50', '{:.3f}'))
# Empty cells: Mask R-CNN's post-processing is inside its network time.
EMPTY = {'postprocess_ms': 'in network'}


def format_value(row: pd.Series, column: str, fmt: str) -> str:
    """``row[column]`` with its interval when the file has one: ``[low, high]`` from
    ``<column>_ci_low`` / ``_ci_high``, else ``± <column>_std``."""
    value = row[column]
    if pd.isna(value):
        return EMPTY.get(column, '-')
    text = fmt.format(value)
    if f'{column}_ci_low' in row and f'{column}_ci_high' in row:
        text += f' [{fmt.format(row[f"{column}_ci_low"])}, {fmt.format(row[f"{column}_ci_high"])}]'
    elif f'{column}_std' in row:
        text += f' ± {fmt.format(row[f"{column}_std"])}'
    return text


def markdown_table(table: pd.DataFrame, columns: tuple[tuple[str, str, str], ...]) -> str:
    """The rows of ``table`` under the ``columns`` it has (intervals beside their values)."""
    shown = [(column, header, fmt) for column, header, fmt in columns if column in table.columns]
    lines = ['| ' + ' | '.join(header for _, header, _ in shown) + ' |',
             '|' + '---|' * len(shown)]
    lines += ['| ' + ' | '.join(format_value(row, column, fmt) for column, _, fmt in shown) + ' |'
              for _, row in table.iterrows()]
    return '\n'.join(lines) + '\n'


def summary_table(results: Path) -> str:
    """The Markdown table of summary.csv; the paper reports no numbers for this experiment."""
    return (markdown_table(pd.read_csv(results / 'summary.csv'), SUMMARY_COLUMNS)
            + '\nThe paper shows this experiment only qualitatively (its Figure 4): no numbers '
              'to put beside these.\n')


def sweep_table(results: Path) -> str:
    """The Markdown table of sweep.csv: each occlusion level, its measured occlusion and scores."""
    sweep = pd.read_csv(results / 'sweep.csv').sort_values(['crossing_fraction', 'method'])
    return markdown_table(sweep, SWEEP_COLUMNS)


def draw_sticks_figures(results: Path) -> dict:
    """Every figure and table of the sticks experiment; returns their paths."""
    results = Path(results)
    write_atomic(results / 'summary.md', summary_table(results))
    return {'figure4': str(draw_examples(results)), 'curves': str(draw_curves(results)),
            'table': str(results / 'summary.md')}


def draw_sweep_figures(results: Path) -> dict:
    """The occlusion ablation's table and figure; returns their paths."""
    results = Path(results)
    write_atomic(results / 'sweep.md', sweep_table(results))
    return {'sweep': str(draw_sweep(results)), 'sweep_table': str(results / 'sweep.md')}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('results', type=Path, nargs='?', default=Path('results/sticks'))
    results = parser.parse_args().results
    drawn = draw_sticks_figures(results)
    if (results / 'sweep.csv').exists():
        drawn.update(draw_sweep_figures(results))
    print(drawn)


if __name__ == '__main__':
    main()
