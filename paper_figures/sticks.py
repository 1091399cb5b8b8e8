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


def summary_table(results: Path) -> str:
    """The Markdown table of summary.csv; the paper reports no numbers for this experiment."""
    summary = pd.read_csv(results / 'summary.csv')
    header = ('| method | SBD | abs DiC | mask AP | mask AP50 | network ms/img | post-processing '
              'ms/img | training s | images seen |\n|---|---|---|---|---|---|---|---|---|')
    lines = [header]
    for row in summary.itertuples():
        post = 'in network' if pd.isna(row.postprocess_ms) else f'{row.postprocess_ms:.1f}'
        lines.append(f'| {row.name} | {row.sbd:.3f} | {row.abs_dic:.2f} | {row.mask_ap:.3f} | '
                     f'{row.mask_ap50:.3f} | {row.network_ms:.1f} | {post} | '
                     f'{row.train_seconds:.0f} | {row.images_seen} |')
    lines.append('\nThe paper shows this experiment only qualitatively (its Figure 4): no numbers '
                 'to put beside these.')
    return '\n'.join(lines) + '\n'


def sweep_table(results: Path) -> str:
    """The Markdown table of sweep.csv: each occlusion level, its measured occlusion and scores."""
    sweep = pd.read_csv(results / 'sweep.csv').sort_values(['crossing_fraction', 'method'])
    lines = ['| crossing fraction | hidden fraction | mean box IoU | method | SBD | abs DiC | mask AP '
             '| mask AP50 |', '|---|---|---|---|---|---|---|---|']
    lines += [f'| {row.crossing_fraction:.2f} | {row.hidden_fraction:.3f} | {row.mean_box_iou:.3f} '
              f'| {row.method} | {row.sbd:.3f} | {row.abs_dic:.2f} | {row.mask_ap:.3f} | '
              f'{row.mask_ap50:.3f} |' for row in sweep.itertuples()]
    return '\n'.join(lines) + '\n'


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
