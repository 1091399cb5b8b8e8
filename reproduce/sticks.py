"""Scattered sticks: the paper's occlusion claim, ours against box-based detection on the same images.

Stages (each skipped when finished with the same inputs; training resumes from its checkpoints):
``generate``, then per training seed and method ``train_<method>_seed<S>`` and
``evaluate_<method>_seed<S>_test``; the tables are then rewritten from the finished runs on every
run. Budgets are iteration counts, so the same command gives the same numbers on any machine
(timing columns aside).

Every finished evaluation is kept, with its training record, curves and predictions, in
``results/sticks[-<profile>]/runs/`` (``KeptRuns``): a fresh clone reuses the committed runs and
trains only the seeds and methods that are missing, so a seed study grows across sessions.

Writes ``results/sticks/`` (the default profile and seed 0; other profiles and seed sets get their
own folder): summary.csv (per method: mean and std over seeds, 95 % bootstrap intervals over test
images), seeds.csv (per method and seed), differences.csv (each baseline minus ours, paired),
per_image.csv, curves.csv, examples/, provenance.json, summary.md and the figures.
"""
from __future__ import annotations

import argparse
import copy
import json
import shutil
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from discseg.evaluation.resampling import BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED
from discseg.fileio import write_atomic
from discseg.synthetic.sticks import write_dataset

from .evaluate import PER_IMAGE_FILE, evaluate, read_predictions
from .experiment import MIN_IMPROVEMENT, Experiment, Method, default_results, training_curves
from .profiles import BASELINES, CONFIGS, STICKS_PROFILES, SticksProfile, TrainSpec
from .runner import DATALOADERS, select_device, train
from .stages import KeptRuns, data_identity, digest, log, warn_if_busy
from .sticks_statistics import aggregate, score_test_set

SELECTION_METRIC = 'sbd'
# What the tables say of a run's training (the rest of its record names checkpoints in a work dir).
TRAINING_FIELDS = ('iterations', 'max_iters', 'train_seconds', 'stopped_by', 'best_iteration',
                   'best_score')


