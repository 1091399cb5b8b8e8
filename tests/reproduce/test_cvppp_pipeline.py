"""`python -m reproduce cvppp` end to end on generated rosettes: train, validate, submit, report."""
import argparse
import json
import shutil
from pathlib import Path

import cv2
import h5py
import pandas as pd
import pytest
from mmengine.config import Config

from discseg.datasets.cvppp import find_plants, split_plants
from discseg.synthetic.rosettes import RosetteConfig, write_dataset
from paper_figures.cvppp import PAPER_TABLE1
from reproduce import cvppp
from reproduce.profiles import CVPPP_PROFILES
from reproduce.stages import StageInputsChanged

TINY = RosetteConfig(height=60, width=56, num_leaves=(3, 6))


def parse(*argv):
    parser = argparse.ArgumentParser()
    cvppp.add_arguments(parser)
    return parser.parse_args(list(map(str, argv)))


@pytest.fixture(scope='module')
def rosettes(tmp_path_factory):
    root = tmp_path_factory.mktemp('cvppp') / 'hdf5'
    write_dataset(root, 'hdf5', num_labelled=5, num_test=2, config=TINY, seed=0)
    return root


def test_without_data_it_says_the_user_must_bring_it():
    with pytest.raises(SystemExit, match='--demo') as error:
        cvppp.run(parse())
    assert 'plant-phenotyping.org' in str(error.value) and 'plantNNN_label.png' in str(error.value)


def test_a_wrong_data_root_fails_before_training(tmp_path):
    with pytest.raises(FileNotFoundError, match='Expected layout'):
        cvppp.run(parse('--data-root', tmp_path, '--work-dir', tmp_path / 'work'))
    assert not (tmp_path / 'work' / 'stages' / 'train.json').exists()


