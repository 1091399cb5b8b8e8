"""Figure 3: how the embedding converges when a network overfits one plant with 2-D embeddings.

    python -m reproduce.figure3                          # trains; writes results/figure3/
    python -m paper_figures.figure3_convergence [results/figure3]   # draws from those files

Columns after each step the training kept (0, 2, 4, 8, 16, 32 and 64 gradient steps); rows: the
foreground pixels' embeddings with their instance centres and the delta_v (solid) and delta_d
(dashed) circles around them; the two embedding channels as red and green, masked by the
foreground; the clustering by thresholding around the ground-truth centres, as the training
wrote it (foreground left unassigned in white).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from paper_figures.common import colour_instances, save_figure  # noqa: E402

SCATTER_POINTS = 4000
FIGURE = 'figure3_convergence.png'


def instance_centres(embeddings: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ids of the instances and the mean embedding of each, (K,) and (K, 2)."""
    instance_ids, index = np.unique(ids[ids > 0], return_inverse=True)
    points = embeddings[:, ids > 0].T
    sums = np.zeros((len(instance_ids), points.shape[1]))
    np.add.at(sums, index, points)
    return instance_ids, sums / np.bincount(index)[:, None]


def draw_figure3(results: Path, seed: int = 0) -> Path:
    """Draw ``results/figure3_convergence.png`` from ``convergence.npz`` and ``provenance.json``."""
    data = np.load(results / 'convergence.npz')
    provenance = json.loads((results / 'provenance.json').read_text())
    delta_v, delta_d = provenance['delta_v'], provenance['delta_d']
    ids, steps = data['ids'].astype(np.int64), data['steps']
    palette = colour_instances(np.arange(ids.max() + 1)) / 255
    fg = ids > 0
    shown = np.random.default_rng(seed).permutation(np.flatnonzero(fg))[:SCATTER_POINTS]
    figure, axes = plt.subplots(3, len(steps), figsize=(2.3 * len(steps), 7.0), squeeze=False)
    for column, (step, embeddings, clusters) in enumerate(zip(steps, data['embeddings'],
                                                              data['clusters'])):
        embeddings = embeddings.astype(np.float32)
        flat = embeddings.reshape(2, -1)
        instance_ids, centres = instance_centres(embeddings, ids)

        scatter = axes[0, column]
        scatter.scatter(flat[0, shown], flat[1, shown], s=1, c=palette[ids.ravel()[shown]],
                        rasterized=True)
        for instance, centre in zip(instance_ids, centres):
            for radius, style in ((delta_v, '-'), (delta_d, '--')):
                scatter.add_patch(plt.Circle(centre, radius, fill=False, linestyle=style,
                                             linewidth=0.6, color=palette[instance]))
        scatter.scatter(centres[:, 0], centres[:, 1], s=12, c='black', marker='x', linewidths=0.8)
        inside = flat[:, fg.ravel()]
        low, high = inside.min(1) - delta_d, inside.max(1) + delta_d
        half, middle = (high - low).max() / 2, (high + low) / 2
        scatter.set_xlim(middle[0] - half, middle[0] + half)
        scatter.set_ylim(middle[1] - half, middle[1] + half)
        scatter.set_aspect('equal')
        total = sum(provenance['loss_terms'][str(step)].values())
        scatter.set_title(f'{step} steps\nloss {total:.2f}', fontsize=9)

        scaled = (flat - inside.min(1, keepdims=True)) / np.ptp(inside, axis=1, keepdims=True)
        red_green = np.zeros(ids.shape + (3,))
        red_green[..., :2] = scaled.T.reshape(ids.shape + (2,))
        axes[1, column].imshow(red_green * fg[..., None], interpolation='nearest')

        coloured = colour_instances(clusters.astype(np.int64))
        coloured[fg & (clusters == 0)] = 255
        axes[2, column].imshow(coloured, interpolation='nearest')
    for row, title in enumerate(('embeddings', 'output (R, G)',
                                 f'threshold {provenance["bandwidth"]:g}\naround centres')):
        axes[row, 0].set_ylabel(title)
    for axis in axes.ravel():
        axis.set_xticks([])
        axis.set_yticks([])
    return save_figure(figure, results / FIGURE, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('results', type=Path, nargs='?', default=Path('results/figure3'))
    print(draw_figure3(parser.parse_args().results))


if __name__ == '__main__':
    main()
