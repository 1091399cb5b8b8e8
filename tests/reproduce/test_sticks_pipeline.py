"""The sticks experiment's smoke profile end to end: every method trained per seed, scored with
intervals and drawn; the same numbers from a second fresh run; the occlusion sweep on the same
models; bad axes and levels refused."""
import csv
import dataclasses
import gzip
import json
import shutil

import cv2
import pandas as pd
import pytest

from discseg.evaluation.mask_ap import EncodedInstances

from reproduce.__main__ import main
from reproduce.profiles import STICKS_PROFILES
from reproduce.sticks_sweep import example_images

SUMMARY_COLUMNS = {'method', 'seeds', 'sbd', 'sbd_std', 'sbd_ci_low', 'sbd_ci_high', 'abs_dic',
                   'mask_ap', 'mask_ap_ci_low', 'mask_ap50', 'occluded_recall',
                   'separated_recall', 'network_ms', 'iterations'}
# Columns that measure time: the only ones two runs of one command may differ in.
TIMING = ('network_ms', 'postprocess_ms', 'train_seconds', 'iterations_per_second')
SEEDS = ['0', '1']


def run_smoke(root, *extra):
    args = ['sticks', '--profile', 'smoke', '--device', 'cpu', '--data-dir', str(root / 'data'),
            '--work-dir', str(root / 'work'), '--results', str(root / 'results'), *extra]
    main(args)
    return args


@pytest.fixture(scope='module')
def smoke_run(tmp_path_factory):
    root = tmp_path_factory.mktemp('sticks_smoke')
    return root, run_smoke(root, '--seeds', *SEEDS)


def test_summary_has_every_method_with_intervals_and_provenance(smoke_run):
    root, _ = smoke_run
    summary = pd.read_csv(root / 'results' / 'summary.csv')
    assert set(summary.method) == {'ours', 'maskrcnn'}
    assert SUMMARY_COLUMNS <= set(summary.columns)
    assert (summary.seeds == len(SEEDS)).all()
    for metric in ('sbd', 'mask_ap', 'mask_ap50'):
        assert summary[metric].between(0, 1).all()
        assert (summary[f'{metric}_ci_low'] <= summary[f'{metric}_ci_high']).all()
    seeds = pd.read_csv(root / 'results' / 'seeds.csv')
    assert sorted(zip(seeds.method, seeds.seed)) == sorted(
        (m, int(s)) for m in ('ours', 'maskrcnn') for s in SEEDS)
    # the iteration budget is honoured exactly (the smoke profile's patience never stops early)
    for method, spec in STICKS_PROFILES['smoke'].methods.items():
        rows = seeds[seeds.method == method]
        assert set(rows.iterations[rows.stopped_by == 'iteration budget']) <= {spec.max_iters}
    differences = pd.read_csv(root / 'results' / 'differences.csv')
    assert set(differences.metric) == {'sbd', 'abs_dic', 'mask_ap', 'mask_ap50'}
    provenance = json.loads((root / 'results' / 'provenance.json').read_text())
    assert {'command', 'profile', 'seeds', 'commit', 'machine', 'stages'} <= set(provenance)
    assert provenance['seeds']['training'] == [int(s) for s in SEEDS]
    assert {'train_ours_seed1', 'evaluate_maskrcnn_seed0_test'} <= set(provenance['stages'])
    assert provenance['command'].startswith('python -m pytest') or 'sticks' in provenance['command']
    for name in ('figure4_sticks.png', 'training_curves.png', 'summary.md', 'per_image.csv',
                 'curves.csv'):
        assert (root / 'results' / name).stat().st_size > 0


def test_rerun_skips_finished_stages(smoke_run, capsys):
    root, args = smoke_run
    stage_files = sorted((root / 'work' / 'smoke' / 'stages').glob('*.json'))
    before = {path: path.read_text() for path in stage_files}
    main(args)
    assert {path: path.read_text() for path in stage_files} == before
    err = capsys.readouterr().err
    assert ': started' not in err
    assert err.count('skipped') == 1  # the data; every run is kept with the results
    assert err.count('reused') == 2 * len(SEEDS)


def test_a_fresh_run_of_one_seed_gives_the_same_numbers(smoke_run, tmp_path):
    """Seed 0 from a new folder: every score equal to the two-seed run's seed 0, timings aside."""
    root, _ = smoke_run
    run_smoke(tmp_path, '--seeds', '0')
    first = pd.read_csv(root / 'results' / 'seeds.csv')
    again = pd.read_csv(tmp_path / 'results' / 'seeds.csv')
    first = first[first.seed == 0].drop(columns=list(TIMING)).reset_index(drop=True)
    pd.testing.assert_frame_equal(again.drop(columns=list(TIMING)), first)
    per_image = pd.read_csv(root / 'results' / 'per_image.csv')
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / 'results' / 'per_image.csv'),
                                  per_image[per_image.seed == 0].reset_index(drop=True))