def test_smoke_run_end_to_end(rosettes, tmp_path):
    work, out = tmp_path / 'work', tmp_path / 'results'
    args = parse('--data-root', rosettes, '--profile', 'smoke', '--work-dir', work, '--results',
                 out, '--num-val', 2, '--max-iters', 1, '--num-workers', 0, '--device', 'cpu')
    cvppp.run(args)

    summary = pd.read_csv(out / 'summary.csv')
    assert list(summary['method']) == ['ours', 'ours', 'maskrcnn', 'maskrcnn']
    assert list(summary['mask_source']) == ['ground_truth', 'prediction'] * 2
    assert summary[['sbd', 'fg_dice']].apply(lambda c: c.between(0, 1)).all().all()
    assert (summary['iterations'] == 1).all() and (summary['num_val'] == 2).all()
    assert summary['postprocess_ms'].isna().tolist() == [False, False, True, True]

    split = json.loads((out / 'provenance.json').read_text())['split']
    expected = split_plants(find_plants(rosettes), num_val=2, seed=0)
    assert split['val'] == expected['val'] and split['train'] == expected['train']
    per_image = pd.read_csv(out / 'per_image.csv')
    assert len(per_image) == 8
    assert set(per_image.groupby(['method', 'mask']).size()) == {2}

    # Mask R-CNN minus ours, plant by plant, as per_image.csv has them.
    differences = pd.read_csv(out / 'differences.csv')
    assert sorted(zip(differences['mask'], differences['metric'])) == [
        ('given_fg', 'abs_dic'), ('given_fg', 'sbd'), ('own_fg', 'abs_dic'), ('own_fg', 'sbd')]
    for row in differences.itertuples():
        scores = per_image[per_image['mask'] == row.mask].assign(abs_dic=lambda f: f.dic.abs())
        by_plant = scores.pivot(index='img_path', columns='method', values=row.metric)
        assert row.difference == pytest.approx((by_plant['maskrcnn'] - by_plant['ours']).mean(),
                                               abs=1e-4)
        assert row.ci_low <= row.difference <= row.ci_high and row.plants == 2
    assert 'Mask R-CNN minus ours' in (out / 'table1.md').read_text()

    table = pd.read_csv(out / 'table1.csv')
    assert [name for name, _, _ in PAPER_TABLE1] == list(table['method'][:8])
    ours = table[table['source'] == 'summary.csv']
    assert len(ours) == 4 and ours['evaluated_on'].str.contains('validation').all()
    assert ours['method'].str.startswith('Mask R-CNN, this reproduction').sum() == 2
    markdown = (out / 'table1.md').read_text()
    assert '| Ours (paper) | A1 test (33 plants) | 84.2 | 1.0 |' in markdown
    assert 'SYNTHETIC' in markdown

    with h5py.File(out / 'submission_A1.h5') as submission:
        assert sorted(submission['A1']) == expected['test'] == ['plant001', 'plant007']
        assert submission['A1/plant001/label'].shape == (60, 56)  # the original size
    assert (out / 'figure5_cvppp.png').stat().st_size > 0
    for method in ('ours', 'maskrcnn'):
        assert sorted(p.stem for p in (out / 'examples' / method).iterdir()) == expected['val']
    for name in expected['val']:  # with the given fg masks, no leaf is predicted on the soil
        ours, truth = (cv2.imread(str(out / 'examples' / kind / f'{name}.png'),
                                  cv2.IMREAD_UNCHANGED) for kind in ('ours', 'ground_truth'))
        assert ours.shape == truth.shape == (60, 56) and not (ours[truth == 0]).any()

    records = {p.name: p.read_text() for p in (work / 'stages').iterdir()}
    cvppp.run(args)  # finished stages are skipped; the report is rewritten from their records
    assert {p.name: p.read_text() for p in (work / 'stages').iterdir()} == records

    # A run that resumes after its training stages (here: a validation redone) builds no Runner
    # before it reads the plants, and the last one left mmdet's scope: the same scores come back.
    (work / 'stages' / 'validate_ours_given_fg.json').unlink()
    shutil.rmtree(out / 'examples' / 'ours')
    cvppp.run(args)
    redone = json.loads((work / 'stages' / 'validate_ours_given_fg.json').read_text())
    before = json.loads(records['validate_ours_given_fg.json'])
    assert redone['output']['metrics'] == before['output']['metrics']
    assert sorted(p.stem for p in (out / 'examples' / 'ours').iterdir()) == expected['val']
    records = {p.name: p.read_text() for p in (work / 'stages').iterdir()}

    # The same work dir with other plants: stopped before anything is reused or trained.
    other = tmp_path / 'other-plants'
    shutil.copytree(rosettes, other)
    args.data_root = other
    with pytest.raises(StageInputsChanged, match=r"train_ours.*\['data'\] changed"):
        cvppp.run(args)
    assert {p.name: p.read_text() for p in (work / 'stages').iterdir()} == records


def test_differences_pair_plants_by_name_not_by_row():
    per_image = pd.DataFrame({
        'img_path': ['a', 'b', 'b', 'a'], 'method': ['ours', 'ours', 'maskrcnn', 'maskrcnn'],
        'mask': 'given_fg', 'sbd': [0.5, 0.7, 0.6, 0.9], 'dic': [1, -2, 0, 3]})
    rows = cvppp.differences(per_image).set_index('metric')
    assert rows.loc['sbd', 'difference'] == pytest.approx(((0.9 - 0.5) + (0.6 - 0.7)) / 2)
    assert rows.loc['abs_dic', 'difference'] == pytest.approx(((3 - 1) + (0 - 2)) / 2)
    assert (rows['method'] == 'maskrcnn').all() and (rows['plants'] == 2).all()
    with pytest.raises(ValueError, match='different plants'):
        cvppp.differences(per_image.drop(index=3))


def test_cpu_profile_configs_keep_the_given_fg_protocol_at_one_input_size():
    cpu = CVPPP_PROFILES['cpu']
    assert CVPPP_PROFILES['cpu-smoke'].configs == cpu.configs  # the tests run the same configs
    ours, maskrcnn = (Config.fromfile(cpu.configs[method]) for method in ('ours', 'maskrcnn'))
    sizes = {tuple(step[key]) for cfg in (ours, maskrcnn)
             for loader in ('train_dataloader', 'val_dataloader')
             for step in cfg[loader].dataset.pipeline for key in ('scale', 'crop_size')
             if key in step}
    assert sizes == {(256, 256)}
    # Both validate (and so stop early) with the challenge's fg; ours gives that mask's leftover
    # pixels to their nearest centre.
    assert ours.model.test_cfg.mask_source == 'ground_truth'
    assert ours.model.test_cfg.leftovers['ground_truth'] == 'nearest_centre'
    assert maskrcnn.val_evaluator.mask_source == 'ground_truth'
    assert set(cpu.methods) == {'ours', 'maskrcnn'}
    for spec in cpu.methods.values():
        assert spec.max_iters % spec.val_interval == 0
        assert spec.min_iters == spec.max_iters // 2  # early stopping in the second half only


