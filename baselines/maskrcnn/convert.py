"""A detector's outputs (a binary mask and a score per detection) as mask AP takes them.

A detector's masks overlap, while SBD and DiC score an instance map, where every pixel belongs to
at most one instance: :func:`discseg.instance_maps.instance_map_from_masks` flattens confident masks
into such a map; :func:`encode_masks` keeps every mask, overlaps included, for mask AP, which is
defined on them.
"""
from __future__ import annotations

import numpy as np
from torch import Tensor

from discseg.evaluation.mask_ap import EncodedInstances
from discseg.instance_maps import as_masks_and_scores, encode_rles

__all__ = ['encode_masks']


def encode_masks(masks: Tensor | np.ndarray, scores: Tensor | np.ndarray) -> EncodedInstances:
    """Every mask as one COCO RLE with its score, overlapping or empty, as mask AP counts them."""
    masks, scores = as_masks_and_scores(masks, scores)
    _, height, width = masks.shape
    return EncodedInstances(height, width, encode_rles(masks), scores)
