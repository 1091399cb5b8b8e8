"""Tables 2-4 and Figures 1 and 6 of the paper (Cityscapes), redrawn from a results folder only.

    python -m paper_figures.cityscapes results/cityscapes

Reads what ``python -m reproduce cityscapes`` writes: ``table2.csv`` (AP per method),
``table3.csv`` (AP per semantic-mask source and clustering), ``table4.csv`` (networks x input
sizes), ``figure1.npz`` (a crop of parked cars: image, 8-D embeddings, ground-truth and predicted
instances, the loss margins) and ``examples/{input,ground_truth,ours}/``. Writes ``table2.md``,
``table3.md``, ``table4.md``, ``figure1.png`` and ``figure6.png`` beside them, with the paper's
numbers next to ours.

The paper's teaser shows a network with a 2-D output; ours has 8 dimensions, so Figure 1 shows
their projection on the two principal axes of the car pixels' embeddings. The projection is
orthonormal: it never lengthens a distance, so a pixel inside its delta_v circle in 8-D is inside
it on the plot, while centres may look closer than they are.
"""
from __future__ import annotations

import argparse
import math
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from discseg.fileio import write_atomic  # noqa: E402
from paper_figures import paper_values as paper  # noqa: E402
from paper_figures.common import colour_instances, draw_example_grid, save_figure  # noqa: E402

TABLE2_METHODS = {'ours': 'Ours, score 1.0 (this reproduction)',
                  'ours_class_probability': 'Ours, class-probability score',
                  'maskrcnn': 'Mask R-CNN R50-FPN (this reproduction)'}
# The paper's Table 3 rows for each (semantic masks, clustering) of table3.csv.
TABLE3_ROWS = {(masks, clustering): f'{row_masks} / {row_clustering}'
               for masks, row_masks in (('prediction', 'resnet38'), ('ground_truth', 'ground truth'))
               for clustering, row_clustering in (('mean_shift', 'mean-shift'),
                                                  ('center_threshold', 'center threshold'))}