def test_cpu_profile_end_to_end(rosettes, tmp_path):
    """The cpu profile at smoke size (profile cpu-smoke: its configs, a few iterations) on a few
    generated plants: budgets, early stopping, the last checkpoint reported, and the results
    folder of the other profiles."""
    work, out = tmp_path / 'work', tmp_path / 'results'
    cvppp.run(parse('--data-root', rosettes, '--profile', 'cpu-smoke', '--work-dir', work,
                    '--results', out, '--num-val', 1, '--num-workers', 0, '--device', 'cpu'))
    specs = CVPPP_PROFILES['cpu-smoke'].methods

    provenance = json.loads((out / 'provenance.json').read_text())
    assert provenance['configs'] == {method: str(path) for method, path in
                                     CVPPP_PROFILES['cpu'].configs.items()}
    assert provenance['budget']['maskrcnn']['max_iters'] == specs['maskrcnn'].max_iters
    assert provenance['budget']['ours']['num_workers'] == 0  # as run, not as the spec says
    summary = pd.read_csv(out / 'summary.csv')
    assert list(summary['method']) == ['ours', 'ours', 'maskrcnn', 'maskrcnn']
    curves = pd.read_csv(out / 'curves.csv')
    for method, spec in specs.items():
        cfg = Config.fromfile(out / 'configs' / f'{method}.py')
        assert (cfg.train_cfg.max_iters, cfg.train_cfg.val_interval,
                cfg.train_dataloader.batch_size) == (spec.max_iters, spec.val_interval,
                                                     spec.batch_size)
        [stopping] = [hook for hook in cfg.custom_hooks
                      if hook['type'] == 'ResumableEarlyStoppingHook']
        assert (stopping['monitor'], stopping['patience'], stopping['begin']) == (
            'sbd', spec.patience, spec.max_iters // 2)
        trained = json.loads((work / 'stages' / f'train_{method}.json').read_text())['output']
        assert Path(trained['checkpoint']).name == f"iter_{trained['iterations']}.pth"  # the last
        rows = summary[summary['method'] == method]
        assert (rows['iterations'] == trained['iterations']).all()
        assert (rows['batch_size'] == spec.batch_size).all()
        validated = curves[(curves['method'] == method) & (curves['key'] == 'sbd')]
        assert list(validated['step']) == list(range(spec.val_interval, trained['iterations'] + 1,
                                                     spec.val_interval))
        assert not curves[(curves['method'] == method) & (curves['key'] == 'loss')].empty
    markdown = (out / 'table1.md').read_text()
    assert "| Ours, this reproduction, challenge's fg masks |" in markdown
    assert "| Mask R-CNN, this reproduction, challenge's fg masks |" in markdown
    assert 'Profile `cpu-smoke`' in markdown
    for name in ('figure5_cvppp.png', 'training_curves.png'):
        assert (out / name).stat().st_size > 0


@pytest.mark.slow
def test_demo_smoke_profile(tmp_path):
    """The documented demo at its full smoke size (161 generated plants, 200 iterations of
    each method)."""
    args = parse('--demo', '--data-root', tmp_path / 'demo', '--profile', 'smoke', '--work-dir',
                 tmp_path / 'work', '--results', tmp_path / 'results', '--device', 'cpu')
    cvppp.run(args)
    summary = pd.read_csv(tmp_path / 'results' / 'summary.csv').set_index(['method', 'mask'])
    assert (summary['num_val'] == 28).all() and (summary['num_train'] == 100).all()
    assert summary.loc[('ours', 'given_fg'), 'sbd'] > 0.3  # even a short run separates leaves
    assert summary.loc[('maskrcnn', 'own_fg'), 'fg_dice'] > 0.3  # and finds plants
