"""Export to the official results format and scoring by cityscapesscripts, checked by hand.

One hand-made frame: two cars A and B (800 px each), a person P (600 px), a crowd region of cars
and a void strip. With every score 1.0 the official AP of a class is (from its code) the mean over
the ten IoU thresholds 0.50:0.05:0.95 of precision * recall at that single operating point, plus
an artificial point of precision 1 at recall 0 weighted by half the recall:
AP = recall * (precision + 1) / 2.
"""
import math
import os
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from cityscapesscripts.evaluation import evalInstanceLevelSemanticLabeling as cs_eval

from discseg.evaluation.cityscapes import (UNAVAILABLE, CityscapesInstanceMetric, evaluate,
                                           export_prediction)
from discseg.evaluation.cityscapes.__main__ import main

NAME = 'lindau_000000_000019'
CAR_A, CAR_B, PERSON = 26000, 26001, 24000


def frame() -> np.ndarray:
    ids = np.full((128, 256), 7, np.uint16)  # road
    ids[:20] = 23  # sky
    ids[120:] = 1  # ego vehicle: void
    ids[40:60, 10:50] = CAR_A
    ids[40:60, 60:100] = CAR_B
    ids[30:60, 120:140] = PERSON
    ids[40:60, 160:200] = 26  # crowd region (car group)
    return ids


@pytest.fixture
def ground_truth(tmp_path) -> Path:
    gt_dir = tmp_path / 'data' / 'gtFine' / 'val' / 'lindau'
    gt_dir.mkdir(parents=True)
    assert cv2.imwrite(str(gt_dir / f'{NAME}_gtFine_instanceIds.png'), frame())
    return gt_dir.parent


def submit(pred_dir: Path, masks: list[np.ndarray], label_ids: list[int], scores=None) -> None:
    scores = np.ones(len(masks)) if scores is None else scores
    export_prediction(pred_dir, f'{NAME}_leftImg8bit.png', np.stack(masks), label_ids, scores)


