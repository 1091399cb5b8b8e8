"""Mask R-CNN targets from an instance map: mmdetection's structures of the right masks and boxes."""
import numpy as np
from mmdet.structures.bbox import HorizontalBoxes
from mmdet.structures.mask import BitmapMasks

from baselines.maskrcnn import InstanceMapToDetTargets

# Ids need not be consecutive; 300 is out of 8-bit range; instance 7 has two separate parts.
MAP = np.array([[0, 300, 300, 0, 0, 0],
                [0, 300, 300, 0, 7, 0],
                [0, 0, 0, 0, 0, 0],
                [7, 0, 0, 0, 0, 0],
                [0, 0, 0, 0, 0, 2]], dtype=np.int32)


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
    np.testing.assert_array_equal(results['gt_bboxes'].tensor[2].numpy(), [1, 0, 3, 2])  # id 300
    np.testing.assert_array_equal(results['gt_bboxes_labels'], [0, 0, 0])
    np.testing.assert_array_equal(results['gt_ignore_flags'], [False] * 3)
