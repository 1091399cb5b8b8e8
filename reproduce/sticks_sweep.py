"""Occlusion ablation on scattered sticks: both methods across levels of forced crossings.

The models of ``python -m reproduce sticks`` (trained once, on a mixed set where each stick crosses
an earlier one with probability 0.5) are evaluated on one test set per crossing fraction. Each
level's test set uses the same seed, so the levels differ only in which sticks are moved to cross
another. Writes ``results/sticks/sweep.csv`` (a row per method and level, with the measured
occlusion), ``sweep.png`` and ``sweep_provenance.json``.
"""
from __future__ import annotations

import argparse
import dataclasses

import pandas as pd

from discseg.synthetic.sticks import write_dataset

from . import sticks
from .stages import Stages, log, write_atomic

SWEEP_SEED_OFFSET = 1  # the sweep's test images never repeat the main test set's


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sticks.add_arguments(parser)


def level_name(crossing_fraction: float) -> str:
    return f'crossing-{crossing_fraction:.2f}'


def run(args: argparse.Namespace) -> None:
    sticks.run(args)  # trains (or finds) the models the sweep evaluates
    profile = sticks.STICKS_PROFILES[args.profile]
    data_root = args.data_dir / args.profile
    work_dir = args.work_dir / args.profile
    out = sticks.results_dir(args)
    stages = Stages(work_dir)
    rows, stage_names = [], []
    for fraction in profile.sweep_crossing_fractions:
        level = level_name(fraction)
        level_root = args.data_dir / f'{args.profile}-sweep' / level
        config = dataclasses.replace(profile.data, crossing_fraction=fraction)
        generate = f'sweep_generate_{level}'
        stages.run(generate, lambda: write_dataset(
            level_root, config, {'test': profile.sweep_test_size},
            seed=profile.seed + SWEEP_SEED_OFFSET, progress=False) or {'data_root': str(level_root)})
        stage_names.append(generate)
        occlusion = pd.read_csv(level_root / 'occlusion' / 'test.csv')
        for method in sticks.METHODS:
            name = f'sweep_evaluate_{method}_{level}'
            record = stages.run(name, lambda m=method: sticks.evaluate_stage(
                m, profile, data_root, work_dir, out, test_root=level_root))
            stage_names.append(name)
            metrics = record['output']['metrics']
            rows.append({
                'method': method,
                'crossing_fraction': fraction,
                'hidden_fraction': occlusion.hidden_fraction.mean(),
                'mean_box_iou': occlusion.mean_box_iou.mean(),
                'num_crossings': occlusion.num_crossings.mean(),
                'num_sticks': occlusion.num_sticks.mean(),
                'images': len(occlusion),
                **{key: metrics[key] for key in ('sbd', 'abs_dic', 'mask_ap', 'mask_ap50')},
            })
    sweep = pd.DataFrame(rows).sort_values(['method', 'crossing_fraction'])
    write_atomic(out / 'sweep.csv', sweep.to_csv(index=False, float_format='%.4f'))
    stages.write_provenance(out / 'sweep_provenance.json', {
        'command': f'python -m reproduce sticks-sweep --profile {args.profile} --device {args.device}',
        'design': ('models trained once on the mixed training set of the sticks experiment '
                   f'(crossing_fraction {profile.data.crossing_fraction}), evaluated per level'),
        'levels': list(profile.sweep_crossing_fractions),
        'test_images_per_level': profile.sweep_test_size,
        'seed': profile.seed + SWEEP_SEED_OFFSET,
        'sweep_wall_seconds': sum(t['wall_seconds'] for t in stages.timings(stage_names).values()),
    }, stage_names)
    from paper_figures.sticks import draw_sweep_figures
    log(f'sweep table and figure: {draw_sweep_figures(out)}')