def the_ground_truth(ids: np.ndarray):
    instances = [CAR_A, CAR_B, PERSON]
    return [ids == i for i in instances], [i // 1000 for i in instances]


def test_ground_truth_as_prediction_scores_one(ground_truth, tmp_path):
    submit(tmp_path / 'pred', *the_ground_truth(frame()))
    result = evaluate(ground_truth, tmp_path / 'pred', tmp_path / 'out')
    assert result['AP'] == result['AP50'] == 1.0
    assert result['classes']['car'] == result['classes']['person'] == {'AP': 1.0, 'AP50': 1.0}
    assert math.isnan(result['classes']['bus']['AP'])  # no ground truth: undefined, not 0
    assert result['AP100m'] == result['AP50m'] == UNAVAILABLE
    assert result['num_images'] == 1


def test_missed_car_halves_car_recall(ground_truth, tmp_path):
    masks, labels = the_ground_truth(frame())
    submit(tmp_path / 'pred', [masks[0], masks[2]], [labels[0], labels[2]])
    result = evaluate(ground_truth, tmp_path / 'pred', tmp_path / 'out')
    # car: recall 1/2, precision 1 -> 1/2 * (1 + 1) / 2 = 0.5; person 1.0.
    assert result['classes']['car']['AP'] == pytest.approx(0.5)
    assert result['AP'] == pytest.approx(0.75)


def test_iou_078_matches_six_of_the_ten_thresholds(ground_truth, tmp_path):
    masks, labels = the_ground_truth(frame())
    shrunk = np.zeros_like(masks[2])
    shrunk[30:56, 120:138] = True  # 26 x 18 = 468 of the person's 30 x 20 = 600 px
    assert (shrunk & masks[2]).sum() / (shrunk | masks[2]).sum() == pytest.approx(0.78)
    submit(tmp_path / 'pred', [masks[0], masks[1], shrunk], labels)
    result = evaluate(ground_truth, tmp_path / 'pred', tmp_path / 'out')
    # IoU 0.78 exceeds 0.50, ..., 0.75: AP 1 there; above, a false positive and a miss: AP 0.
    assert result['classes']['person'] == {'AP': pytest.approx(0.6), 'AP50': 1.0}
    assert result['AP'] == pytest.approx(0.8)


@pytest.mark.parametrize('where,car_ap', [
    ('road', 5 / 6),  # false positive: precision 2/3, recall 1 -> (2/3 + 1) / 2
    ('crowd', 1.0),  # on a crowd region: ignored, as the benchmark defines
])
def test_extra_prediction_is_a_false_positive_unless_on_a_crowd_region(ground_truth, tmp_path,
                                                                       where, car_ap):
    ids = frame()
    masks, labels = the_ground_truth(ids)
    extra = ids == 26 if where == 'crowd' else np.zeros_like(masks[0])
    if where == 'road':
        extra[70:90, 10:50] = True
    submit(tmp_path / 'pred', masks + [extra], labels + [26])
    result = evaluate(ground_truth, tmp_path / 'pred', tmp_path / 'out')
    assert result['classes']['car']['AP'] == pytest.approx(car_ap)


def snapshot(folder: Path) -> dict:
    return {path: path.stat().st_mtime_ns for path in folder.rglob('*')}


def test_files_only_in_the_output_folder_and_no_stale_cache(ground_truth, tmp_path, monkeypatch):
    working = tmp_path / 'cwd'
    working.mkdir()
    monkeypatch.chdir(working)
    submit(tmp_path / 'pred', *the_ground_truth(frame()))
    data, predictions = snapshot(tmp_path / 'data'), snapshot(tmp_path / 'pred')
    site_cache = Path(cs_eval.args.gtInstancesFile)  # the module's default, in site-packages
    site_cache_before = site_cache.exists() and site_cache.stat().st_mtime_ns
    evaluate(ground_truth, tmp_path / 'pred', tmp_path / 'out')
    assert snapshot(tmp_path / 'data') == data
    assert snapshot(tmp_path / 'pred') == predictions
    assert list(working.iterdir()) == [] and Path.cwd() == working
    # Neither created nor touched (it may exist: cityscapesscripts' own command writes it there).
    assert (site_cache.exists() and site_cache.stat().st_mtime_ns) == site_cache_before
    assert sorted(p.name for p in (tmp_path / 'out').iterdir()) == [
        'gtInstances.json', 'matches.json', 'results.json']

    # The ground truth changes (a third car appears): a reused cache would still say AP 1.0.
    ids = frame()
    ids[70:90, 210:250] = 26002
    cv2.imwrite(str(ground_truth / 'lindau' / f'{NAME}_gtFine_instanceIds.png'), ids)
    result = evaluate(ground_truth, tmp_path / 'pred', tmp_path / 'out')
    assert result['classes']['car']['AP'] == pytest.approx(2 / 3)  # recall 2/3, precision 1


def test_export_replaces_an_earlier_export_of_the_image(tmp_path):
    masks, labels = the_ground_truth(frame())
    submit(tmp_path, masks, labels)
    submit(tmp_path, masks[:1], labels[:1])
    lines = (tmp_path / f'{NAME}_pred.txt').read_text().splitlines()
    assert lines == [f'masks/{NAME}_0000.png 26 1.000000']
    assert [p.name for p in (tmp_path / 'masks').iterdir()] == [f'{NAME}_0000.png']
    written = cv2.imread(str(tmp_path / 'masks' / f'{NAME}_0000.png'), cv2.IMREAD_UNCHANGED)
    np.testing.assert_array_equal(written > 0, masks[0])


def test_missing_prediction_is_an_error_not_an_exit(ground_truth, tmp_path):
    (tmp_path / 'pred').mkdir()
    with pytest.raises(RuntimeError, match='Found no prediction'):
        evaluate(ground_truth, tmp_path / 'pred', tmp_path / 'out')


def test_metric_scores_our_samples_and_mmdetection_samples_alike(ground_truth, tmp_path):
    ids = frame()
    image_path = str(ground_truth.parent.parent / 'leftImg8bit' / 'val' / 'lindau'
                     / f'{NAME}_leftImg8bit.png')
    instance_map = np.select([ids == CAR_A, ids == CAR_B, ids == PERSON], [1, 2, 3], 0)
    ours = {  # class indices 1..8 (car 3, person 1), ids 1..K
        'img_path': image_path,
        'seg_map_path': str(ground_truth / 'lindau' / f'{NAME}_gtFine_instanceIds.png'),
        'pred_instance_map': {'data': torch.from_numpy(instance_map)[None]},
        'pred_instances': {'labels': torch.tensor([3, 3, 1]), 'scores': torch.ones(3)},
    }
    masks, _ = the_ground_truth(ids)
    mmdet = {  # class indices 0..7, overlapping masks, ground truth found from img_path
        'img_path': image_path,
        'pred_instances': {'masks': torch.from_numpy(np.stack(masks)),
                           'labels': torch.tensor([2, 2, 0]), 'scores': torch.ones(3)},
    }
    for name, sample in (('ours', ours), ('mmdet', mmdet)):
        metric = CityscapesInstanceMetric(output_dir=str(tmp_path / name))
        metric.process({}, [sample])
        metrics = metric.compute_metrics(metric.results)
        assert metrics['AP'] == metrics['car_AP'] == metrics['person_AP'] == 1.0, name
        assert metrics['AP50m'] == UNAVAILABLE
        assert (tmp_path / name / 'predictions' / f'{NAME}_pred.txt').exists()
        assert (tmp_path / name / 'evaluation' / 'results.json').exists()


def test_command_scores_a_folder(ground_truth, tmp_path, capsys):
    submit(tmp_path / 'pred', *the_ground_truth(frame()))
    main(['--gt', str(ground_truth), '--pred', str(tmp_path / 'pred'),
          '--out', str(tmp_path / 'out')])
    printed = capsys.readouterr().out
    assert 'average        100.0   100.0' in printed and 'AP100m: unavailable' in printed
    assert os.path.isfile(tmp_path / 'out' / 'results.json')
