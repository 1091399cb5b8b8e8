"""The sticks tables' statistics on hand-made runs: std over seeds, intervals and paired
differences by their definitions, perfect and empty predictions at their known mask AP."""
import numpy as np
import pytest

from discseg.datasets.label_maps import read_label_png
from discseg.evaluation.mask_ap import encode_instances
from discseg.synthetic.sticks import SticksConfig, write_dataset

from reproduce.sticks_statistics import aggregate, score_test_set

NAMES = {'ours': 'Ours', 'baseline': 'Baseline'}


@pytest.fixture(scope='module')
def test_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('stats') / 'sticks'
    write_dataset(root, SticksConfig(image_size=64, num_sticks=(2, 4), width=6, outline=1,
                                     min_visible_area=30, crossing_fraction=0.5),
                  {'test': 12}, seed=0, progress=False)
    return root


def run_of(root, sbd: np.ndarray, predict: str) -> dict:
    """A run with per-image SBD ``sbd``, predicting the ground truth ('truth') or nothing."""
    files = sorted((root / 'instances' / 'test').glob('*.png'))
    predictions = {}
    for path in files:
        truth = read_label_png(path)
        ids = np.unique(truth[truth > 0])
        remapped = np.searchsorted(ids, truth) + 1 if predict == 'truth' else np.zeros_like(truth)
        remapped[truth == 0] = 0
        predictions[path.name] = encode_instances(remapped.astype(np.int32),
                                                  np.ones(len(ids))).to_json()
    per_image = [{'file_name': path.name, 'sbd': value, 'dic': 1.0 - 2 * (i % 2), 'fg_dice': 1.0}
                 for i, (path, value) in enumerate(zip(files, sbd))]
    return {'evaluation': {'metrics': {'sbd': float(np.mean(sbd)), 'abs_dic': 1.0,
                                       'mask_ap': 1.0 if predict == 'truth' else 0.0,
                                       'mask_ap50': 1.0 if predict == 'truth' else 0.0},
                           'network_ms': 1.0, 'postprocess_ms': 1.0, 'per_image': per_image,
                           'predictions': predictions}}


@pytest.fixture(scope='module')
def scored(test_root):
    sbd = np.linspace(0.5, 1.0, 12)
    evaluated = {('ours', 0): run_of(test_root, sbd, 'truth'),
                 ('ours', 1): run_of(test_root, sbd - 0.2, 'truth'),
                 ('baseline', 0): run_of(test_root, sbd - 0.3, 'nothing'),
                 ('baseline', 1): run_of(test_root, sbd - 0.3, 'nothing')}
    return sbd, score_test_set(evaluated, test_root), evaluated


def test_perfect_and_empty_predictions_have_their_mask_ap_on_every_resample(scored):
    _, result, _ = scored
    assert np.all(result['draws'][('ours', 'mask_ap')] == 1.0)
    assert np.all(result['draws'][('baseline', 'mask_ap')] == 0.0)


def test_std_is_over_seeds_and_intervals_cover_the_mean(scored):
    sbd, result, _ = scored
    summary, _ = aggregate(result, NAMES)
    ours = summary.set_index('method').loc['ours']
    assert ours['name'] == 'Ours' and ours['seeds'] == 2
    assert ours['sbd'] == pytest.approx(sbd.mean() - 0.1)
    assert ours['sbd_std'] == pytest.approx(np.std([sbd.mean(), sbd.mean() - 0.2], ddof=1))
    assert ours['sbd_ci_low'] < sbd.mean() - 0.1 < ours['sbd_ci_high']
    assert ours['abs_dic_ci_low'] == ours['abs_dic_ci_high'] == pytest.approx(1.0)


def test_differences_are_paired_over_images(scored):
    """The baseline's images score 0.2 below ours' mean over seeds, image by image: the paired
    interval is that one number, however much the images differ from each other."""
    sbd, result, _ = scored
    summary, differences = aggregate(result, NAMES)
    row = differences.set_index(['method', 'metric']).loc[('baseline', 'sbd')]
    assert row['minus_ours'] == pytest.approx(-0.2)
    assert row['ci_low'] == pytest.approx(-0.2) and row['ci_high'] == pytest.approx(-0.2)
    assert row['significant']
    unpaired = summary.set_index('method').loc['ours']
    assert unpaired['sbd_ci_high'] - unpaired['sbd_ci_low'] > 0.05
    assert set(differences.method) == {'baseline'}


def test_without_ours_there_are_no_differences(scored, test_root):
    _, _, evaluated = scored
    only_baseline = {key: run for key, run in evaluated.items() if key[0] == 'baseline'}
    _, differences = aggregate(score_test_set(only_baseline, test_root), {'baseline': 'B'})
    assert differences.empty


def test_perfect_predictions_recall_every_tagged_stick_and_empty_ones_none(scored):
    _, result, _ = scored
    seeds = result['seeds'].set_index(['method', 'seed'])
    assert seeds.loc[('ours', 0), 'num_occluded'] > 0
    assert seeds.loc[('ours', 0), 'occluded_recall'] == pytest.approx(1.0)
    assert seeds.loc[('baseline', 0), 'occluded_recall'] == pytest.approx(0.0)