def in_a_new_session(smoke_run, tmp_path):
    """The smoke run's arguments with its work dir gone and its results folder (the committed
    one, with its kept runs) copied."""
    root, args = smoke_run
    shutil.copytree(root / 'results', tmp_path / 'results')
    fresh = [*args]
    fresh[fresh.index('--work-dir') + 1] = str(tmp_path / 'work')
    fresh[fresh.index('--results') + 1] = str(tmp_path / 'results')
    return fresh


def test_a_new_session_reuses_the_kept_runs_and_trains_nothing(smoke_run, tmp_path):
    root, _ = smoke_run
    main(in_a_new_session(smoke_run, tmp_path))
    assert not list((tmp_path / 'work' / 'smoke' / 'stages').glob('train_*.json'))
    assert not list((tmp_path / 'work' / 'smoke' / 'stages').glob('evaluate_*.json'))
    for name in ('seeds.csv', 'per_image.csv', 'summary.csv', 'differences.csv', 'curves.csv'):
        pd.testing.assert_frame_equal(pd.read_csv(tmp_path / 'results' / name),
                                      pd.read_csv(root / 'results' / name), obj=name)
    provenance = json.loads((tmp_path / 'results' / 'provenance.json').read_text())
    assert {'train_ours_seed1', 'evaluate_maskrcnn_seed0_test'} <= set(provenance['stages'])


def test_a_kept_run_of_other_inputs_is_refused(smoke_run, tmp_path):
    fresh = in_a_new_session(smoke_run, tmp_path)
    kept = tmp_path / 'results' / 'runs' / 'ours_seed1_test.json.gz'
    record = json.loads(gzip.decompress(kept.read_bytes()))
    record['identity']['model']['spec']['max_iters'] += 1
    kept.write_bytes(gzip.compress(json.dumps(record).encode()))
    from reproduce.stages import StageInputsChanged
    with pytest.raises(StageInputsChanged, match="ours_seed1_test.json.gz keeps a run of other "
                                                 "inputs: \\['model'\\]"):
        main(fresh)


def test_a_changed_data_dir_with_the_same_work_dir_is_refused(smoke_run, tmp_path):
    root, args = smoke_run
    changed = [*args]
    changed[changed.index('--data-dir') + 1] = str(tmp_path / 'other-data')
    from reproduce.stages import StageInputsChanged
    with pytest.raises(StageInputsChanged, match='generate'):
        main(changed)


def test_a_new_results_folder_is_filled_from_the_work_dir(smoke_run, tmp_path):
    root, args = smoke_run
    moved = [*args]
    moved[moved.index('--results') + 1] = str(tmp_path / 'elsewhere')
    main(moved)
    assert (tmp_path / 'elsewhere' / 'figure4_sticks.png').stat().st_size > 0


@pytest.mark.parametrize('extra,message', [
    (['--axis', 'wobble'], 'valid axes: crossing_fraction'),
    (['--axis', 'density', '--levels', '2'], 'look like 2,2 5,6'),
    (['--axis', 'crossing_position', '--levels', '0.2,0.9'], 'crossing_offset must satisfy'),
    (['--axis', 'width', 'density', '--levels', '4'], 'exactly one --axis'),
])
def test_bad_axes_and_levels_are_refused_before_training(tmp_path, extra, message):
    args = ['sticks-sweep', '--profile', 'smoke', '--device', 'cpu', '--data-dir',
            str(tmp_path / 'data'), '--work-dir', str(tmp_path / 'work'), *extra]
    with pytest.raises(SystemExit, match=message):
        main(args)
    assert not (tmp_path / 'work').exists()


def test_sweep_examples_are_the_images_with_the_most_crossings(tmp_path):
    (tmp_path / 'occlusion').mkdir()
    (tmp_path / 'occlusion' / 'test.csv').write_text(
        'file_name,num_crossings\n00000.png,0\n00001.png,2\n00002.png,1\n00003.png,2\n'
        '00004.png,1\n')
    assert example_images(tmp_path, 2) == ['00001.png', '00003.png']
    assert example_images(tmp_path, 3) == ['00001.png', '00002.png', '00003.png']  # a tie: by name