METHODS = {
    'ours': Method(CONFIGS / 'sticks' / 'discseg_unet_1xb8-4k_sticks.py',
                   'Discriminative loss (ours)'),
    'maskrcnn': Method(
        BASELINES / 'maskrcnn' / 'configs' / 'mask-rcnn_r18_fpn_gn-all_1xb4-4k_sticks.py',
        'Mask R-CNN (R-18 FPN)'),
    'mask2former': Method(
        BASELINES / 'mask2former' / 'configs' / 'mask2former_r18_1xb4-4k_sticks.py',
        'Mask2Former (R-18, box-free)'),
    'solov2': Method(BASELINES / 'solov2' / 'configs' / 'solov2_r18_fpn_1xb4-4k_sticks.py',
                     'SOLOv2 (R-18 FPN, box-free)'),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--profile', choices=sorted(STICKS_PROFILES), default='default')
    parser.add_argument('--device', default='auto', help="'auto' (a GPU when present), 'cpu' or 'cuda'")
    parser.add_argument('--seeds', type=int, nargs='+', default=None,
                        help="training seeds (default: the profile's); the data stays the same")
    parser.add_argument('--methods', nargs='+', choices=sorted(METHODS), default=None,
                        help="methods to train and compare (default: the profile's)")
    parser.add_argument('--data-dir', type=Path, default=Path('data/sticks'))
    parser.add_argument('--work-dir', type=Path, default=Path('work_dirs/sticks'))
    parser.add_argument('--results', type=Path, default=None,
                        help='default: results/sticks[-<profile>][-seeds-<S>-...]')


class SticksExperiment(Experiment):
    """The paths, profile, seeds and methods of one invocation, and the stages they run."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.profile: SticksProfile = STICKS_PROFILES[args.profile]
        self.seeds = tuple(args.seeds) if args.seeds else self.profile.seeds
        self.methods = tuple(args.methods or self.profile.default_methods)
        unknown = [m for m in self.methods if m not in self.profile.methods]
        if unknown:
            raise SystemExit(f'profile {args.profile!r} has no budget for {unknown}; it has '
                             f'budgets for {sorted(self.profile.methods)}')
        self.data_root = args.data_dir / args.profile
        suffix = '' if self.seeds == (0,) else '-seeds-' + '-'.join(map(str, self.seeds))
        super().__init__('sticks', args.profile, args.work_dir / args.profile, args.results,
                         suffix=suffix)
        # One home for the profile's finished runs, whichever seeds a results folder shows.
        self.runs = KeptRuns((args.results or default_results('sticks', args.profile)) / 'runs')

    @property
    def method_names(self) -> dict[str, str]:
        """This run's methods, in order, with the names the tables give them."""
        return {method: METHODS[method].name for method in self.methods}

    def spec(self, method: str) -> TrainSpec:
        return self.profile.methods[method]

    def method_dir(self, method: str, seed: int) -> Path:
        return self.work_dir / f'seed-{seed}' / method

    def method_config(self, method: str, seed: int, test_root: Path | None = None):
        run = f'{method}_seed{seed}' if test_root is None else None
        cfg = self.config(run, METHODS[method].config,
                          self.method_dir(method, seed), data_root=self.data_root, seed=seed,
                          spec=self.spec(method), monitor=SELECTION_METRIC)
        if test_root is not None:
            cfg.test_dataloader.dataset.data_root = str(test_root)
        return cfg

    # --- stages -------------------------------------------------------------------------------
    def generate(self, name: str, root: Path, config, sizes: dict[str, int], seed: int) -> None:
        self.stages.run(name, lambda: write_dataset(root, config, sizes, seed=seed) or
                        {'data_root': str(root)},
                        inputs={'root': root, 'config': config, 'sizes': sizes, 'seed': seed})

    def model_identity(self, method: str, seed: int) -> dict:
        """What a trained model is a function of, wherever its files lie: its config (paths
        aside), the generated data (its generator config and seed), its training spec and seed."""
        cfg = copy.deepcopy(self.method_config(method, seed))
        cfg.work_dir = None
        for loader in DATALOADERS:
            cfg[loader].dataset.data_root = None
        return {'config': digest(cfg.to_dict()), 'data': generated_data(self.data_root),
                'spec': self.spec(method), 'seed': seed}

    def train(self, method: str, seed: int) -> dict:
        cfg = self.method_config(method, seed)
        return self.stages.run(
            f'train_{method}_seed{seed}', lambda: train(cfg).as_dict(),
            inputs={'config': digest(cfg.to_dict()), 'data': data_identity(self.data_root),
                    'spec': self.spec(method), 'seed': seed})['output']

    def evaluate(self, method: str, seed: int, test_set: str, test_root: Path) -> dict:
        """The run of ``method`` and ``seed`` on ``test_root``'s test split: kept, or trained (if
        needed) and evaluated with the best checkpoint, then kept. A run holds ``evaluation``
        (metrics, timings, per-image scores, every prediction), ``training`` (iterations, time,
        how it stopped), ``curves`` (on the main test set) and its stages' timings."""
        key = f'{method}_seed{seed}_{test_set}'
        identity = {'model': self.model_identity(method, seed),
                    'test_data': generated_data(test_root)}
        kept = self.runs.get(key, identity)
        if kept is not None:
            return kept
        trained = self.train(method, seed)
        out = self.method_dir(method, seed) / 'eval' / test_set
        keep = self.profile.figure_images if test_set == 'test' else 0
        evaluation = self.stages.run(
            f'evaluate_{key}',
            lambda: evaluate_stage(self.method_config(method, seed, test_root),
                                   trained['best_checkpoint'], out, keep),
            inputs={'checkpoint': trained['best_checkpoint'], 'iteration': trained['iterations'],
                    'test_data': data_identity(test_root)})['output']
        run = {
            'evaluation': {**evaluation,
                           'predictions': json.loads(Path(evaluation['predictions']).read_text())},
            'training': {name: trained[name] for name in TRAINING_FIELDS},
            'curves': (training_curves(self.method_dir(method, seed), method, seed)
                       .to_dict('records') if test_set == 'test' else None),
            'stages': self.stages.timings([f'train_{method}_seed{seed}', f'evaluate_{key}']),
        }
        self.runs.put(key, identity, run, files=sorted((out / 'examples').glob('*.png')))
        return run

    def test_set(self, test_set: str, test_root: Path) -> dict[tuple[str, int], dict]:
        """Every method and seed evaluated on ``test_root``: their runs."""
        return {(method, seed): self.evaluate(method, seed, test_set, test_root)
                for seed in self.seeds for method in self.methods}


def evaluate_stage(cfg, checkpoint: str, out: Path, keep: int) -> dict:
    """Scores, timings and (in ``out``) every prediction and the first ``keep`` instance maps."""
    result = evaluate(cfg, checkpoint, out, examples=keep)
    predictions = read_predictions(out / PER_IMAGE_FILE)
    write_atomic(out / 'predictions.json', json.dumps(
        {name: encoded.to_json() for name, encoded in predictions.items()}) + '\n')
    for image in result['per_image']:
        image['file_name'] = Path(image.pop('img_path')).name
    return {**result, 'predictions': str(out / 'predictions.json')}


def generated_data(root: Path) -> dict:
    """A generated dataset by what made it (generator config, seed, sizes), not where it lies."""
    return json.loads((Path(root) / 'meta.json').read_text())


# --- tables ---------------------------------------------------------------------------------------
def copy_examples(experiment: SticksExperiment) -> None:
    """The figure's inputs, ground truths and each method's first-seed predictions."""
    out, count = experiment.out / 'examples', experiment.profile.figure_images
    for kind, folder in (('input', 'images'), ('ground_truth', 'instances')):
        (out / kind).mkdir(parents=True, exist_ok=True)
        for path in sorted((experiment.data_root / folder / 'test').glob('*.png'))[:count]:
            shutil.copyfile(path, out / kind / path.name)
    for method in experiment.methods:
        source = experiment.runs.files(f'{method}_seed{experiment.seeds[0]}_test')
        (out / method).mkdir(parents=True, exist_ok=True)
        for path in sorted(source.glob('*.png')):
            shutil.copyfile(path, out / method / path.name)


def summarise(experiment: SticksExperiment, evaluated: dict) -> None:
    """Write the tables, the per-image scores, the curves and the provenance."""
    out, profile = experiment.out, experiment.profile
    scored = score_test_set(evaluated, experiment.data_root)
    summary, differences = aggregate(scored, experiment.method_names)
    seeds = scored['seeds']
    for column in ('iterations', 'train_seconds', 'best_iteration', 'stopped_by'):
        seeds[column] = [evaluated[(m, s)]['training'][column]
                         for m, s in zip(seeds.method, seeds.seed)]
    seeds['images_seen'] = [it * experiment.spec(m).batch_size
                            for m, it in zip(seeds.method, seeds.iterations)]
    seeds['iterations_per_second'] = seeds.iterations / seeds.train_seconds
    summary = summary.merge(seeds.groupby('method', as_index=False)[
        ['iterations', 'images_seen', 'train_seconds']].mean(), on='method')
    occlusion = pd.read_csv(experiment.data_root / 'occlusion' / 'test.csv')
    per_image = scored['per_image'].merge(occlusion, on='file_name')
    write_atomic(out / 'summary.csv', summary.to_csv(index=False, float_format='%.4f'))
    write_atomic(out / 'seeds.csv', seeds.to_csv(index=False, float_format='%.4f'))
    write_atomic(out / 'differences.csv', differences.to_csv(index=False, float_format='%.4f'))
    write_atomic(out / 'per_image.csv', per_image.to_csv(index=False, float_format='%.4f'))
    curves = pd.concat([pd.DataFrame(run['curves']) for run in evaluated.values()])
    write_atomic(out / 'curves.csv', curves.to_csv(index=False))
    copy_examples(experiment)
    experiment.write_provenance({
        'profile_settings': asdict(profile),
        'methods': {m: {'config': str(METHODS[m].config), 'spec': asdict(experiment.spec(m))}
                    for m in experiment.methods},
        'data_root': str(experiment.data_root),
        'seeds': {'data': profile.data_seed, 'training': list(experiment.seeds), 'clustering': 0,
                  'bootstrap': BOOTSTRAP_SEED},
        'selection_metric': f'validation {SELECTION_METRIC}',
        'budget': f'{profile.budget_note}; early stopping on validation {SELECTION_METRIC} '
                  f'(gain of at least {MIN_IMPROVEMENT})',
        'intervals': f'95 % percentile bootstrap over test images, {BOOTSTRAP_RESAMPLES} '
                     'resamples, the same for every method and seed (paired)',
        'kept_runs': str(experiment.runs.folder),
    }, ['generate'], kept={name: timing for run in evaluated.values()
                           for name, timing in run['stages'].items()})


def prepare(args: argparse.Namespace) -> SticksExperiment:
    """The experiment of ``args`` with its data generated; each model is trained (or found in
    the kept runs) when a test set first asks for it."""
    device = select_device(args.device)
    warn_if_busy()
    import baselines.maskrcnn  # noqa: F401  (registers the baseline's components in mmdet)

    experiment = SticksExperiment(args)
    profile = experiment.profile
    log(f'sticks, profile {args.profile}, seeds {list(experiment.seeds)}, methods '
        f'{list(experiment.methods)}, on {device}')
    experiment.generate('generate', experiment.data_root, profile.data, profile.splits,
                        profile.data_seed)
    return experiment


def run(args: argparse.Namespace) -> SticksExperiment:
    experiment = prepare(args)
    evaluated = experiment.test_set('test', experiment.data_root)
    summarise(experiment, evaluated)
    from paper_figures.sticks import draw_sticks_figures
    draw_sticks_figures(experiment.out)
    log(f'results in {experiment.out}')
    print((experiment.out / 'summary.md').read_text())
    return experiment
