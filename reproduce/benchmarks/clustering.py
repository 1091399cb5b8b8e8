"""Benchmark of the test-time clustering, ``discseg.clustering.cluster``, against sklearn MeanShift.

Synthetic embeddings that a zero loss would produce (every pixel within ``delta_v = 0.5`` of its
instance centre, centres at least 3.0 apart) must be recovered exactly; the question is how fast.
Run with ``python -m reproduce.benchmarks.clustering [--device cuda] [--out FILE]``; writes
results/benchmarks/clustering.json. sklearn always runs on the CPU; ``--device`` moves ours.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from sklearn.cluster import MeanShift

from discseg.clustering import cluster
from discseg.evaluation.cvppp import symmetric_best_dice
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
    radius = DELTA_V * rng.uniform(size=(height, width, 1)) ** (1 / EMBEDDING_DIM)  # uniform ball
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


def sklearn_method(embeddings: torch.Tensor, mask: torch.Tensor,
                   mean_shift: MeanShift) -> Callable[[], np.ndarray]:
    """Cluster the foreground embeddings with ``mean_shift``; paint its labels back as ids 1..K."""
    def run() -> np.ndarray:
        points = embeddings[:, mask].T.numpy()
        ids = np.zeros(mask.shape, dtype=np.int64)
        ids[mask.numpy()] = mean_shift.fit_predict(points) + 1
        return ids
    return run


def one_thread(fn: Callable[[], np.ndarray]) -> Callable[[], np.ndarray]:
    """``fn`` on one torch thread, for a like-for-like comparison with single-core sklearn."""
    def run() -> np.ndarray:
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return fn()
        finally:
            torch.set_num_threads(threads)
    return run


def benchmark_case(name: str, embeddings: torch.Tensor, mask: torch.Tensor, gt: np.ndarray,
                   repeats: int, device: str = 'cpu') -> dict:
    """SBD of each method against ``gt``, then interleaved timings; the SBD pass is the warm-up."""
    rng = np.random.default_rng(1)
    ours_inputs = embeddings.to(device), mask.to(device)
    foreground = embeddings[:, mask].T.numpy()
    seeds = foreground[rng.choice(len(foreground), NUM_SKLEARN_SEEDS, replace=False)]
    methods = {
        'ours': lambda: cluster(*ours_inputs, BANDWIDTH).cpu().numpy(),
        'ours_one_thread': one_thread(lambda: cluster(*ours_inputs, BANDWIDTH).cpu().numpy()),
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

    print(f'[{name}] timing {repeats} interleaved rounds', flush=True)
    medians = interleaved_medians(methods, repeats=repeats, warmup=0)
    speedups = {method: medians[method] / medians['ours']
                for method in ('sklearn_bin_seeded', 'sklearn_seeded')}
    speedups_one_thread = {method: medians[method] / medians['ours_one_thread']
                           for method in ('sklearn_bin_seeded', 'sklearn_seeded')}
    goals_met = {
        'sbd_ours': sbd['ours'] >= GOALS['sbd_ours'],
        'speedup_vs_bin_seeded': speedups['sklearn_bin_seeded'] >= GOALS['speedup_vs_bin_seeded'],
        'speedup_vs_seeded': speedups['sklearn_seeded'] >= GOALS['speedup_vs_seeded'],
    }
    print(f'[{name}] median ours {medians["ours"] * 1e3:.1f} ms (one thread '
          f'{medians["ours_one_thread"] * 1e3:.1f} ms), bin-seeded '
          f'{medians["sklearn_bin_seeded"]:.2f} s, seeded {medians["sklearn_seeded"]:.2f} s',
          flush=True)
    print(f'[{name}] ours SBD {sbd["ours"]:.4f} (goal >= {GOALS["sbd_ours"]}); '
          f'{speedups["sklearn_bin_seeded"]:.0f}x faster than bin-seeded '
          f'(goal >= {GOALS["speedup_vs_bin_seeded"]:.0f}x), {speedups["sklearn_seeded"]:.0f}x '
          f'faster than seeded (goal >= {GOALS["speedup_vs_seeded"]:.0f}x); goals met: '
          f'{all(goals_met.values())}', flush=True)
    return {
        'shape': list(mask.shape), 'instances': len(sizes),
        'instance_pixels': [int(sizes.min()), int(sizes.max())],
        'foreground_pixels': len(foreground), 'repeats': repeats, 'sbd': sbd,
        'median_seconds': medians, 'speedup_ours_vs': speedups,
        'speedup_ours_one_thread_vs': speedups_one_thread, 'goals_met': goals_met,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--device', default='cpu', help="where ours runs: 'cpu' or 'cuda'")
    parser.add_argument('--out', type=Path, default=REPORT, help='report JSON to write')
    args = parser.parse_args(argv)
    cases = {
        # name: (height, width, instances, foreground fraction, timed rounds); sklearn takes
        # tens of seconds per run on the large case, so it gets fewer rounds.
        '512x512_20_instances': (512, 512, 20, 1.0, 7),
        '1024x2048_40_instances_15pct': (1024, 2048, 40, 0.15, 3),
    }
    report = {
        'setup': {
            'embedding_dim': EMBEDDING_DIM, 'delta_v': DELTA_V,
            'min_centre_distance': MIN_CENTRE_DISTANCE, 'bandwidth': BANDWIDTH,
            'sklearn_seeds': NUM_SKLEARN_SEEDS, 'goals': GOALS,
            'timing': 'median wall time of `repeats` rounds in which the three methods run '
                      'interleaved; the SBD pass just before runs each method once and is the '
                      'warm-up; each method starts from the image tensors and returns an id map',
            'threads': 'sklearn MeanShift with its default n_jobs=None (one core for the seeds); '
                       'ours with the torch threads in machine info, and ours_one_thread with 1',
        },
        'device': args.device,
        'cases': {},
    }
    for index, (name, (height, width, instances, fraction, repeats)) in enumerate(cases.items()):
        print(f'[{name}] generating', flush=True)
        embeddings, mask, gt = make_case(height, width, instances, fraction, seed=index)
        report['cases'][name] = benchmark_case(name, embeddings, mask, gt, repeats,
                                                 args.device)
    save_report(args.out, report)


if __name__ == '__main__':
    main()
