"""Discriminative loss forward+backward: ours against a loop-based port and a per-pixel floor.

    python -m reproduce.benchmarks.loss

(a) the way public ports write it: a Python loop over images and instances with boolean masks;
(b) the floor: forward+backward of a plain per-pixel L2 norm over the same tensor.
Goal: at least 8x faster than (a) and at most 3x (b). Ratios go to results/benchmarks/loss.json.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import torch

from discseg.models.losses import DiscriminativeLoss
from reproduce.benchmarks.common import interleaved_medians, save_report

DELTA_V, DELTA_D = 0.5, 1.5


def loop_reference(embeddings: torch.Tensor, instance_ids: torch.Tensor) -> torch.Tensor:
    """The paper's Eq. 1-4 as public ports write them: loops over images, instances and pairs."""
    total = embeddings.new_zeros(())
    for emb, ids in zip(embeddings, instance_ids):
        labels = [k for k in ids.unique().tolist() if k != 0]
        means, var = [], embeddings.new_zeros(())
        for k in labels:
            points = emb[:, ids == k]
            mean = points.mean(1)
            means.append(mean)
            var = var + ((points - mean[:, None]).norm(dim=0) - DELTA_V).clamp_min(0).pow(2).mean()
        means = torch.stack(means)
        num = len(labels)
        dist = embeddings.new_zeros(())
        for a in range(num):
            for b in range(num):
                if a != b:
                    dist = dist + (2 * DELTA_D - (means[a] - means[b]).norm()).clamp_min(0).pow(2)
        reg = means.norm(dim=1).mean()
        total = total + var / num + dist / (num * (num - 1)) + 0.001 * reg
    return total / embeddings.shape[0]


def make_batch(batch: int, dim: int, size: int, instances: int, device: str, seed: int = 0):
    """Random embeddings and an instance map of ``instances`` vertical bands per image plus background."""
    generator = torch.Generator().manual_seed(seed)
    embeddings = torch.randn(batch, dim, size, size, generator=generator).to(device)
    bands = torch.arange(size) * (instances + 1) // size  # 0 = background band
    ids = bands.expand(batch, size, size).contiguous().to(device)
    return embeddings.requires_grad_(), ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--repeats', type=int, default=7)
    parser.add_argument('--out', type=Path, default=Path('results/benchmarks/loss.json'))
    args = parser.parse_args()

    shape = dict(batch=4, dim=16, size=256, instances=20)
    embeddings, ids = make_batch(**shape, device=args.device)
    loss = DiscriminativeLoss(delta_v=DELTA_V, delta_d=DELTA_D)

    def run(fn):
        def step():
            embeddings.grad = None
            fn().backward()
        return step

    torch.testing.assert_close(loss(embeddings, ids), loop_reference(embeddings, ids))
    medians = interleaved_medians({
        'ours': run(lambda: loss(embeddings, ids)),
        'loop_reference': run(lambda: loop_reference(embeddings, ids)),
        'per_pixel_norm_floor': run(lambda: embeddings.norm(dim=1).sum()),
    }, repeats=args.repeats)
    save_report(args.out, {
        'case': {**shape, 'device': args.device},
        'median_seconds': medians,
        'speedup_vs_loop_reference': medians['loop_reference'] / medians['ours'],
        'slowdown_vs_floor': medians['ours'] / medians['per_pixel_norm_floor'],
        # No loss can beat the floor, so this is the most any implementation can gain over (a).
        'loop_reference_vs_floor': medians['loop_reference'] / medians['per_pixel_norm_floor'],
        'goals': {'speedup_vs_loop_reference': '>= 8', 'slowdown_vs_floor': '<= 3'},
    })


if __name__ == '__main__':
    main()
