"""Figure 3's data: a network overfit on one plant with a 2-D embedding, kept after each step shown.

    python -m reproduce.figure3                       # a generated 15-leaf rosette
    python -m reproduce.figure3 --image plant001_rgb.png --label plant001_label.png

The model and its optimiser come from ``CONFIG``; the embedding of step k is the network's output
after k updates on the one image, for k in ``STEPS`` (the paper's columns). Writes
``<out>/convergence.npz`` (the instance map, each step's [2, H, W] embedding, as float16, and its
clustering by thresholding around the ground-truth centres) and
``<out>/provenance.json`` (command, image, loss terms per step, commit, machine);
``python -m paper_figures.figure3_convergence`` draws the figure from them.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS
from torch import Tensor

import discseg  # noqa: F401  (registers the model components)
from discseg.clustering import center_threshold
from discseg.datasets.cvppp import read_image, read_label
from discseg.datasets.cvppp_transforms import AddCoordinateChannels
from discseg.fileio import write_atomic
from discseg.synthetic.rosettes import RosetteConfig, generate_rosette, plant_rng

from .stages import git_commit, machine

CONFIG = Path('reproduce/configs/cvppp/discseg_unet-2d_1xb1-64it_cvppp-overfit-256x256.py')
STEPS = (0, 2, 4, 8, 16, 32, 64)
OUTPUT = Path('results/figure3')


def load_plant(image: Path | None, label: Path | None, size: int,
               seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The plant to overfit, resized to ``size`` x ``size``: a real one, or a 15-leaf rosette."""
    if image is not None:
        rgb, ids = read_image(str(image)), read_label(str(label))
    else:
        plant = generate_rosette(plant_rng(seed, 0), RosetteConfig(num_leaves=(15, 15)))
        rgb, ids = plant.image, plant.label
    rgb = cv2.resize(rgb, (size, size), interpolation=cv2.INTER_AREA)
    ids = cv2.resize(ids.astype(np.uint16), (size, size), interpolation=cv2.INTER_NEAREST)
    return rgb, ids.astype(np.int64)


def network_input(rgb: np.ndarray) -> Tensor:
    """[1, 5, H, W]: RGB scaled to [-1, 1], then the x and y maps."""
    image = AddCoordinateChannels()({'img': rgb.astype(np.float32) / 127.5 - 1})['img']
    return torch.from_numpy(image).permute(2, 0, 1)[None]


def overfit(cfg: Config, rgb: np.ndarray, ids: np.ndarray,
            seed: int) -> tuple[dict[int, Tensor], dict[int, dict]]:
    """Train ``cfg``'s model on the one plant; the embeddings ([2, H, W]) and loss terms after each
    of ``STEPS``."""
    init_default_scope('mmseg')
    torch.manual_seed(seed)
    model = MODELS.build(cfg.model)
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    loss = model.decode_head.loss_embedding
    inputs, targets = network_input(rgb), torch.from_numpy(ids)[None]
    snapshots, losses = {}, {}
    for step in range(max(STEPS) + 1):
        embeddings = model.decode_head(model.backbone(inputs))['embeddings']
        terms = loss.terms(embeddings, targets)
        if step in STEPS:
            snapshots[step] = embeddings[0].detach()
            losses[step] = {name: value.item() for name, value in terms.items()}
        if step < max(STEPS):
            optim_wrapper.update_params(sum(terms.values()))
    return snapshots, losses


def threshold_clusters(embeddings: Tensor, ids: np.ndarray, bandwidth: float) -> np.ndarray:
    """[H, W] uint16: each foreground pixel's ground-truth instance id when its embedding lies
    within ``bandwidth`` of that instance's centre (the nearest), 0 otherwise."""
    clusters = center_threshold(embeddings, torch.from_numpy(ids), bandwidth).numpy()
    instance_ids = np.unique(ids[ids > 0])  # cluster k is the k-th smallest id
    return (instance_ids[np.maximum(clusters - 1, 0)] * (clusters > 0)).astype(np.uint16)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--image', type=Path, help='a CVPPP plantNNN_rgb.png (else a rosette)')
    parser.add_argument('--label', type=Path, help='its plantNNN_label.png')
    parser.add_argument('--config', type=Path, default=CONFIG)
    parser.add_argument('--size', type=int, default=256, help='side of the (square) input; '
                        'the paper trains on 512')
    parser.add_argument('--bandwidth', type=float, default=1.5,
                        help='clustering threshold around the centres (delta_d)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out', type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if (args.image is None) != (args.label is None):
        parser.error('--image and --label go together')

    start = time.time()
    cfg = Config.fromfile(args.config)
    rgb, ids = load_plant(args.image, args.label, args.size, args.seed)
    snapshots, losses = overfit(cfg, rgb, ids, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / 'convergence.npz', steps=np.array(STEPS),
                        ids=ids.astype(np.uint16),
                        embeddings=torch.stack([snapshots[s] for s in STEPS]).half().numpy(),
                        clusters=np.stack([threshold_clusters(snapshots[s], ids, args.bandwidth)
                                           for s in STEPS]))
    loss_cfg = cfg.model.decode_head.loss_embedding
    provenance = {
        'command': ' '.join(['python -m reproduce.figure3', *(argv if argv is not None
                                                               else sys.argv[1:])]),
        'config': str(args.config),
        'image': str(args.image) if args.image else f'generated 15-leaf rosette, seed {args.seed}',
        'synthetic_data': args.image is None,
        'num_instances': int(len(np.unique(ids[ids > 0]))),
        'size': args.size, 'bandwidth': args.bandwidth,
        'optimizer': cfg.optim_wrapper.optimizer.type, 'lr': cfg.optim_wrapper.optimizer.lr,
        'seed': args.seed,
        'delta_v': loss_cfg.delta_v, 'delta_d': loss_cfg.delta_d,
        'loss_terms': losses, 'commit': git_commit(), 'machine': machine(),
        'wall_seconds': time.time() - start,
    }
    write_atomic(args.out / 'provenance.json', json.dumps(provenance, indent=2) + '\n')
    print(f'{args.out} written in {provenance["wall_seconds"]:.0f} s')


if __name__ == '__main__':
    main()
