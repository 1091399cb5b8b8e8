"""The experiment skeleton: training options of a spec, results folders, saved configs, provenance."""
import json
from pathlib import Path

from mmengine.config import Config

from reproduce.experiment import MIN_IMPROVEMENT, Experiment, default_results, training_options
from reproduce.profiles import TrainSpec, stopping_after_half
from reproduce.stages import digest

SPEC = TrainSpec(batch_size=8, max_iters=3800, val_interval=200, patience=4, num_workers=0)
STICKS_CONFIG = Path('reproduce/configs/sticks/discseg_unet_1xb8-4k_sticks.py')


def test_a_spec_sets_batch_budget_and_intervals_and_the_monitor_adds_early_stopping():
    assert training_options(SPEC) == {
        'train_dataloader.batch_size': 8, 'train_cfg.max_iters': 3800,
        'train_cfg.val_interval': 200, 'default_hooks.checkpoint.interval': 200,
        'default_hooks.logger.interval': 50}
    monitored = training_options(SPEC, monitor='sbd')
    assert monitored['default_hooks.checkpoint.save_best'] == 'sbd'
    assert monitored['default_hooks.checkpoint.rule'] == 'greater'
    assert monitored['custom_hooks'] == [dict(
        type='ResumableEarlyStoppingHook', monitor='sbd', rule='greater', patience=4,
        min_delta=MIN_IMPROVEMENT)]
    # Short validation intervals log at least once between validations.
    assert training_options(TrainSpec(1, 12, 6))['default_hooks.logger.interval'] == 1


def test_stopping_after_half_sets_the_hooks_begin_and_only_its_identity_changes():
    late = stopping_after_half(SPEC)
    assert late.min_iters == 1900
    hook, = training_options(late, monitor='sbd')['custom_hooks']
    assert hook['begin'] == 1900
    # A spec without the option keeps the identity it had before the option existed.
    assert SPEC.fingerprint() == {'batch_size': 8, 'max_iters': 3800, 'val_interval': 200,
                                  'patience': 4, 'num_workers': 0}
    assert digest({'spec': SPEC}) == digest({'spec': SPEC.fingerprint()})
    assert digest({'spec': late}) != digest({'spec': SPEC})


def test_results_folders_name_the_profile_and_what_else_differs(tmp_path):
    assert default_results('sticks', 'default') == Path('results/sticks')
    assert default_results('sticks', 'long', '-seeds-0-1-2') == \
        Path('results/sticks-long-seeds-0-1-2')
    assert Experiment('cvppp', 'cpu', tmp_path, None).out == Path('results/cvppp-cpu')


def test_training_configs_are_saved_with_the_results_and_named_in_the_provenance(tmp_path):
    experiment = Experiment('sticks', 'smoke', tmp_path / 'work', tmp_path / 'results')
    cfg = experiment.config('ours_seed3', STICKS_CONFIG, tmp_path / 'work' / 'ours',
                            data_root=tmp_path / 'data', seed=3, spec=SPEC, monitor='sbd')
    experiment.config(None, STICKS_CONFIG, tmp_path / 'work' / 'test', data_root=None, seed=3)
    experiment.write_provenance({'note': 'x'})

    assert sorted(p.name for p in (tmp_path / 'results' / 'configs').iterdir()) == ['ours_seed3.py']
    saved = Config.fromfile(str(tmp_path / 'results' / 'configs' / 'ours_seed3.py'))
    assert saved.train_cfg.max_iters == 3800 and saved.randomness.seed == 3
    assert saved.train_dataloader.dataset.data_root == str(tmp_path / 'data')
    assert saved.train_dataloader.num_workers == 0
    assert saved.to_dict() == cfg.to_dict()
    provenance = json.loads((tmp_path / 'results' / 'provenance.json').read_text())
    assert provenance['profile'] == 'smoke' and provenance['note'] == 'x'
    assert provenance['configs'] == {'ours_seed3': str(STICKS_CONFIG)}
    assert {'command', 'commit', 'machine', 'stages'} <= set(provenance)
