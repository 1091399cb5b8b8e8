"""Figure 2: the pull and push forces of the loss on three 2-D clusters, from the loss itself.

    python -m paper_figures.figure2 [--out paper_figures/figure2.png]

The paper's Figure 2 is a schematic. Here the arrows are the real forces: the negative gradients
of ``L_var`` on the points farther than delta_v from their mean (pull) and of ``L_dist`` on the
means closer than 2 delta_d to another mean (push), each term differentiated on its own by autograd
through ``discseg``'s ``DiscriminativeLoss``. ``L_dist`` sees a point only through its mean
(mu_c = sum x_i / N_c), so the force on a mean is the sum of its members' gradients. Arrow lengths
are proportional to the gradient within each term (the two terms have separate scales). A point
just outside delta_v can point slightly outwards: it also moves its mean, which every other
member pulls.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
import torch

from discseg.models.losses import DiscriminativeLoss

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from paper_figures.common import colour_instances, save_figure  # noqa: E402

OUTPUT = Path(__file__).with_name('figure2.png')
# Three clusters: the first two closer than 2 delta_d (pushed apart), the third out of reach.
CLUSTER_CENTRES = ((0.0, 0.0), (2.3, 0.7), (4.9, -1.9))
POINTS_PER_CLUSTER = 25
SPREAD = 0.4  # standard deviation of each cluster: some points lie outside delta_v


@dataclass(frozen=True)
class Forces:
    """The loss's forces on 2-D points with instance ids 1..K."""

    points: np.ndarray  # (N, 2)
    ids: np.ndarray  # (N,) in 1..K
    means: np.ndarray  # (K, 2), mean of instance k + 1 in row k
    pull: np.ndarray  # (N, 2): -dL_var/dx_i
    push: np.ndarray  # (K, 2): -dL_dist/dmu_k
    pulled: np.ndarray  # (N,) bool: farther than delta_v from its mean
    pushed: np.ndarray  # (K,) bool: another mean closer than 2 delta_d


def loss_forces(points: np.ndarray, ids: np.ndarray, loss: DiscriminativeLoss) -> Forces:
    """Forces of ``loss`` on ``points`` (N, 2) of instances ``ids`` (N,), numbered 1..K."""
    ids = np.asarray(ids)
    if ids.min() < 1 or not np.array_equal(np.unique(ids), np.arange(1, ids.max() + 1)):
        raise ValueError(f'ids must number the instances 1..K, got {np.unique(ids)}')
    # The loss takes images: the points become one image of 1 x N pixels with 2 channels.
    embeddings = torch.tensor(points.T[None, :, None, :], dtype=torch.float64, requires_grad=True)
    terms = loss.terms(embeddings, torch.from_numpy(ids)[None, None, :])
    pull, = torch.autograd.grad(-terms['var'], embeddings, retain_graph=True)
    push_on_points, = torch.autograd.grad(-terms['dist'], embeddings)
    pull = pull[0, :, 0].T.numpy()
    push_on_points = push_on_points[0, :, 0].T.numpy()

    members = ids[None, :] == np.arange(1, ids.max() + 1)[:, None]  # (K, N)
    means = members @ points / members.sum(1, keepdims=True)
    push = members @ push_on_points
    pulled = np.linalg.norm(points - means[ids - 1], axis=1) > loss.delta_v
    gaps = np.linalg.norm(means[:, None] - means[None], axis=2)
    np.fill_diagonal(gaps, np.inf)
    pushed = (gaps < 2 * loss.delta_d).any(1)
    return Forces(points, ids, means, pull * pulled[:, None], push * pushed[:, None], pulled,
                  pushed)


def example_clusters(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The figure's three seeded Gaussian clusters: points (N, 2) and ids (N,) in 1..3."""
    rng = np.random.default_rng(seed)
    points = np.concatenate([rng.normal(centre, SPREAD, (POINTS_PER_CLUSTER, 2))
                             for centre in CLUSTER_CENTRES])
    ids = np.repeat(np.arange(1, len(CLUSTER_CENTRES) + 1), POINTS_PER_CLUSTER)
    return points, ids


def _arrows(axis: plt.Axes, starts: np.ndarray, vectors: np.ndarray, colours: np.ndarray,
            length: float, width: float) -> None:
    """The non-zero ``vectors`` as arrows from ``starts``, the longest ``length`` long."""
    norms = np.linalg.norm(vectors, axis=1)
    shown = norms > 0
    if not shown.any():
        return
    scaled = vectors[shown] * (length / norms.max())
    axis.quiver(starts[shown, 0], starts[shown, 1], scaled[:, 0], scaled[:, 1],
                color=colours[shown], angles='xy', scale_units='xy', scale=1, width=width,
                zorder=4)


def draw_figure2(out: Path = OUTPUT, seed: int = 0) -> Path:
    loss = DiscriminativeLoss()  # the paper's margins, delta_v = 0.5 and delta_d = 1.5
    points, ids = example_clusters(seed)
    forces = loss_forces(points, ids, loss)
    palette = colour_instances(np.arange(len(forces.means) + 1))[1:] / 255
    figure, axis = plt.subplots(figsize=(7.5, 5.5))
    axis.scatter(points[:, 0], points[:, 1], s=10, c=palette[ids - 1], zorder=2)
    for colour, mean in zip(palette, forces.means):
        axis.add_patch(plt.Circle(mean, loss.delta_v, fill=False, color=colour, linewidth=1.2))
        axis.add_patch(plt.Circle(mean, 2 * loss.delta_d, fill=False, color=colour,
                                  linestyle=':', linewidth=1.0))
    axis.scatter(forces.means[:, 0], forces.means[:, 1], s=60, c='black', marker='x', zorder=3)
    _arrows(axis, points, forces.pull, palette[ids - 1], length=0.45, width=0.004)
    _arrows(axis, forces.means, forces.push, np.zeros_like(forces.means[:, :1]).repeat(3, 1),
            length=1.0, width=0.008)
    axis.set_aspect('equal')
    axis.autoscale_view()
    axis.set_title('pull: -dL_var/dx on points outside delta_v (solid circle); push: '
                   '-dL_dist/dmu\non means within 2 delta_d (dotted circle) of another; '
                   'from DiscriminativeLoss, delta_v=0.5, delta_d=1.5', fontsize=9)
    return save_figure(figure, out, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', type=Path, default=OUTPUT)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    print(draw_figure2(args.out, args.seed))


if __name__ == '__main__':
    main()
