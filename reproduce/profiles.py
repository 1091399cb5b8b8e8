"""Every experiment's profiles, in one place: smoke (tests), default (a CPU), paper (a GPU)."""
from __future__ import annotations

from dataclasses import dataclass

from discseg.synthetic.sticks import SticksConfig


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
        data=SticksConfig(image_size=128, num_sticks=(4, 8), width=6, outline=1,
                          min_visible_area=40, crossing_fraction=0.5),
        splits={'train': 1000, 'val': 100, 'test': 200},
        budget_seconds=15 * 60,
        ours=TrainSpec(batch_size=8, max_iters=20000, val_interval=200),
        maskrcnn=TrainSpec(batch_size=4, max_iters=20000, val_interval=100),
        notes='CPU-sized: 128x128 images, at most 15 minutes of training per method on 2 cores.'),
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
