"""Every experiment's profiles, in one place: smoke (the tests), default, paper.

A profile says how big a run is and which configs it uses; the configs hold the recipe. Sticks'
default fits a CPU; CVPPP's and Cityscapes' default and paper profiles are GPU jobs.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from discseg.synthetic.sticks import SticksConfig

CONFIGS = Path('reproduce/configs')
BASELINES = Path('baselines')


@dataclass(frozen=True)
class TrainSpec:
    """How one method trains: batch, iteration cap, validation interval, early stopping."""

    batch_size: int
    max_iters: int
    val_interval: int
    patience: int = 4  # validations without improvement before stopping
    num_workers: int = 2


@dataclass(frozen=True)
class SticksProfile:
    """The scattered-sticks experiment at one scale.

    Both methods get the same training-time budget (``budget_seconds`` of training iterations) and
    stop earlier when their validation SBD stops improving (``TrainSpec.patience``).
    """

    data: SticksConfig
    splits: dict[str, int]
    budget_seconds: float | None
    ours: TrainSpec
    maskrcnn: TrainSpec
    # The occlusion ablation: test sets at these crossing fractions, ``sweep_test_size`` each.
    sweep_crossing_fractions: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
    sweep_test_size: int = 100
    figure_images: int = 4
    seed: int = 0
    notes: str = ''


# The CPU-sized data of the default and long profiles.
_CPU_STICKS = SticksConfig(image_size=128, num_sticks=(4, 8), width=6, outline=1,
                           min_visible_area=40, crossing_fraction=0.5)
_CPU_SPLITS = {'train': 1000, 'val': 100, 'test': 200}

STICKS_PROFILES = {
    'smoke': SticksProfile(
        data=SticksConfig(image_size=64, num_sticks=(2, 4), width=6, outline=1,
                          min_visible_area=30, crossing_fraction=0.5),
        splits={'train': 16, 'val': 4, 'test': 4},
        budget_seconds=30,
        ours=TrainSpec(batch_size=4, max_iters=12, val_interval=6, num_workers=0),
        maskrcnn=TrainSpec(batch_size=2, max_iters=4, val_interval=2, num_workers=0),
        sweep_crossing_fractions=(0.0, 0.5, 1.0, 0.25),
        sweep_test_size=3,
        figure_images=2,
        notes='Plumbing check for the tests: numbers mean nothing.'),
    'default': SticksProfile(
        data=_CPU_STICKS,
        splits=_CPU_SPLITS,
        budget_seconds=15 * 60,
        ours=TrainSpec(batch_size=8, max_iters=20000, val_interval=200),
        maskrcnn=TrainSpec(batch_size=4, max_iters=20000, val_interval=100),
        notes='CPU-sized: 128x128 images, at most 15 minutes of training per method on 2 cores.'),
    'long': SticksProfile(
        data=_CPU_STICKS,
        splits=_CPU_SPLITS,
        budget_seconds=60 * 60,
        ours=TrainSpec(batch_size=8, max_iters=20000, val_interval=200, patience=8),
        maskrcnn=TrainSpec(batch_size=4, max_iters=20000, val_interval=100, patience=8),
        notes='The default data with 4x the training budget (60 minutes per method on 2 cores) '
              'and twice the patience: does the gap close when Mask R-CNN trains to a plateau?'),
    'paper': SticksProfile(
        data=SticksConfig(image_size=256, num_sticks=(8, 12), crossing_fraction=0.5),
        splits={'train': 10000, 'val': 500, 'test': 1000},
        budget_seconds=None,
        ours=TrainSpec(batch_size=16, max_iters=40000, val_interval=2000, patience=5, num_workers=4),
        maskrcnn=TrainSpec(batch_size=8, max_iters=40000, val_interval=2000, patience=5,
                           num_workers=4),
        sweep_test_size=500,
        figure_images=6,
        notes="GPU-sized: the figure's 256x256 images with 8-12 sticks; early stopping only."),
}


@dataclass(frozen=True)
class CVPPPProfile:
    """Each method's config and what the numbers mean; sizes (batch, iterations) live in the
    configs."""

    configs: dict[str, Path]
    notes: str


CVPPP_PROFILES = {
    'smoke': CVPPPProfile(
        {'ours': CONFIGS / 'cvppp' / 'discseg_cvppp_tiny.py',
         'maskrcnn': BASELINES / 'cvppp' / 'mask-rcnn_r18_fpn_gn-all_cvppp_tiny.py'},
        'CPU plumbing check: a 1/8-width ResNet-18 (ours) and a 1/4-width ResNet-18 FPN Mask '
        'R-CNN, 200 iterations each. The numbers show that the pipeline runs, not what the '
        'methods can do.'),
    'default': CVPPPProfile(
        {'ours': CONFIGS / 'cvppp' / 'discseg_cvppp.py',
         'maskrcnn': BASELINES / 'cvppp' / 'mask-rcnn_r50_fpn_gn-all_cvppp.py'},
        "The paper's recipe with a ResNetV1c-50-D8 (no ResNet-38 in mmseg), and mmdetection's "
        'GroupNorm Mask R-CNN R-50-FPN on the same data, 10k iterations of 4 images each; a GPU '
        'job.'),
}


CITYSCAPES_OURS = CONFIGS / 'cityscapes' / 'discseg_cityscapes.py'
CITYSCAPES_TINY = CONFIGS / 'cityscapes' / 'discseg_cityscapes_tiny.py'
CITYSCAPES_MASKRCNN = BASELINES / 'cityscapes' / 'mask-rcnn_r50_fpn_1x_cityscapes.py'
PAPER_SIZES = ((512, 256), (768, 384), (1024, 512))  # Table 4, (width, height)
TABLE4_NETWORKS = {  # light to heavy; the paper's ENet / SegNet / Dilation / ResNet-38
    'ERFNet': CONFIGS / 'cityscapes' / 'discseg_erfnet_cityscapes.py',
    'ResNet-18-D8': CONFIGS / 'cityscapes' / 'discseg_r18-d8_cityscapes.py',
    'ResNet-50-D8': CONFIGS / 'cityscapes' / 'discseg_r50-d8_cityscapes.py',
    'ResNet-101-D8': CITYSCAPES_OURS,
}


@dataclass(frozen=True)
class CityscapesProfile:
    """The Cityscapes experiment at one scale."""

    config: Path  # our model, Tables 2 and 3
    ours: TrainSpec
    input_size: tuple[int, int]  # (width, height) of Tables 2 and 3
    table4_networks: Mapping[str, Path]
    table4_sizes: tuple[tuple[int, int], ...]
    table4_train: TrainSpec | None  # None: Table 4 without AP
    maskrcnn_options: Mapping | None  # mmengine options over the recipe; None: no Mask R-CNN
    speed_repeats: int
    figure_rows: int
    seed: int = 0
    notes: str = ''


_MASKRCNN_SMOKE = {
    'load_from': None,
    **{f'{loader}.{key}': value
       for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')
       for key, value in (('num_workers', 0), ('persistent_workers', False))},
    'train_dataloader.batch_size': 1,
    'train_dataloader.dataset.times': 1,
    'train_dataloader.dataset.dataset.pipeline.2.scale': [(256, 100), (256, 128)],
    'val_dataloader.dataset.pipeline.1.scale': (256, 128),
    'test_dataloader.dataset.pipeline.1.scale': (256, 128),
    'train_cfg.max_epochs': 1,
}

CITYSCAPES_PROFILES = {
    'smoke': CityscapesProfile(
        config=CITYSCAPES_TINY,
        ours=TrainSpec(batch_size=2, max_iters=2, val_interval=2, num_workers=0),
        input_size=(128, 64), table4_networks={'tiny-ResNet-18-D8': CITYSCAPES_TINY},
        table4_sizes=((128, 64), (192, 96)),
        table4_train=TrainSpec(batch_size=2, max_iters=2, val_interval=2, num_workers=0),
        maskrcnn_options=_MASKRCNN_SMOKE, speed_repeats=2, figure_rows=2,
        notes='Plumbing check on a generated tree: numbers mean nothing.'),
    'default': CityscapesProfile(
        config=CITYSCAPES_OURS, ours=TrainSpec(batch_size=4, max_iters=20000, val_interval=4000),
        input_size=(768, 384), table4_networks=TABLE4_NETWORKS, table4_sizes=PAPER_SIZES,
        table4_train=TrainSpec(batch_size=4, max_iters=10000, val_interval=10000),
        maskrcnn_options={}, speed_repeats=20, figure_rows=6,
        notes='One GPU: half the training of the paper profile, Table 4 on a quarter.'),
    'paper': CityscapesProfile(
        config=CITYSCAPES_OURS, ours=TrainSpec(batch_size=4, max_iters=40000, val_interval=4000),
        input_size=(768, 384), table4_networks=TABLE4_NETWORKS, table4_sizes=PAPER_SIZES,
        table4_train=TrainSpec(batch_size=4, max_iters=40000, val_interval=8000),
        maskrcnn_options={}, speed_repeats=50, figure_rows=10,
        notes="The paper's settings; its schedule is not given (README: choices)."),
}
