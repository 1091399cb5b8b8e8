"""Cityscapes instance segmentation (paper Sec. 4.2): Tables 2-4, Mask R-CNN, Figures 1 and 6.

    python -m reproduce cityscapes --data-root data/cityscapes [--profile default] [--device auto]

Stages (each skipped once finished; training resumes from its own checkpoints):

    table4_speed               parameters, forward fps and memory of every Table 4 network at the
                               paper's three input sizes, on this machine: needs no data
    train                      our model (768x384) on train
    val_<mask>_<clustering>    Table 3: val AP with predicted or ground-truth semantic masks, by
                               mean-shift or ground-truth-centre threshold; the first is Table 2's
    val_class_probability      Table 2 again, instances scored by the semantic branch, not 1.0
    test_export                test-split predictions for the benchmark server (if present)
    train_<net>_<WxH>, val_<net>_<WxH>   Table 4: car AP with predicted and ground-truth masks
    maskrcnn_convert, maskrcnn_train, maskrcnn_val   mmdetection's Mask R-CNN, same evaluation
    figure_data                inputs of Figures 1 and 6 (examples/, figure1.npz)

Without ``--data-root`` only ``table4_speed`` runs. Writes ``results/cityscapes/`` (default
profile) or ``results/cityscapes-<profile>/``: table2.csv, table3.csv and table4.csv (the
measurements), figure1.npz and examples/ (the figures' inputs) and provenance.json; then
``paper_figures.cityscapes`` draws table2-4.md beside the paper's numbers, figure1.png and
figure6.png from them alone. Training and testing go through mmengine's Runner,
so ``--launcher pytorch`` under ``torchrun`` spreads them over several GPUs.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

import pandas as pd
from mmengine.config import Config
from mmengine.dist import all_gather_object, is_main_process
from mmengine.hooks import Hook

from discseg.datasets.cityscapes import CityscapesInstanceDataset
from discseg.engine import KeepOutputsHook

from .benchmarks.table4 import measure_networks, size_name
from .cityscapes_figure_data import choose_rows, write_figure_data
from .profiles import CITYSCAPES_OURS, CITYSCAPES_PROFILES as PROFILES
from .profiles import CityscapesProfile, TrainSpec
from .experiment import Experiment
from .runner import DATALOADERS, build_listing, build_runner, select_device, train
from .stages import Stages, data_identity, log, write_atomic

TABLE3_SETTINGS = [(mask, clustering) for mask in ('prediction', 'ground_truth')
                   for clustering in ('mean_shift', 'center_threshold')]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--data-root', type=Path, default=None,
                        help='Cityscapes root with leftImg8bit/ and gtFine/; without it only '
                             "Table 4's parameters, speed and memory are measured")
    parser.add_argument('--profile', choices=sorted(PROFILES), default='default')
    parser.add_argument('--device', default='auto',
                        help="'auto' (a GPU when present), 'cpu' or 'cuda'")
    parser.add_argument('--work-dir', type=Path, default=Path('work_dirs/cityscapes'))
    parser.add_argument('--results', type=Path, default=None,
                        help='default: results/cityscapes (default profile) or '
                             'results/cityscapes-<profile>')
    parser.add_argument('--init-checkpoint', type=Path, default=None,
                        help='a Cityscapes semantic-segmentation checkpoint of the ResNet-101-D8 '
                             'model to fine-tune from, as the paper does (default: ImageNet)')
    parser.add_argument('--maskrcnn-checkpoint', default=None,
                        help="Mask R-CNN initialisation (default: the recipe's COCO weights URL)")
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none')


# --------------------------------------------------------------------------- configs

def set_input_size(cfg: Config, size: tuple[int, int]) -> Config:
    """``cfg`` at input ``size`` (width, height), as if its dataset config had been written with
    it: ``input_size``, its ``resize`` step and every pipeline step that is that ``resize``."""
    old, new = cfg.resize, dict(cfg.resize, scale=tuple(size))

    def resized(pipeline: list) -> list:
        return [new if step == old else step for step in pipeline]

    cfg.train_pipeline, cfg.test_pipeline = resized(cfg.train_pipeline), resized(cfg.test_pipeline)
    for name in DATALOADERS:
        cfg[name].dataset.pipeline = resized(cfg[name].dataset.pipeline)
    cfg.input_size, cfg.resize = tuple(size), new
    return cfg


def start_from(cfg: Config, checkpoint: str | Path | None) -> Config:
    """Initialise a fresh run from ``checkpoint`` (non-strict: mismatching keys are skipped).

    mmengine's ``load_from`` would, with ``resume=True`` (how reproduce trains), *resume* from it,
    optimizer and iteration count included; a model-level ``Pretrained`` init only sets the
    starting weights, and an interrupted run still resumes from its own checkpoints.
    """
    if checkpoint is not None:
        cfg.model.init_cfg = dict(type='Pretrained', checkpoint=str(checkpoint))
    cfg.load_from = None
    return cfg


def ours_config(experiment: Experiment, name: str, config: Path, profile: CityscapesProfile,
                spec: TrainSpec, size: tuple[int, int], data_root: Path, args: argparse.Namespace,
                saved: bool = False) -> Config:
    """Our model ``config`` trained as ``spec`` at ``size`` in the work dir's ``name`` folder;
    ``saved``: the config of that training run, kept with the results (else a variant to test)."""
    work_dir = experiment.work_dir / name
    cfg = experiment.config(name if saved else None, config, work_dir, data_root=data_root,
                            seed=profile.seed, spec=spec, options={
                                'val_evaluator.output_dir': str(work_dir / 'validation'),
                                'launcher': args.launcher})
    init = args.init_checkpoint if config == CITYSCAPES_OURS else None  # Table 4's start fresh
    return start_from(set_input_size(cfg, size), init)


def evaluate_checkpoint(cfg: Config, checkpoint: str | Path, output_dir: Path,
                        hooks: Sequence[Hook] = (), **metric_options) -> dict:
    """Run ``cfg``'s test loop from ``checkpoint``, exporting and scoring into ``output_dir``;
    ``hooks`` are registered on the runner first."""

    cfg.load_from, cfg.resume = str(checkpoint), False
    cfg.test_evaluator = dict(type=cfg.test_evaluator.type, output_dir=str(output_dir),
                              **metric_options)
    runner = build_runner(cfg)
    for hook in hooks:
        runner.register_hook(hook)
    metrics = runner.test()
    return {key.split('/', 1)[-1]: value for key, value in metrics.items()}


# --------------------------------------------------------------------------- Mask R-CNN

def maskrcnn_config(experiment: Experiment, profile: CityscapesProfile, data_root: Path,
                    args: argparse.Namespace, saved: bool = False) -> Config:
    from baselines.cityscapes import loader_options

    work_dir = experiment.work_dir / 'maskrcnn'
    cfg = experiment.config('maskrcnn' if saved else None, profile.maskrcnn, work_dir,
                            data_root=None, seed=profile.seed, options={
                                'launcher': args.launcher,
                                'val_evaluator.output_dir': str(work_dir / 'validation'),
                                **loader_options(data_root, work_dir / 'annotations')})
    return start_from(cfg, args.maskrcnn_checkpoint or cfg.load_from)


def maskrcnn_stages(experiment: Experiment, profile: CityscapesProfile, data_root: Path,
                    args: argparse.Namespace) -> None:
    from baselines.cityscapes import convert_split

    stages, work_dir = experiment.stages, experiment.work_dir
    annotations = work_dir / 'maskrcnn' / 'annotations'
    stages.run('maskrcnn_convert', lambda: {split: convert_split(
        data_root, split, annotations / f'instances_{split}.json') for split in ('train', 'val')})
    stages.run('maskrcnn_train', lambda: train(
        maskrcnn_config(experiment, profile, data_root, args, saved=True)).as_dict())
    stages.run('maskrcnn_val', lambda: evaluate_checkpoint(
        maskrcnn_config(experiment, profile, data_root, args),
        stages.record('maskrcnn_train')['output']['best_checkpoint'],
        work_dir / 'maskrcnn' / 'val'))


# --------------------------------------------------------------------------- figures

def figure_data(cfg: Config, checkpoint: str, out: Path, rows: int, candidates: int = 50) -> dict:
    """Predict Figure 6's val images (chosen among the first ``candidates``) through the test
    loop, keeping their embeddings, and write the figures' inputs (``cityscapes_figure_data``)."""
    dataset = build_listing(cfg.test_dataloader.dataset)
    gt_files = [Path(dataset.get_data_info(i)['seg_map_path'])
                for i in range(min(candidates, len(dataset)))]
    chosen = choose_rows(gt_files, rows)
    cfg.model.test_cfg.keep_embeddings = True
    cfg.test_dataloader.dataset.indices = chosen
    predicted = KeepOutputsHook()
    evaluate_checkpoint(cfg, checkpoint, Path(cfg.work_dir) / 'figure_data', hooks=[predicted],
                        format_only=True)
    # Several processes each predict their share of the images: one writes them all.
    outputs = [sample for share in all_gather_object(predicted.outputs) for sample in share]
    if is_main_process():
        margins = cfg.model.decode_head.loss_embedding  # the trained loss's margins
        write_figure_data(outputs, out, margins.delta_v, margins.delta_d)
    return {'rows': [str(gt_files[i]) for i in chosen]}


