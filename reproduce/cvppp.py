"""CVPPP leaf segmentation, A1 (paper Sec. 4.1): ours and Mask R-CNN, Table 1 and Figure 5.

    python -m reproduce cvppp --data-root DIR [--profile smoke|default|cpu]
                              [--methods ours maskrcnn]
                              [--work-dir DIR] [--device auto|cpu|cuda] [--pretrained CKPT]
                              [--maskrcnn-pretrained CKPT]
    python -m reproduce cvppp --demo  # generated rosettes in data/cvppp_demo, not the real data

Stages (each skipped when finished; training resumes from its checkpoints): [generate ->]
train_<method> -> validate_<method>_given_fg -> validate_<method>_own_fg for each method
[-> submission (ours)]; then the summary, per-image scores, curves and provenance are rewritten from
the stage records on every run, and ``paper_figures.cvppp`` draws Table 1 and Figure 5 from them
alone. Both methods train on the same plants with the same augmentation and are
scored by the same code (``discseg.evaluation.score_image``), with the challenge's foreground masks
(as the paper tests ours) and with their own. Writes ``results/cvppp/`` (other profiles and the
demo get their own folder): summary.csv, per_image.csv, differences.csv (each baseline minus ours
per plant, with 95 % paired bootstrap intervals over plants), table1.md / table1.csv,
figure5_cvppp.png with examples/, curves.csv and training_curves.png, provenance.json (split,
seeds, commit, machine, stage times) and, when the data root has test plants, submission_A1.h5
(ours) for the organisers. Profiles with training specs (``cpu``) give each method an iteration
budget and early stopping on validation SBD with the challenge's fg masks; the last checkpoint is
reported in every profile.

The test labels are hidden, so our numbers are on a held-out part of the 128 labelled plants and
Table 1 marks them as such.
"""
from __future__ import annotations

import argparse
import copy
from dataclasses import asdict
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
from mmengine.config import Config

from discseg.datasets.cvppp import LAYOUT, find_plants, read_image, read_label, split_plants
from discseg.evaluation.resampling import BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, mean_with_interval
from discseg.models.pretrained import widen_pretrained_backbone

from .evaluate import evaluate
from .profiles import CVPPP_PROFILES as PROFILES, CVPPPProfile
from .experiment import MIN_IMPROVEMENT, Experiment, training_curves
from .runner import build_listing, build_runner, select_device, train
from .stages import data_identity, log, write_atomic

DEMO_ROOT = Path('data/cvppp_demo')
SUBSET = 'A1'
MASK_SOURCES = {'given_fg': 'ground_truth', 'own_fg': 'prediction'}
METHODS = ('ours', 'maskrcnn')
REFERENCE = 'ours'  # differences.csv: every other method minus this one
# The paper's Figure 5 (input | ground truth | ours, with the challenge's fg) and Mask R-CNN's own
# masks beside them.
FIGURE5_MASKS = {'ours': 'given_fg', 'maskrcnn': 'own_fg'}
FIGURE5_EXAMPLES = 4  # validation plants shown, as in the paper
# What early stopping watches, in profiles with training specs: validation SBD with the challenge's
# fg masks (each method's config validates with them).
SELECTION_METRIC = 'sbd'

