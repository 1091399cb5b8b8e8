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

The way back, from a detector's overlapping scored masks to one map, is
:func:`instance_map_from_masks`: the map the detectors are scored and shown by.
"""
from __future__ import annotations

import numpy as np
from pycocotools import mask as mask_utils
from torch import Tensor

__all__ = ['as_masks_and_scores', 'bounding_boxes', 'coco_mask_fields', 'encode_rles', 'instance_ids',
           'instance_map_from_masks', 'instance_masks']


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


def as_masks_and_scores(masks: Tensor | np.ndarray,
                        scores: Tensor | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[K, H, W] bool masks and [K] float64 scores as numpy arrays, from arrays or tensors."""
    if isinstance(masks, Tensor):
        masks = masks.detach().cpu().numpy()
    if isinstance(scores, Tensor):
        scores = scores.detach().float().cpu().numpy()
    masks = np.asarray(masks, dtype=bool)
    scores = np.asarray(scores, dtype=np.float64)
    if masks.ndim != 3 or scores.shape != masks.shape[:1]:
        raise ValueError(f'expected masks [K, H, W] and scores [K], '
                         f'got {masks.shape} and {scores.shape}')
    return masks, scores


def instance_map_from_masks(masks: Tensor | np.ndarray, scores: Tensor | np.ndarray,
                            score_threshold: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Paint the masks scoring at least ``score_threshold`` into one instance map.

    A pixel covered by several masks goes to the highest-scoring one (as if the masks were painted
    in ascending score order; ties go to the mask listed first). Masks left without any pixel are
    dropped, so ids are consecutive.

    Args:
        masks: [K, H, W] boolean masks.
        scores: [K] confidences.
        score_threshold: masks scoring below it are not painted.

    Returns:
        The [H, W] int64 map (0 = background, ids 1..K' by decreasing score) and the [K'] scores,
        ``scores[k - 1]`` belonging to id k, as :func:`discseg.evaluation.encode_instances` reads.
    """
    masks, scores = as_masks_and_scores(masks, scores)
    kept = np.flatnonzero(scores >= score_threshold)
    if kept.size == 0:
        return np.zeros(masks.shape[1:], dtype=np.int64), scores[:0]
    by_decreasing_score = kept[np.argsort(-scores[kept], kind='stable')]
    ranked_masks = masks[by_decreasing_score]

    # argmax of a boolean stack is its first True: the best-scoring mask covering the pixel.
    rank_map = np.where(ranked_masks.any(axis=0), ranked_masks.argmax(axis=0) + 1, 0)
    # Ranks that own no pixel any more get no id; the others are renumbered 1..K' in order.
    is_visible = np.bincount(rank_map.ravel(), minlength=len(kept) + 1)[1:] > 0
    id_of_rank = np.zeros(len(kept) + 1, dtype=np.int64)
    id_of_rank[1:][is_visible] = np.arange(1, is_visible.sum() + 1)
    return id_of_rank[rank_map], scores[by_decreasing_score[is_visible]]