def test_sweep_changes_only_its_axis_and_measures_it(smoke_run):
    """Runs last: it adds the sweep's stages to the work dir of the runs above."""
    root, args = smoke_run
    trained = {path.name: path.read_text()
               for path in (root / 'work' / 'smoke' / 'stages').glob('train_*.json')}
    main(['sticks-sweep', *args[1:], '--axis', 'crossing_fraction', 'crossing_position'])
    assert {path.name: path.read_text()
            for path in (root / 'work' / 'smoke' / 'stages').glob('train_*.json')} == trained
    profile = STICKS_PROFILES['smoke']
    sweep = pd.read_csv(root / 'results' / 'sweep_crossing_fraction.csv', dtype={'level': str})
    assert set(sweep.method) == {'ours', 'maskrcnn'}
    assert (sweep.images == profile.sweep_test_size).all() and (sweep.seeds == 2).all()
    overlap = sweep[sweep.method == 'ours'].set_index('level').mean_box_iou
    assert overlap['1.0'] > overlap['0.0']  # forced crossings are measured as overlap
    position = pd.read_csv(root / 'results' / 'sweep_crossing_position.csv', dtype={'level': str})
    assert list(position.level.unique()) == ['0.0,0.05', '0.45,0.5']
    for axis in ('crossing_fraction', 'crossing_position'):
        assert (root / 'results' / f'sweep_{axis}.png').stat().st_size > 0
        assert (root / 'results' / f'sweep_{axis}.md').read_text().startswith('| level |')
        provenance = json.loads((root / 'results' / f'sweep_{axis}_provenance.json').read_text())
        assert provenance['axis'] == axis and provenance['training_seeds'] == [0, 1]
        assert (root / 'results' / f'sweep_{axis}_examples.png').stat().st_size > 0
    # The examples: per level in level order, its two test images with the most crossings (ties:
    # the first by name), every column the same rows, ground truths the generator's maps and
    # ours' maps the kept predictions of seed 0.
    examples = root / 'results' / 'sweep_crossing_fraction_examples'
    rows = sorted(path.name for path in (examples / 'input').iterdir())
    levels = profile.sweep_levels['crossing_fraction']
    shown_images = {}
    for level in levels:
        with open(root / 'data' / 'smoke-sweep' / f'crossing_fraction-{level:.2f}' /
                  'occlusion' / 'test.csv') as f:
            crossings = {row['file_name']: int(row['num_crossings']) for row in csv.DictReader(f)}
        ranked = sorted(crossings, key=lambda name: (-crossings[name], name))
        shown_images[level] = sorted(ranked[:2])
        assert min(crossings[name] for name in ranked[:2]) >= max(crossings[name]
                                                                  for name in ranked[2:])
    assert rows == [f'{index:02d}-crossing_fraction-{level:.2f}-{image}'
                    for index, level in enumerate(levels) for image in shown_images[level]]
    image = shown_images[1.0][0]
    row = f'{levels.index(1.0):02d}-crossing_fraction-1.00-{image}'
    for column in ('ground_truth', 'ours', 'maskrcnn'):
        assert sorted(path.name for path in (examples / column).iterdir()) == rows
    level = root / 'data' / 'smoke-sweep' / 'crossing_fraction-1.00'
    truth = cv2.imread(str(level / 'instances' / 'test' / image), cv2.IMREAD_UNCHANGED)
    shown = cv2.imread(str(examples / 'ground_truth' / row), cv2.IMREAD_UNCHANGED)
    assert (truth == shown).all()
    with gzip.open(root / 'results' / 'runs' / 'ours_seed0_crossing_fraction-1.00.json.gz') as f:
        kept = json.load(f)['run']['evaluation']['predictions'][image]
    predicted = EncodedInstances.from_json(kept).masks()
    shown = cv2.imread(str(examples / 'ours' / row), cv2.IMREAD_UNCHANGED)
    assert {tuple((shown == i).ravel()) for i in range(1, shown.max() + 1)} == \
        {tuple(mask.ravel()) for mask in predicted}  # ours: disjoint masks, all shown


def test_a_method_without_a_budget_in_the_profile_is_refused(tmp_path, monkeypatch):
    profile = STICKS_PROFILES['default']
    monkeypatch.setitem(STICKS_PROFILES, 'default', dataclasses.replace(
        profile, methods={m: profile.methods[m] for m in ('ours', 'maskrcnn')}))
    with pytest.raises(SystemExit, match="no budget for \\['mask2former'\\]"):
        main(['sticks', '--profile', 'default', '--methods', 'ours', 'mask2former', '--device',
              'cpu', '--data-dir', str(tmp_path / 'data'), '--work-dir', str(tmp_path / 'work')])


@pytest.mark.slow
def test_box_free_baselines_go_through_the_same_stages(tmp_path):
    run_smoke(tmp_path, '--methods', 'ours', 'maskrcnn', 'mask2former', 'solov2')
    summary = pd.read_csv(tmp_path / 'results' / 'summary.csv')
    assert list(summary.method) == ['ours', 'maskrcnn', 'mask2former', 'solov2']
    differences = pd.read_csv(tmp_path / 'results' / 'differences.csv')
    assert set(differences.method) == {'maskrcnn', 'mask2former', 'solov2'}
    for method in ('mask2former', 'solov2'):
        assert len(list((tmp_path / 'results' / 'examples' / method).glob('*.png'))) == 2
