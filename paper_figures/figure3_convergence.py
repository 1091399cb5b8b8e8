"""Figure 3: how the embedding converges when a network overfits one plant with 2-D embeddings.

    python -m paper_figures.figure3_convergence                       # a generated 15-leaf rosette
    python -m paper_figures.figure3_convergence --image plant001_rgb.png --label plant001_label.png

Columns after 0, 2, 4, 8, 16, 32 and 64 gradient steps; rows: the foreground pixels' embeddings
with their instance centres and the delta_v (solid) and delta_d (dashed) circles around them; the
two embedding channels as red and green, masked by the foreground; the clustering by thresholding
around the ground-truth centres (``discseg.clustering.center_threshold``). The paper gives
neither the network, the optimiser nor the learning rate of this figure: a small UNet, Adam and
``--lr`` are used, and the embedding of step k is the network's output after k updates.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import cv2
import matplotlib
import numpy as np
import torch
from torch import Tensor, nn

import discseg  # noqa: F401  (registers the model components)
from discseg.clustering import center_threshold
from discseg.datasets.cvppp import read_image, read_label
from discseg.datasets.cvppp_transforms import AddCoordinateChannels
from discseg.synthetic.rosettes import RosetteConfig, generate_rosette, plant_rng
from reproduce.stages import git_commit, write_atomic

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmseg.registry import MODELS  # noqa: E402

from .common import colour_instances, save_figure  # noqa: E402

STEPS = (0, 2, 4, 8, 16, 32, 64)
DELTA_V, DELTA_D = 0.5, 1.5  # the paper's margins
OUTPUT = Path(__file__).with_name('figure3_convergence.png')
SCATTER_POINTS = 4000


class EmbeddingNetwork(nn.Module):
    """A small UNet with a 2-D embedding head, as in the sticks config, on RGB + x + y."""

    def __init__(self, embedding_dims: int = 2) -> None:
        super().__init__()
        init_default_scope('mmseg')  # the UNet builds its upsampling layers from the scope
        norm_cfg = dict(type='BN', requires_grad=True)
        self.backbone = MODELS.build(dict(
            type='UNet', in_channels=5, base_channels=16, num_stages=5, strides=(1, 1, 1, 1, 1),
            enc_num_convs=(2, 2, 2, 2, 2), dec_num_convs=(2, 2, 2, 2),
            downsamples=(True, True, True, True), enc_dilations=(1, 1, 1, 1, 1),
            dec_dilations=(1, 1, 1, 1), norm_cfg=norm_cfg, upsample_cfg=dict(type='InterpConv')))
        self.head = MODELS.build(dict(
            type='EmbeddingHead', in_channels=16, in_index=4, channels=16, num_convs=1,
            num_classes=2, embedding_dims=embedding_dims, dropout_ratio=0.0, norm_cfg=norm_cfg,
            loss_embedding=dict(type='DiscriminativeLoss', delta_v=DELTA_V, delta_d=DELTA_D)))

    def forward(self, inputs: Tensor) -> Tensor:
        return self.head(self.backbone(inputs))['embeddings']


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


def overfit(rgb: np.ndarray, ids: np.ndarray, lr: float, seed: int) -> tuple[dict, dict]:
    """Train on the one plant; the embeddings ([2, H, W]) and loss terms after each of STEPS."""
    torch.manual_seed(seed)
    network = EmbeddingNetwork()
    optimizer = torch.optim.Adam(network.parameters(), lr=lr)
    inputs, targets = network_input(rgb), torch.from_numpy(ids)[None]
    snapshots, losses = {}, {}
    for step in range(max(STEPS) + 1):
        embeddings = network(inputs)
        terms = network.head.loss_embedding.terms(embeddings, targets)
        if step in STEPS:
            snapshots[step] = embeddings[0].detach()
            losses[step] = {name: value.item() for name, value in terms.items()}
        if step == max(STEPS):
            break
        optimizer.zero_grad()
        sum(terms.values()).backward()
        optimizer.step()
    return snapshots, losses


def instance_centres(embeddings: Tensor, ids: Tensor) -> tuple[np.ndarray, np.ndarray]:
    """The ids of the instances and the mean embedding of each, (K,) and (K, 2)."""
    instance_ids, index = torch.unique(ids[ids > 0], return_inverse=True)
    points = embeddings[:, ids > 0].T
    sums = points.new_zeros(len(instance_ids), points.shape[1]).index_add_(0, index, points)
    return instance_ids.numpy(), (sums / torch.bincount(index)[:, None]).numpy()


def draw(snapshots: dict, losses: dict, ids: np.ndarray, bandwidth: float, seed: int) -> plt.Figure:
    palette = colour_instances(np.arange(ids.max() + 1)) / 255
    fg = ids > 0
    ids_tensor = torch.from_numpy(ids)
    rng = np.random.default_rng(seed)
    shown = rng.permutation(np.flatnonzero(fg))[:SCATTER_POINTS]
    figure, axes = plt.subplots(3, len(STEPS), figsize=(2.3 * len(STEPS), 7.0))
    for column, step in enumerate(STEPS):
        embeddings = snapshots[step]
        flat = embeddings.flatten(1).numpy()
        instance_ids, centres = instance_centres(embeddings, ids_tensor)

        scatter = axes[0, column]
        scatter.scatter(flat[0, shown], flat[1, shown], s=1, c=palette[ids.ravel()[shown]],
                        rasterized=True)
        for instance, centre in zip(instance_ids, centres):
            for radius, style in ((DELTA_V, '-'), (DELTA_D, '--')):
                scatter.add_patch(plt.Circle(centre, radius, fill=False, linestyle=style,
                                             linewidth=0.6, color=palette[instance]))
        scatter.scatter(centres[:, 0], centres[:, 1], s=12, c='black', marker='x', linewidths=0.8)
        low, high = flat[:, fg.ravel()].min(1) - DELTA_D, flat[:, fg.ravel()].max(1) + DELTA_D
        half = (high - low).max() / 2
        middle = (high + low) / 2
        scatter.set_xlim(middle[0] - half, middle[0] + half)
        scatter.set_ylim(middle[1] - half, middle[1] + half)
        scatter.set_aspect('equal')
        total = sum(losses[step].values())
        scatter.set_title(f'{step} steps\nloss {total:.2f}', fontsize=9)

        inside = flat[:, fg.ravel()]
        scaled = (flat - inside.min(1, keepdims=True)) / np.ptp(inside, axis=1, keepdims=True)
        red_green = np.zeros(ids.shape + (3,))
        red_green[..., :2] = scaled.T.reshape(ids.shape + (2,))
        axes[1, column].imshow(red_green * fg[..., None], interpolation='nearest')

        clusters = center_threshold(embeddings, ids_tensor, bandwidth).numpy()
        labels = instance_ids[np.maximum(clusters - 1, 0)] * (clusters > 0)  # colours as above
        coloured = colour_instances(labels)
        coloured[fg & (clusters == 0)] = 255  # foreground left unassigned: white
        axes[2, column].imshow(coloured, interpolation='nearest')
    for row, title in enumerate(('embeddings', 'output (R, G)', f'threshold {bandwidth:g}\n'
                                 'around centres')):
        axes[row, 0].set_ylabel(title)
    for axis in axes.ravel():
        axis.set_xticks([])
        axis.set_yticks([])
    return figure


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--image', type=Path, help='a CVPPP plantNNN_rgb.png (else a rosette)')
    parser.add_argument('--label', type=Path, help='its plantNNN_label.png')
    parser.add_argument('--size', type=int, default=256, help='side of the (square) input; '
                        'the paper trains on 512')
    parser.add_argument('--lr', type=float, default=3e-3, help='Adam learning rate')
    parser.add_argument('--bandwidth', type=float, default=DELTA_D,
                        help='clustering threshold around the centres')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out', type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if (args.image is None) != (args.label is None):
        parser.error('--image and --label go together')

    start = time.time()
    rgb, ids = load_plant(args.image, args.label, args.size, args.seed)
    snapshots, losses = overfit(rgb, ids, args.lr, args.seed)
    figure = draw(snapshots, losses, ids, args.bandwidth, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_figure(figure, args.out, dpi=110)
    provenance = {
        'command': ' '.join(['python -m paper_figures.figure3_convergence', *sys.argv[1:]]),
        'image': str(args.image) if args.image else f'generated 15-leaf rosette, seed {args.seed}',
        'num_instances': int(len(np.unique(ids[ids > 0]))),
        'size': args.size, 'optimizer': 'Adam', 'lr': args.lr, 'seed': args.seed,
        'bandwidth': args.bandwidth, 'delta_v': DELTA_V, 'delta_d': DELTA_D,
        'loss_terms': losses, 'commit': git_commit(), 'wall_seconds': time.time() - start,
        'torch_threads': torch.get_num_threads(),
    }
    write_atomic(args.out.with_suffix('.json'), json.dumps(provenance, indent=2) + '\n')
    print(f'{args.out} written in {provenance["wall_seconds"]:.0f} s')


if __name__ == '__main__':
    main()
