import json

import numpy as np
import pytest
import torch
from mmengine.evaluator import Evaluator
from mmengine.structures import InstanceData, PixelData
from mmseg.registry import METRICS
from mmseg.structures import SegDataSample
from pycocotools import mask as mask_utils

from discseg.evaluation import InstanceSegMetric
from discseg.evaluation.mask_ap import EncodedInstances


def as_map(rows):
    return torch.tensor(rows, dtype=torch.long)[None]


# Image A: two leaves predicted exactly, with their ids swapped; SBD 1, DiC 0, foreground Dice 1.
GT_A = as_map([[1, 1, 0, 0, 5, 5],
               [1, 1, 0, 0, 5, 5],
               [0, 0, 0, 0, 0, 0],
               [0, 0, 0, 0, 0, 0]])
PRED_A = as_map([[2, 2, 0, 0, 1, 1],
                 [2, 2, 0, 0, 1, 1],
                 [0, 0, 0, 0, 0, 0],
                 [0, 0, 0, 0, 0, 0]])
SCORES_A = [0.9, 0.8]
# Image B: one 12-px leaf; prediction 1 covers 10 px of it, prediction 2 is 2 px of background.
# Dice(1, leaf) = 20/22 = 10/11 (IoU 10/12 = 0.83), Dice(2, leaf) = 0.
# BestDice(pred, gt) = (10/11 + 0)/2 = 5/11, BestDice(gt, pred) = 10/11 -> SBD 5/11.
# DiC = 2 - 1 = +1. Foreground: 12 px each, 10 shared -> 20/24 = 5/6.
GT_B = as_map([[1, 1, 1, 1, 1, 1],
               [1, 1, 1, 1, 1, 1],
               [0, 0, 0, 0, 0, 0],
               [0, 0, 0, 0, 0, 0]])
PRED_B = as_map([[0, 1, 1, 1, 1, 1],
                 [0, 1, 1, 1, 1, 1],
                 [0, 2, 2, 0, 0, 0],
                 [0, 0, 0, 0, 0, 0]])
SCORES_B = [0.7, 0.6]
# Image C: one leaf, nothing predicted; SBD 0, DiC -1, foreground Dice 0.
GT_C = as_map([[0, 0, 0, 0, 0, 0],
               [0, 3, 3, 0, 0, 0],
               [0, 3, 3, 0, 0, 0],
               [0, 0, 0, 0, 0, 0]])
PRED_C = torch.zeros_like(GT_C)
SCORES_C = []

# Means over the three images:
#   SBD (1 + 5/11 + 0)/3 = 16/33, DiC (0 + 1 - 1)/3 = 0, |DiC| (0 + 1 + 1)/3 = 2/3,
#   foreground Dice (1 + 5/6 + 0)/3 = 11/18.
# Mask AP over 4 ground-truth leaves, detections ranked 0.9 (TP), 0.8 (TP), 0.7 (B1), 0.6 (FP):
#   IoU thresholds 0.50..0.80 (7 of them) accept B1: recall reaches 3/4 at precision 1, so the
#   recall thresholds 0, 0.01, ..., 0.75 (76 of 101) score 1 -> AP 76/101.
#   IoU thresholds 0.85, 0.90, 0.95 reject B1: recall reaches 2/4 -> 51/101.
#   AP@[.5:.95] = (7 * 76 + 3 * 51) / (10 * 101) = 685/1010; AP@.5 = 76/101.
EXPECTED = {
    'sbd': 16 / 33,
    'dic': 0.0,
    'abs_dic': 2 / 3,
    'fg_dice': 11 / 18,
    'mask_ap': 685 / 1010,
    'mask_ap50': 76 / 101,
}
IMAGES = [('a.png', PRED_A, SCORES_A, GT_A), ('b.png', PRED_B, SCORES_B, GT_B),
          ('c.png', PRED_C, SCORES_C, GT_C)]


def sample_dict(img_path, pred, scores, gt):
    """A data sample as the evaluator hands it to a metric: ``SegDataSample.to_dict()``."""
    return {
        'img_path': img_path,
        'pred_instance_map': {'data': pred},
        'pred_instances': {
            'scores': torch.tensor(scores, dtype=torch.float32),
            'labels': torch.zeros(len(scores), dtype=torch.long),
        },
        'gt_instance_map': {'data': gt},
    }