def principal_plane(embeddings: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """[2, H, W]: the embeddings inside ``mask`` on their two principal axes (0 outside)."""
    points = embeddings[:, mask].T.astype(np.float64)
    centred = points - points.mean(0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    plane = np.zeros((2, *mask.shape))
    plane[:, mask] = (centred @ axes[:2].T).T
    return plane


def draw_figure1(results: Path) -> Path:
    """2x2: crop, 2-D output as red/green inside the ground-truth cars, their pixels' scatter with
    each car's centre and margins, clustered instances."""
    data = np.load(results / 'figure1.npz')
    if 'delta_v' not in data:
        raise ValueError(f"{results / 'figure1.npz'} has no loss margins (delta_v, delta_d): it "
                         'predates them; remove the figure_data stage record of its run and run '
                         'the experiment again to re-make it')
    delta_v, delta_d = float(data['delta_v']), float(data['delta_d'])  # the trained loss's
    gt = data['gt_instances']
    mask = gt > 0
    figure, axes = plt.subplots(2, 2, figsize=(9, 7))
    axes[0, 0].imshow(data['image'])
    axes[0, 0].set_title('input')
    axes[1, 1].imshow(colour_instances(data['pred_instances'].astype(np.int64)),
                      interpolation='nearest')
    axes[1, 1].set_title('clustering (ours)')
    if mask.any():
        plane = principal_plane(data['embeddings'], mask)
        low, high = plane[:, mask].min(1), plane[:, mask].max(1)
        red_green = np.zeros((*mask.shape, 3))
        red_green[..., :2] = np.moveaxis((plane - low[:, None, None])
                                         / np.maximum(high - low, 1e-6)[:, None, None], 0, -1)
        red_green[~mask] = 0
        axes[0, 1].imshow(red_green)
        instances = np.unique(gt[gt > 0])
        palette = colour_instances(np.arange(1, len(instances) + 1)) / 255.0
        for colour, instance in zip(palette, instances):
            members = mask & (gt == instance)
            if not members.any():
                continue
            points = plane[:, members]
            centre = points.mean(1)
            axes[1, 0].scatter(points[0], points[1], s=1, color=colour, alpha=0.3)
            axes[1, 0].scatter(*centre, s=30, color='black', marker='x')
            for radius, style in ((delta_v, '-'), (delta_d, '--')):
                axes[1, 0].add_patch(plt.Circle(centre, radius, fill=False, linestyle=style,
                                                color=colour))
        axes[1, 0].set_aspect('equal')
    axes[0, 1].set_title('output on 2 principal axes as R/G (cars)')
    axes[1, 0].set_title(f'pixel embeddings, centres, delta_v={delta_v:g} / delta_d={delta_d:g}')
    for axis in (axes[0, 0], axes[0, 1], axes[1, 1]):
        axis.set_xticks([])
        axis.set_yticks([])
    return save_figure(figure, results / 'figure1.png')


def draw_figure6(results: Path) -> Path:
    """Rows of val examples: input | ground truth | ours."""
    columns = {'input': 'input', 'ground_truth': 'ground truth', 'ours': 'ours'}
    return draw_example_grid(results / 'examples', columns, results / 'figure6.png', cell=4.0,
                             dpi=80)


def _percent(value) -> str:
    """A fraction in percent; words (``unavailable``) stay words, a missing value is '-'."""
    if isinstance(value, str):
        return value
    return '-' if value is None or math.isnan(value) else f'{100 * value:.1f}'


def _number(value) -> str:
    return '-' if value is None or math.isnan(value) else f'{value:.2f}'


def table2_markdown(table2: pd.DataFrame) -> str:
    lines = ['# Table 2: Cityscapes instance segmentation', '',
             '| method | split | AP | AP50 | AP100m | AP50m |', '|---|---|---|---|---|---|']
    lines += [f'| {name}{" (paper)" if name == "Ours" else ""} | test | '
              + ' | '.join(f'{value}' for value in values) + ' |'
              for name, values in paper.TABLE2.rows.items()]
    lines += [f'| {TABLE2_METHODS[row["method"]]} | {row["split"]} | '
              + ' | '.join(_percent(row[key]) for key in ('AP', 'AP50', 'AP100m', 'AP50m')) + ' |'
              for row in table2.to_dict('records')]
    lines += ['', 'Percent. The paper reports the test server; this reproduction scores val with '
              'cityscapesscripts. AP100m / AP50m need per-instance distances the public ground '
              'truth does not carry: "unavailable".']
    return '\n'.join(lines) + '\n'


def table3_markdown(table3: pd.DataFrame) -> str:
    ours = {(row['semantic_masks'], row['clustering']): row for row in table3.to_dict('records')}
    lines = ['# Table 3: components replaced by ground truth (Cityscapes val)', '',
             '| semantic masks | clustering | AP | AP50 | paper AP | paper AP50 |',
             '|---|---|---|---|---|---|']
    for (masks, clustering), paper_row in TABLE3_ROWS.items():
        row = ours.get((masks, clustering), {})
        paper_ap, paper_ap50 = paper.TABLE3.rows[paper_row]
        lines.append(f'| {masks} | {clustering} | {_percent(row.get("AP"))} | '
                     f'{_percent(row.get("AP50"))} | {paper_ap} | {paper_ap50} |')
    return '\n'.join(lines) + '\n'


def table4_markdown(table4: pd.DataFrame) -> str:
    lines = ['# Table 4: networks x input sizes (car class, Cityscapes val)', '',
             '| network | input | AP car | AP car, GT masks | fps | params (M) | memory (GB) '
             '| device |',
             '|---|---|---|---|---|---|---|---|']
    lines += [f'| {r["network"]} | {r["input"]} | {_number(r["car_AP"])} '
              f'| {_number(r["car_AP_gt_masks"])} | {r["fps"]:.2f} | {r["parameters_M"]:.2f} '
              f'| {r["memory_GB"]:.2f} | {r["device"]} |' for r in table4.to_dict('records')]
    lines += [f'| {name.replace(" ", " (paper) | ")} | {ap:.2f} | {ap_gt:.2f} | {fps} | {params} '
              f'| {memory:.2f} | Titan X |'
              for name, (ap, ap_gt, fps, params, memory) in paper.TABLE4.rows.items()]
    lines += ['', 'AP as fractions, "-": not run (no data, or the profile skips it). fps: forward '
              'pass only, batch 1. Memory: weights and activations of one forward pass at their '
              'peak (CPU: growth of peak resident size).']
    return '\n'.join(lines) + '\n'


def draw_cityscapes_results(results: Path) -> None:
    """Every table and figure whose inputs the results folder holds."""
    for name, markdown in (('table2', table2_markdown), ('table3', table3_markdown),
                           ('table4', table4_markdown)):
        if (results / f'{name}.csv').exists():
            write_atomic(results / f'{name}.md', markdown(pd.read_csv(results / f'{name}.csv')))
    if (results / 'figure1.npz').exists():
        draw_figure1(results)
        draw_figure6(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('results', type=Path, nargs='?', default=Path('results/cityscapes'))
    draw_cityscapes_results(parser.parse_args().results)


if __name__ == '__main__':
    main()
