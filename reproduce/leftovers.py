"""The leftover rule's effect on a trained model: one checkpoint scored with each rule.

    python -m reproduce leftovers --config CONFIG --checkpoint CKPT --data-root DIR --results OUT

Mean-shift leaves mask pixels near no found centre unlabelled (the paper's "label, then repeat on
the rest"); ``test_cfg.leftovers='nearest_centre'`` gives each to its nearest centre instead. With
a given mask every pixel of it is some instance, with the model's own mask some are false
foreground, so the effect is measured for both mask sources. Writes ``summary.csv`` (one row per
mask source and rule), ``differences.csv`` (nearest minus unlabelled, the 95 % paired bootstrap
interval over images) and ``provenance.json``; the scores of one split (``--split``: test,
or val where the test labels are hidden, as CVPPP's), nothing tuned.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from discseg.evaluation.resampling import (BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED,
                                           mean_with_interval)

from .evaluate import evaluate
from .experiment import Experiment
from .runner import load_config, select_device
from .stages import data_identity, log, write_atomic

RULES = ('unlabelled', 'nearest_centre')
MASK_SOURCES = ('prediction', 'ground_truth')
METRICS = ('sbd', 'abs_dic', 'fg_dice', 'mask_ap', 'mask_ap50')


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--config', type=Path, required=True, help='the trained model\'s config')
    parser.add_argument('--checkpoint', type=Path, required=True)
    parser.add_argument('--data-root', type=Path, required=True,
                        help='the data whose --split is scored')
    parser.add_argument('--split', choices=('test', 'val'), default='test',
                        help="the config's loader and metric to score with: 'val' where the test "
                             "split's labels are hidden (CVPPP: its validation plants)")
    parser.add_argument('--results', type=Path, required=True)
    parser.add_argument('--mask-sources', nargs='+', choices=MASK_SOURCES, default=MASK_SOURCES)
    parser.add_argument('--work-dir', type=Path, default=Path('work_dirs/leftovers'))
    parser.add_argument('--device', default='auto', help="'auto', 'cpu' or 'cuda'")


def run(args: argparse.Namespace) -> None:
    select_device(args.device)
    for path in (args.config, args.checkpoint, args.data_root):
        if not path.exists():
            raise FileNotFoundError(f'{path} does not exist')
    experiment = Experiment('leftovers', 'default', args.work_dir, args.results, identity={
        'checkpoint': str(args.checkpoint), 'data': data_identity(args.data_root),
        **({} if args.split == 'test' else {'split': args.split})})
    rows, per_image = [], {}
    for mask in args.mask_sources:
        for rule in RULES:
            name = f'{mask}_{rule}'
            cfg = load_config(args.config, work_dir=args.work_dir / name,
                              data_root=args.data_root, num_workers=0, options={
                                  'model.test_cfg.mask_source': mask,
                                  'model.test_cfg.leftovers': rule})
            if args.split == 'val':
                cfg.test_dataloader, cfg.test_evaluator = cfg.val_dataloader, cfg.val_evaluator
            result = experiment.stages.run(name, lambda c=cfg, n=name: evaluate(
                c, args.checkpoint, args.work_dir / n))['output']
            rows.append({'mask_source': mask, 'leftovers': rule,
                         **{key: result['metrics'][key] for key in METRICS
                            if key in result['metrics']},  # CVPPP's validation has no mask AP
                         'postprocess_ms': result['postprocess_ms']})
            per_image[mask, rule] = pd.DataFrame(result['per_image'])
            log(f'{name}: SBD {result["metrics"]["sbd"]:.4f}')
    differences = []
    for mask in args.mask_sources:
        # The same images under both rules, paired by name.
        paired = per_image[mask, 'nearest_centre'].merge(
            per_image[mask, 'unlabelled'], on='img_path', suffixes=('', '_base'),
            validate='one_to_one')
        for metric, change in (('sbd', paired.sbd - paired.sbd_base),
                               ('abs_dic', paired.dic.abs() - paired.dic_base.abs())):
            mean, low, high = mean_with_interval(change.to_numpy())
            differences.append({'mask_source': mask, 'metric': metric,
                                'nearest_minus_unlabelled': mean,
                                'ci_low': low, 'ci_high': high,
                                'interval_excludes_0': not low <= 0 <= high})
    write_atomic(experiment.out / 'summary.csv',
                 pd.DataFrame(rows).to_csv(index=False, float_format='%.4f'))
    write_atomic(experiment.out / 'differences.csv',
                 pd.DataFrame(differences).to_csv(index=False, float_format='%.4f'))
    experiment.write_provenance({
        'config': str(args.config), 'checkpoint': str(args.checkpoint),
        'data_root': str(args.data_root), 'split': args.split,
        'intervals': f'95 % percentile bootstrap over test images, {BOOTSTRAP_RESAMPLES} '
                     f'resamples (seed {BOOTSTRAP_SEED}), paired between the rules'})
    print(pd.DataFrame(rows).to_string(index=False))
    print(pd.DataFrame(differences).to_string(index=False))