def test_process_and_compute_metrics_on_hand_computed_images():
    metric = InstanceSegMetric()
    metric.process({}, [sample_dict(*image) for image in IMAGES[:2]])
    metric.process({}, [sample_dict(*IMAGES[2])])

    assert metric.compute_metrics(metric.results) == pytest.approx(EXPECTED)
    assert [image['img_path'] for image in metric.per_image] == ['a.png', 'b.png', 'c.png']
    assert [image['dic'] for image in metric.per_image] == [0, 1, -1]
    assert [image['sbd'] for image in metric.per_image] == pytest.approx([1.0, 5 / 11, 0.0])
    assert [image['fg_dice'] for image in metric.per_image] == pytest.approx([1.0, 5 / 6, 0.0])


def test_per_image_file_holds_each_images_scores_and_prediction(tmp_path):
    path = tmp_path / 'eval' / 'per_image.json'
    metric = InstanceSegMetric(per_image_file=str(path))
    metric.process({}, [sample_dict(*image) for image in IMAGES])
    metric.compute_metrics(metric.results)

    images = json.loads(path.read_text())
    assert [image['img_path'] for image in images] == ['a.png', 'b.png', 'c.png']
    assert [image['dic'] for image in images] == [0, 1, -1]
    assert [image['sbd'] for image in images] == pytest.approx([1.0, 5 / 11, 0.0])
    # Image A's prediction: ids 1 and 2 with their scores, decoding to the predicted map.
    prediction = EncodedInstances.from_json(images[0]['prediction'])
    np.testing.assert_allclose(prediction.scores, SCORES_A)
    decoded = mask_utils.decode(prediction.rles).transpose(2, 0, 1)
    np.testing.assert_array_equal(decoded, [PRED_A[0].numpy() == 1, PRED_A[0].numpy() == 2])


def test_metric_is_registered_and_reads_data_samples_through_the_evaluator():
    evaluator = Evaluator(METRICS.build(dict(type='InstanceSegMetric')))
    data_samples = []
    for img_path, pred, scores, gt in IMAGES:
        data_sample = SegDataSample(metainfo=dict(img_path=img_path))
        data_sample.pred_instance_map = PixelData(data=pred)
        data_sample.pred_instances = InstanceData(scores=torch.tensor(scores),
                                                  labels=torch.zeros(len(scores), dtype=torch.long))
        data_sample.gt_instance_map = PixelData(data=gt)
        data_samples.append(data_sample)

    evaluator.process(data_samples)
    assert evaluator.evaluate(len(data_samples)) == pytest.approx(EXPECTED)


def test_ap_can_be_turned_off_and_then_needs_no_scores():
    metric = InstanceSegMetric(compute_ap=False)
    samples = [sample_dict(*image) for image in IMAGES]
    for sample in samples:
        del sample['pred_instances']
    metric.process({}, samples)

    expected = {key: value for key, value in EXPECTED.items() if not key.startswith('mask_ap')}
    assert metric.compute_metrics(metric.results) == pytest.approx(expected)


def test_multi_channel_maps_are_rejected():
    sample = sample_dict('a.png', PRED_A.repeat(2, 1, 1), SCORES_A, GT_A)
    with pytest.raises(ValueError, match=r'pred_instance_map of a\.png must be an \(H, W\) map'):
        InstanceSegMetric().process({}, [sample])


def test_results_keep_encoded_instances_not_maps():
    metric = InstanceSegMetric()
    metric.process({}, [sample_dict(*IMAGES[0])])
    result = metric.results[0]
    assert not any(isinstance(value, (np.ndarray, torch.Tensor)) for value in result.values())
    assert len(result['prediction'].rles) == len(result['ground_truth'].rles) == 2


def test_uint16_maps_from_16bit_pngs_score_like_int64_maps():
    """``torch.from_numpy`` of a 16-bit PNG gives torch.uint16, which has no min / max in torch."""
    as_uint16 = [(name, pred.to(torch.uint16), scores, gt.to(torch.uint16))
                 for name, pred, scores, gt in IMAGES]
    metric = InstanceSegMetric()
    metric.process({}, [sample_dict(*image) for image in as_uint16])
    assert metric.compute_metrics(metric.results) == pytest.approx(EXPECTED)


def test_negative_ids_are_an_error():
    sample = sample_dict('a.png', PRED_A, SCORES_A, GT_A - 1)
    with pytest.raises(ValueError, match=r'gt_instance_map of a\.png holds negative ids'):
        InstanceSegMetric().process({}, [sample])
