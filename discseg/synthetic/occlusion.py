"""How much the sticks of one image get in each other's way.

Three views of one image's occlusion, each a pure function of masks:

- `hidden_fraction`: the share of the sticks' area that later sticks paint over; what an instance
  segmenter has to infer from what is left.
- `mean_pairwise_box_iou`: how much the visible instances' bounding boxes coincide; what a
  box-first detector (Mask R-CNN) cannot separate, since two crossed sticks share nearly one box
  (paper Sec. 3.3).
- `num_crossings`: how many pairs of sticks touch at all.
- `occlusion_tags`: per stick, whether a later one hides part of it ('occluded') or cuts what is
  left of it into pieces ('separated', the crossed swords), as mmdetection's occluded / separated
  recall (Zhan et al. 2022) defines the two.

Boxes are ``(x0, y0, x1, y1)`` in pixels with exclusive ends (`discseg.instance_maps`), so a
box's area is its pixel count when the mask fills it.
"""
from __future__ import annotations

import math

import cv2
import numpy as np

from ..instance_maps import bounding_boxes, instance_masks

__all__ = ['OCCLUSION_TAGS', 'box_iou', 'hidden_fraction', 'mean_pairwise_box_iou', 'num_crossings',
           'occlusion_tags']

OCCLUSION_TAGS = ('unoccluded', 'occluded', 'separated')


def hidden_fraction(full_masks: np.ndarray, visible_masks: np.ndarray) -> float:
    """Fraction of the total stick area hidden by later sticks: ``1 - sum(visible) / sum(full)``.

    Both arguments are (N, H, W) boolean stacks, one slice per stick; ``full_masks`` holds each
    stick's unoccluded footprint clipped to the image. 0.0 when there is no stick area at all.
    """
    full_area = np.count_nonzero(full_masks)
    if full_area == 0:
        return 0.0
    return 1.0 - np.count_nonzero(visible_masks) / full_area


def box_iou(boxes: np.ndarray) -> np.ndarray:
    """(K, K) intersection over union of every pair of (K, 4) boxes ``(x0, y0, x1, y1)``."""
    x0 = np.maximum(boxes[:, None, 0], boxes[None, :, 0])
    y0 = np.maximum(boxes[:, None, 1], boxes[None, :, 1])
    x1 = np.minimum(boxes[:, None, 2], boxes[None, :, 2])
    y1 = np.minimum(boxes[:, None, 3], boxes[None, :, 3])
    intersection = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return intersection / (area[:, None] + area[None, :] - intersection)


def mean_pairwise_box_iou(instance_map: np.ndarray) -> float:
    """Mean box IoU over all unordered pairs of visible instances; 0.0 with fewer than two."""
    boxes = bounding_boxes(instance_masks(instance_map))
    if len(boxes) < 2:
        return 0.0
    first, second = np.triu_indices(len(boxes), k=1)
    return float(box_iou(boxes)[first, second].mean())


def num_crossings(full_masks: np.ndarray) -> int:
    """Number of unordered pairs of sticks whose (N, H, W) unoccluded footprints share a pixel."""
    flat = full_masks.reshape(len(full_masks), math.prod(full_masks.shape[1:])).astype(np.float32)
    shared_pixels = flat @ flat.T  # float32 for a BLAS product; only > 0 matters
    return int(np.count_nonzero(np.triu(shared_pixels > 0, k=1)))


def occlusion_tags(full_masks: np.ndarray, visible_masks: np.ndarray) -> list[str]:
    """Per stick: 'separated' when its visible pixels fall into two or more 8-connected pieces,
    'occluded' when some of its footprint is hidden but what shows is one piece, else
    'unoccluded'. Arguments as :func:`hidden_fraction`, aligned stick by stick."""
    tags = []
    for full, visible in zip(full_masks, visible_masks):
        pieces = cv2.connectedComponents(visible.astype(np.uint8), connectivity=8)[0] - 1
        if pieces >= 2:
            tags.append('separated')
        elif np.count_nonzero(full & ~visible):
            tags.append('occluded')
        else:
            tags.append('unoccluded')
    return tags