# --------------------------------------------------------------------------- results

def write_results(stages: Stages, out: Path) -> None:
    """Tables 2-4's measurements as CSV, from the stage records (``paper_figures.cityscapes``
    draws the tables, beside the paper's numbers, from these files alone)."""
    def output(name: str) -> dict | None:
        record = stages.record(name)
        return record['output'] if record else None

    speed = output('table4_speed')
    table4 = [{**row, 'car_AP': ap.get('prediction', {}).get('car_AP'),
               'car_AP_gt_masks': ap.get('ground_truth', {}).get('car_AP')}
              for row in (speed['rows'] if speed else [])
              for ap in [output(f'val_{row["network"]}_{row["input"]}') or {}]]
    table2 = [{'method': method, 'split': 'val',
               **{key: record[key] for key in ('AP', 'AP50', 'AP100m', 'AP50m')}}
              for method, stage in (('ours', 'val_prediction_mean_shift'),
                                    ('ours_class_probability', 'val_class_probability'),
                                    ('maskrcnn', 'maskrcnn_val'))
              for record in [output(stage)] if record]
    table3 = [{'semantic_masks': mask, 'clustering': clustering, 'AP': record['AP'],
               'AP50': record['AP50']}
              for mask, clustering in TABLE3_SETTINGS
              for record in [output(f'val_{mask}_{clustering}')] if record]
    for name, rows in (('table2', table2), ('table3', table3), ('table4', table4)):
        if rows:
            write_atomic(out / f'{name}.csv', pd.DataFrame(rows).to_csv(index=False))


