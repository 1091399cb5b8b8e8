"""Every experiment's profiles, in one place: smoke (the tests), default, long, paper, cpu.

A profile says how big a run is and which configs it uses; the configs hold the recipe. Sticks'
default and CVPPP's cpu profile fit a CPU; CVPPP's and Cityscapes' default and paper profiles are
GPU jobs.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from discseg.synthetic.sticks import SticksConfig

CONFIGS = Path('reproduce/configs')
BASELINES = Path('baselines')


@dataclass(frozen=True)
class TrainSpec:
    """How one method trains: batch, iteration budget, validation interval, early stopping.

    ``max_iters`` is the budget: a number of iterations, so the same command trains the same
    model on any machine, whatever its speed or load.
    """

    batch_size: int
    max_iters: int
    val_interval: int
    patience: int = 4  # validations without improvement before stopping
    num_workers: int = 2
    # Early stopping may end training from this iteration on (None: from the first validation).
    min_iters: int | None = None

    def fingerprint(self) -> dict:
        """The spec as stage and run identities record it: options left at None are left out, so
        that adding an option keeps the identity of finished work that does not use it."""
        return {key: value for key, value in asdict(self).items() if value is not None}


@dataclass(frozen=True)
class SweepAxis:
    """One occlusion axis of the sticks ablation: the generator field it sets, and what it means."""

    field: str
    meaning: str


# Every axis `sticks-sweep --axis NAME` knows; each changes the one SticksConfig field it names.
STICKS_AXES = {
    'crossing_fraction': SweepAxis('crossing_fraction',
                                   'share of the sticks moved to cross an earlier one'),
    'crossing_position': SweepAxis('crossing_offset',
                                   'where a crossing falls along the earlier stick, as a fraction '
                                   'of its length from its middle '
                                   '(0: boxes coincide; 0.5: its end)'),
    'density': SweepAxis('num_sticks', 'sticks per image (the training range is 4-8)'),
    'width': SweepAxis('width', 'stick width in pixels'),
    'length': SweepAxis('length', 'stick length range, as fractions of the image side'),
}


@dataclass(frozen=True)
class SticksProfile:
    """The scattered-sticks experiment at one scale.

    Each method trains for its iteration budget (``TrainSpec.max_iters``; budgets of one profile buy
    each method the same training time on the reference machine, see ``budget_note``) and stops
    earlier when its validation SBD stops improving (``TrainSpec.patience``). ``seeds`` are the
    training seeds of one command; the data (``data_seed``) is the same for all of them.
    """

    data: SticksConfig
    splits: dict[str, int]
    methods: Mapping[str, TrainSpec]
    budget_note: str
    sweep_levels: Mapping[str, tuple]
    default_methods: tuple[str, ...] = ('ours', 'maskrcnn')  # what runs without --methods
    seeds: tuple[int, ...] = (0,)
    # The occlusion ablation: one test set per level of each axis, ``sweep_test_size`` images each.
    sweep_test_size: int = 100
    figure_images: int = 4
    data_seed: int = 0
    notes: str = ''


# The CPU-sized data of the default and long profiles.
_CPU_STICKS = SticksConfig(image_size=128, num_sticks=(4, 8), width=6, outline=1,
                           min_visible_area=40, crossing_fraction=0.5)
_CPU_SPLITS = {'train': 1000, 'val': 100, 'test': 200}
_CPU_SWEEPS = dict({
    'crossing_fraction': (0.0, 0.25, 0.5, 0.75, 1.0),
    'crossing_position': ((0.0, 0.05), (0.15, 0.2), (0.3, 0.35), (0.45, 0.5)),
    'density': ((2, 3), (4, 5), (6, 8), (10, 12), (14, 16)),
    'width': (4, 6, 8, 10),
    'length': ((0.15, 0.25), (0.25, 0.5), (0.5, 0.75)),
})
# 15 minutes of training per method on the reference machine (AMD EPYC, 2 cores, quiet), as
# iterations: the training rates of the run at commit 38f4e24 (results/sticks/provenance.json of
# that commit: ours 3800 iterations in 898 s, Mask R-CNN 800 in 865 s), rounded down to each
# method's validation interval. `python -m reproduce.benchmarks.sticks_budget` measures the rates
# again on a quiet machine.
_CPU_BUDGET_NOTE = ('15 minutes of training per method on the reference machine (AMD EPYC, 2 '
                    'cores, quiet), as iterations: ours 3800 (0.236 s each), Mask R-CNN 800 '
                    '(1.08 s each), from the rates of the quiet run at commit 38f4e24')
_OURS_15_MIN, _MASKRCNN_15_MIN = 3800, 800
# The box-free baselines, 15 minutes each at their rates measured on a quiet 2-core AMD EPYC
# (AVX-512) at commit 1768ef7 (`python -m reproduce.benchmarks.sticks_budget`, results/benchmarks/
# sticks_budget.json): Mask2Former 0.249 s and SOLOv2 0.319 s per iteration. That machine is not
# the reference one: it ran ours at 0.271 s (3200 iterations in 15 minutes) and Mask R-CNN at
# 0.855 s (1000), so across the four methods "equal training time" holds to about +-25 %.
_MASK2FORMER_15_MIN, _SOLOV2_15_MIN = 3600, 2800


def stopping_after_half(spec: TrainSpec) -> TrainSpec:
    """``spec`` whose early stopping may end training only in the second half of its budget.

    Early stopping exists to spare a budget once validation stops improving, not to judge a method
    while it is still learning to find objects at all: on the sticks, SOLOv2's validation SBD stays
    near 0 for several hundred iterations and Mask2Former's swings by +-0.05 between validations, so
    with a patience of 4 validations the rule ended SOLOv2 seed 1 at 500 of 2800 iterations (best
    SBD 0.02) and Mask2Former seed 2 at 800 of 3600. Every profile without finished runs sets it
    for every method. The default profile's ours and Mask R-CNN keep their committed runs, which it
    could not have changed: none stopped before half its budget (ours seed 1 stopped at 3000 of
    3800; the other five ran their full budgets).
    """
    return replace(spec, min_iters=spec.max_iters // 2)

STICKS_PROFILES = {
    'smoke': SticksProfile(
        data=SticksConfig(image_size=64, num_sticks=(2, 4), width=6, outline=1,
                          min_visible_area=30, crossing_fraction=0.5),
        splits={'train': 16, 'val': 4, 'test': 4},
        methods=dict({
            'ours': TrainSpec(batch_size=4, max_iters=12, val_interval=6, num_workers=0),
            'maskrcnn': TrainSpec(batch_size=2, max_iters=4, val_interval=2, num_workers=0),
            'mask2former': TrainSpec(batch_size=2, max_iters=4, val_interval=2, num_workers=0),
            'solov2': TrainSpec(batch_size=2, max_iters=4, val_interval=2, num_workers=0)}),
        budget_note='a few iterations: a plumbing check',
        sweep_levels=dict({
            'crossing_fraction': (0.0, 0.5, 1.0, 0.25),
            'crossing_position': ((0.0, 0.05), (0.45, 0.5)),
            'density': ((2, 2), (5, 6)),
            'width': (4, 8),
            'length': ((0.15, 0.25), (0.5, 0.75))}),
        sweep_test_size=3,
        figure_images=2,
        notes='Plumbing check for the tests: numbers mean nothing.'),
    'default': SticksProfile(
        data=_CPU_STICKS,
        splits=_CPU_SPLITS,
        methods=dict({
            'ours': TrainSpec(batch_size=8, max_iters=_OURS_15_MIN, val_interval=200),
            'maskrcnn': TrainSpec(batch_size=4, max_iters=_MASKRCNN_15_MIN, val_interval=100),
            'mask2former': stopping_after_half(TrainSpec(
                batch_size=4, max_iters=_MASK2FORMER_15_MIN, val_interval=100)),
            'solov2': stopping_after_half(TrainSpec(batch_size=4, max_iters=_SOLOV2_15_MIN,
                                                    val_interval=100))}),
        budget_note=_CPU_BUDGET_NOTE,
        sweep_levels=_CPU_SWEEPS,
        notes='CPU-sized: 128x128 images, 15 minutes of training per method on 2 cores.'),
    'long': SticksProfile(
        data=_CPU_STICKS,
        splits=_CPU_SPLITS,
        methods={method: stopping_after_half(spec) for method, spec in dict({
            'ours': TrainSpec(batch_size=8, max_iters=4 * _OURS_15_MIN, val_interval=200,
                              patience=8),
            'maskrcnn': TrainSpec(batch_size=4, max_iters=4 * _MASKRCNN_15_MIN, val_interval=100,
                                  patience=8),
            'mask2former': TrainSpec(batch_size=4, max_iters=4 * _MASK2FORMER_15_MIN,
                                     val_interval=100, patience=8),
            'solov2': TrainSpec(batch_size=4, max_iters=4 * _SOLOV2_15_MIN, val_interval=100,
                                patience=8)}).items()},
        default_methods=('ours', 'maskrcnn', 'mask2former', 'solov2'),
        budget_note='4x the default budgets: 60 minutes per method on the reference machine',
        sweep_levels=_CPU_SWEEPS,
        notes='The default data with 4x the training budget and twice the patience: does the gap '
              'close when Mask R-CNN trains to a plateau?'),
    'paper': SticksProfile(
        data=SticksConfig(image_size=256, num_sticks=(8, 12), crossing_fraction=0.5),
        splits={'train': 10000, 'val': 500, 'test': 1000},
        methods={method: stopping_after_half(spec) for method, spec in dict({
            'ours': TrainSpec(batch_size=16, max_iters=40000, val_interval=2000, patience=5,
                              num_workers=4),
            'maskrcnn': TrainSpec(batch_size=8, max_iters=40000, val_interval=2000, patience=5,
                                  num_workers=4),
            'mask2former': TrainSpec(batch_size=8, max_iters=40000, val_interval=2000,
                                     patience=5, num_workers=4),
            'solov2': TrainSpec(batch_size=8, max_iters=40000, val_interval=2000, patience=5,
                                num_workers=4)}).items()},
        default_methods=('ours', 'maskrcnn', 'mask2former', 'solov2'),
        budget_note='40k iterations each, early stopping decides (a GPU job)',
        seeds=(0, 1, 2),
        sweep_levels=dict({
            'crossing_fraction': (0.0, 0.25, 0.5, 0.75, 1.0),
            'crossing_position': ((0.0, 0.05), (0.15, 0.2), (0.3, 0.35), (0.45, 0.5)),
            'density': ((4, 6), (8, 12), (16, 20), (24, 28)),
            'width': (8, 13, 18),
            'length': ((0.15, 0.25), (0.25, 0.5), (0.5, 0.75))}),
        sweep_test_size=500,
        figure_images=6,
        notes="GPU-sized: the figure's 256x256 images with 8-12 sticks; early stopping only."),
}


@dataclass(frozen=True)
class CVPPPProfile:
    """Each method's config and what the numbers mean.

    Without ``methods``, sizes (batch, iterations) live in the configs. With it, each method
    trains for its spec's iteration budget and stops earlier when its validation SBD (with the
    challenge's fg masks) stops improving, as the sticks methods do. Either way the last checkpoint
    is the reported model: the validation plants are the ones Table 1 reports, so they may decide
    when training stops but never pick the model.
    """

    configs: dict[str, Path]
    notes: str
    methods: Mapping[str, TrainSpec] | None = None


CVPPP_PROFILES = {
    'smoke': CVPPPProfile(
        {'ours': CONFIGS / 'cvppp' / 'discseg_r18-d8-tiny_1xb2-200it_cvppp-512x512.py',
         'maskrcnn':
             BASELINES / 'cvppp' / 'mask-rcnn_r18-tiny_fpn_gn-all_1xb2-200it_cvppp-512x512.py'},
        'CPU plumbing check: a 1/8-width ResNet-18 (ours) and a 1/4-width ResNet-18 FPN Mask '
        'R-CNN, 200 iterations each. The numbers show that the pipeline runs, not what the '
        'methods can do.'),
    'default': CVPPPProfile(
        {'ours': CONFIGS / 'cvppp' / 'discseg_r50-d8_1xb4-10k_cvppp-512x512.py',
         'maskrcnn': BASELINES / 'cvppp' / 'mask-rcnn_r50_fpn_gn-all_1xb4-10k_cvppp-512x512.py'},
        "The paper's recipe with a ResNetV1c-50-D8 (no ResNet-38 in mmseg), and mmdetection's "
        'GroupNorm Mask R-CNN R-50-FPN on the same data, 10k iterations of 4 images each; a GPU '
        'job.'),
    'cpu': CVPPPProfile(
        {'ours': CONFIGS / 'cvppp' / 'discseg_unet-s5-d16_1xb8-cpu_cvppp-256x256.py',
         'maskrcnn': BASELINES / 'cvppp' / 'mask-rcnn_r18_fpn_gn-all_1xb4-cpu_cvppp-256x256.py'},
        'CPU-sized: 256x256 inputs, the sticks UNet (ours) and an R-18 FPN Mask R-CNN, both from '
        'scratch, 45 minutes of training per method on 2 cores (budgets from rates measured '
        'on a quiet machine).',
        methods=dict({
            # 45 minutes each at the rates `python -m reproduce.benchmarks.cvppp_budget` measured
            # on generated A1-like plants on a quiet 2-core AMD EPYC (AVX-512) at commit 1768ef7
            # (results/benchmarks/cvppp_budget.json): ours 1.874 s, Mask R-CNN 1.326 s per
            # iteration (data loading included), rounded down to each validation interval.
            'ours': stopping_after_half(TrainSpec(batch_size=8, max_iters=1400,
                                                  val_interval=200)),
            'maskrcnn': stopping_after_half(TrainSpec(batch_size=4, max_iters=2000,
                                                      val_interval=100))})),
}
# The cpu profile's configs, early stopping and report at a few iterations: the tests' end-to-end
# run of it on a few generated plants.
CVPPP_PROFILES['cpu-smoke'] = replace(
    CVPPP_PROFILES['cpu'], notes='Plumbing check of the cpu profile: numbers mean nothing.',
    methods={method: stopping_after_half(TrainSpec(batch_size=2, max_iters=2, val_interval=1,
                                                   patience=1, num_workers=0))
             for method in ('ours', 'maskrcnn')})


CITYSCAPES_OURS = CONFIGS / 'cityscapes' / 'discseg_r101-d8_1xb4-40k_cityscapes-384x768.py'
CITYSCAPES_TINY = CONFIGS / 'cityscapes' / 'discseg_r18-d8-tiny_1xb2-40k_cityscapes-384x768.py'
CITYSCAPES_MASKRCNN = BASELINES / 'cityscapes' / 'mask-rcnn_r50_fpn_1x_cityscapes.py'
CITYSCAPES_MASKRCNN_SMOKE = (BASELINES / 'cityscapes' /
                             'mask-rcnn_r50_fpn_1xb1-1e_cityscapes-128x256.py')
PAPER_SIZES = ((512, 256), (768, 384), (1024, 512))  # Table 4, (width, height)
TABLE4_NETWORKS = {  # light to heavy; the paper's ENet / SegNet / Dilation / ResNet-38
    'ERFNet': CONFIGS / 'cityscapes' / 'discseg_erfnet_1xb4-40k_cityscapes-384x768.py',
    'ResNet-18-D8': CONFIGS / 'cityscapes' / 'discseg_r18-d8_1xb4-40k_cityscapes-384x768.py',
    'ResNet-50-D8': CONFIGS / 'cityscapes' / 'discseg_r50-d8_1xb4-40k_cityscapes-384x768.py',
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
    maskrcnn: Path | None  # the Mask R-CNN config; None: no Mask R-CNN
    speed_repeats: int
    figure_rows: int
    seed: int = 0
    notes: str = ''


CITYSCAPES_PROFILES = {
    'smoke': CityscapesProfile(
        config=CITYSCAPES_TINY,
        ours=TrainSpec(batch_size=2, max_iters=2, val_interval=2, num_workers=0),
        input_size=(128, 64), table4_networks={'tiny-ResNet-18-D8': CITYSCAPES_TINY},
        table4_sizes=((128, 64), (192, 96)),
        table4_train=TrainSpec(batch_size=2, max_iters=2, val_interval=2, num_workers=0),
        maskrcnn=CITYSCAPES_MASKRCNN_SMOKE, speed_repeats=2, figure_rows=2,
        notes='Plumbing check on a generated tree: numbers mean nothing.'),
    'default': CityscapesProfile(
        config=CITYSCAPES_OURS, ours=TrainSpec(batch_size=4, max_iters=20000, val_interval=4000),
        input_size=(768, 384), table4_networks=TABLE4_NETWORKS, table4_sizes=PAPER_SIZES,
        table4_train=TrainSpec(batch_size=4, max_iters=10000, val_interval=10000),
        maskrcnn=CITYSCAPES_MASKRCNN, speed_repeats=20, figure_rows=6,
        notes='One GPU: half the training of the paper profile, Table 4 on a quarter.'),
    'paper': CityscapesProfile(
        config=CITYSCAPES_OURS, ours=TrainSpec(batch_size=4, max_iters=40000, val_interval=4000),
        input_size=(768, 384), table4_networks=TABLE4_NETWORKS, table4_sizes=PAPER_SIZES,
        table4_train=TrainSpec(batch_size=4, max_iters=40000, val_interval=8000),
        maskrcnn=CITYSCAPES_MASKRCNN, speed_repeats=50, figure_rows=10,
        notes="The paper's settings; its schedule is not given (README: choices)."),
}
