"""Mask R-CNN targets from an instance map: masks and boxes as the definitions say."""
import numpy as np
import pytest
from mmdet.structures.bbox import HorizontalBoxes
from mmdet.structures.mask import BitmapMasks

from baselines.maskrcnn import InstanceMapToDetTargets, masks_and_boxes

# Ids need not be consecutive; 300 is out of 8-bit range; instance 7 has two separate parts.
MAP = np.array([[0, 300, 300, 0, 0, 0],
                [0, 300, 300, 0, 7, 0],
                [0, 0, 0, 0, 0, 0],
                [7, 0, 0, 0, 0, 0],
                [0, 0, 0, 0, 0, 2]], dtype=np.int32)


def test_masks_are_the_id_regions_in_increasing_id_order():
    masks, _ = masks_and_boxes(MAP)
    assert masks.dtype == bool and masks.shape == (3, 5, 6)
    for mask, instance_id in zip(masks, (2, 7, 300)):
        np.testing.assert_array_equal(mask, MAP == instance_id)


def test_boxes_enclose_each_mask_with_exclusive_ends():
    _, boxes = masks_and_boxes(MAP)
    # (x1, y1, x2, y2): first column / row covered, last column / row covered + 1, by hand.
    expected = [[5, 4, 6, 5],  # id 2: one pixel at (row 4, column 5)
                [0, 1, 5, 4],  # id 7: (1, 4) and (3, 0)
                [1, 0, 3, 2]]  # id 300: rows 0-1, columns 1-2
    np.testing.assert_array_equal(boxes, np.array(expected, np.float32))
    assert boxes.dtype == np.float32


def test_a_map_without_instances_gives_empty_targets():
    masks, boxes = masks_and_boxes(np.zeros((4, 3), np.uint16))
    assert masks.shape == (0, 4, 3) and boxes.shape == (0, 4)


def test_rejects_what_is_not_one_map():
    with pytest.raises(ValueError, match=r'\(H, W\) instance map'):
        masks_and_boxes(MAP[None])


def test_transform_replaces_the_maps_by_detection_targets():
    results = {'gt_instance_map': MAP.astype(np.uint16), 'gt_seg_map': (MAP > 0).astype(np.uint8),
               'seg_fields': ['gt_seg_map', 'gt_instance_map']}
    results = InstanceMapToDetTargets()(results)
    assert 'gt_instance_map' not in results and 'gt_seg_map' not in results
    assert results['seg_fields'] == []
    assert isinstance(results['gt_bboxes'], HorizontalBoxes)
    assert isinstance(results['gt_masks'], BitmapMasks)
    assert results['gt_masks'].height == 5 and results['gt_masks'].width == 6
    np.testing.assert_array_equal(results['gt_masks'].masks[2], MAP == 300)
    np.testing.assert_array_equal(results['gt_bboxes_labels'], [0, 0, 0])
    np.testing.assert_array_equal(results['gt_ignore_flags'], [False] * 3)
