"""Occlusion ablation on scattered sticks: every method and seed across the levels of one axis.

The models of ``python -m reproduce sticks`` (trained once per seed, on the mixed training set) are
evaluated on one test set per level of each axis asked for (``--axis``; see ``STICKS_AXES`` in
profiles.py): the crossing fraction, where the crossing falls along the earlier stick, sticks per
image, stick width and stick length. A level changes only the generator field its axis names; every
level's test set uses the same seed, and each is measured (hidden fraction, box IoU, crossings,
occluded and separated sticks). Writes, per axis, ``sweep_<axis>.csv`` (per method and level:
mean and std over seeds, 95 % intervals over images, occluded / separated recall),
``sweep_<axis>_differences.csv``, ``sweep_<axis>.md``, ``sweep_<axis>.png``,
``sweep_<axis>_examples/`` (each level's test images with the most crossings: input, ground truth
and each method's prediction, first seed; drawn as ``sweep_<axis>_examples.png``) and
``sweep_<axis>_provenance.json`` next to the sticks results.
"""
from __future__ import annotations

import argparse
import dataclasses
import shutil
from pathlib import Path

import cv2
import numpy as np
import pandas as pd

from discseg.evaluation.mask_ap import EncodedInstances
from discseg.evaluation.resampling import BOOTSTRAP_RESAMPLES
from discseg.fileio import write_atomic
from discseg.instance_maps import instance_map_from_masks

from . import sticks
from .profiles import STICKS_AXES
from .stages import log
from .sticks_statistics import aggregate, score_test_set

SWEEP_SEED_OFFSET = 1  # the sweep's test images never repeat the main test set's
SWEEP_EXAMPLES = 2  # test images per level shown in sweep_<axis>_examples.png
OCCLUSION_COLUMNS = ('hidden_fraction', 'mean_box_iou', 'num_crossings', 'num_sticks',
                     'num_occluded', 'num_separated')


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sticks.add_arguments(parser)
    parser.add_argument('--axis', nargs='+', default=None, metavar='NAME',
                        help=f'axes to sweep (default: all): {", ".join(STICKS_AXES)}')
    parser.add_argument('--levels', nargs='+', default=None, metavar='LEVEL',
                        help="levels of a single --axis instead of the profile's; a range is two "
                             'numbers joined by a comma, e.g. --axis density --levels 2,3 10,12')


def parse_level(axis: str, text: str, profile_levels: tuple) -> object:
    """One level given on the command line, in the type of the profile's levels of ``axis``."""
    example = profile_levels[0]
    try:
        if isinstance(example, tuple):
            parts = text.split(',')
            cast = type(example[0])
            level = tuple(cast(part) for part in parts)
            if len(level) != len(example):
                raise ValueError
            return level
        return type(example)(text)
    except ValueError:
        raise SystemExit(f'--levels {text!r} is not a level of axis {axis!r}; its levels look '
                         f'like {_format_levels(profile_levels)}') from None


def _format_levels(levels: tuple) -> str:
    return ' '.join(','.join(map(str, level)) if isinstance(level, tuple) else str(level)
                    for level in levels)


def axis_levels(args: argparse.Namespace, profile) -> dict[str, tuple]:
    """The axes and levels this invocation sweeps, checked against the generator's rules."""
    axes = args.axis or list(profile.sweep_levels)
    unknown = [axis for axis in axes if axis not in profile.sweep_levels]
    if unknown:
        raise SystemExit(f'unknown axis {unknown}; valid axes: {", ".join(profile.sweep_levels)}')
    if args.levels and len(axes) != 1:
        raise SystemExit('--levels needs exactly one --axis')
    chosen = {}
    for axis in axes:
        levels = profile.sweep_levels[axis]
        if args.levels:
            levels = tuple(parse_level(axis, text, levels) for text in args.levels)
        for level in levels:
            try:
                level_config(profile.data, axis, level)
            except ValueError as error:
                raise SystemExit(f'level {level!r} of axis {axis!r} is not valid: {error}. The '
                                 f"profile's levels: {_format_levels(profile.sweep_levels[axis])}"
                                 ) from None
        chosen[axis] = levels
    return chosen


def level_config(data, axis: str, level):
    return dataclasses.replace(data, **{STICKS_AXES[axis].field: level})


def level_name(axis: str, level) -> str:
    values = level if isinstance(level, tuple) else (level,)
    return f'{axis}-' + '-'.join(f'{value:.2f}' if isinstance(value, float) else str(value)
                                 for value in values)


def example_images(root: Path, count: int = SWEEP_EXAMPLES) -> list[str]:
    """The ``count`` test images of a level with the most crossings (ties: the first by name), by
    name: the occlusion the axis varies is what its examples should show, and the generator's
    record, never a method's result, chooses them."""
    occlusion = pd.read_csv(root / 'occlusion' / 'test.csv')
    most = occlusion.sort_values(['num_crossings', 'file_name'], ascending=[False, True])
    return sorted(most['file_name'].head(count))


