"""Thin layer over mmengine's Runner: a config plus a run's paths and sizes, then train or test.

All training goes through ``mmengine.runner.Runner`` (and so through its launchers for several GPUs
or nodes); this module only fills in what a reproduction run decides: data root, work dir, budget,
seed and device.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mmengine.config import Config

DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def select_device(device: str) -> None:
    """``'cpu'`` hides every GPU from this process (mmengine otherwise takes one when present)."""
    if device == 'cpu':
        os.environ['CUDA_VISIBLE_DEVICES'] = ''
    elif device != 'auto' and not device.startswith('cuda'):
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


def train(cfg: Config) -> Path:
    """Train, resuming from the latest checkpoint of the work dir if any; return the best one.

    ``load_from`` only initialises a fresh run. mmengine would resume *from* ``load_from``
    (iteration and optimizer included) whenever it is set with ``resume=True``, so a resumed run
    drops it and mmengine finds the work dir's latest checkpoint.
    """
    from mmengine.runner import Runner

    cfg.resume = (Path(cfg.work_dir) / 'last_checkpoint').exists()
    if cfg.resume:
        cfg.load_from = None
    runner = Runner.from_cfg(cfg)
    runner.train()
    return best_checkpoint(Path(cfg.work_dir))


def best_checkpoint(work_dir: Path) -> Path:
    """The checkpoint ``CheckpointHook(save_best=...)`` kept, else the last one."""
    best = sorted(work_dir.glob('best_*.pth'))
    if best:
        return best[-1]
    last = work_dir / 'last_checkpoint'
    if last.exists():
        return Path(last.read_text().strip())
    raise FileNotFoundError(f'no checkpoint in {work_dir}: train first')
