"""Occluded / separated recall through mmdetection's metric, on generated sticks with known tags."""
import json

import cv2
import numpy as np
import pytest

from discseg.evaluation.mask_ap import encode_instances
from discseg.evaluation.occluded_separated import occluded_separated_recall
from discseg.synthetic.sticks import SticksConfig, write_dataset


@pytest.fixture(scope='module')
def crossed(tmp_path_factory):
    root = tmp_path_factory.mktemp('crossed') / 'data'
    config = SticksConfig(image_size=64, num_sticks=(3, 4), width=6, outline=1,
                          min_visible_area=30, crossing_fraction=1.0, crossing_offset=(-0.5, 0.5))
    write_dataset(root, config, {'test': 10}, seed=0, progress=False)
    return root


def ground_truth(root):
    names = sorted(path.name for path in (root / 'images' / 'test').glob('*.png'))
    maps = [cv2.imread(str(root / 'instances' / 'test' / name), cv2.IMREAD_UNCHANGED).astype(np.int64)
            for name in names]
    return names, maps


def recall(root, predictions, names):
    annotations = root / 'annotations'
    return occluded_separated_recall(predictions, names, annotations / 'test.json',
                                     annotations / 'test_occluded.json',
                                     annotations / 'test_separated.json')


def test_the_ground_truth_finds_every_tagged_stick_and_nothing_finds_none(crossed):
    names, maps = ground_truth(crossed)
    tagged = {tag: len(json.loads((crossed / 'annotations' / f'test_{tag}.json').read_text()))
              for tag in ('occluded', 'separated')}
    assert tagged['separated'] > 0 and tagged['occluded'] > 0  # crossings cut sticks or hide their ends
    perfect = recall(crossed, [encode_instances(m, np.ones(m.max())) for m in maps], names)
    assert perfect == {'occluded_recall': 1.0, 'separated_recall': 1.0,
                       'num_occluded': tagged['occluded'], 'num_separated': tagged['separated']}
    nothing = recall(crossed, [encode_instances(np.zeros_like(m), np.zeros(0)) for m in maps], names)
    assert nothing['occluded_recall'] == nothing['separated_recall'] == 0.0


def test_merging_a_cut_stick_with_its_crosser_loses_it(crossed):
    """One mask for the union of the sticks: its IoU with each stick is below 0.75."""
    names, maps = ground_truth(crossed)
    merged = [encode_instances((m > 0).astype(np.int64), np.ones(1)) for m in maps]
    assert recall(crossed, merged, names)['separated_recall'] == 0.0


def test_low_scores_do_not_count(crossed):
    names, maps = ground_truth(crossed)
    unsure = recall(crossed, [encode_instances(m, np.full(m.max(), 0.2)) for m in maps], names)
    assert unsure['separated_recall'] == 0.0  # below mmdetection's score_thr of 0.3