# --------------------------------------------------------------------------- run

def _with(cfg: Config, options: dict) -> Config:
    cfg.merge_from_dict(options)
    return cfg


def export_test_split(cfg: Config, checkpoint: str, output_dir: Path) -> dict:
    """Predict the test split into the server's format (no ground truth is read)."""
    dataset = cfg.test_dataloader.dataset
    dataset.split = 'test'
    dataset.data_prefix = dict(img_path='leftImg8bit/test')
    dataset.pipeline = [t for t in dataset.pipeline if t.type != 'LoadInstanceAnnotations']
    evaluate_checkpoint(cfg, checkpoint, output_dir, format_only=True)
    return {'predictions': str(output_dir / 'predictions')}


def data_stages(experiment: Experiment, profile: CityscapesProfile, data_root: Path,
                args: argparse.Namespace) -> None:
    """Everything that needs the data: training, Tables 2-4's AP, Mask R-CNN, figure inputs."""
    stages, work_dir = experiment.stages, experiment.work_dir

    def config(network: Path = profile.config, spec: TrainSpec = profile.ours,
               size: tuple[int, int] = profile.input_size, name: str = 'ours',
               saved: bool = False) -> Config:
        return ours_config(experiment, name, network, profile, spec, size, data_root, args, saved)

    stages.run('train', lambda: train(config(saved=True)).as_dict())
    best = stages.record('train')['output']['best_checkpoint']
    for mask, clustering in TABLE3_SETTINGS:
        name = f'val_{mask}_{clustering}'
        options = {'model.test_cfg.mask_source': mask, 'model.test_cfg.clustering': clustering}
        stages.run(name, lambda o=options, n=name: evaluate_checkpoint(
            _with(config(), o), best, work_dir / 'ours' / n))
    stages.run('val_class_probability', lambda: evaluate_checkpoint(
        _with(config(), {'model.test_cfg.score': 'class_probability'}), best,
        work_dir / 'ours' / 'val_class_probability'))
    if (data_root / 'leftImg8bit' / 'test').is_dir():
        stages.run('test_export', lambda: export_test_split(config(), best,
                                                             work_dir / 'ours' / 'test'))

    if profile.table4_train is not None:
        table4_ap_stages(experiment, config, profile)
    if profile.maskrcnn is not None:
        maskrcnn_stages(experiment, profile, data_root, args)
    stages.run('figure_data', lambda: figure_data(config(), best, experiment.out,
                                                  profile.figure_rows))


