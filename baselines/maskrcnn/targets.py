"""An instance-id map to Mask R-CNN's training targets, after any augmentation of the map.

Our loaders give every dataset as ``gt_instance_map`` (0 = background). Deriving boxes and masks
from it *after* the geometric transforms means the baseline trains on exactly the augmented images
our method sees (same mmseg resize / rotate / crop / flip of the same maps), and a rotated or
cropped instance gets the tight box of what is left of it, not the box of a rotated box.
"""
from __future__ import annotations

import numpy as np
from mmcv.transforms import BaseTransform
from mmdet.registry import TRANSFORMS
from mmdet.structures.bbox import HorizontalBoxes
from mmdet.structures.mask import BitmapMasks

from discseg.instance_maps import bounding_boxes, instance_masks

__all__ = ['InstanceMapToDetTargets']


@TRANSFORMS.register_module()
class InstanceMapToDetTargets(BaseTransform):
    """``gt_instance_map`` -> ``gt_bboxes``, ``gt_masks``, ``gt_bboxes_labels``, ``gt_ignore_flags``.

    Every instance is of class 0 (one foreground class). The id and semantic maps are removed, so
    ``PackDetInputs`` packs the detection targets only.
    """

    def transform(self, results: dict) -> dict:
        instance_map = np.asarray(results.pop('gt_instance_map'))
        results.pop('gt_seg_map', None)
        results['seg_fields'] = []
        masks = instance_masks(instance_map)
        boxes = bounding_boxes(masks)
        height, width = instance_map.shape
        results['gt_bboxes'] = HorizontalBoxes(boxes.astype(np.float32))
        results['gt_masks'] = BitmapMasks(masks.astype(np.uint8), height, width)
        results['gt_bboxes_labels'] = np.zeros(len(boxes), dtype=np.int64)
        results['gt_ignore_flags'] = np.zeros(len(boxes), dtype=bool)
        return results
