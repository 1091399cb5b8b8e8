"""Instance maps and what data, baselines and metrics derive from them: masks, boxes, COCO RLE.

An instance map is an (H, W) integer array, one id per pixel, 0 for no instance. Every dataset
reaches the models as one, and each consumer needs one of three forms of it: (K, H, W) boolean
masks (Mask R-CNN's targets, occlusion measures), tight boxes (Mask R-CNN's targets, COCO's
``bbox``), or COCO run-length encodings (mask AP, the COCO files of the baselines). Deriving them
in one place keeps their conventions identical everywhere:

- ids are taken in increasing order, so mask k belongs to the k-th smallest non-zero id;
- boxes are ``(x0, y0, x1, y1)`` with exclusive ends (``x1`` = last column + 1), so a box's width
  is the number of columns it covers, which is how mmdetection reads COCO's ``[x, y, w, h]``;
- RLEs are pycocotools' own encoding of the masks, ``counts`` as bytes.
"""
from __future__ import annotations

import numpy as np
from pycocotools import mask as mask_utils

__all__ = ['bounding_boxes', 'coco_mask_fields', 'encode_rles', 'instance_ids', 'instance_masks']


def instance_ids(instance_map: np.ndarray) -> np.ndarray:
    """The non-zero ids of ``instance_map``, increasing."""
    ids = np.unique(instance_map)
    return ids[ids != 0]


def instance_masks(instance_map: np.ndarray, ids: np.ndarray | None = None) -> np.ndarray:
    """(K, H, W) boolean masks of ``ids`` (default: every non-zero id, increasing)."""
    if instance_map.ndim != 2:
        raise ValueError(f'expected an (H, W) instance map, got shape {instance_map.shape}')
    if ids is None:
        ids = instance_ids(instance_map)
    return instance_map[None] == np.asarray(ids)[:, None, None]


def bounding_boxes(masks: np.ndarray) -> np.ndarray:
    """(K, 4) int64 tight boxes ``(x0, y0, x1, y1)``, ends exclusive, of (K, H, W) non-empty
    masks."""
    rows = masks.any(axis=2)
    cols = masks.any(axis=1)
    height, width = masks.shape[1:]
    y0 = rows.argmax(axis=1)
    y1 = height - rows[:, ::-1].argmax(axis=1)
    x0 = cols.argmax(axis=1)
    x1 = width - cols[:, ::-1].argmax(axis=1)
    return np.stack([x0, y0, x1, y1], axis=1).astype(np.int64)


def encode_rles(masks: np.ndarray) -> list[dict]:
    """One COCO RLE per (K, H, W) mask, empty or overlapping ones included."""
    if len(masks) == 0:
        return []
    # pycocotools encodes a Fortran-ordered uint8 stack of shape (H, W, K).
    return mask_utils.encode(np.asfortranarray(masks.transpose(1, 2, 0), dtype=np.uint8))


def coco_mask_fields(masks: np.ndarray) -> list[dict]:
    """Per (K, H, W) non-empty mask, the fields of a COCO annotation that the mask decides:
    ``segmentation`` (RLE, ``counts`` as text, as JSON holds it), ``area`` (pixels) and ``bbox``
    ``[x, y, w, h]``."""
    areas = masks.sum(axis=(1, 2))
    return [{'segmentation': {'size': [int(n) for n in rle['size']],
                              'counts': rle['counts'].decode('ascii')},
             'area': int(area),
             'bbox': [int(x0), int(y0), int(x1 - x0), int(y1 - y0)]}
            for rle, (x0, y0, x1, y1), area in zip(encode_rles(masks), bounding_boxes(masks),
                                                   areas)]
