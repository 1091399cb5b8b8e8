"""Figures 1 and 6 of the paper (Cityscapes), redrawn from results/ only.

    python -m paper_figures.cityscapes_figures results/cityscapes

Figure 1 reads ``figure1.npz`` (a crop of parked cars: image, 8-D embeddings, ground-truth and
predicted instances); Figure 6 reads ``examples/{input,ground_truth,ours}/``.
The paper's teaser shows a network with a 2-D output; ours has 8 dimensions, so the figure shows
their projection on the two principal axes of the car pixels' embeddings. The projection is
orthonormal: it never lengthens a distance, so a pixel inside its delta_v circle in 8-D is inside
it on the plot, while centres may look closer than they are.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from paper_figures.common import colour_instances, draw_example_grid, save_figure  # noqa: E402

DELTA_V, DELTA_D = 0.5, 1.5  # the loss margins of every experiment (paper Sec. 4)


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
            for radius, style in ((DELTA_V, '-'), (DELTA_D, '--')):
                axes[1, 0].add_patch(plt.Circle(centre, radius, fill=False, linestyle=style,
                                                color=colour))
        axes[1, 0].set_aspect('equal')
    axes[0, 1].set_title('output on 2 principal axes as R/G (cars)')
    axes[1, 0].set_title(f'pixel embeddings, centres, delta_v={DELTA_V} / delta_d={DELTA_D}')
    for axis in (axes[0, 0], axes[0, 1], axes[1, 1]):
        axis.set_xticks([])
        axis.set_yticks([])
    return save_figure(figure, results / 'figure1.png')


def draw_figure6(results: Path) -> Path:
    """Rows of val examples: input | ground truth | ours."""
    columns = {'input': 'input', 'ground_truth': 'ground truth', 'ours': 'ours'}
    return draw_example_grid(results / 'examples', columns, results / 'figure6.png', cell=4.0,
                             dpi=80)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('results', type=Path, nargs='?', default=Path('results/cityscapes'))
    results = parser.parse_args().results
    print(draw_figure1(results), draw_figure6(results))


if __name__ == '__main__':
    main()
