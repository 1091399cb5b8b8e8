"""Benchmark of the test-time clustering: ``discseg.clustering.cluster`` against scikit-learn MeanShift.

Synthetic embeddings that a zero loss would produce (every pixel within ``delta_v = 0.5`` of its
instance centre, centres at least 3.0 apart) must be recovered exactly; the question is how fast.
Run with ``python -m reproduce.benchmarks.clustering``; writes results/benchmarks/clustering.json.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import torch
from sklearn.cluster import MeanShift

from discseg.clustering import cluster
from reproduce.benchmarks.common import interleaved_medians, save_report

REPORT = Path(__file__).resolve().parents[2] / 'results' / 'benchmarks' / 'clustering.json'
EMBEDDING_DIM = 16
DELTA_V = 0.5
MIN_CENTRE_DISTANCE = 3.0
BANDWIDTH = 1.5
NUM_SKLEARN_SEEDS = 200
GOALS = {'sbd_ours': 0.99, 'speedup_vs_bin_seeded': 100.0, 'speedup_vs_seeded': 30.0}


def make_case(height: int, width: int, num_instances: int, foreground_fraction: float,
              seed: int) -> tuple[torch.Tensor, torch.Tensor, np.ndarray]:
    """Embeddings ``[D, H, W]``, foreground mask and ground-truth ids of blob-shaped instances.

    Instances are the Voronoi cells of random sites (at least 20 px apart, so none is degenerate),
    cut to the ``foreground_fraction`` of pixels closest to a site. Background pixels carry noise.
    """
    rng = np.random.default_rng(seed)
    sites = _spaced_points(rng, num_instances, low=np.zeros(2), high=np.array([height, width]),
                           min_distance=20.0)
    rows, cols = np.mgrid[:height, :width].astype(np.float32)
    nearest = np.zeros((height, width), dtype=np.int64)
    distance = np.full((height, width), np.inf, dtype=np.float32)
    for index, (row, col) in enumerate(sites):
        site_distance = np.hypot(rows - row, cols - col)
        closer = site_distance < distance
        nearest[closer], distance[closer] = index, site_distance[closer]
    mask = distance <= np.quantile(distance, foreground_fraction)
    gt = np.where(mask, nearest + 1, 0)

    centres = _spaced_points(rng, num_instances, low=np.zeros(EMBEDDING_DIM),
                             high=np.full(EMBEDDING_DIM, 3.0), min_distance=MIN_CENTRE_DISTANCE)
    direction = rng.standard_normal((height, width, EMBEDDING_DIM))
    direction /= np.linalg.norm(direction, axis=2, keepdims=True)
    radius = DELTA_V * rng.uniform(size=(height, width, 1)) ** (1 / EMBEDDING_DIM)  # uniform in ball
    embeddings = np.where(mask[..., None], centres[nearest] + radius * direction,
                          rng.normal(scale=5.0, size=(height, width, EMBEDDING_DIM)))
    return (torch.from_numpy(embeddings.transpose(2, 0, 1).astype(np.float32)),
            torch.from_numpy(mask), gt)


def _spaced_points(rng: np.random.Generator, count: int, low: np.ndarray, high: np.ndarray,
                   min_distance: float) -> np.ndarray:
    """``count`` uniform points in the box, each at least ``min_distance`` from the others."""
    points: list[np.ndarray] = []
    while len(points) < count:
        candidate = rng.uniform(low, high)
        if all(np.linalg.norm(candidate - p) >= min_distance for p in points):
            points.append(candidate)
    return np.stack(points)


def symmetric_best_dice(prediction: np.ndarray, truth: np.ndarray) -> float:
    """CVPPP SBD: min of BestDice both ways, background 0 excluded, from one contingency matrix."""
    pred_ids, pred_index = np.unique(prediction, return_inverse=True)
    true_ids, true_index = np.unique(truth, return_inverse=True)
    overlap = np.bincount(pred_index.ravel() * len(true_ids) + true_index.ravel(),
                          minlength=len(pred_ids) * len(true_ids)).reshape(len(pred_ids), -1)
    pred_sizes, true_sizes = overlap.sum(1), overlap.sum(0)
    pred_keep, true_keep = pred_ids != 0, true_ids != 0
    if not pred_keep.any() or not true_keep.any():
        return 0.0
    dice = 2 * overlap[np.ix_(pred_keep, true_keep)] / (
        pred_sizes[pred_keep, None] + true_sizes[None, true_keep])
    return float(min(dice.max(1).mean(), dice.max(0).mean()))


def sklearn_method(embeddings: torch.Tensor, mask: torch.Tensor,
                   mean_shift: MeanShift) -> Callable[[], np.ndarray]:
    """Cluster the foreground embeddings with ``mean_shift`` and paint its labels back as ids 1..K."""
    def run() -> np.ndarray:
        points = embeddings[:, mask].T.numpy()
        ids = np.zeros(mask.shape, dtype=np.int64)
        ids[mask.numpy()] = mean_shift.fit_predict(points) + 1
        return ids
    return run


def benchmark_case(name: str, embeddings: torch.Tensor, mask: torch.Tensor, gt: np.ndarray,
                   sklearn_repeats: int, sklearn_warmup: int) -> dict:
    rng = np.random.default_rng(1)
    foreground = embeddings[:, mask].T.numpy()
    seeds = foreground[rng.choice(len(foreground), NUM_SKLEARN_SEEDS, replace=False)]
    methods = {
        'ours': lambda: cluster(embeddings, mask, BANDWIDTH).numpy(),
        'sklearn_bin_seeded': sklearn_method(
            embeddings, mask, MeanShift(bandwidth=BANDWIDTH, bin_seeding=True)),
        'sklearn_seeded': sklearn_method(
            embeddings, mask, MeanShift(bandwidth=BANDWIDTH, seeds=seeds)),
    }
    sizes = np.bincount(gt.ravel())[1:]
    print(f'[{name}] {mask.shape[0]}x{mask.shape[1]}, {len(sizes)} instances '
          f'({sizes.min()}..{sizes.max()} px), {len(foreground)} foreground px', flush=True)
    sbd = {}
    for method, run in methods.items():
        sbd[method] = symmetric_best_dice(run(), gt)
        print(f'[{name}] SBD {method}: {sbd[method]:.4f}', flush=True)

    medians = interleaved_medians({'ours': methods['ours']}, repeats=7, warmup=1)
    print(f'[{name}] ours: {medians["ours"] * 1e3:.1f} ms', flush=True)
    for method in ('sklearn_bin_seeded', 'sklearn_seeded'):
        medians.update(interleaved_medians({method: methods[method], 'ours': methods['ours']},
                                           repeats=sklearn_repeats, warmup=sklearn_warmup))
        print(f'[{name}] {method}: {medians[method]:.2f} s', flush=True)
    speedups = {method: medians[method] / medians['ours']
                for method in ('sklearn_bin_seeded', 'sklearn_seeded')}
    print(f'[{name}] ours is {speedups["sklearn_bin_seeded"]:.0f}x faster than bin-seeded '
          f'(goal >= {GOALS["speedup_vs_bin_seeded"]:.0f}x), {speedups["sklearn_seeded"]:.0f}x '
          f'faster than seeded (goal >= {GOALS["speedup_vs_seeded"]:.0f}x); SBD {sbd["ours"]:.4f} '
          f'(goal >= {GOALS["sbd_ours"]})', flush=True)
    return {
        'shape': list(mask.shape), 'instances': len(sizes), 'foreground_pixels': len(foreground),
        'sbd': sbd, 'median_seconds': medians, 'speedup_ours_vs': speedups,
        'sklearn_repeats': sklearn_repeats, 'sklearn_warmup': sklearn_warmup,
        'goals_met': {'sbd_ours': sbd['ours'] >= GOALS['sbd_ours'],
                      'speedup_vs_bin_seeded':
                          speedups['sklearn_bin_seeded'] >= GOALS['speedup_vs_bin_seeded'],
                      'speedup_vs_seeded': speedups['sklearn_seeded'] >= GOALS['speedup_vs_seeded']},
    }
