"""The detectors' sticks metric (``MaskRCNNInstanceMetric``) against ours, on hand-made masks."""
import cv2
import numpy as np
import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.evaluator import Evaluator
from mmengine.structures import InstanceData

from baselines.maskrcnn import MaskRCNNInstanceMetric
from discseg.evaluation import InstanceSegMetric

# Ground truth in a 16-bit PNG: ids 300 and 44 collide if it is read as 8 bits.
GT = np.array([[300, 300, 300, 0, 0, 44, 44, 44],
               [300, 300, 300, 0, 0, 44, 44, 44],
               [0, 0, 0, 0, 0, 0, 0, 0],
               [1000, 1000, 1000, 1000, 0, 0, 0, 0],
               [0, 0, 0, 0, 0, 0, 0, 0],
               [0, 0, 0, 0, 0, 0, 0, 0]], dtype=np.uint16)
# Detections, by decreasing score: stick 300 exactly (0.9), most of stick 44 (0.8), a false positive
# (0.6), and stick 1000 exactly but below the 0.5 threshold (0.3). None overlap.
MASKS = np.stack([GT == 300, (GT == 44) & (np.arange(8) < 7), np.zeros_like(GT, bool), GT == 1000])
MASKS[2, 5, 5:] = True
SCORES = [0.9, 0.8, 0.6, 0.3]


def write_image(root, split, name, gt):
    for folder, image in (('images', np.full(gt.shape + (3, ), 255, np.uint8)), ('instances', gt)):
        (root / folder / split).mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(root / folder / split / name), image)
    return str(root / 'images' / split / name)


def det_sample(img_path, masks, scores):
    sample = DetDataSample(metainfo=dict(img_path=img_path))
    sample.pred_instances = InstanceData(
        masks=torch.from_numpy(masks), scores=torch.tensor(scores),
        labels=torch.zeros(len(scores), dtype=torch.long), bboxes=torch.zeros(len(scores), 4))
    return sample


def evaluate_maskrcnn(samples):
    evaluator = Evaluator(MaskRCNNInstanceMetric())
    evaluator.process(samples)
    return evaluator.evaluate(len(samples)), evaluator.metrics[0].per_image


def evaluate_ours(img_paths, pred_maps, scores, gt_maps):
    metric = InstanceSegMetric()
    metric.process({}, [{
        'img_path': img_path,
        'pred_instance_map': {'data': torch.from_numpy(pred)[None]},
        'pred_instances': {'scores': torch.tensor(image_scores, dtype=torch.float32)},
        'gt_instance_map': {'data': torch.from_numpy(gt.astype(np.int64))[None]},
    } for img_path, pred, image_scores, gt in zip(img_paths, pred_maps, scores, gt_maps)])
    return metric.compute_metrics(metric.results), metric.per_image


def instance_map(masks):
    """Non-overlapping masks as a map, mask k -> id k + 1."""
    return (masks * np.arange(1, len(masks) + 1)[:, None, None]).sum(axis=0)


@pytest.fixture
def two_images(tmp_path):
    """Image 0: GT above. Image 1: one stick and no detection."""
    second_gt = np.zeros_like(GT)
    second_gt[4:, :3] = 2
    return [write_image(tmp_path, 'val', name, gt)
            for name, gt in (('00000.png', GT), ('00001.png', second_gt))], [GT, second_gt]


def test_metric_equals_ours_on_the_equivalent_instance_map(two_images):
    img_paths, gt_maps = two_images
    no_detection = np.zeros((0, ) + GT.shape, dtype=bool)
    samples = [det_sample(img_paths[0], MASKS[:3], SCORES[:3]),
               det_sample(img_paths[1], no_detection, [])]

    metrics, per_image = evaluate_maskrcnn(samples)

    expected, expected_per_image = evaluate_ours(
        img_paths, [instance_map(MASKS[:3]), np.zeros(GT.shape, np.int64)], [SCORES[:3], []],
        gt_maps)
    assert metrics == expected
    assert per_image == expected_per_image
    assert 0 < metrics['sbd'] < 1 and 0 < metrics['mask_ap'] < 1  # not a trivial case


def test_maps_keep_confident_masks_while_ap_ranks_all(two_images):
    img_paths, gt_maps = two_images
    no_detection = np.zeros((0, ) + GT.shape, dtype=bool)

    metrics, _ = evaluate_maskrcnn([det_sample(img_paths[0], MASKS, SCORES),
                                    det_sample(img_paths[1], no_detection, [])])

    empty = np.zeros(GT.shape, np.int64)
    thresholded, _ = evaluate_ours(img_paths, [instance_map(MASKS[:3]), empty],
                                   [SCORES[:3], []], gt_maps)
    everything, _ = evaluate_ours(img_paths, [instance_map(MASKS), empty], [SCORES, []], gt_maps)
    for key in ('sbd', 'dic', 'abs_dic', 'fg_dice'):
        assert metrics[key] == thresholded[key], key
    assert metrics['mask_ap'] == everything['mask_ap'] > thresholded['mask_ap']


def test_missing_instance_map_is_named(tmp_path):
    img_path = write_image(tmp_path, 'val', '00000.png', GT)
    (tmp_path / 'instances' / 'val' / '00000.png').unlink()
    metric = MaskRCNNInstanceMetric()
    sample = det_sample(img_path, MASKS, SCORES).to_dict()
    with pytest.raises(FileNotFoundError, match=r'instances/val/00000\.png'):
        metric.process({}, [sample])
