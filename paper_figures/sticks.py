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

from paper_figures.common import (draw_example_grid, draw_training_curves,  # noqa: E402
                                  save_figure)
from discseg.fileio import write_atomic  # noqa: E402

TITLES = {'input': 'input', 'ground_truth': 'ground truth', 'ours': 'ours',
          'maskrcnn': 'Mask R-CNN', 'mask2former': 'Mask2Former', 'solov2': 'SOLOv2'}
CURVE_KEYS = {'loss': 'training loss', 'sbd': 'validation SBD', 'mask_ap': 'validation mask AP'}


def draw_examples(results: Path) -> Path:
    """Figure 4 in the paper's layout, with a column per baseline: one row per test image."""
    columns = {kind: title for kind, title in TITLES.items()
               if (results / 'examples' / kind).is_dir()}
    return draw_example_grid(results / 'examples', columns, results / 'figure4_sticks.png')


def draw_sweep_examples(results: Path, axis_name: str) -> Path:
    """The example images the sweep kept for every level of one axis (a row each, in level
    order): input, ground truth and each method's prediction."""
    examples = results / f'sweep_{axis_name}_examples'
    columns = {kind: title for kind, title in TITLES.items() if (examples / kind).is_dir()}
    return draw_example_grid(examples, columns, results / f'sweep_{axis_name}_examples.png',
                             cell=1.8, row_label=lambda stem: sweep_row_label(stem, axis_name))


def sweep_row_label(stem: str, axis_name: str) -> str:
    """``'03-crossing_fraction-0.75-00001'`` (row, axis, level, image; as the sweep names its
    examples) -> ``0.75`` over ``image 1``: short enough to fit beside its row."""
    level, image = stem.split('-', 1)[1].removeprefix(f'{axis_name}-').rsplit('-', 1)
    return f'{level}\nimage {int(image)}'


def draw_curves(results: Path) -> Path:
    """Training loss and validation scores against iterations, every method and seed."""
    return draw_training_curves(pd.read_csv(results / 'curves.csv'), CURVE_KEYS, TITLES,
                                results / 'training_curves.png')


def draw_sweep(results: Path, axis_name: str) -> Path:
    """SBD, mask AP and mask AP50 of every method across the levels of one axis: the mean over
    seeds with its 95 % interval over test images as a band and, with several seeds, their
    standard deviation as error bars; the measured box IoU under each level."""
    sweep = pd.read_csv(results / f'sweep_{axis_name}.csv', dtype={'level': str})
    levels = list(dict.fromkeys(sweep.level))
    figure, axes = plt.subplots(1, 3, figsize=(13.5, 3.9))
    for axis, metric, title in zip(axes, ('sbd', 'mask_ap', 'mask_ap50'),
                                   ('SBD', 'mask AP', 'mask AP50')):
        for method, group in sweep.groupby('method', sort=False):
            x = [levels.index(level) for level in group.level]
            line, = axis.plot(x, group[metric], marker='o', label=TITLES[method])
            if f'{metric}_std' in group and group[f'{metric}_std'].notna().any():
                axis.errorbar(x, group[metric], yerr=group[f'{metric}_std'], fmt='none',
                              capsize=3, color=line.get_color())
            if f'{metric}_ci_low' in group:
                axis.fill_between(x, group[f'{metric}_ci_low'], group[f'{metric}_ci_high'],
                                  alpha=0.2)
        first = sweep[sweep.method == sweep.method.iloc[0]]
        axis.set_xticks(range(len(levels)),
                        [f'{level}\nIoU {iou:.2f}' for level, iou in zip(first.level,
                                                                         first.mean_box_iou)],
                        fontsize=7)
        axis.set_xlabel(axis_name.replace('_', ' '))
        axis.set_title(f'{title} against {axis_name.replace("_", " ")}')
        axis.set_ylim(0, 1)
        axis.legend(fontsize=8)
    figure.text(0.5, 0.005, 'bands: 95 % bootstrap interval over test images (mean over seeds); '
                'error bars (with several seeds): ± std over training seeds; '
                'IoU: mean pairwise box IoU of the level\'s test images', ha='center', fontsize=8,
                color='gray')
    return save_figure(figure, results / f'sweep_{axis_name}.png')


# (column, header, format) of each table, in order; columns a results file lacks are left out.
SUMMARY_COLUMNS = (('name', 'method', '{}'), ('seeds', 'seeds', '{:.0f}'),
                   ('sbd', 'SBD', '{:.3f}'), ('abs_dic', 'abs DiC', '{:.2f}'),
                   ('mask_ap', 'mask AP', '{:.3f}'), ('mask_ap50', 'mask AP50', '{:.3f}'),
                   ('occluded_recall', 'occluded recall', '{:.3f}'),
                   ('separated_recall', 'separated recall', '{:.3f}'),
                   ('network_ms', 'network ms/img', '{:.1f}'),
                   ('postprocess_ms', 'post-processing ms/img', '{:.1f}'),
                   ('train_seconds', 'training s', '{:.0f}'),
                   ('images_seen', 'images seen', '{:.0f}'))
