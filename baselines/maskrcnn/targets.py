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

__all__ = ['InstanceMapToDetTargets', 'masks_and_boxes']


def masks_and_boxes(instance_map: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The [K, H, W] bool masks of the non-zero ids (increasing) and their [K, 4] float32 boxes.

    Boxes are ``(x1, y1, x2, y2)`` with ``x2 = last column + 1``, as mmdetection reads COCO's
    ``[x, y, w, h]`` (width = number of columns covered).
    """
    if instance_map.ndim != 2:
        raise ValueError(f'expected an (H, W) instance map, got shape {instance_map.shape}')
    ids = np.unique(instance_map)
    ids = ids[ids != 0]
    masks = instance_map[None] == ids[:, None, None]
    if ids.size == 0:
        return masks, np.zeros((0, 4), dtype=np.float32)
    rows, cols = masks.any(axis=2), masks.any(axis=1)  # [K, H], [K, W]
    first_row, first_col = rows.argmax(axis=1), cols.argmax(axis=1)
    end_row = rows.shape[1] - rows[:, ::-1].argmax(axis=1)
    end_col = cols.shape[1] - cols[:, ::-1].argmax(axis=1)
    boxes = np.stack([first_col, first_row, end_col, end_row], axis=1).astype(np.float32)
    return masks, boxes


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
        masks, boxes = masks_and_boxes(instance_map)
        height, width = instance_map.shape
        results['gt_bboxes'] = HorizontalBoxes(boxes)
        results['gt_masks'] = BitmapMasks(masks.astype(np.uint8), height, width)
        results['gt_bboxes_labels'] = np.zeros(len(boxes), dtype=np.int64)
        results['gt_ignore_flags'] = np.zeros(len(boxes), dtype=bool)
        return results