MISSING_DATA = f"""\
The CVPPP challenge data cannot be downloaded by this tool: it is given out on request at
https://www.plant-phenotyping.org/datasets-download (CVPPP 2017 Leaf Segmentation Challenge).
Unpack it and pass --data-root DIR. Expected layout:
{LAYOUT}
Without the data, `python -m reproduce cvppp --demo` generates synthetic rosettes into
{DEMO_ROOT} and runs the same pipeline on them (the numbers then describe the demo data only)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--data-root', type=Path, default=None,
                        help='CVPPP data in either official layout (PNG folders or HDF5 files)')
    parser.add_argument('--demo', action='store_true',
                        help=f'generate synthetic rosettes into --data-root (default {DEMO_ROOT}) '
                             'and run on them')
    parser.add_argument('--profile', choices=sorted(PROFILES), default='default')
    parser.add_argument('--methods', nargs='+', choices=METHODS,
                        default=list(METHODS), help='methods to train and validate')
    parser.add_argument('--device', default='auto',
                        help="'auto' (a GPU when present), 'cpu' or 'cuda'")
    parser.add_argument('--work-dir', type=Path, default=None,
                        help='default: work_dirs/cvppp[-demo]/<profile>')
    parser.add_argument('--results', type=Path, default=None,
                        help='default: results/cvppp[-demo][-<profile> unless default]')
    parser.add_argument('--num-val', type=int, default=28,
                        help='labelled plants held out for validation (of 128 in A1)')
    parser.add_argument('--split-seed', type=int, default=0, help='seed of the validation draw')
    parser.add_argument('--seed', type=int, default=0, help='training seed')
    parser.add_argument('--max-iters', type=int, default=None, help="override the config's")
    parser.add_argument('--num-workers', type=int, default=2, help='data loader workers')
    parser.add_argument('--pretrained', type=Path, default=None,
                        help="initialise our backbone from this checkpoint (an mmseg model, e.g. "
                             'a Cityscapes R-50-D8, or a bare backbone); its 3-channel stem is '
                             'widened to the 5 input channels')
    parser.add_argument('--maskrcnn-pretrained', type=Path, default=None,
                        help='initialise Mask R-CNN from this mmdetection checkpoint, e.g. '
                             "mask-rcnn_r50-scratch_fpn_gn-all_6x_coco (the default profile's "
                             'architecture and input normalisation); its class-specific layers '
                             'are skipped')


def is_synthetic(data_root: Path) -> bool:
    """Generated rosettes carry their generator's record; the challenge data does not."""
    return (data_root / 'rosettes.json').exists()


def experiment_config(experiment: Experiment, method: str, args: argparse.Namespace,
                      data_root: Path) -> Config:
    """The profile's config of ``method`` with this run's data, split, seeds and output paths."""
    options = {}
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        options[f'{loader}.dataset.num_val'] = args.num_val
        options[f'{loader}.dataset.split_seed'] = args.split_seed
    if method == 'ours':
        options['test_evaluator.output_file'] = str(experiment.out / f'submission_{SUBSET}.h5')
    if args.max_iters is not None:
        options['train_cfg.max_iters'] = args.max_iters
        options['train_cfg.val_interval'] = args.max_iters
    profile = PROFILES[args.profile]
    spec = profile.methods[method] if profile.methods else None
    if spec is not None:  # early stopping decides when to stop, never which model is reported
        options['default_hooks.checkpoint.save_best'] = None
    method_dir = experiment.work_dir / method
    cfg = experiment.config(method, profile.configs[method], method_dir, data_root=data_root,
                            seed=args.seed, spec=spec,
                            monitor=SELECTION_METRIC if spec is not None else None,
                            num_workers=args.num_workers, options=options)
    if method == 'ours' and args.pretrained is not None:
        cfg.model.backbone.init_cfg = widen_pretrained_backbone(
            args.pretrained, cfg.model.backbone, method_dir / 'pretrained_backbone.pth')
    if method == 'maskrcnn' and args.maskrcnn_pretrained is not None:
        cfg.load_from = str(args.maskrcnn_pretrained)
    return cfg


def with_mask_source(method: str, cfg: Config, mask_source: str) -> Config:
    """``cfg`` testing with the foreground from ``mask_source`` (see ``MASK_SOURCES``)."""
    cfg = copy.deepcopy(cfg)
    if method == 'ours':
        cfg.model.test_cfg.mask_source = mask_source
    else:
        cfg.val_evaluator.mask_source = mask_source
    return cfg


def train_stage(cfg: Config) -> dict:
    """Train (resuming if interrupted); the last checkpoint is the reported model."""
    record = train(cfg)
    return {'checkpoint': record.best_checkpoint, 'iterations': record.iterations,
            'train_seconds': record.train_seconds, 'batch_size': cfg.train_dataloader.batch_size,
            'stopped_by': record.stopped_by}


def save_inputs(cfg: Config, count: int, out: Path) -> None:
    """The first ``count`` test plants' inputs and ground truths as PNGs, named after the plants
    (their predictions are written beside them by the evaluation)."""
    dataset = build_listing(cfg.test_dataloader.dataset)
    for index in range(min(count, len(dataset))):
        info = dataset.get_data_info(index)
        images = {'input': cv2.cvtColor(read_image(info['img_path']), cv2.COLOR_RGB2BGR),
                  'ground_truth': read_label(info['seg_map_path']).astype(np.uint16)}
        for kind, image in images.items():
            path = out / 'examples' / kind / f"{info['plant']}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(path), image)