def table4_ap_stages(experiment: Experiment, config: Callable[..., Config],
                     profile: CityscapesProfile) -> None:
    """Table 4's AP: each network trained at each input size, scored with both mask sources."""
    stages, work_dir = experiment.stages, experiment.work_dir
    for network, network_config in profile.table4_networks.items():
        for size in profile.table4_sizes:
            key = f'{network}_{size_name(size)}'

            def run_config(n=network_config, s=size, k=key, saved=False) -> Config:
                return config(n, profile.table4_train, s, f'table4/{k}', saved)

            stages.run(f'train_{key}', lambda c=run_config: train(c(saved=True)).as_dict())
            checkpoint = stages.record(f'train_{key}')['output']['best_checkpoint']
            stages.run(f'val_{key}', lambda c=run_config, k=key, p=checkpoint: {
                mask: evaluate_checkpoint(_with(c(), {'model.test_cfg.mask_source': mask}), p,
                                          work_dir / 'table4' / k / f'val_{mask}')
                for mask in ('prediction', 'ground_truth')})


def write_provenance(experiment: Experiment, profile: CityscapesProfile,
                     args: argparse.Namespace) -> None:
    experiment.write_provenance({
        'profile_settings': asdict(profile),
        'data_root': str(args.data_root) if args.data_root else None,
        'init_checkpoint': str(args.init_checkpoint) if args.init_checkpoint else None,
    })


def check_data_root(data_root: Path) -> None:
    """Both splits the experiment trains and validates on hold images with their ground truth."""
    for split in ('train', 'val'):
        dataset = CityscapesInstanceDataset(split=split, data_root=str(data_root), pipeline=[])
        if len(dataset) == 0:
            raise FileNotFoundError(f'{data_root} has no {split} images; expected layout:\n'
                                    f'{CityscapesInstanceDataset.LAYOUT}')


def run(args: argparse.Namespace) -> None:
    select_device(args.device)
    profile = PROFILES[args.profile]
    work_dir = args.work_dir / args.profile
    identity = {'profile': args.profile, 'init_checkpoint': str(args.init_checkpoint),
                'maskrcnn_checkpoint': str(args.maskrcnn_checkpoint)}
    if args.data_root is not None:
        check_data_root(args.data_root)  # before any stage: a wrong root fails at once
        identity['data'] = data_identity(args.data_root)
    experiment = Experiment('cityscapes', args.profile, work_dir, args.results, identity)
    stages, out = experiment.stages, experiment.out
    stages.run('table4_speed', lambda: {'rows': measure_networks(
        profile.table4_networks, profile.table4_sizes, profile.speed_repeats)})
    if args.data_root is not None:
        data_stages(experiment, profile, args.data_root, args)
    else:
        log('no --data-root: Table 4 parameters, speed and memory only')
    write_results(stages, out)
    write_provenance(experiment, profile, args)
    from paper_figures.cityscapes import draw_cityscapes_results
    draw_cityscapes_results(out)
    log(f'results in {out}')