SWEEP_COLUMNS = (('level', 'level', '{}'), ('crossing_fraction', 'crossing fraction', '{:.2f}'),
                 ('hidden_fraction', 'hidden fraction', '{:.3f}'),
                 ('mean_box_iou', 'mean box IoU', '{:.3f}'), ('method', 'method', '{}'),
                 ('seeds', 'seeds', '{:.0f}'), ('sbd', 'SBD', '{:.3f}'),
                 ('abs_dic', 'abs DiC', '{:.2f}'), ('mask_ap', 'mask AP', '{:.3f}'),
                 ('mask_ap50', 'mask AP50', '{:.3f}'),
                 ('occluded_recall', 'occluded recall', '{:.3f}'),
                 ('separated_recall', 'separated recall', '{:.3f}'))
DIFFERENCE_COLUMNS = (('level', 'level', '{}'), ('method', 'method', '{}'),
                      ('metric', 'metric', '{}'), ('minus_ours', 'minus ours', '{:+.3f}'),
                      ('significant', 'interval excludes 0', '{}'))
# Empty cells: Mask R-CNN's post-processing is inside its network time.
EMPTY = {'postprocess_ms': 'in network'}


def format_value(row: pd.Series, column: str, fmt: str) -> str:
    """``row[column]`` with what the file has of its spread: ``± <column>_std`` (over seeds) and
    ``[low, high]`` from ``<column>_ci_low`` / ``_ci_high`` (over test images)."""
    value = row[column]
    if not isinstance(value, str) and pd.isna(value):
        return EMPTY.get(column, '-')
    text = fmt.format(value)
    if f'{column}_std' in row and not pd.isna(row[f'{column}_std']):
        text += f' ± {fmt.format(row[f"{column}_std"])}'
    low, high = (f'{column}_ci_low', f'{column}_ci_high') if column != 'minus_ours' else (
        'ci_low', 'ci_high')
    if low in row and high in row:
        text += f' [{fmt.format(row[low])}, {fmt.format(row[high])}]'
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
    """The Markdown tables of summary.csv and differences.csv; the paper reports no numbers for
    this experiment."""
    text = markdown_table(pd.read_csv(results / 'summary.csv'), SUMMARY_COLUMNS)
    if (results / 'differences.csv').exists():
        text += ('\nEach baseline minus ours (mean over seeds; [95 % interval of the paired '
                 'difference over test images]):\n\n'
                 + markdown_table(pd.read_csv(results / 'differences.csv'), DIFFERENCE_COLUMNS))
    return (text + '\nValues: mean ± std over training seeds [95 % bootstrap interval over test '
            'images]. The paper shows this experiment only qualitatively (its Figure 4): no '
            'numbers to put beside these.\n')


def sweep_table(results: Path, axis_name: str) -> str:
    """The Markdown tables of one axis: each level, its measured occlusion and scores, and each
    baseline's paired difference to ours."""
    sweep = pd.read_csv(results / f'sweep_{axis_name}.csv', dtype={'level': str})
    text = markdown_table(sweep, SWEEP_COLUMNS)
    differences = results / f'sweep_{axis_name}_differences.csv'
    if differences.exists():
        text += '\n' + markdown_table(pd.read_csv(differences, dtype={'level': str}),
                                       DIFFERENCE_COLUMNS)
    return text


def draw_sticks_figures(results: Path) -> dict:
    """Every figure and table of the sticks experiment; returns their paths."""
    results = Path(results)
    write_atomic(results / 'summary.md', summary_table(results))
    return {'figure4': str(draw_examples(results)), 'curves': str(draw_curves(results)),
            'table': str(results / 'summary.md')}


def draw_sweep_figures(results: Path, axis_name: str) -> dict:
    """One occlusion axis's table and figure; returns their paths."""
    results = Path(results)
    write_atomic(results / f'sweep_{axis_name}.md', sweep_table(results, axis_name))
    drawn = {'sweep': str(draw_sweep(results, axis_name)),
             'sweep_table': str(results / f'sweep_{axis_name}.md')}
    if (results / f'sweep_{axis_name}_examples').is_dir():
        drawn['examples'] = str(draw_sweep_examples(results, axis_name))
    return drawn


def swept_axes(results: Path) -> list[str]:
    return sorted(path.stem.removeprefix('sweep_') for path in results.glob('sweep_*.csv')
                  if not path.stem.endswith('_differences'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('results', type=Path, nargs='?', default=Path('results/sticks'))
    results = parser.parse_args().results
    drawn = draw_sticks_figures(results)
    for axis_name in swept_axes(results):
        drawn[axis_name] = draw_sweep_figures(results, axis_name)
    print(drawn)


if __name__ == '__main__':
    main()