def validate_stage(method: str, cfg: Config, checkpoint: str, mask: str, out: Path,
                   keep: int = 0) -> dict:
    """Score ``method`` on the validation split with the test-time mask ``mask``; the first
    ``keep`` plants' inputs, ground truths and predictions go to ``out/examples``."""
    cfg = with_mask_source(method, cfg, MASK_SOURCES[mask])
    cfg.work_dir = str(Path(cfg.work_dir) / f'validate_{mask}')  # keeps training's files
    cfg.test_dataloader, cfg.test_evaluator = cfg.val_dataloader, cfg.val_evaluator
    if keep:
        save_inputs(cfg, keep, out)
    return evaluate(cfg, checkpoint, Path(cfg.work_dir), examples=keep, name_key='plant',
                    examples_dir=out / 'examples' / method)


def submission_stage(cfg: Config, checkpoint: str) -> dict:
    """Predict the test plants (given fg masks) into the challenge's HDF5 submission file."""

    cfg = copy.deepcopy(cfg)
    cfg.work_dir = str(Path(cfg.work_dir) / 'submission')
    cfg.load_from, cfg.resume = checkpoint, False
    metrics = build_runner(cfg).test()
    return {'file': cfg.test_evaluator.output_file,
            'plants': int(metrics['cvppp/submitted_plants'])}


def budget_record(profile: CVPPPProfile, args: argparse.Namespace) -> dict | str:
    """How long each method trained: its spec (as ``--max-iters`` and ``--num-workers`` left it)
    and stopping rule, or its config's schedule."""
    override = {} if args.max_iters is None else {'max_iters': args.max_iters,
                                                  'val_interval': args.max_iters}
    if profile.methods is None:
        return "each config's train_cfg" + (f' with {override}' if override else '') + \
            ' (no early stopping)'
    return {method: {**asdict(profile.methods[method]), **override,
                     'num_workers': args.num_workers,
                     'early_stopping': f"validation {SELECTION_METRIC} with the challenge's fg, "
                                       f'gain of at least {MIN_IMPROVEMENT}'}
            for method in args.methods}


def differences(per_image: pd.DataFrame) -> pd.DataFrame:
    """Each baseline minus ours, per test-time mask and metric (SBD, |DiC|): the mean over plants
    of the per-plant difference and its 95 % bootstrap interval, the plants paired."""
    per_image = per_image.assign(abs_dic=per_image['dic'].abs())
    rows = []
    for (mask, method), scores in per_image.groupby(['mask', 'method'], sort=False):
        if method == REFERENCE:
            continue
        reference = per_image[(per_image['mask'] == mask) & (per_image['method'] == REFERENCE)]
        paired = scores.merge(reference, on='img_path', suffixes=('', '_reference'),
                              validate='one_to_one')
        if len(paired) != len(scores) or len(paired) != len(reference):
            raise ValueError(f'{method} and {REFERENCE} were validated on different plants '
                             f'with the {mask} mask: they cannot be paired')
        for metric in ('sbd', 'abs_dic'):
            mean, low, high = mean_with_interval(paired[metric] - paired[f'{metric}_reference'])
            rows.append({'mask': mask, 'metric': metric, 'method': method,
                         'reference': REFERENCE, 'difference': mean, 'ci_low': low,
                         'ci_high': high, 'interval_excludes_0': not low <= 0 <= high,
                         'plants': len(paired)})
    return pd.DataFrame(rows, columns=['mask', 'metric', 'method', 'reference', 'difference',
                                       'ci_low', 'ci_high', 'interval_excludes_0', 'plants'])


