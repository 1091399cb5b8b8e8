"""Scattered sticks: the paper's occlusion claim, ours against Mask R-CNN on the same images.

Stages (each skipped when finished; training resumes from its checkpoints):
generate -> train_ours -> train_maskrcnn -> evaluate_ours -> evaluate_maskrcnn; then the
tables and figures are redrawn from the stage records on every run.
Writes ``results/sticks/``: summary.csv / summary.md (one row per method), per_image.csv,
curves.csv, examples/ (the figure's images), provenance.json, and the figures.
"""
from __future__ import annotations

import argparse
import json
import shutil
from dataclasses import asdict
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import torch

from discseg.synthetic.sticks import write_dataset

from .profiles import STICKS_PROFILES, SticksProfile, TrainSpec
from .runner import load_config, select_device, train
from .stages import Stages, log, write_atomic

OURS_CONFIG = Path('reproduce/configs/sticks/discseg_unet_sticks.py')
MASKRCNN_CONFIG = Path('baselines/maskrcnn/configs/mask-rcnn_r18_fpn_sticks.py')
METHODS = {'ours': OURS_CONFIG, 'maskrcnn': MASKRCNN_CONFIG}
METHOD_NAMES = {'ours': 'Discriminative loss (ours)', 'maskrcnn': 'Mask R-CNN (R-18 FPN)'}
SELECTION_METRIC = 'sbd'
MIN_IMPROVEMENT = 0.001  # of the selection metric, to count as improving


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--profile', choices=sorted(STICKS_PROFILES), default='default')
    parser.add_argument('--device', default='auto', help="'auto' (a GPU when present), 'cpu' or 'cuda'")
    parser.add_argument('--data-dir', type=Path, default=Path('data/sticks'))
    parser.add_argument('--work-dir', type=Path, default=Path('work_dirs/sticks'))
    parser.add_argument('--results', type=Path, default=None,
                        help='default: results/sticks (default profile) or results/sticks-<profile>')


def results_dir(args: argparse.Namespace) -> Path:
    if args.results is not None:
        return args.results
    return Path('results/sticks' if args.profile == 'default' else f'results/sticks-{args.profile}')


