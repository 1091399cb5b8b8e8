"""Thin layer over mmengine's Runner: a config plus a run's paths and sizes, then train.

All training goes through ``mmengine.runner.Runner`` (and so through its launchers for several GPUs
or nodes); this module only fills in what a reproduction run decides (data root, work dir, seed,
device) and reports what the run did, read from the run itself.
"""
from __future__ import annotations

import copy
import itertools
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from mmengine.config import Config

from discseg.engine import EARLY_STOPPING, TRAIN_SECONDS, VALIDATIONS

DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
# Every training run gets these: exact resume, and the time its iterations took (see hooks.py).
RUN_HOOKS = ('ValidationHistoryHook', 'TrainingTimerHook', 'ExactResumeHook')  # this order
_RUNNERS_BUILT = itertools.count()


def select_device(device: str) -> str:
    """Make ``device`` the one this process uses and return it ('cpu' or 'cuda').

    ``'auto'`` takes a GPU when one is present; ``'cpu'`` hides every GPU (mmengine otherwise
    takes one); ``'cuda'`` without a GPU is an error, never a silent fall-back to the CPU.
    """
    if device == 'cpu':
        os.environ['CUDA_VISIBLE_DEVICES'] = ''
        return 'cpu'
    if device == 'auto':
        return 'cuda' if torch.cuda.is_available() else 'cpu'
    if device == 'cuda' or device.startswith('cuda:'):
        if not torch.cuda.is_available():
            raise RuntimeError(f'--device {device} was asked for, but torch sees no GPU here '
                               f'(torch {torch.__version__}, CUDA build: {torch.version.cuda}); '
                               "use --device cpu or 'auto'")
        return 'cuda'
    raise ValueError(f"device must be 'auto', 'cpu' or 'cuda', got {device!r}")


def load_config(path: str | Path, *, work_dir: str | Path, data_root: str | Path | None = None,
                seed: int = 0, num_workers: int | None = None,
                options: dict[str, Any] | None = None) -> Config:
    """Read ``path`` and set the run's work dir, data root, seed, loader workers and ``options``.

    ``options`` uses mmengine's dotted keys (``{'train_cfg.max_iters': 100}``), as ``--cfg-options``.
    """
    cfg = Config.fromfile(str(path))
    cfg.work_dir = str(work_dir)
    cfg.randomness = dict(seed=seed, deterministic=False)
    for name in DATALOADERS:
        if name not in cfg or cfg[name] is None:
            continue
        if data_root is not None:
            cfg[name].dataset.data_root = str(data_root)
        if num_workers is not None:
            cfg[name].num_workers = num_workers
            cfg[name].persistent_workers = num_workers > 0
    cfg.merge_from_dict(options or {})
    return cfg


@dataclass(frozen=True)
class TrainingRecord:
    """What a finished training run did, read from its last checkpoint."""

    best_checkpoint: str
    iterations: int
    max_iters: int
    train_seconds: float | None
    stopped_by: str  # 'iteration budget' or 'early stopping'
    best_iteration: int | None
    best_score: float | None
    validations: list  # every validation's metrics, with its 'iteration'

    def as_dict(self) -> dict:
        return asdict(self)


def build_runner(cfg: Config):
    """mmengine's Runner for (a copy of) ``cfg``, with a visualizer of its own.

    Visualizers are process-wide singletons by class and name (mmengine's ``ManagerMixin``): a
    second run in one process whose config names the same visualizer (every seed of one method,
    or two mmdetection baselines) would get the first run's, and write its logs into the first
    run's folder. Each Runner built here gets a name no earlier one in this process had.
    """
    from mmengine.runner import Runner

    cfg = copy.deepcopy(cfg)
    if cfg.get('visualizer') is not None:
        cfg.visualizer.name = f"{cfg.visualizer.get('name', 'visualizer')}-{next(_RUNNERS_BUILT)}"
    return Runner.from_cfg(cfg)