def report(experiment: Experiment, args: argparse.Namespace, data_root: Path,
           split: dict) -> None:
    """Summary, per-image scores, curves and provenance, from the stage records."""
    stages, out = experiment.stages, experiment.out
    synthetic = is_synthetic(data_root)
    rows, per_image = [], []
    for method in args.methods:
        trained = stages.record(f'train_{method}')['output']
        for mask in MASK_SOURCES:
            evaluated = stages.record(f'validate_{method}_{mask}')['output']
            rows.append({'method': method, 'mask': mask, 'mask_source': MASK_SOURCES[mask],
                         'data': 'synthetic' if synthetic else f'cvppp_{SUBSET}',
                         'split': 'val', 'num_val': len(split['val']),
                         'num_train': len(split['train']), 'split_seed': split['seed'],
                         **{key: evaluated['metrics'][key]
                            for key in ('sbd', 'dic', 'abs_dic', 'fg_dice')},
                         'network_ms': evaluated['network_ms'],
                         'postprocess_ms': evaluated['postprocess_ms'],
                         'iterations': trained['iterations'],
                         'stopped_by': trained.get('stopped_by'),
                         'train_seconds': trained['train_seconds'],
                         'batch_size': trained['batch_size'], 'profile': args.profile})
            per_image.append(pd.DataFrame(evaluated['per_image']).assign(method=method,
                                                                         mask=mask))
    summary, per_image = pd.DataFrame(rows), pd.concat(per_image)
    write_atomic(out / 'summary.csv', summary.to_csv(index=False, float_format='%.4f'))
    write_atomic(out / 'per_image.csv', per_image.to_csv(index=False, float_format='%.4f'))
    if REFERENCE in args.methods:
        write_atomic(out / 'differences.csv',
                     differences(per_image).to_csv(index=False, float_format='%.4f'))
    curves = pd.concat([training_curves(experiment.work_dir / method, method, args.seed)
                        for method in args.methods])
    write_atomic(out / 'curves.csv', curves.to_csv(index=False))
    profile = PROFILES[args.profile]
    experiment.write_provenance({
        'notes': profile.notes,
        'data_root': str(data_root),
        'synthetic_data': synthetic,
        'split': split,
        'seeds': {'split': args.split_seed, 'training': args.seed, 'clustering': 0},
        'pretrained': {'ours': str(args.pretrained) if args.pretrained else None,
                       'maskrcnn': (str(args.maskrcnn_pretrained) if args.maskrcnn_pretrained
                                    else None)},
        'reported_model': 'last checkpoint of each method (the validation split never selects '
                          'the model; with a budget, early stopping on it may end training)',
        'budget': budget_record(profile, args),
        'figure5_masks': {method: FIGURE5_MASKS[method] for method in args.methods},
        'intervals': f'95 % percentile bootstrap over the validation plants, '
                     f'{BOOTSTRAP_RESAMPLES} resamples (seed {BOOTSTRAP_SEED}), paired between '
                     'the methods',
    })


def run(args: argparse.Namespace) -> None:
    data_root = args.data_root or (DEMO_ROOT if args.demo else None)
    if data_root is None:
        raise SystemExit(MISSING_DATA)
    select_device(args.device)
    kind = 'cvppp-demo' if args.demo else 'cvppp'
    experiment = Experiment(kind, args.profile, args.work_dir or Path('work_dirs') / kind /
                            args.profile, args.results)
    stages = experiment.stages
    if args.demo:
        from discseg.synthetic.rosettes import write_dataset
        stages.run('generate', lambda: write_dataset(data_root) or {'data_root': str(data_root)})
    plants = find_plants(data_root, SUBSET)  # fails here, with the layout, on a wrong root
    stages.identity = {'data': data_identity(data_root), 'profile': args.profile,
                       'budgets': PROFILES[args.profile].methods,
                       **{key: str(getattr(args, key)) for key in (
                           'methods', 'num_val', 'split_seed', 'seed', 'max_iters', 'pretrained',
                           'maskrcnn_pretrained')}}
    split = {'seed': args.split_seed, **split_plants(plants, args.num_val, args.split_seed)}
    split.pop('trainval')
    for method in args.methods:
        cfg = experiment_config(experiment, method, args, data_root)
        checkpoint = stages.run(f'train_{method}',
                                lambda: train_stage(cfg))['output']['checkpoint']
        for mask in MASK_SOURCES:
            keep = FIGURE5_EXAMPLES if mask == FIGURE5_MASKS[method] else 0
            stages.run(f'validate_{method}_{mask}', lambda m=mask, k=keep: validate_stage(
                method, cfg, checkpoint, m, experiment.out, keep=k))
        if method == 'ours' and split['test']:
            stages.run('submission', lambda: submission_stage(cfg, checkpoint))
    report(experiment, args, data_root, split)
    from paper_figures.cvppp import draw_cvppp_results
    draw_cvppp_results(experiment.out)
    log(f'results in {experiment.out}')
    print((experiment.out / 'table1.md').read_text())