def training_options(spec: TrainSpec, budget_seconds: float | None) -> dict:
    """The mmengine options that give both methods the same stopping rules."""
    # min_delta: mmengine's default (0.1) would call a gain of 0.09 SBD "no improvement".
    hooks = [dict(type='EarlyStoppingHook', monitor=SELECTION_METRIC, rule='greater',
                  patience=spec.patience, min_delta=MIN_IMPROVEMENT)]
    if budget_seconds is not None:
        hooks.append(dict(type='TrainingBudgetHook', seconds=budget_seconds))
    return {
        'train_dataloader.batch_size': spec.batch_size,
        'train_cfg.max_iters': spec.max_iters,
        'train_cfg.val_interval': spec.val_interval,
        'default_hooks.checkpoint.interval': spec.val_interval,
        'default_hooks.checkpoint.save_best': SELECTION_METRIC,
        'default_hooks.checkpoint.rule': 'greater',
        'default_hooks.logger.interval': max(1, min(50, spec.val_interval // 4)),
        'custom_hooks': hooks,
    }


def method_config(method: str, profile: SticksProfile, data_root: Path, work_dir: Path,
                  test_root: Path | None = None):
    spec = profile.ours if method == 'ours' else profile.maskrcnn
    cfg = load_config(METHODS[method], work_dir=work_dir / method, data_root=data_root,
                      seed=profile.seed, num_workers=spec.num_workers,
                      options=training_options(spec, profile.budget_seconds))
    if test_root is not None:
        cfg.test_dataloader.dataset.data_root = str(test_root)
    return cfg


def train_stage(method: str, profile: SticksProfile, data_root: Path, work_dir: Path) -> dict:
    spec = profile.ours if method == 'ours' else profile.maskrcnn
    best = train(method_config(method, profile, data_root, work_dir))
    last = Path((work_dir / method / 'last_checkpoint').read_text().strip())
    state = torch.load(last, map_location='cpu', weights_only=True)
    iterations = int(state['meta']['iter'])
    return {
        'best_checkpoint': str(best),
        'iterations': iterations,
        'images_seen': iterations * spec.batch_size,
        'train_seconds': state['message_hub']['runtime_info'].get('train_seconds'),
        'budget_seconds': profile.budget_seconds,
        'stopped_by': 'iteration cap' if iterations >= spec.max_iters else 'early stopping or budget',
    }


def evaluate_stage(method: str, profile: SticksProfile, data_root: Path, work_dir: Path,
                   out: Path, test_root: Path | None = None, keep: int = 0) -> dict:
    from .evaluate import predict_and_score, predicted_instance_map

    best = Stages(work_dir).record(f'train_{method}')['output']['best_checkpoint']
    cfg = method_config(method, profile, data_root, work_dir, test_root)
    result = predict_and_score(cfg, Path(best), keep=keep)
    for sample in result.pop('samples'):
        name = Path(sample.img_path).name
        path = out / 'examples' / method / name
        path.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(path), predicted_instance_map(sample).astype(np.uint16))
    return result


def copy_example_inputs(data_root: Path, out: Path, count: int) -> None:
    for kind, folder in (('input', 'images'), ('ground_truth', 'instances')):
        target = out / 'examples' / kind
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted((data_root / folder / 'test').glob('*.png'))[:count]:
            shutil.copyfile(path, target / path.name)


def training_curves(work_dir: Path, method: str) -> pd.DataFrame:
    """Every scalar mmengine logged for a method, across resumed runs, in long format."""
    rows = []
    for scalars in sorted((work_dir / method).glob('*/vis_data/scalars.json')):
        for line in scalars.read_text().splitlines():
            record = json.loads(line)
            step = record.pop('step')
            rows += [{'method': method, 'step': step, 'key': key, 'value': value}
                     for key, value in record.items() if isinstance(value, (int, float))]
    return pd.DataFrame(rows, columns=['method', 'step', 'key', 'value'])


def summarise(stages: Stages, profile: SticksProfile, data_root: Path, work_dir: Path, out: Path,
              args: argparse.Namespace) -> None:
    """Write the summary, per-image and curve tables and the provenance from the stage records."""
    rows, per_image = [], []
    occlusion = pd.read_csv(data_root / 'occlusion' / 'test.csv')
    for method in METHODS:
        trained = stages.record(f'train_{method}')['output']
        evaluated = stages.record(f'evaluate_{method}')['output']
        metrics = evaluated['metrics']
        network, post = evaluated['network_ms'], evaluated['postprocess_ms']
        rows.append({
            'method': method,
            'name': METHOD_NAMES[method],
            'sbd': metrics['sbd'],
            'abs_dic': metrics['abs_dic'],
            'dic': metrics['dic'],
            'fg_dice': metrics['fg_dice'],
            'mask_ap': metrics['mask_ap'],
            'mask_ap50': metrics['mask_ap50'],
            'infer_ms_per_image': network + (post or 0.0),
            'network_ms': network,
            'postprocess_ms': post,
            'train_seconds': trained['train_seconds'],
            'iterations': trained['iterations'],
            'images_seen': trained['images_seen'],
        })
        frame = pd.DataFrame(evaluated['per_image'])
        frame['file_name'] = frame.pop('img_path').map(lambda p: Path(p).name)
        per_image.append(frame.assign(method=method).merge(occlusion, on='file_name'))
    summary = pd.DataFrame(rows)
    write_atomic(out / 'summary.csv', summary.to_csv(index=False, float_format='%.4f'))
    write_atomic(out / 'per_image.csv', pd.concat(per_image).to_csv(index=False, float_format='%.4f'))
    curves = pd.concat([training_curves(work_dir, method) for method in METHODS])
    write_atomic(out / 'curves.csv', curves.to_csv(index=False))
    stages.write_provenance(out / 'provenance.json', {
        'command': f'python -m reproduce sticks --profile {args.profile} --device {args.device}',
        'profile': args.profile,
        'profile_settings': asdict(profile),
        'data_root': str(data_root),
        'seeds': {'data': profile.seed, 'training': profile.seed, 'clustering': 0},
        'selection_metric': f'validation {SELECTION_METRIC}',
        'budget': (f'{profile.budget_seconds:.0f} s of training iterations per method, and early '
                   f'stopping on validation {SELECTION_METRIC}' if profile.budget_seconds else
                   f'early stopping on validation {SELECTION_METRIC}'),
    })


def run(args: argparse.Namespace) -> None:
    select_device(args.device)
    import baselines.maskrcnn  # noqa: F401  (registers the baseline's components in mmdet)
    import reproduce.hooks  # noqa: F401  (registers TrainingBudgetHook)

    profile = STICKS_PROFILES[args.profile]
    data_root = args.data_dir / args.profile
    work_dir = args.work_dir / args.profile
    out = results_dir(args)
    stages = Stages(work_dir)
    stages.run('generate', lambda: write_dataset(data_root, profile.data, profile.splits,
                                                 seed=profile.seed) or {'data_root': str(data_root)})
    for method in METHODS:
        stages.run(f'train_{method}', lambda m=method: train_stage(m, profile, data_root, work_dir))
    copy_example_inputs(data_root, out, profile.figure_images)
    for method in METHODS:
        stages.run(f'evaluate_{method}', lambda m=method: evaluate_stage(
            m, profile, data_root, work_dir, out, keep=profile.figure_images))
    summarise(stages, profile, data_root, work_dir, out, args)  # cheap: always from the records
    from paper_figures.sticks import draw_sticks_figures
    draw_sticks_figures(out)
    log(f'results in {out}')
    print((out / 'summary.md').read_text())