def keep_examples(experiment: sticks.SticksExperiment, axis: str, index: int, name: str,
                  root: Path, evaluated: dict) -> None:
    """The level's example images (:func:`example_images`) as
    ``sweep_<axis>_examples/<column>/<row>.png``: the input, the ground truth and each method's
    first-seed prediction, painted as it was scored."""
    out = experiment.out / f'sweep_{axis}_examples'
    seed = experiment.seeds[0]
    # A detector's metric paints its masks above a threshold; ours' instances are all kept.
    thresholds = {method: experiment.method_config(method, seed).test_evaluator.get(
        'score_threshold', -np.inf) for method in experiment.methods}
    for image in (root / 'images' / 'test' / file_name for file_name in example_images(root)):
        row = f'{index:02d}-{name}-{image.name}'  # rows sort in level order
        for column, source in (('input', image), ('ground_truth', root / 'instances' / 'test' /
                                                   image.name)):
            (out / column).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, out / column / row)
        for method in experiment.methods:
            encoded = EncodedInstances.from_json(
                evaluated[(method, seed)]['evaluation']['predictions'][image.name])
            instance_map, _ = instance_map_from_masks(encoded.masks(), encoded.scores,
                                                      thresholds[method])
            (out / method).mkdir(parents=True, exist_ok=True)
            if not cv2.imwrite(str(out / method / row), instance_map.astype(np.uint16)):
                raise OSError(f'could not write {out / method / row}')


def sweep_axis(experiment: sticks.SticksExperiment, axis: str, levels: tuple) -> None:
    profile, args = experiment.profile, experiment.args
    rows, differences, stage_names, kept = [], [], [], {}
    shutil.rmtree(experiment.out / f'sweep_{axis}_examples', ignore_errors=True)
    for index, level in enumerate(levels):
        name = level_name(axis, level)
        root = args.data_dir / f'{args.profile}-sweep' / name
        experiment.generate(f'generate_{name}', root, level_config(profile.data, axis, level),
                            {'test': profile.sweep_test_size},
                            profile.data_seed + SWEEP_SEED_OFFSET)
        evaluated = experiment.test_set(name, root)
        keep_examples(experiment, axis, index, name, root, evaluated)
        stage_names.append(f'generate_{name}')
        kept.update({stage: timing for run in evaluated.values()
                     for stage, timing in run['stages'].items()})
        summary, delta = aggregate(score_test_set(evaluated, root), experiment.method_names)
        occlusion = pd.read_csv(root / 'occlusion' / 'test.csv')
        measured = {column: occlusion[column].mean() for column in OCCLUSION_COLUMNS}
        level_text = _format_levels((level,))
        rows.append(summary.assign(axis=axis, level=level_text, images=len(occlusion), **measured))
        differences.append(delta.assign(axis=axis, level=level_text))
        log(f'{axis} = {level_text}: done')
    out = experiment.out
    columns = ['axis', 'level', 'images', *OCCLUSION_COLUMNS]
    table = pd.concat(rows)
    table = table[columns + [c for c in table.columns if c not in columns]]
    write_atomic(out / f'sweep_{axis}.csv', table.to_csv(index=False, float_format='%.4f'))
    write_atomic(out / f'sweep_{axis}_differences.csv',
                 pd.concat(differences).to_csv(index=False, float_format='%.4f'))
    experiment.write_provenance({
        'axis': axis, 'meaning': STICKS_AXES[axis].meaning, 'field': STICKS_AXES[axis].field,
        'levels': [list(level) if isinstance(level, tuple) else level for level in levels],
        'design': ('models trained once per seed on the mixed training set of the sticks '
                   f'experiment (crossing_fraction {profile.data.crossing_fraction}); each level '
                   'changes only this axis\'s field of the generator config'),
        'test_images_per_level': profile.sweep_test_size,
        'test_seed': profile.data_seed + SWEEP_SEED_OFFSET,
        'training_seeds': list(experiment.seeds),
        'methods': list(experiment.methods),
        'intervals': f'95 % percentile bootstrap over each level\'s test images, '
                     f'{BOOTSTRAP_RESAMPLES} resamples, paired across methods and seeds',
        'kept_runs': str(experiment.runs.folder),
    }, stage_names, file_name=f'sweep_{axis}_provenance.json', kept=kept)


def run(args: argparse.Namespace) -> None:
    profile = sticks.STICKS_PROFILES[args.profile]
    chosen = axis_levels(args, profile)  # checked before any training
    experiment = sticks.prepare(args)  # the main results are `reproduce sticks`'s alone
    from paper_figures.sticks import draw_sweep_figures
    for axis, levels in chosen.items():
        sweep_axis(experiment, axis, levels)
        log(f'sweep {axis}: {draw_sweep_figures(experiment.out, axis)}')