def build_listing(dataset_cfg: Config | dict):
    """The dataset of ``dataset_cfg`` without its pipeline: its file list, read outside a Runner.

    Built in mmseg's scope whatever the last Runner of this process left (none, or mmdet after a
    baseline): a run that resumes after its training stages builds no Runner before this.
    """
    from mmengine.registry import DefaultScope
    from mmseg.registry import DATASETS

    listing = copy.deepcopy(dataset_cfg)
    listing.pipeline = []
    with DefaultScope.overwrite_default_scope('mmseg'):
        return DATASETS.build(listing)


def with_run_hooks(cfg: Config) -> Config:
    hooks = list(cfg.get('custom_hooks') or [])
    present = {hook['type'] for hook in hooks}
    hooks += [dict(type=name) for name in RUN_HOOKS if name not in present]
    cfg.custom_hooks = hooks
    return cfg


def train(cfg: Config) -> TrainingRecord:
    """Train, resuming from the work dir's latest checkpoint if any; report what the run did.

    ``load_from`` only initialises a fresh run. mmengine would resume *from* ``load_from``
    (iteration and optimizer included) whenever it is set with ``resume=True``, so a resumed run
    drops it and mmengine finds the work dir's latest checkpoint. ``cfg`` itself is left as it
    was, so a config saved with the results is the same whether or not this process trained it.
    """
    cfg = with_run_hooks(copy.deepcopy(cfg))
    cfg.resume = (Path(cfg.work_dir) / 'last_checkpoint').exists()
    if cfg.resume:
        cfg.load_from = None
    runner = build_runner(cfg)
    runner.train()
    record = training_record(Path(cfg.work_dir), max_iters=runner.train_loop.max_iters,
                             monitor=cfg.default_hooks.checkpoint.get('save_best'))
    if record.iterations != runner.iter:
        raise RuntimeError(f'{cfg.work_dir}: training ended at iteration {runner.iter} but its last '
                           f'checkpoint is of iteration {record.iterations}')
    return record


def training_record(work_dir: Path, max_iters: int, monitor: str | None) -> TrainingRecord:
    """Read the last checkpoint of ``work_dir``: iterations, time, and the best checkpoint.

    The best checkpoint is the validation with the highest ``monitor`` score (the first on ties, as
    ``CheckpointHook(save_best=..., rule='greater')`` keeps it); without ``monitor``, the last one.
    """
    pointer = Path(work_dir) / 'last_checkpoint'
    if not pointer.exists():
        raise FileNotFoundError(f'no checkpoint in {work_dir}: train first')
    last = Path(pointer.read_text().strip())
    state = torch.load(last, map_location='cpu', weights_only=True)
    info = state['message_hub']['runtime_info']
    iterations = int(state['meta']['iter'])
    history = info.get(VALIDATIONS) or []
    best, best_iteration, best_score = last, None, None
    if monitor is not None and history:
        best_entry = max(history, key=lambda entry: entry[monitor])  # max keeps the first maximum
        best_iteration, best_score = best_entry['iteration'], best_entry[monitor]
        # as CheckpointHook names it, '/' of a prefixed metric ('cityscapes/AP') made '_'; an
        # epoch-based loop names it by epoch, which CheckpointHook records as 'best_ckpt'
        best = Path(work_dir) / f'best_{monitor}_iter_{best_iteration}.pth'.replace('/', '_')
        if not best.exists() and info.get('best_ckpt') and '_epoch_' in info['best_ckpt']:
            best = Path(work_dir) / Path(info['best_ckpt']).name
        if not best.exists():
            raise FileNotFoundError(f'{work_dir}: the best validation {monitor} {best_score:.4f} '
                                    f'was at iteration {best_iteration}, but {best.name} is missing')
    stopping = info.get(EARLY_STOPPING) or {}
    return TrainingRecord(
        best_checkpoint=str(best), iterations=iterations, max_iters=max_iters,
        train_seconds=info.get(TRAIN_SECONDS),
        stopped_by='early stopping' if stopping.get('stopped_at') is not None and
        iterations < max_iters else 'iteration budget',
        best_iteration=best_iteration, best_score=best_score, validations=history)
