"""What every experiment driver shares, so that a driver only declares its stages.

One run of an experiment has: a results folder (``results/<name>[-<profile>][-<suffix>]`` unless
one is given), a work dir of resumable stages whose records fingerprint their inputs
(`reproduce.stages`), configs built from each method's config file with the run's paths, seed and
training spec, the merged config of every run saved beside the results (``configs/<run>.py``),
and one provenance file per output: the command as it was run, the profile, the configs, the
commit, the machine and the stage timings.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from mmengine.config import Config

from .profiles import TrainSpec
from .runner import load_config
from .stages import Stages, write_atomic

__all__ = ['MIN_IMPROVEMENT', 'Experiment', 'Method', 'default_results', 'training_curves',
           'training_options']

# Of the monitored validation metric, to count as improving: mmengine's default (0.1) would call a
# gain of 0.09 SBD "no improvement".
MIN_IMPROVEMENT = 0.001


@dataclass(frozen=True)
class Method:
    """A method an experiment trains: its config file and the name its tables give it."""

    config: Path
    name: str


def default_results(name: str, profile: str, suffix: str = '') -> Path:
    """``results/<name>`` for the default profile, ``results/<name>-<profile>`` for the others;
    ``suffix`` (e.g. ``-seeds-0-1-2``) names what else differs from the default run."""
    return Path('results') / (name + ('' if profile == 'default' else f'-{profile}') + suffix)


def training_options(spec: TrainSpec, monitor: str | None = None,
                     min_delta: float = MIN_IMPROVEMENT) -> dict[str, Any]:
    """The mmengine options of a training spec: batch, iteration budget, validation and
    checkpoint interval; with ``monitor``, the best checkpoint and early stopping by that
    validation metric (higher is better; from ``spec.min_iters`` on, if set), so that every method
    stops by the same rule."""
    options = {
        'train_dataloader.batch_size': spec.batch_size,
        'train_cfg.max_iters': spec.max_iters,
        'train_cfg.val_interval': spec.val_interval,
        'default_hooks.checkpoint.interval': spec.val_interval,
        'default_hooks.logger.interval': max(1, min(50, spec.val_interval // 4)),
    }
    if monitor is not None:
        options.update({
            'default_hooks.checkpoint.save_best': monitor,
            'default_hooks.checkpoint.rule': 'greater',
            'custom_hooks': [dict(type='ResumableEarlyStoppingHook', monitor=monitor,
                                  rule='greater', patience=spec.patience, min_delta=min_delta,
                                  **({} if spec.min_iters is None else
                                     {'begin': spec.min_iters}))],
        })
    return options


def training_curves(work_dir: Path, method: str, seed: int) -> pd.DataFrame:
    """Every scalar mmengine logged for a method, in long format; after a resume, each step's
    value is the one of the latest run (the rolled-back iterations are logged twice)."""
    rows = []
    for run, scalars in enumerate(sorted(work_dir.glob('*/vis_data/scalars.json'))):
        for line in scalars.read_text().splitlines():
            record = json.loads(line)
            step = record.pop('step')
            kind = 'val' if 'sbd' in record else 'train'
            rows += [{'method': method, 'seed': seed, 'step': step, 'key': key, 'value': value,
                      'kind': kind, 'run': run}
                     for key, value in record.items() if isinstance(value, (int, float))]
    frame = pd.DataFrame(rows, columns=['method', 'seed', 'step', 'key', 'value', 'kind', 'run'])
    frame = frame.drop_duplicates(['step', 'key', 'kind'], keep='last')
    return frame.drop(columns=['kind', 'run']).sort_values(['key', 'step'], kind='stable')


class Experiment:
    """The results folder, stages, configs and provenance of one run of an experiment.

    Args:
        name: the experiment (``sticks``, ``cvppp``, ``cityscapes``): its results folder's name.
        profile: the profile's name (``reproduce.profiles``).
        work_dir: the stages' folder; its lock keeps a second run out.
        results: the results folder (default: :func:`default_results`).
        identity: what must be the same for a finished stage to be reused (see ``Stages``).
        suffix: appended to the default results folder's name.
    """

    def __init__(self, name: str, profile: str, work_dir: Path, results: Path | None = None,
                 identity: dict | None = None, suffix: str = '') -> None:
        self.name = name
        self.profile_name = profile
        self.work_dir = Path(work_dir)
        self.out = Path(results) if results is not None else default_results(name, profile,
                                                                              suffix)
        self.stages = Stages(self.work_dir, identity)
        self.configs: dict[str, Config] = {}

    def config(self, run: str | None, config_file: Path, work_dir: Path, *,
               data_root: Path | None, seed: int, spec: TrainSpec | None = None,
               monitor: str | None = None, num_workers: int | None = None,
               options: dict[str, Any] | None = None) -> Config:
        """The config of one training run named ``run``: ``config_file`` with this run's paths,
        seed, loader workers (default: the spec's) and (with ``spec``) training options, then
        ``options``; saved with the results (:meth:`save_configs`) unless ``run`` is None (a
        variant for testing elsewhere)."""
        if num_workers is None and spec is not None:
            num_workers = spec.num_workers
        cfg = load_config(config_file, work_dir=work_dir, data_root=data_root, seed=seed,
                          num_workers=num_workers,
                          options={**(training_options(spec, monitor) if spec is not None
                                      else {}), **(options or {})})
        if run is not None:
            self.configs[run] = cfg
        return cfg

    def save_configs(self) -> None:
        """The merged config of every run built so far, as ``configs/<run>.py`` in the results."""
        for run, cfg in self.configs.items():
            write_atomic(self.out / 'configs' / f'{run}.py', cfg.pretty_text)

    def write_provenance(self, fields: dict[str, Any], stage_names: list[str] | None = None,
                         file_name: str = 'provenance.json',
                         kept: dict[str, dict] | None = None) -> None:
        """``fields`` with the profile and every run's config file, beside the command, commit,
        machine and stage timings that ``Stages`` records (``kept``: those of kept runs)."""
        self.save_configs()
        self.stages.write_provenance(self.out / file_name, {
            'profile': self.profile_name,
            'configs': {run: str(cfg.filename) for run, cfg in self.configs.items()},
            **fields}, stage_names, kept)
